import { MAIN } from '#shared/nodes/types.ts';
import type { Item, JsonObject } from '#shared/runs/items.ts';
import { pairedWith } from '../runner/paired-items.ts';
import { NodeError, type NodeExecutor } from '../runner/types.ts';
import { own, setOwn } from './field-lists.ts';
import { lodashGet } from './lodash-paths.ts';
import { str } from './values.ts';

/**
 * Summarize as n8n's (Summarize 1 and 1.1, Transform/Summarize/utils.ts):
 * each row aggregates one field over the items, grouped by the split fields
 * one level per field (groups in the order first met, keyed by the value's
 * own type in 1.1 and by its text in 1), every group one item or all of them
 * nested in a single item. Each item carries `_itemIndex` while it is
 * summarized, as in n8n, so that field name reads the item's position.
 */

interface Aggregation {
  aggregation: string;
  field: string;
  includeEmpty?: unknown;
  separateBy?: unknown;
  customSeparator?: unknown;
}

type Indexed = JsonObject & { _itemIndex: number };
type Getter = (item: Indexed, field: string) => unknown;

type Result = { returnData: JsonObject; pairedItems?: number[] } | { fieldName: string; splits: Map<unknown, Result> };

const DISPLAY_NAMES: Record<string, string> = {
  append: 'appended_',
  average: 'average_',
  concatenate: 'concatenated_',
  count: 'count_',
  countUnique: 'unique_count_',
  max: 'max_',
  min: 'min_',
  sum: 'sum_',
};

const NUMERICAL = ['average', 'sum'];

const isEmpty = (value: unknown): boolean => value === undefined || value === null || value === '';

const normalizeFieldName = (name: string): string => name.replace(/[\]["]/g, '').replace(/[ .]/g, '_');

/** n8n compares with `<` and `>` across whatever types the field holds; so does this. */
const before = (a: unknown, b: unknown): boolean => (a as number) < (b as number);

/** A value as n8n's concatenate joins it: objects (null too) as JSON, undefined as "undefined". */
const joined = (value: unknown): string => {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return value === undefined ? 'undefined' : JSON.stringify(value);
};

const aggregate = (items: Indexed[], entry: Aggregation, get: Getter): unknown => {
  const { aggregation, field } = entry;
  let data = items;
  if (NUMERICAL.includes(aggregation)) data = data.filter((item) => typeof get(item, field) === 'number');
  const nonEmpty = () => (entry.includeEmpty === true ? data : data.filter((item) => !isEmpty(get(item, field))));
  switch (aggregation) {
    case 'append':
      return nonEmpty().map((item) => get(item, field));
    case 'concatenate': {
      const separator =
        entry.separateBy === 'other' ? entry.customSeparator : entry.separateBy === 'none' ? '' : entry.separateBy;
      return nonEmpty()
        .map((item) => joined(get(item, field)))
        .join(separator === undefined ? ',' : str(separator));
    }
    case 'average':
      return data.reduce((sum, item) => sum + (get(item, field) as number), 0) / data.length;
    case 'sum':
      return data.reduce((sum, item) => sum + (get(item, field) as number), 0);
    case 'min':
    case 'max': {
      let best: unknown;
      for (const item of data) {
        const value = get(item, field);
        if (isEmpty(value)) continue;
        if (best === undefined || (aggregation === 'min' ? before(value, best) : before(best, value))) best = value;
      }
      return best ?? null;
    }
    case 'countUnique': {
      const values = data.map((item) => get(item, field));
      return new Set(entry.includeEmpty === true ? values : values.filter((v) => !isEmpty(v))).size;
    }
    default:
      return nonEmpty().length;
  }
};

const aggregateData = (items: Indexed[], rows: Aggregation[], single: boolean, get: Getter): Result => {
  const returnData: JsonObject = {};
  for (const row of rows) {
    const key = normalizeFieldName(`${DISPLAY_NAMES[row.aggregation] ?? 'undefined'}${row.field}`);
    setOwn(returnData, key, aggregate(items, row, get));
  }
  return single ? { returnData } : { returnData, pairedItems: items.map((item) => item._itemIndex) };
};

interface SplitOptions {
  rows: Aggregation[];
  single: boolean;
  get: Getter;
  skipEmpty: boolean;
  asText: boolean;
}

const aggregateAndSplit = (keys: string[], items: Indexed[], o: SplitOptions): Result => {
  const [first, ...rest] = keys;
  if (first === undefined) return aggregateData(items, o.rows, o.single, o.get);
  // A Map keeps the values' types apart (1 and "1" are two groups in 1.1).
  const groups = new Map<unknown, Indexed[]>();
  for (const item of items) {
    let value = o.get(item, first);
    if (value && typeof value === 'object') value = JSON.stringify(value);
    if (o.asText) value = String(value);
    if (o.skipEmpty && typeof value !== 'number' && !value) continue;
    const group = groups.get(value);
    if (group) group.push(item);
    else groups.set(value, [item]);
  }
  const splits = new Map<unknown, Result>();
  for (const [value, group] of groups) splits.set(value, aggregateAndSplit(rest, group, o));
  return { fieldName: first, splits };
};

const toObject = (result: Result): JsonObject => {
  if (!('splits' in result)) return result.returnData;
  const out: JsonObject = {};
  for (const [key, inner] of result.splits) setOwn(out, String(key), toObject(inner));
  return out;
};

const toList = (result: Result): { returnData: JsonObject; pairedItems?: number[] }[] => {
  if (!('splits' in result)) return [result];
  return [...result.splits].flatMap(([value, inner]) =>
    toList(inner).map((entry) => {
      setOwn(entry.returnData, normalizeFieldName(result.fieldName), value);
      return entry;
    }),
  );
};

export const summarize: NodeExecutor = (ctx) => {
  const p = ctx.nodeParams();
  const input = ctx.items;
  const items: Indexed[] = input.map(({ json }, i) => ({ ...json, _itemIndex: i }));
  const splitKeys = str(p.fieldsToSplitBy)
    .split(',')
    .map((f) => f.trim())
    .filter((f) => f !== '');
  const rows = (Array.isArray(p.fieldsToSummarize) ? (p.fieldsToSummarize as JsonObject[]) : []).map(
    (row): Aggregation => ({
      ...row,
      aggregation: typeof row.aggregation === 'string' ? row.aggregation : 'count',
      field: str(row.field),
    }),
  );
  if (!rows.some((row) => row.field !== ''))
    throw new NodeError("You need to add at least one aggregation to 'Fields to Summarize' with non empty 'Field'");
  const get: Getter = p.disableDotNotation === true ? own : lodashGet;
  const version1 = p.n8nVersion === 'summarize1';
  const single = p.outputFormat === 'singleItem';
  const result = aggregateAndSplit(splitKeys, items, {
    rows,
    single,
    get,
    skipEmpty: p.skipEmptySplitFields === true,
    asText: version1,
  });

  for (const row of rows) {
    if (row.field === '' || items.some((item) => get(item, row.field) !== undefined)) continue;
    const message = `The field '${row.field}' does not exist in any items`;
    if (version1 && p.continueIfFieldNotFound !== true) throw new NodeError(message);
    ctx.log('warn', message);
    break;
  }

  if (single)
    return {
      [MAIN]: [
        pairedWith(
          { json: toObject(result) },
          input.map((_, item) => ({ item })),
        ),
      ],
    };
  const out: Item[] = toList(result).map(({ returnData, pairedItems }) =>
    pairedWith(
      { json: returnData },
      (pairedItems ?? []).map((item) => ({ item })),
    ),
  );
  return { [MAIN]: out };
};
