/**
 * How n8n's Sort and Remove Duplicates compare values: lodash's `isEqual`
 * (deep, keys in any order) and `lt` (text against text as text, anything
 * else as numbers after lodash's toNumber: "12" is 12, "0b11" is 3, "[1]"
 * is NaN, null is 0). Neither is a total order over mixed types, so the
 * result of a sort depends on the sort algorithm: callers sort on the host
 * (V8, as n8n does) with the same comparator to get n8n's order.
 */

export const lodashIsEqual = (a: unknown, b: unknown): boolean => {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) {
    return typeof a === 'number' && typeof b === 'number' && Number.isNaN(a) && Number.isNaN(b);
  }
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((v, i) => lodashIsEqual(v, b[i]));
  }
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  const keys = Object.keys(ra);
  if (keys.length !== Object.keys(rb).length) return false;
  return keys.every((k) => Object.prototype.hasOwnProperty.call(rb, k) && lodashIsEqual(ra[k], rb[k]));
};

const reIsBadHex = /^[-+]0x[0-9a-f]+$/i;
const reIsBinary = /^0b[01]+$/i;
const reIsOctal = /^0o[0-7]+$/i;

/** lodash's toNumber for JSON values (arrays and objects through their text). */
export const lodashToNumber = (value: unknown): number => {
  if (typeof value === 'number') return value;
  let v: unknown = value;
  if (typeof v === 'object' && v !== null) v = Array.isArray(v) ? v.join(',') : '[object Object]';
  if (typeof v !== 'string') return v === undefined ? NaN : Number(v);
  const text = v.trim();
  const binary = reIsBinary.test(text);
  if (binary || reIsOctal.test(text)) return parseInt(text.slice(2), binary ? 2 : 8);
  return reIsBadHex.test(text) ? NaN : Number(text);
};

/** lodash `lt(a, b)`. */
export const lodashLt = (a: unknown, b: unknown): boolean =>
  typeof a === 'string' && typeof b === 'string' ? a < b : lodashToNumber(a) < lodashToNumber(b);
