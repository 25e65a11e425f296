import { MAIN } from '#shared/nodes/types.ts';
import type { Item, JsonObject } from '#shared/runs/items.ts';
import { pairedWith } from '../runner/paired-items.ts';
import { ItemErrors, NodeError, type NodeExecutor } from '../runner/types.ts';
import { regexReplace, regexTest } from './condition-regex.ts';
import { lodashGet, lodashSet, lodashUnset } from './lodash-paths.ts';
import { deepClone } from './paths.ts';
import { str } from './values.ts';

/**
 * Rename Keys as n8n's (RenameKeys.node.ts): each row reads the value at its
 * current key from the item as it came in, sets it at the new key of the copy
 * and unsets the current key there (lodash get/set/unset, dotted paths); then
 * each regular expression renames matching keys at every level down to its
 * depth, a value's own keys before the value's, lists entered but their
 * positions never renamed, through the 250 ms limit of condition-regex.ts.
 *
 * n8n reads the rows' values from the input item itself, so one value moved
 * by two rows is one object that later edits reach twice; Weft reads them from
 * a private copy of the input, which keeps that sharing without changing the
 * node's input (n8n's edits of its input are the rename-keys-mutates-input
 * exception of the differential harness).
 */

interface Replacement {
  searchRegex?: unknown;
  replaceRegex?: unknown;
  caseInsensitive?: unknown;
  depth?: unknown;
}

const rowsOf = (value: unknown): JsonObject[] =>
  Array.isArray(value) ? value.filter((r): r is JsonObject => typeof r === 'object' && r !== null) : [];

/** The keys `for (key in value)` visits: a string's positions, nothing for other primitives. */
const forInKeys = (value: unknown): string[] => {
  if (typeof value === 'string') return Array.from({ length: value.length }, (_, i) => String(i));
  return typeof value === 'object' && value !== null ? Object.keys(value) : [];
};

/** How a key reads in n8n's TypeError message: a string value quoted, as V8 writes it. */
const describe = (value: unknown): string => (typeof value === 'string' ? `string '${value}'` : typeof value);

const renameByRegex = (root: unknown, r: Replacement): unknown => {
  const pattern = str(r.searchRegex);
  const flags = r.caseInsensitive === true ? 'i' : '';
  const replacement = r.replaceRegex ?? '';
  const walk = (obj: unknown, depth: unknown): unknown => {
    const target = obj as Record<string, unknown>;
    for (const key of forInKeys(obj)) {
      // for…in skips a key deleted before it is reached.
      if (!(key in Object(obj))) continue;
      if (Array.isArray(obj)) {
        if (depth !== 0) walk(target[key], (depth as number) - 1);
        continue;
      }
      const own: unknown = (Object(obj) as { hasOwnProperty?: unknown }).hasOwnProperty;
      if (typeof own !== 'function') throw new NodeError('obj.hasOwnProperty is not a function');
      if (!Object.prototype.hasOwnProperty.call(Object(obj), key)) continue;
      if (typeof target[key] === 'object' && depth !== 0) walk(target[key], (depth as number) - 1);
      if (!regexTest(pattern, flags, key)) continue;
      const newKey = regexReplace(pattern, flags, key, replacement);
      if (newKey === key) continue;
      // n8n's strict-mode code fails on a string inside a list: a primitive takes no properties.
      if (typeof obj !== 'object' || obj === null)
        throw new NodeError(`Cannot create property '${newKey}' on ${describe(obj)}`);
      target[newKey] = target[key];
      Reflect.deleteProperty(target, key);
    }
    return obj;
  };
  return walk(root, r.depth);
};

const renameItem = (input: JsonObject, p: JsonObject): JsonObject => {
  const source = deepClone(input);
  let json = deepClone(input);
  for (const row of rowsOf(p.keys)) {
    const currentKey = str(row.currentKey);
    const newKey = str(row.newKey);
    if (currentKey === '' || newKey === '' || currentKey === newKey) continue;
    const value = lodashGet(source, currentKey);
    if (value === undefined) continue;
    lodashSet(json, newKey, value);
    lodashUnset(json, currentKey);
  }
  for (const replacement of rowsOf(p.regexReplacement)) json = renameByRegex(json, replacement) as JsonObject;
  return json;
};

export const renameKeys: NodeExecutor = (ctx) => {
  const params = ctx.params();
  // n8n stops at the first item that fails, unless the node goes on after errors.
  const goOn = ctx.node.onError === 'continueRegularOutput' || ctx.node.onError === 'continueErrorOutput';
  const out: Item[] = [];
  const failed: { index: number; message: string }[] = [];
  ctx.items.forEach((item, index) => {
    if (failed.length > 0 && !goOn) return;
    try {
      const json = renameItem(item.json, params[index] ?? {});
      // n8n's Rename Keys hands the item's files on as they are.
      out.push(pairedWith(item.binary === undefined ? { json } : { json, binary: item.binary }, { item: index }));
    } catch (e) {
      if (!(e instanceof NodeError)) throw e;
      failed.push({ index, message: e.message });
    }
  });
  if (failed.length > 0) {
    if (!goOn) throw new NodeError(failed[0]?.message ?? 'an item failed');
    throw new ItemErrors({ [MAIN]: out }, failed);
  }
  return { [MAIN]: out };
};
