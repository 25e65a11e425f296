import { defaultParameters } from '#shared/nodes/catalog.ts';
import { MAIN } from '#shared/nodes/types.ts';
import { CustomData } from '#shared/runs/custom-data.ts';
import type { Item, JsonObject } from '#shared/runs/items.ts';
import { ItemErrors, NodeError, type NodeExecutor } from '../runner/types.ts';

/**
 * Execution Data as n8n's (ExecutionData.node.ts): for each item, its rows
 * become one object (a later row with the same key wins; integer-like keys
 * come first, as a plain object orders them) handed to the run's custom data
 * (`setAll`, shared/src/runs/custom-data.ts), and the item passes through.
 * Version 1.1 saves a falsy value (false, 0, null) as ''; version 1 hands it
 * over as it is, and a value that is not text or a number is refused. A
 * refusal fails only a manual run, as n8n's.
 */

const rowsOf = (value: unknown): JsonObject[] =>
  Array.isArray(value) ? value.filter((r): r is JsonObject => typeof r === 'object' && r !== null) : [];

/** A key as a plain object's property name makes it (an expression may give a number or an object). */
const keyText = (key: unknown): string => {
  if (typeof key === 'string') return key;
  // As Array.prototype.join: null and undefined are ''.
  if (Array.isArray(key)) return key.map((k) => (k === null || k === undefined ? '' : keyText(k))).join(',');
  return typeof key === 'object' && key !== null ? '[object Object]' : String(key);
};

const valuesOf = (p: JsonObject, version: number): Record<string, unknown> => {
  const values: Record<string, unknown> = {};
  for (const row of rowsOf(p.dataToSave)) {
    const value: unknown = row.value;
    // n8n builds a plain object: '__proto__' sets its prototype and is no key (CustomData drops it too).
    values[keyText(row.key)] = value ? value : version >= 1.1 ? '' : value;
  }
  return values;
};

/** Whether expressions in the parameters may read the run's custom data (`$execution`, or the names that reach anything). */
const readsCustomData = (parameters: unknown): boolean =>
  /\$execution\b|\barguments\b|\beval\b/.test(JSON.stringify(parameters ?? {}));

export const executionData: NodeExecutor = (ctx) => {
  let params = ctx.params();
  const version = Number(ctx.nodeParams().n8nVersion) || 1.1;
  const store = ctx.meta.customData ?? new CustomData(false);
  // n8n reads each item's parameters after the items before it saved theirs: expressions that read the custom
  // data are resolved again whenever it changed (all items at once, each time: such nodes see few items).
  const again = readsCustomData(ctx.node.parameters) && ctx.paramsOf !== undefined;
  const parameters = { ...defaultParameters(ctx.node.type), ...ctx.node.parameters };
  let seen = store.version;
  const goOn = ctx.node.onError === 'continueRegularOutput' || ctx.node.onError === 'continueErrorOutput';
  const out: Item[] = [];
  const failed: { index: number; message: string }[] = [];
  for (const [index, item] of ctx.items.entries()) {
    try {
      if (again && store.version !== seen) {
        params = ctx.paramsOf?.(parameters) ?? params;
        seen = store.version;
      }
      store.setAll(valuesOf(params[index] ?? {}, version));
      out.push(item);
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      if (!goOn) throw new NodeError(message);
      failed.push({ index, message });
    }
  }
  // Passed-through items keep their own pairing; continue-on-fail puts each failed one's `{ error }` in its place.
  if (failed.length > 0) throw new ItemErrors({ [MAIN]: out }, failed);
  return { [MAIN]: out };
};
