import { text } from '../conditions.ts';
import type { Mapper, Params } from '../param-reader.ts';

/** The `n8nVersion` rules of a Compare Datasets version (2.2 and 2.3 behave the same). */
const versionOf = (version: number): string =>
  version >= 2.2 ? '2.3' : version >= 2.1 ? '2.1' : version >= 2 ? '2' : '1';

/**
 * Compare Datasets 1–2.3: the field pairs and options come over flat. In 1
 * and 2 the default resolution was "use input B version", and version 1 kept
 * fuzzy compare among its options.
 */
const compareDatasets: Mapper = (r) => {
  const out: Params = {};
  const rows = r.get('mergeByFields.values');
  if (rows !== undefined)
    out.mergeByFields = r.rows('mergeByFields.values').map((row) => ({
      field1: row.field1 === undefined ? '' : text(row.field1),
      field2: row.field2 === undefined ? '' : text(row.field2),
    }));
  const resolve = r.get('resolve') ?? (r.version < 2.1 ? 'preferInput2' : 'includeBoth');
  out.resolve = resolve;
  // Each version reads fuzzy compare from one place and the mix fields only for a mix: the others change nothing.
  const [fuzzyPath, unusedPath] =
    r.version < 2 ? ['options.fuzzyCompare', 'fuzzyCompare'] : ['fuzzyCompare', 'options.fuzzyCompare'];
  const fuzzy = r.get(fuzzyPath);
  r.get(unusedPath);
  if (fuzzy !== undefined) out.fuzzyCompare = fuzzy;
  const prefer = r.get('preferWhenMix');
  const except = r.get('exceptWhenMix');
  if (resolve === 'mix') {
    if (prefer !== undefined) out.preferWhenMix = prefer;
    if (except !== undefined) out.exceptWhenMix = Array.isArray(except) ? except.map(text).join(',') : except;
  }
  const skip = r.get('options.skipFields');
  if (skip !== undefined) out.skipFields = skip;
  const disable = r.get('options.disableDotNotation');
  if (disable !== undefined) out.disableDotNotation = disable;
  const multiple = r.get('options.multipleMatches');
  if (multiple !== undefined) out.multipleMatches = multiple;
  out.n8nVersion = versionOf(r.version);
  return out;
};

export const compareDatasetsMappers: Record<string, Mapper> = { compareDatasets };
