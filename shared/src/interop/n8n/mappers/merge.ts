import { text } from '../conditions.ts';
import { type Mapper, type ParamReader, type Params } from '../param-reader.ts';

/**
 * Merge, by n8n type version: v3–3.2 (mode + combineBy), v2/2.1 (mode +
 * combinationMode), v1 (its own modes).
 * Clash handling, fuzzy compare, dot notation, multiple matches and unpaired
 * items are carried as Weft parameters; `compat` keeps v2's ways.
 */

const clashOptions = (r: ParamReader, out: Params, version: number): void => {
  const values = r.get('options.clashHandling.values');
  if (values === undefined) return;
  const resolve = r.get('options.clashHandling.values.resolveClash');
  // v2 "prefer input 2" is v3's "preferLast" for two inputs.
  if (resolve === 'preferInput2' || resolve === 'preferLast') out.resolveClash = 'preferLast';
  else if (resolve === 'preferInput1' || resolve === 'addSuffix') out.resolveClash = resolve;
  else if (resolve !== undefined && resolve !== '') {
    r.problem(`its clash handling "${text(resolve)}" is not supported (version ${version}); input 2 wins`);
  }
  const mergeMode = r.get('options.clashHandling.values.mergeMode');
  if (mergeMode === 'shallowMerge') out.mergeMode = 'shallowMerge';
  if (r.get('options.clashHandling.values.overrideEmpty') === true) out.overrideEmpty = true;
};

const matchOptions = (r: ParamReader, out: Params): void => {
  if (r.get('options.fuzzyCompare') === true) out.fuzzyCompare = true;
  if (r.get('options.disableDotNotation') === true) out.disableDotNotation = true;
  if (r.get('options.multipleMatches') === 'first') out.multipleMatches = 'first';
};

const byFields = (r: ParamReader, out: Params, fields: { field1: string; field2: string }[]): void => {
  out.mode = 'combineByFields';
  out.fieldsToMatch = fields;
  const join = r.get('joinMode') ?? 'keepMatches';
  out.joinMode = join;
  // n8n reads "output data from" only where it shows it.
  if (join === 'keepMatches' || join === 'keepNonMatches') {
    const from = r.get('outputDataFrom');
    if (from === 'input1' || from === 'input2') out.outputDataFrom = from;
  }
  matchOptions(r, out);
};

const rowsOf = (r: ParamReader) =>
  r.rows('mergeByFields.values').map((row) => ({ field1: text(row.field1), field2: text(row.field2) }));

const mergeV3 = (r: ParamReader): Params => {
  const out: Params = {};
  const inputs = r.get('numberInputs');
  if (typeof inputs === 'number' && inputs > 2) {
    r.problem(`it has ${inputs} inputs; Weft's Merge has 2, so inputs 3 and up are left out`);
  }
  const mode = r.get('mode') ?? 'append';
  if (mode === 'append') out.mode = 'append';
  else if (mode === 'chooseBranch') {
    out.mode = 'chooseBranch';
    r.get('chooseBranchMode');
    const output = r.get('output') ?? 'specifiedInput';
    const input = r.get('useDataOfInput');
    out.useDataOfInput = output === 'empty' ? 'empty' : input === 2 || input === '2' ? 'input2' : 'input1';
  } else if (mode === 'combine') {
    const by = r.get('combineBy') ?? 'combineByFields';
    if (by === 'combineByFields') {
      const advanced = r.get('advanced') === true;
      const fields = advanced
        ? rowsOf(r)
        : text(r.get('fieldsToMatchString') ?? '')
            .split(',')
            .map((f) => ({ field1: f.trim(), field2: f.trim() }));
      byFields(r, out, fields);
    } else if (by === 'combineByPosition') {
      out.mode = 'combineByPosition';
      if (r.get('options.includeUnpaired') === true) out.includeUnpaired = true;
    } else if (by === 'combineAll') {
      out.mode = 'combineAll';
      r.get('options.fuzzyCompare');
    } else {
      out.mode = 'append';
      r.problem(`its combine mode "${text(by)}" is not supported; it appends now`);
    }
    clashOptions(r, out, r.version);
  } else {
    out.mode = 'append';
    r.problem(`its mode "${text(mode)}" (SQL query) is not supported; it appends now`);
  }
  return out;
};

const mergeV2 = (r: ParamReader): Params => {
  const out: Params = { compat: r.version >= 2.1 ? 'v2.1' : 'v2' };
  const mode = r.get('mode') ?? 'append';
  if (mode === 'append') out.mode = 'append';
  else if (mode === 'chooseBranch') {
    out.mode = 'chooseBranch';
    r.get('chooseBranchMode');
    const output = r.get('output') ?? 'input1';
    out.useDataOfInput = output === 'empty' ? 'empty' : output === 'input2' ? 'input2' : 'input1';
  } else if (mode === 'combine') {
    const by = r.get('combinationMode') ?? 'mergeByFields';
    if (by === 'mergeByFields') byFields(r, out, rowsOf(r));
    else if (by === 'mergeByPosition') {
      out.mode = 'combineByPosition';
      if (r.get('options.includeUnpaired') === true) out.includeUnpaired = true;
    } else if (by === 'multiplex') out.mode = 'combineAll';
    else {
      out.mode = 'append';
      r.problem(`its combine mode "${text(by)}" is not supported; it appends now`);
    }
    clashOptions(r, out, r.version);
  } else {
    out.mode = 'append';
    r.problem(`its mode "${text(mode)}" is not supported; it appends now`);
  }
  return out;
};

/** v1: its modes, with `compat: 'v1'` where a later mode of the same name behaves otherwise. */
const mergeV1 = (r: ParamReader): Params => {
  const mode = r.get('mode') ?? 'append';
  switch (mode) {
    case 'append':
      return { mode: 'append' };
    case 'multiplex':
      // Version 1 spreads the two items' fields: a shallow merge, input 2 winning.
      return { mode: 'combineAll', mergeMode: 'shallowMerge' };
    case 'passThrough':
      return { mode: 'chooseBranch', compat: 'v1', useDataOfInput: r.get('output') === 'input2' ? 'input2' : 'input1' };
    case 'wait':
      return { mode: 'chooseBranch', compat: 'v1', useDataOfInput: 'empty' };
    case 'mergeByIndex': {
      const join = r.get('join') ?? 'left';
      return { mode: 'mergeByIndex', join: join === 'inner' || join === 'outer' ? join : 'left' };
    }
    case 'mergeByKey':
    case 'keepKeyMatches':
    case 'removeKeyMatches': {
      const out: Params = { mode, key1: text(r.get('propertyName1') ?? ''), key2: text(r.get('propertyName2') ?? '') };
      if (mode === 'mergeByKey') {
        const overwrite = r.get('overwrite') ?? 'always';
        out.overwrite = overwrite === 'blank' || overwrite === 'undefined' ? overwrite : 'always';
      }
      return out;
    }
    default:
      r.problem(`its version 1 mode "${text(mode)}" is not supported; it appends now`);
      return { mode: 'append' };
  }
};

/** Merge. */
export const mergeMappers: Record<string, Mapper> = {
  merge: (r) => (r.version >= 3 ? mergeV3(r) : r.version >= 2 ? mergeV2(r) : mergeV1(r)),
};
