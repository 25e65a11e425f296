import { text } from '../conditions.ts';
import type { Mapper, Params } from '../param-reader.ts';

/**
 * Summarize 1 and 1.1: the rows and options come over flat. Version 1 keeps
 * its rules (`n8nVersion`): split values grouped as text, and a field no item
 * has stops the node unless "continue if field not found" is on (1.1 hides
 * that option and always goes on).
 */
const summarize: Mapper = (r) => {
  const out: Params = {};
  const rows = r.get('fieldsToSummarize.values');
  out.fieldsToSummarize =
    rows === undefined
      ? [{ aggregation: 'count', field: '', includeEmpty: false, separateBy: ',', customSeparator: '' }]
      : r.rows('fieldsToSummarize.values').map((row) => ({
          aggregation: row.aggregation ?? 'count',
          field: row.field === undefined ? '' : text(row.field),
          includeEmpty: row.includeEmpty === true,
          separateBy: row.separateBy === '' ? 'none' : (row.separateBy ?? ','),
          customSeparator: row.customSeparator === undefined ? '' : text(row.customSeparator),
        }));
  const split = r.get('fieldsToSplitBy');
  if (split !== undefined) out.fieldsToSplitBy = text(split);
  const format = r.get('options.outputFormat');
  if (format !== undefined) out.outputFormat = format;
  for (const option of ['disableDotNotation', 'skipEmptySplitFields'])
    if (r.get(`options.${option}`) === true) out[option] = true;
  const carryOn = r.get('options.continueIfFieldNotFound');
  if (r.version < 1.1) {
    out.n8nVersion = 'summarize1';
    if (carryOn === true) out.continueIfFieldNotFound = true;
  }
  return out;
};

export const summarizeMappers: Record<string, Mapper> = { summarize };
