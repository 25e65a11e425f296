import { MAIN } from '#shared/nodes/types.ts';
import type { JsonObject } from '#shared/runs/items.ts';
import { pairedWith } from '../runner/paired-items.ts';
import { NodeError, type NodeExecutor } from '../runner/types.ts';
import { namesOf, own } from './field-lists.ts';
import { lodashIsEqual, lodashLt } from './lodash-compare.ts';
import { flattenKeys, lodashGet, lodashPick } from './lodash-paths.ts';

/**
 * Remove Duplicates as n8n's (and Item Lists'): the compared keys are every
 * leaf path of the items ("meta.b.0"), or the first item's minus some, or
 * the named fields; every item must have each of them (an error otherwise),
 * of one type (`typeCheck`: nulls skipped since Remove Duplicates 1.1,
 * counted before, Item Lists 3.1 sorts by type and checks nothing). n8n
 * sorts the items by those keys and drops an item equal to the last one
 * kept before it; its comparator is no total order over mixed types, so
 * duplicates that do not end up side by side stay, exactly as in n8n (the
 * sort is V8's here too). Removing items seen in earlier runs needs a store
 * kept between runs, which Weft does not have: that operation fails and is
 * named at import.
 */

type TypeCheck = 'ignoreNulls' | 'withNulls' | 'sortByType';

/** n8n's typeToNumber: the order of types when Item Lists 3.1 compares them. */
const typeRank = (value: unknown): number => {
  if (Array.isArray(value)) return 9;
  if (value === null) return 10;
  const ranks: Record<string, number> = { string: 1, number: 2, bigint: 3, boolean: 4, undefined: 6, object: 7 };
  return ranks[typeof value] ?? 8;
};

export const removeDuplicates: NodeExecutor = (ctx) => {
  const p = ctx.nodeParams();
  const items = ctx.items;
  const operation = p.operation ?? 'removeDuplicateInputItems';
  if (operation === 'clearDeduplicationHistory') return { [MAIN]: items };
  if (operation !== 'removeDuplicateInputItems')
    throw new NodeError(
      'Removing items seen in earlier executions is not supported in Weft (it keeps no deduplication history between runs)',
    );
  const first = items[0];
  if (!first) return { [MAIN]: [] };
  const flat = p.disableDotNotation === true;
  const typeCheck: TypeCheck =
    p.typeCheck === 'withNulls' || p.typeCheck === 'sortByType' ? p.typeCheck : 'ignoreNulls';
  const keysOf = (json: JsonObject) => Object.keys(flat ? json : flattenKeys(json));
  const read = (json: JsonObject, key: string) => (flat ? own(json, key) : lodashGet(json, key));

  let keys = keysOf(first.json);
  for (const item of items) for (const key of keysOf(item.json)) if (!keys.includes(key)) keys.push(key);
  if (p.compare === 'allFieldsExcept') {
    const exclude = namesOf(p.fieldsToExclude, 'Fields To Exclude');
    if (exclude.length === 0) throw new NodeError('No fields specified. Please add a field to exclude from comparison');
    if (!flat) keys = keysOf(first.json);
    keys = keys.filter((key) => !exclude.includes(key));
  } else if (p.compare === 'selectedFields') {
    const selected = namesOf(p.fieldsToCompare, 'Fields To Compare');
    if (selected.length === 0) throw new NodeError('No fields specified. Please add a field to compare on');
    keys = selected.map((key) => String(key).trim());
  }

  const indexed = items.map((item, index) => ({ json: { ...item.json, __INDEX: index }, index }));
  indexed.sort((a, b) => {
    for (const key of keys) {
      const x = read(a.json, key);
      const y = read(b.json, key);
      if (typeCheck === 'sortByType') {
        const rank = typeRank(x) - typeRank(y);
        if (rank !== 0) return rank;
      }
      if (!lodashIsEqual(x, y)) return lodashLt(x, y) ? -1 : 1;
    }
    return 0;
  });

  for (const key of keys) {
    let type: string | undefined;
    for (const item of indexed) {
      if (key === '') throw new NodeError('Name of field to compare is blank');
      const value = read(item.json, key);
      if (value === null && typeCheck === 'ignoreNulls') continue;
      if (value === undefined) throw new NodeError(`'${key}' field is missing from some input items`);
      if (typeCheck !== 'sortByType' && type !== undefined && type !== typeof value)
        throw new NodeError(`'${key}' isn't always the same type`);
      type = typeof value;
    }
  }

  const removed = new Set<number>();
  let last = indexed[0];
  for (const item of indexed.slice(1)) {
    const previous = last?.json ?? {};
    if (keys.every((key) => lodashIsEqual(read(item.json, key), read(previous, key)))) removed.add(item.index);
    else last = item;
  }
  const kept = items.flatMap((item, index) => (removed.has(index) ? [] : [{ item, index }]));
  if (p.removeOtherFields !== true) return { [MAIN]: kept.map((k) => k.item) };
  // Each new item pairs with the input item it was cut from (n8n numbers them by output position instead).
  return { [MAIN]: kept.map((k) => pairedWith({ json: lodashPick(k.item.json, keys) }, { item: k.index })) };
};
