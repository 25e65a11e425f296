import { FIELDS, itemSet, type Json, type JsonItem } from './items.ts';
import type { NodeCase, Params } from './node-case.ts';
import type { Rng } from './rng.ts';

/**
 * Parameters of the item-list operations (Sort, Limit, Aggregate, Split Out,
 * Remove Duplicates), shared by their own nodes' generators and by the
 * Item Lists generator, which holds them all as operations. `fieldRows`
 * writes field lists the way Item Lists before 3 did (`{ fields: [{ fieldName }] }`).
 */

/** Field names: existing, nested (dotted and bracketed), missing, blank, and from expressions. */
export const fieldName = (rng: Rng): string =>
  rng.chance(0.55)
    ? rng.pick(FIELDS)
    : rng.pick([
        'meta.a',
        'meta.b',
        'meta.b[1].name',
        'meta.b.1.name',
        'tags[0]',
        'tags.0',
        'tags.length',
        'name.length',
        'missing',
        'a.b',
        'Name',
        '',
        '={{ "name" }}',
        '={{ $json.a === null ? "b" : "a" }}',
      ]);

const fieldListText = (rng: Rng): string =>
  rng
    .shuffle([...FIELDS, 'meta.a', 'tags.0', 'missing'])
    .slice(0, rng.int(4))
    .join(rng.pick([',', ', ', ' , ']));

/** A list of field names as text, or as Item Lists' rows before version 3. */
export const fieldList = (rng: Rng, rows: boolean): unknown => {
  const text = rng.chance(0.1) ? '={{ "a, name" }}' : fieldListText(rng);
  if (!rows || text.startsWith('=')) return rows ? { fields: [{ fieldName: 'a' }] } : text;
  return {
    fields: text
      .split(',')
      .map((f) => f.trim())
      .filter((f) => f !== '')
      .map((f) => ({ fieldName: f })),
  };
};

const SORT_CODES = [
  // n8n's own default: assigns a variable it never declares (n8n runs it in sloppy mode).
  "// The two items to compare are in the variables a and b\nfieldName = 'a';\nif (a.json[fieldName] < b.json[fieldName]) {\nreturn -1;\n}\nif (a.json[fieldName] > b.json[fieldName]) {\nreturn 1;\n}\nreturn 0;",
  'return a.json.a - b.json.a;',
  'const x = String(a.json.name); const y = String(b.json.name);\nreturn x < y ? -1 : x > y ? 1 : 0;',
  'return 0;',
  'let n = 0; for (k in a.json) n++; for (k in b.json) n--; return n;',
  'return (b.json.b === undefined) - (a.json.b === undefined);',
  'return a.json.tags.length - b.json.tags.length;',
  'const x = a.json.a; // no return here\n',
];

export const sortParams = (rng: Rng): Params => {
  const type = rng.pick(['simple', 'simple', 'simple', 'random', 'code']);
  if (type === 'random') return { type };
  if (type === 'code') return { type, code: rng.pick(SORT_CODES) };
  const out: Params = {
    type,
    sortFieldsUi: {
      sortField: Array.from({ length: rng.int(4) }, () => ({
        fieldName: fieldName(rng),
        order: rng.pick(['ascending', 'descending']),
      })),
    },
  };
  if (rng.chance(0.3)) out.options = { disableDotNotation: rng.chance(0.7) };
  return out;
};

export const limitParams = (rng: Rng): Params => ({
  maxItems: rng.pick([1, 1, 2, 3, 5, 10, 250, 1000, 0, '={{ 2 }}', '={{ 1 + 1 }}']),
  keep: rng.pick(['firstItems', 'lastItems']),
});

const outputNames = ['out', 'x.y', 'a', 'tags[0]', '', 'list', '={{ "o" }}'];

/** Binary options: the items carry no binary data, so n8n's JSON output must not change. */
const binaryOptions = (rng: Rng): Params =>
  rng.chance(0.1) ? { includeBinaries: true, ...(rng.chance(0.5) ? { keepOnlyUnique: true } : {}) } : {};

export const aggregateParams = (rng: Rng, rows: boolean): Params => {
  if (rng.chance(0.35)) {
    const include = rng.pick(['allFields', 'specifiedFields', 'allFieldsExcept']);
    const out: Params = {
      aggregate: 'aggregateAllItemData',
      destinationFieldName: rng.pick(['data', 'items', 'x.y', '={{ "list" }}']),
      include,
      options: binaryOptions(rng),
    };
    if (include === 'specifiedFields') out.fieldsToInclude = fieldList(rng, rows);
    if (include === 'allFieldsExcept') out.fieldsToExclude = fieldList(rng, rows);
    return out;
  }
  const options: Params = binaryOptions(rng);
  for (const option of ['disableDotNotation', 'mergeLists', 'keepMissing'])
    if (rng.chance(0.3)) options[option] = rng.chance(0.8);
  return {
    aggregate: 'aggregateIndividualFields',
    fieldsToAggregate: {
      fieldToAggregate: Array.from({ length: rng.int(4) }, () => {
        const renameField = rng.chance(0.3);
        return {
          fieldToAggregate: fieldName(rng),
          renameField,
          ...(renameField || rng.chance(0.2) ? { outputFieldName: rng.pick(outputNames) } : {}),
        };
      }),
    },
    options,
  };
};

const SPLIT_FIELDS = [
  'tags',
  'meta',
  'meta.b',
  'name',
  'a',
  'missing',
  'tags, meta',
  'tags,name',
  'meta.b,tags',
  '$json.tags',
  'tags,',
  ' tags ',
  '={{ "tags" }}',
  '={{ $json.name === undefined ? "meta" : "tags" }}',
];

export const splitOutParams = (rng: Rng, rows: boolean): Params => {
  const include = rng.pick(['noOtherFields', 'allOtherFields', 'selectedOtherFields']);
  const out: Params = { fieldToSplitOut: rng.pick(SPLIT_FIELDS), include };
  if (include === 'selectedOtherFields') out.fieldsToInclude = fieldList(rng, rows);
  const options: Params = {};
  if (rng.chance(0.3)) options.disableDotNotation = rng.chance(0.8);
  if (rng.chance(0.35)) options.destinationFieldName = rng.pick(['out', 'x, y', 'item', 'a.b', '={{ "d" }}']);
  if (rng.chance(0.1)) options.includeBinary = true;
  out.options = options;
  return out;
};

export const removeDuplicatesParams = (rng: Rng, rows: boolean): Params => {
  const compare = rng.pick(['allFields', 'allFieldsExcept', 'selectedFields']);
  const out: Params = { compare };
  if (compare === 'allFieldsExcept') out.fieldsToExclude = fieldList(rng, rows);
  if (compare === 'selectedFields') out.fieldsToCompare = fieldList(rng, rows);
  const options: Params = {};
  if (rng.chance(0.3)) options.disableDotNotation = rng.chance(0.8);
  if (rng.chance(0.4)) options.removeOtherFields = rng.chance(0.8);
  out.options = options;
  return out;
};

/**
 * Items for list operations: an item set of any kind, often with some items
 * repeated (keys reordered, sometimes one value changed) so there is
 * something to deduplicate.
 */
export const listItems = (rng: Rng): JsonItem[] => {
  const items = itemSet(rng);
  if (items.length === 0 || items.length > 50 || rng.chance(0.3)) return items;
  const out = [...items];
  for (let n = rng.int(4); n > 0; n--) {
    const source = rng.pick(items);
    const copy: JsonItem = {};
    for (const key of rng.shuffle(Object.keys(source))) copy[key] = source[key] ?? null;
    if (rng.chance(0.2) && Object.keys(copy).length > 0) copy[rng.pick(Object.keys(copy))] = null;
    out.splice(rng.int(out.length + 1), 0, copy);
  }
  return out;
};

const pools: Json[][] = [
  [1, 2, 1, 2],
  ['a', 'A', 'b', 'a'],
  [1, '1', 1, null],
  [true, false, true],
  [null, null, 'x'],
  [[1, 2], [2, 1], [1, 2], []],
  [{ x: 1 }, { x: 1, y: null }, {}, { x: 1 }],
  ['10', '9', ' 9', '0x1A'],
];

/**
 * Items that all have the same fields (so "all fields" can compare them),
 * each field drawn from a small pool of values (so some items are equal,
 * some differ only in case or type), nested ones included; often with
 * repeats in another key order.
 */
export const dedupeItems = (rng: Rng): JsonItem[] => {
  if (rng.chance(0.4)) return listItems(rng);
  const fields = rng.shuffle([...FIELDS]).slice(0, 1 + rng.int(4));
  const poolOf = new Map(fields.map((f) => [f, rng.pick(pools)]));
  const nested = rng.chance(0.3);
  const items = Array.from({ length: 1 + rng.int(7) }, () => {
    const item: JsonItem = {};
    for (const f of fields) item[f] = rng.pick(poolOf.get(f) ?? [null]);
    if (nested) item.meta = { a: rng.pick([1, 2]), b: [rng.pick(['p', 'q'])] };
    return item;
  });
  for (let n = rng.int(3); n > 0; n--) {
    const source = rng.pick(items);
    const copy: JsonItem = {};
    for (const key of rng.shuffle(Object.keys(source))) copy[key] = source[key] ?? null;
    items.splice(rng.int(items.length + 1), 0, copy);
  }
  return items;
};

const isRecord = (v: unknown): v is Params => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Smaller parameters: one option less, one row less (of any fixedCollection list). */
export const shrinkParams = (p: Params): Params[] => {
  const out: Params[] = [];
  if (isRecord(p.options))
    for (const key of Object.keys(p.options))
      out.push({ ...p, options: Object.fromEntries(Object.entries(p.options).filter(([k]) => k !== key)) });
  for (const [key, value] of Object.entries(p)) {
    if (!isRecord(value)) continue;
    for (const [inner, rows] of Object.entries(value)) {
      if (!Array.isArray(rows) || rows.length < 2) continue;
      rows.forEach((_, i) => out.push({ ...p, [key]: { ...value, [inner]: rows.filter((__, j) => j !== i) } }));
    }
  }
  return out;
};

/** What a case exercises, for grouping its divergences. */
export const caseKey = (c: NodeCase): string => {
  const p = c.parameters;
  const parts = [c.type];
  for (const key of ['operation', 'type', 'aggregate', 'compare', 'include', 'keep']) {
    const value = p[key];
    if (typeof value === 'string') parts.push(value);
  }
  if (isRecord(p.options)) parts.push(...Object.keys(p.options).sort());
  return parts.join(' ');
};
