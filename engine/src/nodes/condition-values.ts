import { DateTime } from 'luxon';

/**
 * How n8n's filter conditions (IF ≥ 2, Filter ≥ 2, Switch ≥ 3) read a value
 * as the type its operator compares: strict validation takes only values of
 * that type, loose validation converts text, numbers and booleans where it
 * can. Written after n8n-workflow's filter parameter and type validation so
 * that the same values pass, convert and fail.
 */

export type Parsed = { valid: true; value: unknown } | { valid: false };

const ok = (value: unknown): Parsed => ({ valid: true, value });
const INVALID: Parsed = { valid: false };

/** What JavaScript's String(value) gives for a JSON value: lists joined by commas, objects "[object Object]". */
export const jsString = (value: unknown): string => {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return value.toString();
  if (value === undefined) return 'undefined';
  if (value === null) return 'null';
  if (Array.isArray(value)) return value.join(',');
  return '[object Object]';
};

const toText = (value: unknown): string => (typeof value === 'object' ? JSON.stringify(value) : jsString(value));

const toNumber = (value: unknown): Parsed => {
  const n = Number(value);
  return Number.isNaN(n) ? INVALID : ok(n);
};

/** n8n's boolean reading: true/false in any case, or a value that is the number 0 or 1. */
const toBoolean = (value: unknown): Parsed => {
  if (typeof value === 'boolean') return ok(value);
  if (typeof value === 'string' && ['true', 'false'].includes(value.toLowerCase()))
    return ok(value.toLowerCase() === 'true');
  if (!(typeof value === 'string' && value.trim() === '')) {
    const n = Number(value);
    if (n === 0) return ok(false);
    if (n === 1) return ok(true);
  }
  return INVALID;
};

/** ISO, HTTP, RFC 2822, SQL, then whatever Date.parse reads, as n8n tries them. */
export const toDateTime = (value: unknown): DateTime | undefined => {
  if (DateTime.isDateTime(value) && value.isValid) return value;
  const text = jsString(value).trim();
  const parsers = [
    () => DateTime.fromISO(text, { setZone: true }),
    () => DateTime.fromHTTP(text, { setZone: true }),
    () => DateTime.fromRFC2822(text, { setZone: true }),
    () => DateTime.fromSQL(text, { setZone: true }),
  ];
  for (const parse of parsers) {
    const d = parse();
    if (d.isValid) return d;
  }
  const d = DateTime.fromMillis(Date.parse(text));
  return d.isValid ? d : undefined;
};

const toArray = (value: unknown): Parsed => {
  if (Array.isArray(value)) return ok(value);
  const text = jsString(value);
  for (const source of [text, text.replace(/'/g, '"')]) {
    try {
      const parsed: unknown = JSON.parse(source);
      return Array.isArray(parsed) ? ok(parsed) : INVALID;
    } catch {
      // n8n tries again with single quotes made double.
    }
  }
  return INVALID;
};

const toObject = (value: unknown): Parsed => {
  if (value && typeof value === 'object' && !Array.isArray(value)) return ok(value);
  try {
    const parsed: unknown = JSON.parse(jsString(value));
    return typeof parsed === 'object' && !Array.isArray(parsed) ? ok(parsed) : INVALID;
  } catch {
    return INVALID;
  }
};

/** n8n's validateFieldType for the filter's types, with text parsed. */
const validate = (value: unknown, type: string, strict: boolean): Parsed => {
  switch (type.toLowerCase()) {
    case 'string':
      return strict && typeof value !== 'string' ? INVALID : ok(toText(value));
    case 'number':
      return strict && typeof value !== 'number' ? INVALID : toNumber(value);
    case 'boolean':
      return strict && typeof value !== 'boolean' ? INVALID : toBoolean(value);
    case 'datetime': {
      const d = toDateTime(value);
      return d ? ok(d) : INVALID;
    }
    case 'object':
      // n8n's strict check is lodash's isObject: a list passes it, then fails to read as an object.
      return strict && (typeof value !== 'object' || value === null) ? INVALID : toObject(value);
    case 'array':
      return strict && !Array.isArray(value) ? INVALID : toArray(value);
    default:
      return ok(value);
  }
};

/**
 * One side of a condition as its type. `version` is the filter's own (1 for
 * IF 2–2.1, 2 for 2.2, 3 for 2.3): loose booleans read "true"/"1" from 2 on
 * (before, any truthy value), and empty text or an empty list is no number
 * from 3 on.
 */
export const parseFilterValue = (value: unknown, type: string, strict: boolean, version: number): Parsed => {
  if (type === 'any' || value === null || value === undefined) return ok(value);
  if (type === 'boolean' && !strict) {
    if (version >= 2) {
      const parsed = toBoolean(value);
      if (parsed.valid) return parsed;
    }
    return ok(Boolean(value));
  }
  if (type === 'number') {
    if (Number.isNaN(value)) return ok(value);
    const emptyText = typeof value === 'string' && value.trim() === '';
    const emptyList = Array.isArray(value) && value.length === 0;
    if ((emptyText || emptyList) && version >= 3) return ok(null);
  }
  return validate(value, type, strict);
};
