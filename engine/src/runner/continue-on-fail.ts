import { MAIN } from '#shared/nodes/types.ts';
import type { OnError } from '#shared/schema/definition.ts';
import type { Item, NodeOutput } from '#shared/runs/items.ts';
import { pairedWith } from './paired-items.ts';
import { ItemErrors } from './types.ts';

/**
 * What a node that failed but continues ("continue" on error) hands on, as
 * n8n's nodes and WorkflowExecute do it:
 * - some items failed (Code once per item): on the regular output, each
 *   failed item becomes `{ error }` in its own place among the others (n8n's
 *   nodes push `{ json: { error } }` where the item was); with an error
 *   output, the failed items go there as the input item plus `error`
 *   (WorkflowExecute's handleNodeErrorOutput merges in the paired item);
 * - the whole node failed: every item goes on with the error added, on the
 *   error output or the regular one.
 */
export const continuedOutput = (
  failure: unknown,
  message: string,
  items: Item[],
  onError: Exclude<OnError, 'stopWorkflow'>,
  firstOutput: string,
): NodeOutput => {
  const withError = (index: number, json: Item['json']): Item => pairedWith({ json }, { item: index });
  if (failure instanceof ItemErrors) {
    const ok = failure.output[MAIN] ?? [];
    if (onError === 'continueErrorOutput') {
      const failed = failure.failed.map((f) =>
        withError(f.index, { ...(items[f.index]?.json ?? {}), error: f.message }),
      );
      return { ...failure.output, error: failed };
    }
    const byIndex = new Map(failure.failed.map((f) => [f.index, f.message]));
    // One output item per input item (once per item): the failed ones take their own place.
    if (ok.length + byIndex.size === items.length) {
      const out: Item[] = [];
      let next = 0;
      for (let i = 0; i < items.length; i++) {
        const failed = byIndex.get(i);
        out.push(failed === undefined ? (ok[next++] as Item) : withError(i, { error: failed }));
      }
      return { [MAIN]: out };
    }
    return { [MAIN]: [...ok, ...failure.failed.map((f) => withError(f.index, { error: f.message }))] };
  }
  const failed = (items.length > 0 ? items : [{ json: {} }]).map((item, i) =>
    withError(i, { ...item.json, error: message }),
  );
  return onError === 'continueErrorOutput' ? { error: failed } : { [firstOutput]: failed };
};
