import type { Item, JsonObject } from '#shared/runs/items.ts';
import { NodeError } from '../runner/types.ts';
import { lodashIsEqual } from './lodash-compare.ts';
import { lodashGet } from './lodash-paths.ts';

/**
 * Merge "combine by matching fields", as n8n's Merge v2/v3 does it
 * (helpers/utils.js findMatches and mergeMatched): an input 1 item whose
 * match values are all present is matched against every (or the first)
 * input 2 item with equal values (lodash isEqual, or n8n's fuzzy compare).
 */

export interface MatchOptions {
  fuzzyCompare: boolean;
  /** n8n's fuzzyCompare version: from 2 (Compare Datasets 2 and later), null, 0 and "0" are equal. */
  fuzzyVersion?: number;
  disableDotNotation: boolean;
  multipleMatches: 'all' | 'first';
  /** One result per (item, match) pair rather than per item: output from both inputs, or enriching. */
  onePerMatch: boolean;
}

export interface Matches {
  matched: { entry: Item; matches: Item[] }[];
  /** Input 2 items that matched something, in input 2's order. */
  matched2: Item[];
  unmatched1: Item[];
  unmatched2: Item[];
}

export interface FieldPair {
  field1: string;
  field2: string;
}

const isFalsy = (v: unknown): boolean => v === null || v === '' || (Array.isArray(v) && v.length === 0);

const parsedEquals = (text: string, value: unknown): boolean => {
  try {
    return lodashIsEqual(JSON.parse(text), value);
  } catch {
    return false;
  }
};

/** n8n's fuzzyCompare: version 1 is what Merge uses, Compare Datasets passes its own node version. */
export const fuzzyEquals = (a: unknown, b: unknown, version = 1): boolean => {
  if (a !== null && b !== null && typeof a === typeof b) return lodashIsEqual(a, b);
  if (version >= 2) {
    if (a === null && (b === null || b === 0 || b === '0')) return true;
    if (b === null && (a === null || a === 0 || a === '0')) return true;
  }
  if (isFalsy(a) && isFalsy(b)) return true;
  if (isFalsy(a) && b === undefined) return true;
  if (a === undefined && isFalsy(b)) return true;
  if (typeof a === 'number' && typeof b === 'string') return a.toString() === b;
  if (typeof a === 'string' && typeof b === 'number') return a === b.toString();
  if (a !== null && typeof a === 'object' && typeof b === 'string') return parsedEquals(b, a);
  if (b !== null && typeof a === 'string' && typeof b === 'object') return parsedEquals(a, b);
  for (const [x, y] of [
    [a, b],
    [b, a],
  ]) {
    if (typeof x === 'boolean' && typeof y === 'string') {
      if (x && y.toLocaleLowerCase() === 'true') return true;
      if (!x && y.toLocaleLowerCase() === 'false') return true;
    }
  }
  for (const [x, y] of [
    [a, b],
    [b, a],
  ]) {
    if (typeof x === 'boolean' && typeof y === 'number') {
      if (x && y === 1) return true;
      if (!x && y === 0) return true;
    }
  }
  for (const [x, y] of [
    [a, b],
    [b, a],
  ]) {
    if (typeof x === 'boolean' && typeof y === 'string') {
      if (x && y === '1') return true;
      if (!x && y === '0') return true;
    }
  }
  return lodashIsEqual(a, b);
};

const valueAt = (json: JsonObject, field: string, disableDotNotation: boolean): unknown =>
  disableDotNotation
    ? Object.prototype.hasOwnProperty.call(json, field)
      ? json[field]
      : undefined
    : lodashGet(json, field);

export const findMatches = (one: Item[], two: Item[], fields: FieldPair[], options: MatchOptions): Matches => {
  const version = options.fuzzyVersion ?? 1;
  const equals = options.fuzzyCompare ? (a: unknown, b: unknown) => fuzzyEquals(a, b, version) : lodashIsEqual;
  const result: Matches = { matched: [], matched2: [], unmatched1: [], unmatched2: [] };
  const matchedInTwo = new Set<number>();
  for (const entry of one) {
    // Keyed by input 2's field, as n8n builds its lookup: a repeated field 2 keeps the last value.
    const lookup = new Map<string, unknown>();
    for (const f of fields) lookup.set(f.field2, valueAt(entry.json, f.field1, options.disableDotNotation));
    if ([...lookup.values()].some((v) => v === undefined)) {
      result.unmatched1.push(entry);
      continue;
    }
    const isMatch = (candidate: Item) =>
      [...lookup].every(([field, expected]) =>
        equals(expected, valueAt(candidate.json, field, options.disableDotNotation)),
      );
    const found: number[] = [];
    for (let i = 0; i < two.length; i++) {
      if (!isMatch(two[i] as Item)) continue;
      found.push(i);
      if (options.multipleMatches === 'first') break;
    }
    for (const i of found) matchedInTwo.add(i);
    const matches = found.map((i) => two[i] as Item);
    if (matches.length === 0) result.unmatched1.push(entry);
    else if (options.onePerMatch) for (const m of matches) result.matched.push({ entry, matches: [m] });
    else result.matched.push({ entry, matches });
  }
  two.forEach((entry, i) => (matchedInTwo.has(i) ? result.matched2 : result.unmatched2).push(entry));
  return result;
};

/** n8n's checkMatchFieldsInput. */
export const checkFieldPairs = (pairs: FieldPair[]): FieldPair[] => {
  const [first] = pairs;
  if (pairs.length === 0 || (pairs.length === 1 && first?.field1 === '' && first.field2 === '')) {
    throw new NodeError('You need to define at least one pair of fields in "Fields to Match" to match on');
  }
  pairs.forEach((pair, index) => {
    if (pair.field1 === '' || pair.field2 === '') {
      throw new NodeError(`You need to define both fields in "Fields to Match" for pair ${index + 1}`);
    }
  });
  return pairs;
};

/** Merge v2.0's checkInput: each field must be in some item of its input (an empty input has none). */
export const checkFieldsPresent = (items: Item[], fields: string[], disableDotNotation: boolean, label: string) => {
  for (const field of fields) {
    const present = items.some((item) =>
      disableDotNotation
        ? Object.prototype.hasOwnProperty.call(item.json, field)
        : lodashGet(item.json, field) !== undefined,
    );
    if (!present) throw new NodeError(`Field '${field}' is not present in any of items in '${label}'`);
  }
};
