import { ERROR_OUTPUT } from '#shared/nodes/types.ts';
import type { GraphNode } from './graph.ts';
import type { Item, NodeOutput } from '#shared/runs/items.ts';
import { pairedWith, type PairedItem } from './paired-items.ts';

/**
 * n8n's node settings "Execute Once", "Always Output Data" and the error
 * output, as WorkflowExecute applies them around a node's own work.
 */

/**
 * "Execute Once" (n8n's handleExecuteOnce): the node works on the first item
 * of each input only. What the run records as its input, and what paired
 * items and "Always Output Data" count, stay the whole input (n8n slices a
 * copy and keeps `executionData.data`).
 */
export const executeOnceInput = (input: Record<string, Item[]>): Record<string, Item[]> => {
  const once = Object.create(null) as Record<string, Item[]>;
  for (const handle in input) once[handle] = (input[handle] as Item[]).slice(0, 1);
  return once;
};

/**
 * "Always Output Data" (n8n's ensureAlwaysOutputData): a run whose first
 * output has no items puts out one empty item there instead, paired to every
 * item of every input (`{ item, input }`), whatever its other outputs hold.
 */
export const alwaysOutput = (g: GraphNode, input: Record<string, Item[]>, output: NodeOutput): NodeOutput => {
  const first = output[g.firstOutput];
  if (first && first.length > 0) return output;
  const paired: PairedItem[] = [];
  const handles = [...g.inputIndex].sort((a, b) => a[1] - b[1]);
  for (const [handle, index] of handles) {
    const items = input[handle] ?? [];
    for (let i = 0; i < items.length; i++) paired.push(index > 0 ? { item: i, input: index } : { item: i });
  }
  return { ...output, [g.firstOutput]: [pairedWith({ json: {} }, paired)] };
};

/** An item that is only an error, as n8n's handleNodeErrorOutput tells one: `error` set, at most `message` and `details` besides. */
const isErrorItem = (item: Item): boolean =>
  Boolean(item.json.error) && Object.keys(item.json).every((k) => k === 'error' || k === 'message' || k === 'details');

/**
 * On error "continue (using error output)" (n8n's handleNodeErrorOutput,
 * after every run that put something out, a disabled node's too): items on
 * the node's other outputs that are only an error move to its error output,
 * which n8n then always has (an empty list, when none moved). n8n merges each
 * moved item over the item it is paired with in the previous node's output;
 * the items that reach here are their own pair (a Code node's `{ error }` in
 * its own place, passed on as it is), so their json is kept as it is.
 *
 * n8n empties each of those output lists in place while it sorts them, so an
 * output list that *is* an input list (a disabled node's, No Op's) leaves
 * that input empty for what comes after: "Always Output Data" pairs its item
 * to the other inputs only. `input` is the run's input as n8n then sees it.
 */
export const errorItemsToErrorOutput = (
  g: GraphNode,
  input: Record<string, Item[]>,
  output: NodeOutput,
): { output: NodeOutput; input: Record<string, Item[]> } => {
  if (g.node.onError !== 'continueErrorOutput' || !g.outputs.includes(ERROR_OUTPUT)) return { output, input };
  const out: NodeOutput = { ...output };
  const moved: Item[] = [];
  let seen = input;
  for (const handle of g.outputs) {
    const items = output[handle];
    if (handle === ERROR_OUTPUT || !items?.length) continue;
    for (const h in input) {
      if (input[h] !== items) continue;
      if (seen === input) seen = Object.assign(Object.create(null) as Record<string, Item[]>, input);
      seen[h] = [];
    }
    if (!items.some(isErrorItem)) continue;
    out[handle] = items.filter((i) => !isErrorItem(i));
    for (const item of items) if (isErrorItem(item)) moved.push(item);
  }
  out[ERROR_OUTPUT] = [...(output[ERROR_OUTPUT] ?? []), ...moved];
  return { output: out, input: seen };
};
