import type { Family } from './differ.ts';
import type { Json, JsonItem } from './items.ts';
import { shrinkParams } from './item-list-params.ts';
import type { NodeCase, Params } from './node-case.ts';
import { Rng } from './rng.ts';

/**
 * Compare Datasets 1–2.3: two inputs built from one set of records, input B
 * a changed copy of A (a field changed, dropped or added, a value in another
 * type for fuzzy compare: 3 and "3", null and 0, true and "TRUE", a list and
 * its JSON; records repeated, missing, empty), matched on one or two fields
 * (nested, missing, blank), with every resolution, fuzzy compare, skipped
 * fields (dotted too), dot notation off and all matches.
 */

const VALUES: Json[] = [0, 1, 3, '3', '', null, true, false, 'x', [], [1, 2], { k: 1 }];

const fuzzyTwin = (rng: Rng, value: Json): Json => {
  if (typeof value === 'number') return rng.pick([String(value), value === 0 ? null : value + 1, value === 1]);
  if (typeof value === 'string') return rng.pick([Number(value), value.toUpperCase(), null, '']);
  if (typeof value === 'boolean') return rng.pick([String(value).toUpperCase(), value ? 1 : 0, value ? '1' : '0']);
  if (value === null) return rng.pick([0, '0', '', [], null]);
  if (Array.isArray(value)) return rng.pick([JSON.stringify(value), [], null]);
  return rng.pick([JSON.stringify(value), { ...value, k: 2 }]);
};

const record = (rng: Rng, id: number): JsonItem => {
  const out: JsonItem = { id: rng.chance(0.1) ? String(id) : id };
  if (rng.chance(0.8)) out.name = rng.pick(['Ana', 'Bo', 'Cy', 'Di']);
  if (rng.chance(0.6)) out.a = rng.pick(VALUES);
  if (rng.chance(0.4)) out.meta = { x: rng.pick(VALUES), y: rng.pick([1, 2]) };
  if (rng.chance(0.3)) out.updated = rng.pick(['2024-01-01', '2024-02-02']);
  return out;
};

const changed = (rng: Rng, item: JsonItem): JsonItem => {
  const out: JsonItem = JSON.parse(JSON.stringify(item)) as JsonItem;
  const keys = Object.keys(out);
  switch (rng.int(6)) {
    case 0:
      return out;
    case 1: {
      const key = rng.pick(keys);
      out[key] = fuzzyTwin(rng, out[key] ?? null);
      return out;
    }
    case 2:
      Reflect.deleteProperty(out, rng.pick(keys));
      return out;
    case 3:
      out.extra = rng.pick(VALUES);
      return out;
    case 4:
      if (typeof out.meta === 'object' && out.meta !== null && !Array.isArray(out.meta))
        out.meta = { ...out.meta, y: 3 };
      else out.updated = '2025-01-01';
      return out;
    default:
      out.name = rng.pick(['Ana', 'Eve']);
      return out;
  }
};

const datasets = (rng: Rng): [JsonItem[], JsonItem[]] => {
  const a = Array.from({ length: rng.int(6) }, (_, i) => record(rng, rng.chance(0.15) ? 1 : i + 1));
  const b: JsonItem[] = [];
  for (const item of a) {
    if (rng.chance(0.2)) continue;
    b.push(rng.chance(0.5) ? changed(rng, item) : item);
    if (rng.chance(0.1)) b.push(changed(rng, item));
  }
  for (let n = rng.int(3); n > 0; n--) b.push(record(rng, 10 + rng.int(3)));
  if (rng.chance(0.1)) a.push({});
  if (rng.chance(0.1)) b.splice(rng.int(b.length + 1), 0, {});
  return [a, rng.shuffle(b)];
};

const MATCH_FIELDS = ['id', 'id', 'id', 'id', 'id', 'id', 'name', 'meta.y', 'a', 'missing', '', 'meta', '={{ "id" }}'];
const SKIP = ['', 'updated', 'updated, name', 'meta.x', 'meta.y, updated', 'meta', 'a,', 'missing', 'meta.x.z'];

export const compareDatasetsCase = (seed: number): NodeCase => {
  const rng = new Rng(seed);
  const typeVersion = rng.pick([1, 2, 2.1, 2.2, 2.3]);
  const pairs = Array.from({ length: rng.chance(0.8) ? 1 : rng.int(3) }, () => {
    const field1 = rng.pick(MATCH_FIELDS);
    return { field1, field2: rng.chance(0.85) ? field1 : rng.pick(MATCH_FIELDS) };
  });
  const parameters: Params = { mergeByFields: { values: pairs } };
  if (rng.chance(0.85)) parameters.resolve = rng.pick(['preferInput1', 'preferInput2', 'mix', 'includeBoth']);
  if (parameters.resolve === 'mix') {
    if (rng.chance(0.7)) parameters.preferWhenMix = rng.pick(['input1', 'input2']);
    if (rng.chance(0.7)) parameters.exceptWhenMix = rng.pick(['', 'name', 'a, meta.x', 'missing', 'updated,']);
  }
  const options: Params = {};
  const fuzzy = rng.chance(0.4);
  if (typeVersion >= 2) parameters.fuzzyCompare = fuzzy;
  else if (fuzzy) options.fuzzyCompare = true;
  if (rng.chance(0.4)) options.skipFields = rng.pick(SKIP);
  if (rng.chance(0.2)) options.disableDotNotation = rng.chance(0.8);
  if (rng.chance(0.3)) options.multipleMatches = rng.pick(['first', 'all']);
  parameters.options = options;
  const [items, items2] = datasets(rng);
  return { family: 'compareDatasets', seed, type: 'compareDatasets', typeVersion, parameters, items, items2 };
};

export const compareDatasetsFamily: Family = {
  name: 'compareDatasets',
  generate: compareDatasetsCase,
  shrink: shrinkParams,
  key: (c) => {
    const p = c.parameters;
    const options = (p.options ?? {}) as Params;
    return [
      'compareDatasets',
      typeof p.resolve === 'string' ? p.resolve : 'default',
      p.fuzzyCompare === true ? 'fuzzy' : '',
      ...Object.keys(options).sort(),
    ]
      .filter((s) => s !== '')
      .join(' ');
  },
};
