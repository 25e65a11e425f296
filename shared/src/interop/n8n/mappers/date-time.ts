import { type Mapper, type Params, type ParamReader, same } from '../param-reader.ts';

/**
 * Date & Time. Version 2 (Luxon) maps onto Weft's operations one to one;
 * version 1 (moment) onto Weft's "n8n 1" operations. n8n's defaults are
 * written out, since Weft's differ where n8n's depend on the operation.
 */

const V2_FIELDS: Record<string, string> = {
  getCurrentDate: 'currentDate',
  addToDate: 'newDate',
  subtractFromDate: 'newDate',
  formatDate: 'formattedDate',
  roundDate: 'roundedDate',
  getTimeBetweenDates: 'timeDifference',
  extractDate: 'datePart',
};

const withDefault = (r: ParamReader, out: Params, name: string, fallback: unknown, as = name): void => {
  const value = r.get(name);
  out[as] = value === undefined ? fallback : value;
};

const version1 = (r: ParamReader): Params => {
  const out: Params = {};
  const action = r.get('action') ?? 'format';
  withDefault(r, out, 'value', '');
  withDefault(r, out, 'dataPropertyName', 'data');
  const fromFormat = r.get('options.fromFormat');
  if (fromFormat !== undefined) out.fromFormat = fromFormat;
  if (action === 'calculate') {
    out.operation = 'calculateV1';
    withDefault(r, out, 'operation', 'add', 'calculation');
    withDefault(r, out, 'duration', 0);
    withDefault(r, out, 'timeUnit', 'days');
    return out;
  }
  out.operation = action === 'format' ? 'formatV1' : action;
  withDefault(r, out, 'toFormat', r.get('custom') === true ? '' : 'MM/DD/YYYY');
  // An empty "From Format" option is still set: n8n then skips its check and writes "Invalid date".
  if (fromFormat === '') out.invalidAsText = true;
  withDefault(r, out, 'options.fromTimezone', '', 'fromTimezone');
  withDefault(r, out, 'options.toTimezone', '', 'toTimezone');
  return out;
};

export const dateTimeMappers: Record<string, Mapper> = {
  dateTime: (r) => {
    if (r.version < 2) return version1(r);
    const out: Params = {};
    const operation = r.get('operation') ?? 'getCurrentDate';
    out.operation = operation;
    same(r, out, ['magnitude', 'duration', 'date', 'startDate', 'endDate']);
    withDefault(r, out, 'includeTime', true);
    withDefault(r, out, 'timeUnit', 'days');
    withDefault(r, out, 'mode', 'roundDown');
    withDefault(r, out, 'toNearest', 'month');
    withDefault(r, out, 'to', 'month');
    withDefault(r, out, 'part', 'month');
    withDefault(r, out, 'outputFieldName', typeof operation === 'string' ? (V2_FIELDS[operation] ?? '') : '');
    const format = r.get('format') ?? 'MM/dd/yyyy';
    out.format = format === 'custom' ? (r.get('customFormat') ?? '') : format;
    const units = r.get('units');
    if (units === undefined) out.units = 'day';
    else out.units = Array.isArray(units) ? units.map(String).join(',') : units;
    const zone = r.get('options.timezone');
    // getCurrentDate's option is a zone; formatDate's a switch to the workflow's zone.
    if (operation === 'formatDate') out.useWorkflowTimezone = zone !== undefined && zone !== false && zone !== '';
    else if (zone !== undefined) out.timezone = zone;
    const fromFormat = r.get('options.fromFormat');
    if (fromFormat !== undefined) out.fromFormat = fromFormat;
    withDefault(r, out, 'options.isoString', false, 'isoString');
    // n8n's Date & Time 2 outputs only the new field unless asked to keep the input's.
    out.includeInputFields = r.get('options.includeInputFields') === true;
    return out;
  },
};
