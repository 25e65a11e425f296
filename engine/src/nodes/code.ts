import { MAIN } from '#shared/nodes/types.ts';
import type { LogLevel } from '#shared/protocol/engine.ts';
import { positionIn, sourceName } from '#shared/expressions/errors.ts';
import { parameterExpressions } from '#shared/expressions/parameter-expressions.ts';
import { callScope, pairedPayload } from '#shared/expressions/resolve.ts';
import { runData } from '#shared/expressions/run-data.ts';
import { readsPairedItems, readsParameters, referencedNodes } from '#shared/expressions/template.ts';
import type { Item } from '#shared/runs/items.ts';
import { pairedWith, parsePairedItem } from '../runner/paired-items.ts';
import { ItemErrors, NodeError, type NodeExecutor } from '../runner/types.ts';
import { codeShapeFor } from '#shared/sandbox/function-source.ts';
import { readsTime, SandboxError, type SandboxErrorInfo } from '#shared/sandbox/sandbox.ts';
import { legacyItemMessage, legacyKind } from './code-legacy.ts';
import { declareImplicitGlobals } from './sort-code.ts';
import { str } from './values.ts';
import { filesOf } from '../binary/files-of.ts';

/**
 * The Code node: JavaScript in the sandbox, once for all items (`$input.all()`,
 * return a list) or once per item (`$json`, return one object). Errors name
 * the line in the node's code; what it prints with console goes to the
 * execution's log.
 */

interface CodeResult {
  items?: (Omit<Item, 'binary'> & { binary?: unknown; index?: number; pairedItem?: unknown })[];
  /** returned: the code ran, and what it returned failed the checks (n8n's Function Item tells those apart). */
  errors?: { index: number; e: SandboxErrorInfo; returned?: boolean }[];
  e?: SandboxErrorInfo;
  /** What the code printed with console, in order, and how many lines past the limit were not kept. */
  logs?: { lines: { level: LogLevel; message: string }[]; dropped: number };
}

/** "message [line N]": the user's line, the wrapper adds one before their code. */
const describe = (info: SandboxErrorInfo, filename: string, item?: number): string => {
  const at = positionIn(info.stack, filename);
  const where = [at ? `line ${at.line - 1}` : undefined, item !== undefined ? `for item ${item}` : undefined].filter(
    Boolean,
  );
  const prefix = info.name && info.name !== 'Error' ? `${info.name}: ` : '';
  return `${prefix}${info.message}${where.length > 0 ? ` [${where.join(', ')}]` : ''}`;
};

export const code: NodeExecutor = (ctx) => {
  const p = ctx.nodeParams();
  // n8n's Function runs once for all items, Function Item once per item, whatever the mode says.
  const legacy = legacyKind(p.legacy);
  const mode =
    legacy === 'functionItem' || (legacy === undefined && p.mode === 'runOnceForEachItem')
      ? 'runOnceForEachItem'
      : 'runOnceForAllItems';
  // n8n runs Code sloppy: a name assigned without a declaration becomes a variable (here a local of the code).
  const source = declareImplicitGlobals(str(p.jsCode, ''), []);
  const filename = sourceName('code', ctx.node.name);
  let id: number;
  try {
    id = ctx.sandbox.compile(codeShapeFor(source, legacy !== undefined), source, filename, readsTime(source));
  } catch (e) {
    if (e instanceof SandboxError) throw new NodeError(describe(e.info, filename));
    throw e;
  }
  // $runIndex, and the parameters of the nodes it names when the code reads them (their expressions compiled).
  const facts = runData(ctx.meta, referencedNodes(source), readsParameters(source));
  const nested = parameterExpressions(ctx.sandbox, facts.params);
  const refs = refsOf(ctx, source, nested.refs);
  // Once per item, n8n stops at the first failure unless the node goes on after failures.
  const goOn = ctx.node.onError === 'continueRegularOutput' || ctx.node.onError === 'continueErrorOutput';
  // Going on after a failure, n8n's Function nodes put the bare message into the item.
  const message = (info: SandboxErrorInfo, item?: number) =>
    legacy && goOn ? legacyItemMessage(info) : describe(info, filename, item);
  const payload = JSON.stringify({
    ...(legacy ? { legacy } : {}),
    ...(readsPairedItems(source)
      ? { items: ctx.items, refs, goOn, paired: pairedPayload(refs, (name) => ctx.pairedItems?.(name) ?? []) }
      : { items: ctx.items, refs, goOn }),
    ...facts,
    ...nested.data,
  });
  let result: CodeResult;
  try {
    result = JSON.parse(ctx.sandbox.runCode(id, mode, payload, callScope(ctx.meta))) as CodeResult;
  } catch (e) {
    if (e instanceof SandboxError) throw new NodeError(`the code ${e.message}`);
    throw e;
  }
  for (const line of result.logs?.lines ?? []) ctx.log(line.level, line.message);
  if (result.logs?.dropped) ctx.logDropped(result.logs.dropped);
  if (result.e) {
    // n8n's Function goes on after a failure with one item that holds the message, in place of all.
    if (legacy === 'function' && goOn) return { [MAIN]: [{ json: { error: message(result.e) } }] };
    throw new NodeError(message(result.e));
  }
  // Paired items as n8n's Code has them: once per item, to the item it ran for; else what the code returned.
  const items = (result.items ?? []).map((i) => {
    const paired = i.index !== undefined ? [{ item: i.index }] : parsePairedItem(i.pairedItem);
    const item: Item = i.binary === undefined ? { json: i.json } : { json: i.json, binary: filesOf(i.binary) };
    return paired ? pairedWith(item, paired) : item;
  });
  const failed = (result.errors ?? []).map((f) => ({
    index: f.index,
    message: message(f.e, f.index),
    returned: f.returned === true,
  }));
  if (legacy === 'functionItem' && failed.length > 0 && ctx.node.onError === 'continueErrorOutput') {
    return functionItemErrorOutput(result.items ?? [], items, failed);
  }
  if (failed.length > 0 && ctx.node.onError === 'continueRegularOutput') {
    // As n8n's runner hands them on: each failed item in its place, as { error } paired to the item it ran for.
    const byIndex = new Map<number, Item>();
    (result.items ?? []).forEach((r, k) => byIndex.set(r.index ?? k, items[k] as Item));
    for (const f of failed) byIndex.set(f.index, pairedWith({ json: { error: f.message } }, { item: f.index }));
    return { [MAIN]: [...byIndex.entries()].sort(([a], [b]) => a - b).map(([, item]) => item) };
  }
  // Stopped at its first failure, the run has no output (as n8n's); going on, the others pass.
  if (failed.length > 0) throw new ItemErrors({ [MAIN]: goOn ? items : [] }, failed);
  return { [MAIN]: items };
};

/**
 * n8n's Function Item going on to an error output: an error in the code is
 * `{ error }` in the item's place, unpaired, which n8n moves to the error
 * output as it is; an error in what the code returned is paired to its item,
 * and n8n merges the item under it there (as Weft's runner does with a failed item).
 */
const functionItemErrorOutput = (
  returned: readonly { index?: number }[],
  items: readonly Item[],
  failed: readonly { index: number; message: string; returned: boolean }[],
) => {
  const byIndex = new Map<number, Item>();
  returned.forEach((r, k) => byIndex.set(r.index ?? k, items[k] as Item));
  for (const f of failed) if (!f.returned) byIndex.set(f.index, { json: { error: f.message } });
  const main = [...byIndex.entries()].sort(([a], [b]) => a - b).map(([, item]) => item);
  const checked = failed.filter((f) => f.returned);
  if (checked.length > 0) throw new ItemErrors({ [MAIN]: main }, checked);
  return { [MAIN]: main };
};

/** Outputs of the nodes the code names with $('…'), sent along so it can read them. */
const refsOf = (
  ctx: Parameters<NodeExecutor>[0],
  source: string,
  more: readonly string[] = [],
): Record<string, readonly Item[]> => {
  const refs: Record<string, readonly Item[]> = {};
  for (const name of [...referencedNodes(source), ...more]) {
    const out = ctx.outputOf(name);
    if (out) refs[name] = out;
  }
  return refs;
};
