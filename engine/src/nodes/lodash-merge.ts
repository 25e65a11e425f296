/**
 * How n8n's Merge puts two items' fields together: lodash's `merge` (deep:
 * objects field by field, arrays index by index, an `undefined` never
 * replaces a value) and `assign` (shallow), each optionally with n8n's
 * "minimize empty fields" customizer (null and "" never replace a value).
 * For JSON values only, on fresh objects: the inputs are never changed, and
 * "__proto__" is written as a plain field, never as a prototype.
 */

type Json = Record<string, unknown>;

const isObjectLike = (value: unknown): value is Json => typeof value === 'object' && value !== null;

/** A keeps-the-old-value rule (n8n's overrideEmpty customizer): undefined means "use the source's value". */
type Customizer = (objValue: unknown, srcValue: unknown) => unknown;

const keepUnlessEmpty: Customizer = (objValue, srcValue) =>
  srcValue === undefined || srcValue === null || srcValue === '' ? objValue : undefined;

const define = (object: Json | unknown[], key: string, value: unknown): void => {
  Object.defineProperty(object, key, { value, writable: true, enumerable: true, configurable: true });
};

/** lodash's assignMergeValue: an undefined only lands where there is no such key yet. */
const assignMergeValue = (object: Json | unknown[], key: string, value: unknown): void => {
  const current = (object as Json)[key];
  const has = Object.prototype.hasOwnProperty.call(object, key);
  if ((value !== undefined && !(has && Object.is(current, value))) || (value === undefined && !has)) {
    define(object, key, value);
  }
};

const isArrayLikeObject = (value: unknown): value is { length: number } =>
  isObjectLike(value) &&
  typeof value.length === 'number' &&
  Number.isInteger(value.length) &&
  value.length >= 0 &&
  value.length <= Number.MAX_SAFE_INTEGER;

const copyArrayLike = (value: { length: number }): unknown[] =>
  Array.from({ length: value.length }, (_, i) => (value as unknown as Json)[String(i)]);

const ownValue = (object: unknown, key: string): unknown =>
  isObjectLike(object) && Object.prototype.hasOwnProperty.call(object, key) ? object[key] : undefined;

const baseMerge = (object: Json | unknown[], source: Json | unknown[], customizer: Customizer | undefined): void => {
  for (const key of Object.keys(source)) {
    const srcValue = (source as Json)[key];
    const objValue = ownValue(object, key);
    if (isObjectLike(srcValue)) {
      const custom = customizer?.(objValue, srcValue);
      if (custom !== undefined) {
        assignMergeValue(object, key, custom);
        continue;
      }
      let next: Json | unknown[];
      if (Array.isArray(srcValue)) {
        next = Array.isArray(objValue) ? objValue : isArrayLikeObject(objValue) ? copyArrayLike(objValue) : [];
      } else {
        next = isObjectLike(objValue) && !Array.isArray(objValue) ? objValue : {};
        // lodash keeps an array here when the source is a plain object: its fields are merged onto it.
        if (Array.isArray(objValue)) next = objValue;
      }
      baseMerge(next, srcValue, customizer);
      assignMergeValue(object, key, next);
    } else {
      const custom = customizer?.(objValue, srcValue);
      assignMergeValue(object, key, custom === undefined ? srcValue : custom);
    }
  }
};

/** lodash `merge({}, ...sources)` (or `mergeWith` with the customizer); every object and array in the result is new. */
export const deepMerge = (sources: readonly unknown[], overrideEmpty: boolean): Json => {
  const out: Json = {};
  const customizer = overrideEmpty ? keepUnlessEmpty : undefined;
  for (const source of sources) {
    if (isObjectLike(source)) baseMerge(out, source, customizer);
  }
  return out;
};

/** lodash `assign({}, ...sources)` (or `assignWith` with the customizer). */
export const shallowMerge = (sources: readonly unknown[], overrideEmpty: boolean): Json => {
  const out: Json = {};
  for (const source of sources) {
    if (!isObjectLike(source)) continue;
    for (const key of Object.keys(source)) {
      const srcValue = source[key];
      const custom = overrideEmpty ? keepUnlessEmpty(ownValue(out, key), srcValue) : undefined;
      const value = custom === undefined ? srcValue : custom;
      const has = Object.prototype.hasOwnProperty.call(out, key);
      if (!(has && Object.is(out[key], value))) define(out, key, value);
    }
  }
  return out;
};
