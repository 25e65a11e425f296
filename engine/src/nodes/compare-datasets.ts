import type { Item, JsonObject } from '#shared/runs/items.ts';
import { pairedWith, type PairedItem } from '../runner/paired-items.ts';
import { NodeError, type NodeExecutor } from '../runner/types.ts';
import { lodashIsEqual } from './lodash-compare.ts';
import { lodashGet, lodashSet, lodashUnset } from './lodash-paths.ts';
import { checkFieldsPresent, findMatches, fuzzyEquals, type FieldPair } from './merge-fields.ts';
import { deepClone } from './paths.ts';
import { str } from './values.ts';

/**
 * Compare Datasets as n8n's (CompareDatasets/GenericFunctions.ts, versions 1
 * to 2.3): each input A item whose match fields are all there is paired with
 * the first (or every) input B item with equal values; a pair whose other
 * fields are equal (skipped fields left out, fuzzy if asked) goes to "same"
 * once per A item, any other pair to "different" as A's item, B's item, a mix
 * (B's or A's fields except some taken from the other) or both versions with
 * the keys, the same and the differing fields. Unpaired items go to "in A
 * only" and "in B only"; items with no fields are dropped.
 *
 * n8n's mix writes into the input items themselves and hands the same object
 * on each time it is chosen, so an item chosen twice shows the last write in
 * both places. Weft works on private copies of the inputs, made once, which
 * keeps that sharing and leaves the inputs as they were (the differential
 * harness's compare-datasets-mix-mutates-input exception).
 */

interface Options {
  version: number;
  fuzzy: boolean;
  resolve: string;
  disableDotNotation: boolean;
  skipFields: string[];
  equals: (a: unknown, b: unknown) => boolean;
}

const pairsOf = (value: unknown): FieldPair[] =>
  (Array.isArray(value) ? value : []).map((row) => {
    const r = (typeof row === 'object' && row !== null ? row : {}) as JsonObject;
    return { field1: str(r.field1), field2: str(r.field2) };
  });

/** n8n's checkMatchFieldsInput: no pairs at all is allowed (every A item then pairs with B's first). */
const checkPairs = (pairs: FieldPair[]): void => {
  const [first] = pairs;
  if (pairs.length === 1 && first?.field1 === '' && first.field2 === '')
    throw new NodeError('You need to define at least one pair of fields in "Fields to Match" to match on');
  pairs.forEach((pair, index) => {
    if (pair.field1 === '' || pair.field2 === '')
      throw new NodeError(`You need to define both fields in "Fields to Match" for pair ${index + 1}`);
  });
};

const nullish =
  (version: number) =>
  (value: unknown): unknown =>
    version >= 2 ? (value === undefined ? null : value) : value || null;

const union = (a: string[], b: string[]): string[] => [...new Set([...a, ...b])];

/** "Include both versions": the match keys, the equal fields and each differing field from both items. */
const bothVersions = (item1: Item, item2: Item, pairs: FieldPair[], o: Options): JsonObject => {
  const keys: JsonObject = {};
  for (const pair of pairs) keys[pair.field1] = item1.json[pair.field1];
  const keys1 = Object.keys(item1.json);
  const keys2 = Object.keys(item2.json);
  const all = union(keys1, keys2);
  const toCompare = o.fuzzy && o.version >= 2.1 ? all : keys1.filter((k) => keys2.includes(k));
  const same: JsonObject = {};
  for (const key of toCompare) if (o.equals(item1.json[key], item2.json[key])) same[key] = item1.json[key];
  const sameKeys = Object.keys(same);
  const different: JsonObject = {};
  const skipped: Record<string, JsonObject> = {};
  const [nameA, nameB] = o.version >= 2 ? ['inputA', 'inputB'] : ['input1', 'input2'];
  const processed = nullish(o.version);
  all
    .filter((key) => !sameKeys.includes(key))
    .forEach((key, i) => {
      let input1 = processed(item1.json[key]);
      let input2 = processed(item2.json[key]);
      if (o.version >= 2.1 && !o.disableDotNotation && !o.skipFields.includes(key)) {
        const dotted = o.skipFields.filter((field) => field.startsWith(key) && field.includes('.'));
        input1 = deepClone(input1);
        input2 = deepClone(input2);
        if (dotted.length > 0 && (typeof input1 !== 'object' || typeof input2 !== 'object'))
          throw new NodeError(
            `The field '${key}' in item ${i} is not an object. It is not possible to use dot notation.`,
          );
        if (skipped[key] === undefined && dotted.length > 0) skipped[key] = { [nameA]: {}, [nameB]: {} };
        for (const field of dotted) {
          const nested = field.replace(`${key}.`, '');
          const entry = skipped[key] as Record<string, JsonObject>;
          lodashSet(entry[nameA] as JsonObject, nested, lodashGet(input1, nested));
          lodashSet(entry[nameB] as JsonObject, nested, lodashGet(input2, nested));
          if (input1 !== null) lodashUnset(input1 as JsonObject, nested);
          if (input2 !== null) lodashUnset(input2 as JsonObject, nested);
        }
        different[key] = { [nameA]: input1, [nameB]: input2 };
      } else if (o.skipFields.includes(key)) skipped[key] = { [nameA]: input1, [nameB]: input2 };
      else different[key] = { [nameA]: input1, [nameB]: input2 };
    });
  return { keys, same, different, ...(Object.keys(skipped).length > 0 ? { skipped } : {}) };
};

/** "Use a mix of versions": the preferred item, with the listed fields taken from the other (written in place). */
const mix = (item1: Item, item2: Item, prefer: unknown, except: unknown, disableDotNotation: boolean): Item => {
  const [entry, match] = prefer === 'input1' ? [item1, item2] : [item2, item1];
  const fields = Array.isArray(except)
    ? except.map((f) => str(f))
    : except
      ? str(except)
          .split(',')
          .map((f) => f.trim())
      : [];
  for (const field of fields) {
    // lodash set with the path ['json', field]: the field is one key, however it reads.
    const value = disableDotNotation ? match.json[field] : (lodashGet(match.json, field) ?? null);
    if (field === '__proto__') Object.defineProperty(entry.json, field, { value, enumerable: true, writable: true });
    else entry.json[field] = value;
  }
  return entry;
};

/** lodash omit of the skipped fields (a copy), or their unset in a copy when dotted paths are among them. */
const withoutSkipped = (json: JsonObject, skipFields: string[]): JsonObject => {
  const copy = deepClone(json);
  for (const field of skipFields) lodashUnset(copy, field);
  return copy;
};

export const compareDatasets: NodeExecutor = (ctx) => {
  const p = ctx.nodeParams();
  const pairs = pairsOf(p.mergeByFields);
  checkPairs(pairs);
  const version = Number(p.n8nVersion) || 2.3;
  const fuzzy = p.fuzzyCompare === true;
  const disableDotNotation = p.disableDotNotation === true;
  // Each copy remembers the input item it was made from: "both versions" pairs with the two.
  const origin = new Map<Item, PairedItem>();
  const copy = (items: Item[] | undefined, input: number): Item[] =>
    (items ?? []).flatMap((item, i) => {
      if (Object.keys(item.json).length === 0) return [];
      const paired: PairedItem = input === 0 ? { item: i } : { item: i, input };
      const copied = pairedWith({ json: deepClone(item.json) }, paired);
      origin.set(copied, paired);
      return [copied];
    });
  const one = copy(ctx.inputs.inputA, 0);
  const two = copy(ctx.inputs.inputB, 1);
  if (version < 2.2) {
    if (one.length > 0)
      checkFieldsPresent(
        one,
        pairs.map((pair) => pair.field1),
        disableDotNotation,
        'Input A',
      );
    if (two.length > 0)
      checkFieldsPresent(
        two,
        pairs.map((pair) => pair.field2),
        disableDotNotation,
        'Input B',
      );
  }
  const resolve = str(p.resolve);
  const skipFields = str(p.skipFields)
    .split(',')
    .map((f) => f.trim());
  if (disableDotNotation && skipFields.some((f) => f.includes('.'))) {
    const field = skipFields.find((f) => f.includes('.')) ?? '';
    throw new NodeError(`Dot notation is disabled, but field to skip comparing '${field}' contains dot`);
  }
  const equals = fuzzy ? (a: unknown, b: unknown) => fuzzyEquals(a, b, version) : lodashIsEqual;
  const o: Options = { version, fuzzy, resolve, disableDotNotation, skipFields, equals };
  const found = findMatches(one, two, pairs, {
    fuzzyCompare: fuzzy,
    fuzzyVersion: version,
    disableDotNotation,
    multipleMatches: p.multipleMatches === 'all' ? 'all' : 'first',
    onePerMatch: false,
  });

  const same: Item[] = [];
  const different: Item[] = [];
  for (const { entry, matches } of found.matched) {
    let kept: Item | undefined;
    for (const match of matches) {
      const a = withoutSkipped(entry.json, skipFields);
      const b = withoutSkipped(match.json, skipFields);
      const equal = fuzzy ? Object.keys(a).every((key) => equals(a[key], b[key])) : lodashIsEqual(a, b);
      if (equal) {
        kept ??= fuzzy && resolve === 'preferInput2' ? match : entry;
        continue;
      }
      if (resolve === 'preferInput1') different.push(entry);
      else if (resolve === 'preferInput2') different.push(match);
      else if (resolve === 'mix')
        different.push(mix(entry, match, p.preferWhenMix, p.exceptWhenMix, disableDotNotation));
      else
        different.push(
          pairedWith(
            { json: bothVersions(entry, match, pairs, o) },
            [origin.get(entry), origin.get(match)].filter((x): x is PairedItem => x !== undefined),
          ),
        );
    }
    if (kept) same.push(kept);
  }
  return { inAOnly: found.unmatched1, same, different, inBOnly: found.unmatched2 };
};
