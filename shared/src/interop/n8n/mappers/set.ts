import { text } from '../conditions.ts';
import { type Mapper, type Params, type ParamReader, record } from '../param-reader.ts';

/**
 * Edit Fields (Set). Each n8n version's way of typing values is carried as
 * `conversion` (see engine/src/nodes/set-conversions.ts); the include modes,
 * dot notation, conversion errors and the "Duplicate item" test setting map
 * one to one. The binary options (includeBinary, stripBinary) become `binary`.
 */

const conversionFor = (version: number): string =>
  version < 2
    ? 'n8n1'
    : version < 3
      ? 'n8n2'
      : version < 3.1
        ? 'n8n3'
        : version < 3.2
          ? 'n8n3.1'
          : version < 3.3
            ? 'n8n3.2'
            : 'strict';

const TYPES = new Set(['string', 'number', 'boolean', 'array', 'object']);

/** include / includeFields / excludeFields, as Weft's includeOtherFields + include. */
const readInclude = (r: ParamReader, out: Params, include: string): void => {
  out.includeOtherFields = include !== 'none';
  out.include = include === 'none' ? 'all' : include;
  if (include === 'selected') out.includeFields = text(r.get('includeFields'));
  if (include === 'except') out.excludeFields = text(r.get('excludeFields'));
};

const readOptions = (r: ParamReader, out: Params): void => {
  if (r.get('options.dotNotation') === false) out.dotNotation = false;
  if (r.version >= 3 && r.get('options.ignoreConversionErrors') === true) out.ignoreConversionErrors = true;
  // Files (binary): Set 1–2 and Edit Fields 3.4+ keep them with the other input fields (3.4+ unless stripped);
  // Edit Fields 3–3.3 only when "Include Binary File" was added and on, whatever else is included.
  if (r.version >= 3.4) {
    if (r.get('options.stripBinary') === true) out.binary = 'strip';
  } else if (r.version >= 3) out.binary = r.get('options.includeBinary') === true ? 'keep' : 'strip';
};

/** Set 1 and 2: `{ values: { boolean: [{ name, value }], number: […], string: […] }, keepOnlySet }`. */
const legacy = (r: ParamReader): Params => {
  const values = record(r.get('values'));
  const assignments: Params[] = [];
  // n8n's Set 1 and 2 write booleans, then numbers, then strings.
  for (const type of ['boolean', 'number', 'string'] as const) {
    const list = values[type];
    if (!Array.isArray(list)) continue;
    for (const row of list.map(record)) {
      // A row without a value has n8n's default: false, 0, "".
      const value = row.value ?? (type === 'boolean' ? false : type === 'number' ? 0 : '');
      assignments.push({ name: text(row.name ?? 'propertyName'), value: text(value), type });
    }
  }
  return { mode: 'manual', assignments, includeOtherFields: r.get('keepOnlySet') !== true, include: 'all' };
};

export const setMappers: Record<string, Mapper> = {
  set: (r) => {
    const out: Params = r.version < 3 ? legacy(r) : {};
    out.conversion = conversionFor(r.version);
    readOptions(r, out);
    if (r.version < 3) return out;
    if (r.get('duplicateItem') === true) {
      out.duplicateItem = true;
      out.duplicateCount = Number(r.get('duplicateCount') ?? 0) || 0;
    }
    const mode = r.get('mode') ?? 'manual';
    out.mode = mode === 'raw' ? 'raw' : 'manual';
    if (mode === 'raw') out.jsonOutput = text(r.get('jsonOutput'));
    else if (r.version < 3.3) {
      // { fields: { values: [{ name, type: 'stringValue', stringValue }] } }
      out.assignments = r.rows('fields.values').map((row) => {
        const type = text(row.type ?? 'stringValue').replace(/Value$/, '');
        return { name: text(row.name), value: text(row[`${type}Value`]), type };
      });
    } else {
      out.assignments = r.rows('assignments.assignments').map((row) => ({
        name: text(row.name),
        value: text(row.value),
        type: text(row.type ?? 'string'),
      }));
    }
    const unknown = (out.assignments as Params[] | undefined)?.find((a) => !TYPES.has(String(a.type)));
    if (unknown)
      r.problem(`field "${text(unknown.name)}" has the type "${text(unknown.type)}", which Weft does not set`);
    if (r.version < 3.3) readInclude(r, out, text(r.get('include') ?? 'all'));
    else if (r.get('includeOtherFields') === true) readInclude(r, out, text(r.get('include') ?? 'all'));
    else out.includeOtherFields = false;
    return out;
  },
};
