import { type Mapper, type Params, same } from '../param-reader.ts';

/** Date & Time. */
export const dateTimeMappers: Record<string, Mapper> = {
  dateTime: (r) => {
    const out: Params = {};
    if (r.version < 2) {
      r.problem('it is a Date & Time node of version 1; set its operation again');
      return out;
    }
    same(r, out, [
      'operation',
      'includeTime',
      'magnitude',
      'timeUnit',
      'duration',
      'date',
      'mode',
      'toNearest',
      'startDate',
      'endDate',
      'part',
      'outputFieldName',
    ]);
    const format = r.get('format');
    if (format !== undefined) out.format = format === 'custom' ? r.get('customFormat') : format;
    const units = r.get('units');
    if (units !== undefined) out.units = Array.isArray(units) ? units[0] : units;
    const zone = r.get('options.timezone');
    if (zone !== undefined) out.timezone = zone;
    // n8n's Date & Time 2 outputs only the new field unless asked to keep the input's.
    out.includeInputFields = r.get('options.includeInputFields') === true;
    return out;
  },
};
