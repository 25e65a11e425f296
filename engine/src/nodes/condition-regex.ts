import vm from 'node:vm';
import { NodeError } from '../runner/types.ts';

/**
 * A condition's regular expression, tested with a time limit as n8n does
 * (250 ms in a vm context): a pattern that backtracks without end, written
 * into a workflow or arriving in an item, fails the node instead of holding
 * the engine's event loop.
 */

const REGEX_TIMEOUT_MS = 250;

const state = { pattern: '', flags: '', input: '', result: false };
const context = vm.createContext(state);
const script = new vm.Script('result = new RegExp(pattern, flags).test(input)');

const messageOf = (e: unknown): string =>
  typeof e === 'object' && e !== null && typeof (e as { message?: unknown }).message === 'string'
    ? (e as { message: string }).message
    : String(e);

export const regexTest = (pattern: string, flags: string, input: string): boolean => {
  state.pattern = pattern;
  state.flags = flags;
  state.input = input;
  state.result = false;
  try {
    script.runInContext(context, { timeout: REGEX_TIMEOUT_MS });
  } catch (e) {
    if ((e as { code?: unknown } | null)?.code === 'ERR_SCRIPT_EXECUTION_TIMEOUT')
      throw new NodeError('Regular expression execution timed out');
    throw new NodeError(messageOf(e));
  } finally {
    state.input = '';
  }
  return state.result;
};
