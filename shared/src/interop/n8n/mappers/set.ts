import { text } from '../conditions.ts';
import { type Mapper, type Params, record } from '../param-reader.ts';

/** Edit Fields (Set). */
export const setMappers: Record<string, Mapper> = {
  set: (r) => {
    const out: Params = {};
    if (r.version < 3) {
      // { values: { string: [{ name, value }], number: [...], boolean: [...] }, keepOnlySet }
      const values = record(r.get('values'));
      const assignments: Params[] = [];
      // n8n's Set 1 and 2 write booleans, then numbers, then strings.
      for (const type of ['boolean', 'number', 'string'] as const) {
        const list = values[type];
        if (Array.isArray(list)) {
          for (const row of list.map(record)) assignments.push({ name: text(row.name), value: text(row.value), type });
        }
      }
      out.mode = 'manual';
      out.assignments = assignments;
      out.includeOtherFields = r.get('keepOnlySet') !== true;
      r.get('options');
      return out;
    }
    const mode = r.get('mode') ?? 'manual';
    out.mode = mode === 'raw' ? 'raw' : 'manual';
    if (mode === 'raw') out.jsonOutput = text(r.get('jsonOutput'));
    if (r.version < 3.3) {
      // { fields: { values: [{ name, type: 'stringValue', stringValue }] }, include: 'all' | 'none' | … }
      out.assignments = r.rows('fields.values').map((row) => {
        const type = text(row.type ?? 'stringValue').replace(/Value$/, '');
        return { name: text(row.name), value: text(row[`${type}Value`]), type };
      });
      const include = r.get('include') ?? 'all';
      out.includeOtherFields = include !== 'none';
      if (include === 'selected' || include === 'except') {
        r.problem('it kept only some input fields; Weft keeps all of them or none');
      }
    } else {
      out.assignments = r.rows('assignments.assignments').map((row) => ({
        name: text(row.name),
        value: text(row.value),
        type: text(row.type ?? 'string'),
      }));
      out.includeOtherFields = r.get('includeOtherFields') === true;
      if (r.get('include') !== undefined && r.get('include') !== 'all') {
        r.problem('it kept only some input fields; Weft keeps all of them or none');
      }
    }
    return out;
  },
};
