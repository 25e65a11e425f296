import type { GraphNode } from './graph.ts';
import type { Item, NodeOutput } from './items.ts';
import { pairedWith, type PairedItem } from './paired-items.ts';

/**
 * n8n's node settings "Execute Once" and "Always Output Data", as
 * WorkflowExecute applies them around a node's own work.
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
