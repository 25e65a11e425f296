import { text } from '../conditions.ts';
import { type Mapper, type ParamReader, type Params } from '../param-reader.ts';

/**
 * The item-list nodes: Sort, Limit, Aggregate, Split Out, Remove Duplicates,
 * and n8n's older "Item Lists" node (versions 1–3.1), which held them all as
 * operations: each of its operations becomes the Weft node of the same job,
 * with the version's own rules carried in that node's parameters
 * (`n8nVersion`, `typeCheck`, `missingFields`).
 * Its "summarize" operation has no Weft node: it stays an unsupported node.
 */

const ITEM_LISTS_TARGETS: Record<string, string> = {
  aggregateItems: 'aggregate',
  concatenateItems: 'aggregate',
  limit: 'limit',
  removeDuplicates: 'removeDuplicates',
  sort: 'sort',
  splitOutItems: 'splitOut',
};

/** The Weft node type an n8n Item Lists node becomes, by its operation (n8n's default: split out items). */
export const itemListsTarget = (params: Params): string | undefined => {
  const operation = typeof params.operation === 'string' ? params.operation : 'splitOutItems';
  return ITEM_LISTS_TARGETS[operation];
};

/** A comma-separated list from text, or from the `{ fields: [{ fieldName }] }` rows Item Lists before 3 wrote. */
const fieldNames = (r: ParamReader, name: string, rows: boolean): string => {
  if (rows)
    return r
      .rows(`${name}.fields`)
      .map((row) => text(row.fieldName))
      .join(',');
  const value = r.get(name);
  return Array.isArray(value) ? value.map(text).join(', ') : text(value);
};

const sortOf = (r: ParamReader): Params => {
  const out: Params = {};
  const type = r.get('type') ?? 'simple';
  out.type = type === 'random' || type === 'code' ? type : 'simple';
  if (type === 'code') out.code = text(r.get('code'));
  if (out.type === 'simple') {
    out.sortFields = r.rows('sortFieldsUi.sortField').map((row) => ({
      fieldName: text(row.fieldName),
      order: row.order === 'descending' ? 'descending' : 'ascending',
    }));
    if (r.get('options.disableDotNotation') === true) out.disableDotNotation = true;
  }
  return out;
};

const limitOf = (r: ParamReader): Params => {
  const out: Params = {};
  const maxItems = r.get('maxItems');
  if (maxItems !== undefined) out.maxItems = maxItems;
  const keep = r.get('keep');
  if (keep !== undefined) out.keep = keep;
  return out;
};

const binariesNotCarried = (r: ParamReader, path: string): void => {
  if (r.get(path) === true)
    r.problem(`"${path}" is not carried over: Weft items hold no binary data, so none is collected`);
};

/** `itemLists`: the Item Lists version the parameters come from, when they do. */
const aggregateOf = (r: ParamReader, itemLists?: number): Params => {
  const out: Params = {};
  const aggregate = r.get('aggregate') ?? 'aggregateIndividualFields';
  out.aggregate = aggregate;
  if (aggregate === 'aggregateAllItemData') {
    const destination = r.get('destinationFieldName');
    out.destinationFieldName = destination === undefined ? 'data' : text(destination);
    const include = r.get('include') ?? 'allFields';
    out.include = include;
    const rows = itemLists !== undefined && itemLists < 3;
    if (include === 'specifiedFields') out.fieldsToInclude = fieldNames(r, 'fieldsToInclude', rows);
    if (include === 'allFieldsExcept') out.fieldsToExclude = fieldNames(r, 'fieldsToExclude', rows);
    if (itemLists !== undefined && itemLists < 2) out.declarePairs = false;
  } else {
    out.fieldsToAggregate = r.rows('fieldsToAggregate.fieldToAggregate').map((row) => ({
      fieldToAggregate: text(row.fieldToAggregate),
      renameField: row.renameField === true,
      // n8n drops the output name while "rename" is off.
      outputFieldName: row.renameField === true ? text(row.outputFieldName) : '',
    }));
    for (const option of ['disableDotNotation', 'mergeLists', 'keepMissing'])
      if (r.get(`options.${option}`) === true) out[option] = true;
    if (itemLists !== undefined && itemLists < 2.1) out.missingFields = 'error';
  }
  binariesNotCarried(r, 'options.includeBinaries');
  r.get('options.keepOnlyUnique');
  return out;
};

const splitOutVersion = (version: number): string =>
  version >= 3
    ? 'itemLists3'
    : version >= 2.2
      ? 'itemLists2.2'
      : version >= 2.1
        ? 'itemLists2.1'
        : version >= 2
          ? 'itemLists2'
          : 'itemLists1';

const splitOutOf = (r: ParamReader, itemLists?: number): Params => {
  const out: Params = {};
  const field = r.get('fieldToSplitOut');
  if (field !== undefined) out.fieldToSplitOut = text(field);
  const include = r.get('include') ?? 'noOtherFields';
  out.include = include;
  if (include === 'selectedOtherFields')
    out.fieldsToInclude = fieldNames(r, 'fieldsToInclude', itemLists !== undefined && itemLists < 3);
  const destination = r.get('options.destinationFieldName');
  if (destination !== undefined) out.destinationFieldName = text(destination);
  if (r.get('options.disableDotNotation') === true) out.disableDotNotation = true;
  if (itemLists !== undefined) out.n8nVersion = splitOutVersion(itemLists);
  binariesNotCarried(r, 'options.includeBinary');
  if (
    text(field)
      .split(',')
      .some((f) => f.trim() === '$binary')
  )
    r.problem('"$binary" is not split out: Weft items hold no binary data');
  return out;
};

const removeDuplicatesOf = (r: ParamReader, typeCheck: string, rows: boolean): Params => {
  const out: Params = {};
  const compare = r.get('compare') ?? 'allFields';
  out.compare = compare;
  if (compare === 'allFieldsExcept') out.fieldsToExclude = fieldNames(r, 'fieldsToExclude', rows);
  if (compare === 'selectedFields') out.fieldsToCompare = fieldNames(r, 'fieldsToCompare', rows);
  // n8n hides the options beside "all fields", and drops what it hides.
  if (compare !== 'allFields') {
    if (r.get('options.disableDotNotation') === true) out.disableDotNotation = true;
    if (r.get('options.removeOtherFields') === true) out.removeOtherFields = true;
  } else {
    // Without effect in n8n: nothing is lost.
    r.get('options.disableDotNotation');
    r.get('options.removeOtherFields');
  }
  out.typeCheck = typeCheck;
  return out;
};

const removeDuplicates: Mapper = (r) => {
  if (r.version < 2) return removeDuplicatesOf(r, r.version > 1 ? 'ignoreNulls' : 'withNulls', false);
  const operation = r.get('operation') ?? 'removeDuplicateInputItems';
  if (operation === 'removeDuplicateInputItems') return { operation, ...removeDuplicatesOf(r, 'ignoreNulls', false) };
  if (operation === 'removeItemsSeenInPreviousExecutions') {
    r.problem(
      '"Remove items processed in previous executions" is not supported: Weft keeps no deduplication history between runs, so the node fails when it runs',
    );
    for (const name of ['logic', 'dedupeValue', 'incrementalDedupeValue', 'dateDedupeValue', 'options']) r.get(name);
  } else r.get('mode');
  return { operation };
};

const itemLists: Mapper = (r) => {
  r.get('resource');
  const v = r.version;
  switch (r.get('operation') ?? 'splitOutItems') {
    case 'aggregateItems':
    case 'concatenateItems':
      return aggregateOf(r, v);
    case 'limit':
      return limitOf(r);
    case 'removeDuplicates':
      return removeDuplicatesOf(r, v >= 3.1 ? 'sortByType' : 'withNulls', v < 3);
    case 'sort':
      return sortOf(r);
    default:
      return splitOutOf(r, v);
  }
};

export const itemListMappers: Record<string, Mapper> = {
  sort: sortOf,
  limit: limitOf,
  aggregate: (r) => aggregateOf(r),
  splitOut: (r) => splitOutOf(r),
  removeDuplicates,
  itemLists,
};
