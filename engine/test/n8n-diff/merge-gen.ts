import type { Family } from './differ.ts';
import type { Json, JsonItem } from './items.ts';
import type { NodeCase, Params } from './node-case.ts';
import { Rng } from './rng.ts';

/**
 * Merge, every type version Weft accepts: v1 (append, merge by index with
 * each join, merge by key with each overwrite rule, keep and remove key
 * matches, multiplex, pass through, wait), v2 and v2.1 (append,
 * combine by fields / position / multiplex, choose branch), v3–3.2 (append,
 * combine by fields with the simple and the advanced field list, by
 * position, all combinations, choose branch), with clash handling (suffix,
 * prefer either input, deep or shallow, minimize empty fields), fuzzy
 * compare, dot notation off, first match only, unpaired items, every join
 * mode and "output data from". Two inputs, each 0–4 items, often one empty
 * (the Merge then runs with one input once nothing else is left), whose
 * fields overlap: ids that match across inputs in loose and strict ways,
 * nested objects and arrays that clash, nulls and empty strings.
 */

const matchValues: Json[] = [1, 2, 3, '1', '2', null, '', true, 'true', 0, '0', [], [1], { k: 1 }, '{"k":1}'];

const fieldValue = (rng: Rng): Json =>
  rng.pick<() => Json>([
    () => rng.pick(['x', 'y', 'Ünï', '']),
    () => rng.int(5),
    () => null,
    () => ({ x: rng.int(3), deep: { y: rng.pick(['a', 'b', null]) } }),
    () => [rng.int(3), rng.int(3)],
    () => ({ x: [rng.int(2)] }),
  ])();

const item = (rng: Rng, side: 1 | 2): JsonItem => {
  const json: JsonItem = {};
  if (rng.chance(0.9)) json.id = rng.pick(matchValues);
  if (rng.chance(0.4)) json.key = rng.pick(matchValues);
  if (rng.chance(0.3)) json.meta = { id: rng.pick(matchValues), n: rng.int(3) };
  for (const field of ['name', 'a', 'nested', side === 1 ? 'only1' : 'only2']) {
    if (rng.chance(0.5)) json[field] = fieldValue(rng);
  }
  if (rng.chance(0.1)) json['a.b'] = rng.pick(matchValues);
  return json;
};

const items = (rng: Rng, side: 1 | 2): JsonItem[] => {
  const n = rng.chance(0.2) ? 0 : 1 + rng.int(4);
  return Array.from({ length: n }, () => item(rng, side));
};

const matchField = (rng: Rng): string => rng.pick(['id', 'id', 'key', 'meta.id', 'a.b', 'missing']);

const clashHandling = (rng: Rng, version: number): Params | undefined => {
  if (!rng.chance(0.5)) return undefined;
  const resolveClash = rng.pick(['addSuffix', 'preferInput1', version >= 3 ? 'preferLast' : 'preferInput2']);
  const values: Params = { resolveClash };
  if (rng.chance(0.5)) values.mergeMode = rng.pick(['deepMerge', 'shallowMerge']);
  if (rng.chance(0.4)) values.overrideEmpty = rng.chance(0.7);
  return { values };
};

const fieldOptions = (rng: Rng, version: number, joinMode: string, outputDataFrom: string): Params => {
  const options: Params = {};
  const usesClash = joinMode !== 'keepNonMatches' && !(joinMode === 'keepMatches' && outputDataFrom !== 'both');
  const clash = usesClash ? clashHandling(rng, version) : undefined;
  if (clash) options.clashHandling = clash;
  if (rng.chance(0.3)) options.fuzzyCompare = true;
  if (rng.chance(0.2)) options.disableDotNotation = true;
  if (rng.chance(0.3)) options.multipleMatches = rng.pick(['first', 'all']);
  return options;
};

const joinModes = ['keepMatches', 'keepNonMatches', 'keepEverything', 'enrichInput1', 'enrichInput2'];

const byFields = (rng: Rng, version: number, advanced: boolean): Params => {
  const pairs = Array.from({ length: rng.chance(0.25) ? 2 : 1 }, () => {
    const field1 = matchField(rng);
    return { field1, field2: rng.chance(0.7) ? field1 : matchField(rng) };
  });
  const joinMode = rng.pick(joinModes);
  const outputDataFrom = rng.pick(['both', 'input1', 'input2']);
  const p: Params = advanced
    ? { mergeByFields: { values: pairs } }
    : { fieldsToMatchString: pairs.map((f) => f.field1).join(rng.pick([',', ', '])) };
  p.joinMode = joinMode;
  const setFrom = (joinMode === 'keepMatches' || joinMode === 'keepNonMatches') && rng.chance(0.8);
  if (setFrom) p.outputDataFrom = outputDataFrom;
  p.options = fieldOptions(rng, version, joinMode, setFrom ? outputDataFrom : 'both');
  return p;
};

const positionOptions = (rng: Rng, version: number): Params => {
  const options: Params = {};
  const clash = clashHandling(rng, version);
  if (clash) options.clashHandling = clash;
  if (rng.chance(0.5)) options.includeUnpaired = rng.chance(0.8);
  return options;
};

const v3Parameters = (rng: Rng): Params => {
  const mode = rng.pick(['append', 'combine', 'combine', 'combine', 'chooseBranch']);
  const inputs = rng.chance(0.3) ? { numberInputs: 2 } : {};
  if (mode === 'append') return { mode, ...inputs };
  if (mode === 'chooseBranch') {
    const output = rng.pick(['specifiedInput', 'empty']);
    return {
      mode,
      chooseBranchMode: 'waitForAll',
      output,
      ...(output === 'specifiedInput' ? { useDataOfInput: rng.pick([1, 2]) } : {}),
    };
  }
  const combineBy = rng.pick(['combineByFields', 'combineByPosition', 'combineAll']);
  if (combineBy === 'combineByFields') {
    const advanced = rng.chance(0.5);
    return { mode, combineBy, ...(advanced ? { advanced } : {}), ...byFields(rng, 3, advanced) };
  }
  if (combineBy === 'combineByPosition') return { mode, combineBy, ...inputs, options: positionOptions(rng, 3) };
  const clash = clashHandling(rng, 3);
  return { mode, combineBy, options: clash ? { clashHandling: clash } : {} };
};

const v2Parameters = (rng: Rng): Params => {
  const mode = rng.pick(['append', 'combine', 'combine', 'combine', 'chooseBranch']);
  if (mode === 'append') return { mode };
  if (mode === 'chooseBranch')
    return { mode, chooseBranchMode: 'waitForBoth', output: rng.pick(['input1', 'input2', 'empty']) };
  const combinationMode = rng.pick(['mergeByFields', 'mergeByPosition', 'multiplex']);
  if (combinationMode === 'mergeByFields') return { mode, combinationMode, ...byFields(rng, 2, true) };
  if (combinationMode === 'mergeByPosition') return { mode, combinationMode, options: positionOptions(rng, 2) };
  const clash = clashHandling(rng, 2);
  return { mode, combinationMode, options: clash ? { clashHandling: clash } : {} };
};

const v1Parameters = (rng: Rng): Params => {
  const mode = rng.pick([
    'append',
    'mergeByIndex',
    'mergeByKey',
    'keepKeyMatches',
    'removeKeyMatches',
    'multiplex',
    'passThrough',
    'wait',
  ]);
  if (mode === 'mergeByIndex') return rng.chance(0.8) ? { mode, join: rng.pick(['inner', 'left', 'outer']) } : { mode };
  if (mode === 'passThrough') return rng.chance(0.8) ? { mode, output: rng.pick(['input1', 'input2']) } : { mode };
  if (mode === 'mergeByKey' || mode === 'keepKeyMatches' || mode === 'removeKeyMatches') {
    const propertyName1 = rng.pick(['id', 'key', 'meta.id', 'a']);
    const p: Params = { mode, propertyName1, propertyName2: rng.chance(0.7) ? propertyName1 : rng.pick(['id', 'key']) };
    if (mode === 'mergeByKey' && rng.chance(0.7)) p.overwrite = rng.pick(['always', 'blank', 'undefined']);
    return p;
  }
  return { mode };
};

export const mergeCase = (seed: number): NodeCase => {
  const rng = new Rng(seed);
  const typeVersion = rng.pick([1, 2, 2.1, 2.1, 3, 3, 3.1, 3.2, 3.2]);
  const parameters = typeVersion >= 3 ? v3Parameters(rng) : typeVersion >= 2 ? v2Parameters(rng) : v1Parameters(rng);
  return {
    family: 'merge',
    seed,
    type: 'merge',
    typeVersion,
    parameters,
    items: items(rng, 1),
    items2: items(rng, 2),
  };
};

const record = (value: unknown): Params =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Params) : {};

/** One option less. */
export const shrinkMerge = (p: Params): Params[] => {
  const out: Params[] = [];
  const options = record(p.options);
  for (const key of Object.keys(options)) {
    out.push({ ...p, options: Object.fromEntries(Object.entries(options).filter(([k]) => k !== key)) });
  }
  return out;
};

export const mergeFamily: Family = {
  name: 'merge',
  generate: mergeCase,
  shrink: shrinkMerge,
  key: (c) => {
    const p = c.parameters;
    const word = (v: unknown) => (typeof v === 'string' ? v : '');
    const join = word(p.joinMode);
    return `merge v${c.typeVersion} ${word(p.mode)} ${word(p.combineBy ?? p.combinationMode)} ${join}`.trim();
  },
};
