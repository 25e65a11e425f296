import type { Item, JsonObject } from '#shared/runs/items.ts';
import { pairedWith } from '../runner/paired-items.ts';
import { lodashGet } from './lodash-paths.ts';

/**
 * n8n's Merge version 1 modes that versions 2 and 3 have no equal of (Merge/v1/MergeV1.node.js):
 * merge by index with an inner, left or outer join, and the key modes —
 * merge by key, keep key matches, remove key matches — which compare keys
 * as text (numbers as their digits) and skip items whose key is not a text,
 * a number or null.
 */

export const mergeByIndexV1 = (one: Item[], two: Item[], join: string): Item[] => {
  if (one.length === 0) return join === 'inner' || join === 'left' ? [] : two;
  if (two.length === 0) return join === 'left' || join === 'outer' ? one : [];
  const count =
    join === 'inner'
      ? Math.min(one.length, two.length)
      : join === 'outer'
        ? Math.max(one.length, two.length)
        : one.length;
  const out: Item[] = [];
  for (let i = 0; i < count; i++) {
    const a = one[i];
    const b = two[i];
    if (!a) out.push(b as Item);
    else if (!b) out.push(a);
    else out.push(pairedWith({ json: { ...a.json, ...b.json } }, [{ item: i }, { item: i, input: 1 }]));
  }
  return out;
};

/** The text JavaScript makes of a value used as an object key (version 1 files input 2 by it). */
const asPropertyKey = (v: unknown): string => {
  if (Array.isArray(v)) return v.map((x: unknown) => (x === null || x === undefined ? '' : asPropertyKey(x))).join(',');
  if (typeof v === 'object' && v !== null) return '[object Object]';
  return typeof v === 'symbol' ? '' : String(v);
};

/** How version 1 reads a key value as text, or undefined when it skips the item. */
const keyText = (value: unknown): string | undefined => {
  if (value === undefined) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return value.toString();
  if (value === null) return 'null';
  return undefined;
};

export const byKeyV1 = (
  mode: 'mergeByKey' | 'keepKeyMatches' | 'removeKeyMatches',
  one: Item[],
  two: Item[],
  key1: string,
  key2: string,
  overwrite: string,
): Item[] => {
  // An empty input 2 is still an input: only missing key names hand input 1 on as it is.
  if (!key1 || !key2) return mode === 'keepKeyMatches' ? [] : one;
  const byKey = new Map<string, Item>();
  for (const entry of two) {
    const key = lodashGet(entry.json, key2);
    // Version 1 skips falsy keys (0, "", null) on input 2.
    if (!key) continue;
    byKey.set(asPropertyKey(key), entry);
  }
  const out: Item[] = [];
  one.forEach((entry, index) => {
    const key = keyText(lodashGet(entry.json, key1));
    // An item without a usable key is kept only when removing matches.
    if (key === undefined) {
      if (mode === 'removeKeyMatches') out.push(entry);
      return;
    }
    const match = byKey.get(key);
    if (!match) {
      if (mode !== 'keepKeyMatches') out.push(entry);
      return;
    }
    if (mode === 'removeKeyMatches') return;
    if (mode === 'keepKeyMatches') {
      out.push(entry);
      return;
    }
    const json = structuredClone<JsonObject>(entry.json);
    for (const field of Object.keys(match.json)) {
      if (field === key2) continue;
      const current = json[field];
      const has = Object.prototype.hasOwnProperty.call(json, field);
      if (
        overwrite === 'always' ||
        (overwrite === 'undefined' && !has) ||
        (overwrite === 'blank' && (current === null || current === undefined || current === ''))
      ) {
        Object.defineProperty(json, field, {
          value: match.json[field],
          writable: true,
          enumerable: true,
          configurable: true,
        });
      }
    }
    out.push(pairedWith({ json }, { item: index }));
  });
  return out;
};
