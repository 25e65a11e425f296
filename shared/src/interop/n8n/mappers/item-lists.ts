import { text } from '../conditions.ts';
import { type Mapper, type Params, same } from '../param-reader.ts';

/** The item-list nodes: Sort, Limit, Aggregate, Split Out, Remove Duplicates. */
export const itemListMappers: Record<string, Mapper> = {
  sort: (r) => {
    const out: Params = {};
    const type = r.get('type') ?? 'simple';
    out.type = type === 'random' || type === 'code' ? type : 'simple';
    if (type === 'code') out.code = text(r.get('code'));
    out.sortFields = r.rows('sortFieldsUi.sortField').map((row) => ({
      fieldName: text(row.fieldName),
      order: row.order === 'descending' ? 'descending' : 'ascending',
    }));
    return out;
  },

  limit: (r) => {
    const out: Params = {};
    same(r, out, ['maxItems', 'keep']);
    return out;
  },

  aggregate: (r) => {
    const out: Params = {};
    const aggregate = r.get('aggregate') ?? 'aggregateIndividualFields';
    out.aggregate = aggregate;
    if (aggregate === 'aggregateAllItemData') out.destinationFieldName = r.get('destinationFieldName') ?? 'data';
    else {
      out.fieldsToAggregate = r.rows('fieldsToAggregate.fieldToAggregate').map((row) => ({
        fieldToAggregate: text(row.fieldToAggregate),
        renameField: row.renameField === true,
        outputFieldName: text(row.outputFieldName),
      }));
    }
    const include = r.get('include');
    if (include !== undefined) out.include = include;
    const list = (value: unknown) => (Array.isArray(value) ? value.map(text).join(', ') : text(value));
    if (r.get('fieldsToInclude') !== undefined) out.fieldsToInclude = list(r.get('fieldsToInclude'));
    if (r.get('fieldsToExclude') !== undefined) out.fieldsToExclude = list(r.get('fieldsToExclude'));
    return out;
  },

  splitOut: (r) => {
    const out: Params = {};
    same(r, out, ['fieldToSplitOut', 'include']);
    const fields = r.get('fieldsToInclude');
    if (fields !== undefined) out.fieldsToInclude = Array.isArray(fields) ? fields.map(text).join(', ') : text(fields);
    const destination = r.get('options.destinationFieldName');
    if (destination !== undefined) out.destinationFieldName = destination;
    return out;
  },

  removeDuplicates: (r) => {
    const out: Params = {};
    same(r, out, ['compare', 'fieldsToExclude', 'fieldsToCompare']);
    if (r.get('options.removeOtherFields') === true) out.removeOtherFields = true;
    return out;
  },
};
