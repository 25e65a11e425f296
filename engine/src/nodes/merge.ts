import { MAIN } from '#shared/nodes/types.ts';
import type { Item, JsonObject } from '#shared/runs/items.ts';
import { pairedWith, type PairedItem } from '../runner/paired-items.ts';
import { NodeError, type NodeExecutor } from '../runner/types.ts';
import { deepMerge, shallowMerge } from './lodash-merge.ts';
import { byKeyV1, mergeByIndexV1 } from './merge-v1.ts';
import { checkFieldPairs, checkFieldsPresent, findMatches, type FieldPair } from './merge-fields.ts';

/**
 * Merge, as n8n's Merge v3 (and, with `compat`, v2 and v2.1) does it. The
 * runner runs it once both inputs have items, or with one input empty when
 * nothing else is left to run (never for "choose branch"); what each mode
 * does with an empty input is n8n's.
 */

type Compat = 'v3' | 'v2.1' | 'v2' | 'v1';

/**
 * What each item pairs to, as n8n's Merge writes `pairedItem`: an input item
 * to itself ({ item, input }), a copy with new field names to what it was
 * copied from. Items Merge makes declare the list n8n gives them.
 */
class Pairs {
  private readonly of = new Map<Item, PairedItem[]>();

  constructor(one: Item[], two: Item[]) {
    one.forEach((item, i) => this.of.set(item, [{ item: i }]));
    two.forEach((item, i) => this.of.set(item, [{ item: i, input: 1 }]));
  }

  get(item: Item | undefined): PairedItem[] {
    return (item && this.of.get(item)) ?? [];
  }

  /** A new item made from `sources`' pairings, in order (n8n keeps repeats). */
  make(json: JsonObject, sources: (Item | undefined)[]): Item {
    const item: Item = { json };
    const list = sources.flatMap((s) => this.get(s));
    this.of.set(item, list);
    return pairedWith(item, list);
  }

  /** An item's copy with other fields: paired as the item was. */
  copy(from: Item, json: JsonObject): Item {
    return this.make(json, [from]);
  }
}

interface Clash {
  /** "default": prefer input 2, except "enrich input 2", which prefers input 1 (n8n without clash handling). */
  resolveClash: 'default' | 'preferLast' | 'preferInput1' | 'addSuffix';
  deep: boolean;
  overrideEmpty: boolean;
}

const clashOf = (p: JsonObject): Clash => {
  const resolveClash =
    p.resolveClash === 'preferLast' || p.resolveClash === 'preferInput1' || p.resolveClash === 'addSuffix'
      ? p.resolveClash
      : 'default';
  // n8n hides "merging nested fields" and "minimize empty fields" when adding suffixes: lodash merge then.
  if (resolveClash === 'addSuffix') return { resolveClash, deep: true, overrideEmpty: false };
  return { resolveClash, deep: p.mergeMode !== 'shallowMerge', overrideEmpty: p.overrideEmpty === true };
};

const combine = (clash: Clash, sources: unknown[]): JsonObject =>
  clash.deep ? deepMerge(sources, clash.overrideEmpty) : shallowMerge(sources, clash.overrideEmpty);

const withSuffix = (pairs: Pairs, items: Item[], suffix: string): Item[] =>
  items.map((item) => {
    const json: JsonObject = {};
    for (const key of Object.keys(item.json)) {
      Object.defineProperty(json, `${key}_${suffix}`, {
        value: item.json[key],
        writable: true,
        enumerable: true,
        configurable: true,
      });
    }
    return pairs.copy(item, json);
  });

/** Every pairing of an input 1 item with an input 2 item (n8n v2 "multiplex", v3 "all possible combinations"). */
const combineAll = (pairs: Pairs, one: Item[], two: Item[], clash: Clash): Item[] => {
  let [a, b] = clash.resolveClash === 'preferInput1' ? [two, one] : [one, two];
  if (clash.resolveClash === 'addSuffix') [a, b] = [withSuffix(pairs, a, '1'), withSuffix(pairs, b, '2')];
  const out: Item[] = [];
  for (const x of a) for (const y of b) out.push(pairs.make(combine(clash, [x.json, y.json]), [x, y]));
  return out;
};

const combineByPositionV3 = (
  pairs: Pairs,
  one: Item[],
  two: Item[],
  clash: Clash,
  includeUnpaired: boolean,
): Item[] => {
  // The preferred input is taken before suffixes are added: with suffixes, input 2's own fields come along too.
  const preferred = clash.resolveClash === 'preferInput1' ? one : two;
  const inputs =
    clash.resolveClash === 'addSuffix' ? [withSuffix(pairs, one, '1'), withSuffix(pairs, two, '2')] : [one, two];
  const lengths = [...inputs.map((i) => i.length), preferred.length];
  const count = includeUnpaired ? Math.max(...lengths) : Math.min(...lengths);
  const out: Item[] = [];
  for (let i = 0; i < count; i++) {
    const json = combine(clash, [...inputs.map((input) => input[i]?.json ?? {}), preferred[i]?.json ?? {}]);
    out.push(pairs.make(json, [...inputs.map((input) => input[i]), preferred[i]]));
  }
  return out;
};

const combineByPositionV2 = (
  pairs: Pairs,
  one: Item[],
  two: Item[],
  clash: Clash,
  includeUnpaired: boolean,
): Item[] => {
  // v2: an empty input hands on the other input's items as they are.
  if (one.length === 0 || two.length === 0) return [...one, ...two];
  let [a, b] = clash.resolveClash === 'preferInput1' ? [two, one] : [one, two];
  if (clash.resolveClash === 'addSuffix') [a, b] = [withSuffix(pairs, a, '1'), withSuffix(pairs, b, '2')];
  const count = includeUnpaired ? Math.max(a.length, b.length) : Math.min(a.length, b.length);
  const out: Item[] = [];
  for (let i = 0; i < count; i++) {
    const x = a[i];
    const y = b[i];
    if (!x) out.push(y as Item);
    else if (!y) out.push(x);
    else out.push(pairs.make(combine(clash, [x.json, y.json]), [x, y]));
  }
  return out;
};

type JoinMode = 'keepMatches' | 'keepNonMatches' | 'keepEverything' | 'enrichInput1' | 'enrichInput2';
const joinModes: readonly string[] = [
  'keepMatches',
  'keepNonMatches',
  'keepEverything',
  'enrichInput1',
  'enrichInput2',
];

/** n8n's mergeMatched: each matched input 1 item with its input 2 match(es). */
const mergeMatched = (
  pairs: Pairs,
  matched: { entry: Item; matches: Item[] }[],
  clash: Clash,
  joinMode?: JoinMode,
): Item[] =>
  matched.map(({ entry, matches }) => {
    if (clash.resolveClash === 'addSuffix') {
      const [e] = withSuffix(pairs, [entry], '1');
      const m = withSuffix(pairs, matches, '2');
      return pairs.make(combine(clash, [e?.json ?? {}, ...m.map((x) => x.json)]), [e, ...m]);
    }
    const resolve =
      clash.resolveClash === 'default'
        ? joinMode === 'enrichInput2'
          ? 'preferInput1'
          : 'preferLast'
        : clash.resolveClash;
    if (resolve === 'preferInput1') {
      const [first, ...rest] = matches;
      return pairs.make(combine(clash, [first?.json ?? {}, ...rest.map((m) => m.json), entry.json]), [
        first,
        ...rest,
        entry,
      ]);
    }
    return pairs.make(combine(clash, [entry.json, ...matches.map((m) => m.json)]), [entry, ...matches]);
  });

const combineByFields = (pairs: Pairs, one: Item[], two: Item[], p: JsonObject, compat: Compat): Item[] => {
  const rows: unknown[] = Array.isArray(p.fieldsToMatch) ? p.fieldsToMatch : [];
  const text = (v: unknown) => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');
  const fields: FieldPair[] = checkFieldPairs(
    rows.map((r) => {
      const row = (typeof r === 'object' && r !== null ? r : {}) as Record<string, unknown>;
      return { field1: text(row.field1), field2: text(row.field2) };
    }),
  );
  const joinMode = (joinModes.includes(String(p.joinMode)) ? p.joinMode : 'keepMatches') as JoinMode;
  // "Output data from" is n8n's only for keeping matches or non-matches; otherwise both inputs.
  const outputDataFrom =
    (joinMode === 'keepMatches' || joinMode === 'keepNonMatches') &&
    (p.outputDataFrom === 'input1' || p.outputDataFrom === 'input2')
      ? p.outputDataFrom
      : 'both';
  const disableDotNotation = p.disableDotNotation === true;
  if (compat === 'v2') {
    checkFieldsPresent(
      one,
      fields.map((f) => f.field1),
      disableDotNotation,
      'Input 1',
    );
    checkFieldsPresent(
      two,
      fields.map((f) => f.field2),
      disableDotNotation,
      'Input 2',
    );
  }
  if (one.length === 0 || two.length === 0) {
    if (one.length === 0 && joinMode === 'keepNonMatches' && outputDataFrom === 'input1') return [];
    if (two.length === 0 && joinMode === 'keepNonMatches' && outputDataFrom === 'input2') return [];
    if (joinMode === 'keepMatches') return [];
    if (joinMode === 'enrichInput1' && one.length === 0) return [];
    if (joinMode === 'enrichInput2' && two.length === 0) return [];
    return [...one, ...two];
  }
  const matches = findMatches(one, two, fields, {
    fuzzyCompare: p.fuzzyCompare === true,
    disableDotNotation,
    // n8n shows (and so reads) "multiple matches" only where the output has merged items.
    multipleMatches:
      p.multipleMatches === 'first' &&
      (joinMode === 'keepEverything' ||
        joinMode === 'enrichInput1' ||
        joinMode === 'enrichInput2' ||
        (joinMode === 'keepMatches' && outputDataFrom === 'both'))
        ? 'first'
        : 'all',
    onePerMatch: outputDataFrom === 'both' || joinMode === 'enrichInput1' || joinMode === 'enrichInput2',
  });
  const clash = clashOf(p);
  const suffixed = (items: Item[], suffix: string) =>
    clash.resolveClash === 'addSuffix' ? withSuffix(pairs, items, suffix) : items;
  switch (joinMode) {
    case 'keepMatches':
    case 'keepEverything': {
      const out =
        outputDataFrom === 'input1'
          ? matches.matched.map((m) => m.entry)
          : outputDataFrom === 'input2'
            ? matches.matched2
            : mergeMatched(pairs, matches.matched, clash);
      if (joinMode === 'keepMatches') return out;
      return [...out, ...suffixed(matches.unmatched1, '1'), ...suffixed(matches.unmatched2, '2')];
    }
    case 'keepNonMatches':
      if (outputDataFrom === 'input1') return matches.unmatched1;
      if (outputDataFrom === 'input2') return matches.unmatched2;
      // Both: which input each item came from, in `_source`.
      return [
        ...matches.unmatched1.map((i) => pairs.copy(i, { ...i.json, _source: 'input1' })),
        ...matches.unmatched2.map((i) => pairs.copy(i, { ...i.json, _source: 'input2' })),
      ];
    case 'enrichInput1':
      return [...mergeMatched(pairs, matches.matched, clash, joinMode), ...suffixed(matches.unmatched1, '1')];
    case 'enrichInput2':
      return [...mergeMatched(pairs, matches.matched, clash, joinMode), ...suffixed(matches.unmatched2, '2')];
  }
};

const withFiles = (item: Item): Item =>
  item.binary === undefined ? { json: item.json } : { json: item.json, binary: item.binary };

export const merge: NodeExecutor = (ctx) => {
  const p = ctx.nodeParams();
  // Each input item as its own object, paired to its place: one item object can come in on both inputs.
  // Their files go with them where an item passes whole (append, choose branch); combined items have none yet.
  const one = (ctx.inputs.input1 ?? []).map((item, i) => pairedWith(withFiles(item), { item: i }));
  const two = (ctx.inputs.input2 ?? []).map((item, i) => pairedWith(withFiles(item), { item: i, input: 1 }));
  const compat: Compat = p.compat === 'v2' || p.compat === 'v2.1' || p.compat === 'v1' ? p.compat : 'v3';
  const pairs = new Pairs(one, two);
  switch (p.mode) {
    case 'append':
      return { [MAIN]: [...one, ...two] };
    case 'chooseBranch':
      // The empty item pairs to every input item, input 1's first (version 1's "wait": input 1's only).
      if (p.useDataOfInput === 'empty') return { [MAIN]: [pairs.make({}, compat === 'v1' ? one : [...one, ...two])] };
      return { [MAIN]: p.useDataOfInput === 'input2' ? two : one };
    case 'combineAll':
      return { [MAIN]: combineAll(pairs, one, two, clashOf(p)) };
    case 'combineByPosition': {
      const byPosition = compat === 'v3' ? combineByPositionV3 : combineByPositionV2;
      return { [MAIN]: byPosition(pairs, one, two, clashOf(p), p.includeUnpaired === true) };
    }
    case 'combineByFields':
      return { [MAIN]: combineByFields(pairs, one, two, p, compat) };
    case 'mergeByIndex':
      return { [MAIN]: mergeByIndexV1(one, two, typeof p.join === 'string' ? p.join : 'left') };
    case 'mergeByKey':
    case 'keepKeyMatches':
    case 'removeKeyMatches': {
      const text = (v: unknown) => (typeof v === 'string' ? v : '');
      const overwrite = typeof p.overwrite === 'string' ? p.overwrite : 'always';
      return { [MAIN]: byKeyV1(p.mode, one, two, text(p.key1), text(p.key2), overwrite) };
    }
    default:
      throw new NodeError(`unknown mode "${String(p.mode)}"`);
  }
};
