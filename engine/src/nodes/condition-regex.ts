import vm from 'node:vm';
import { NodeError } from '../runner/types.ts';

/**
 * A condition's regular expression, tested with a time limit as n8n does
 * (250 ms in a vm context, n8n-workflow's safeRegex): a pattern that
 * backtracks without end, written into a workflow or arriving in an item,
 * fails the node instead of holding the engine's event loop. Rename Keys'
 * replacements run the same way.
 */

const REGEX_TIMEOUT_MS = 250;

const state: { pattern: string; flags: string; input: string; replacement: unknown; result: unknown } = {
  pattern: '',
  flags: '',
  input: '',
  replacement: '',
  result: false,
};
const context = vm.createContext(state);
const testScript = new vm.Script('result = new RegExp(pattern, flags).test(input)');
const replaceScript = new vm.Script('result = input.replace(new RegExp(pattern, flags), replacement)');

const messageOf = (e: unknown): string =>
  typeof e === 'object' && e !== null && typeof (e as { message?: unknown }).message === 'string'
    ? (e as { message: string }).message
    : String(e);

const run = (script: vm.Script): unknown => {
  state.result = undefined;
  try {
    script.runInContext(context, { timeout: REGEX_TIMEOUT_MS });
  } catch (e) {
    if ((e as { code?: unknown } | null)?.code === 'ERR_SCRIPT_EXECUTION_TIMEOUT')
      throw new NodeError('Regular expression execution timed out');
    throw new NodeError(messageOf(e));
  } finally {
    state.input = '';
    state.replacement = '';
  }
  return state.result;
};

export const regexTest = (pattern: string, flags: string, input: string): boolean => {
  state.pattern = pattern;
  state.flags = flags;
  state.input = input;
  return run(testScript) === true;
};

/**
 * `input.replace(new RegExp(pattern, flags), replacement)`: `$1` and the like
 * in the replacement name captures; a replacement that is not text (parameters
 * are JSON) is read as its text, as String.prototype.replace does.
 */
export const regexReplace = (pattern: string, flags: string, input: string, replacement: unknown): string => {
  state.pattern = pattern;
  state.flags = flags;
  state.input = input;
  state.replacement = replacement;
  return run(replaceScript) as string;
};
