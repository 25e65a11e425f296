/**
 * Field paths as n8n's item-list nodes read them (Sort, Split Out, Aggregate,
 * Remove Duplicates all use lodash's get/set/unset/pick): a key that exists
 * as written wins over its dotted reading ("a.b" as one key), `a[0]`,
 * `a["b.c"]` and a leading dot are understood, and a string's characters and
 * `length` are readable. Unlike lodash, only own fields are read: an item's
 * "constructor" or "toString" is nothing, never one of the engine's
 * functions. (paths.ts keeps Edit Fields' own reading of paths.)
 */

const reIsDeepProp = /\.|\[(?:[^[\]]*|(["'])(?:(?!\1)[^\\]|\\.)*?\1)\]/;
const reIsPlainProp = /^\w*$/;
const rePropName = /[^.[\]]+|\[(?:(-?\d+(?:\.\d+)?)|(["'])((?:(?!\2)[^\\]|\\.)*?)\2)\]|(?=(?:\.|\[\])(?:\.|\[\]|$))/g;
const reEscapeChar = /\\(\\)?/g;
const reIsUint = /^(?:0|[1-9]\d*)$/;

const isObjectLike = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

/** Whether `path` names one key of `object` as it stands (lodash's isKey). */
const isKey = (path: string, object: unknown): boolean =>
  reIsPlainProp.test(path) ||
  !reIsDeepProp.test(path) ||
  (object !== null && object !== undefined && path in Object(object));

const parsed = new Map<string, string[]>();
const stringToPath = (path: string): string[] => {
  let keys = parsed.get(path);
  if (keys) return keys;
  keys = [];
  if (path.charCodeAt(0) === 46) keys.push('');
  for (const m of path.matchAll(rePropName)) {
    const quote: string | undefined = m[2];
    keys.push(quote ? (m[3] ?? '').replace(reEscapeChar, '$1') : (m[1] ?? m[0]));
  }
  if (parsed.size >= 10_000) parsed.clear();
  parsed.set(path, keys);
  return keys;
};

export const toPath = (path: string, object: unknown): string[] => (isKey(path, object) ? [path] : stringToPath(path));

/** One step down: own fields of objects and arrays, characters and length of strings. */
const child = (at: unknown, key: string): unknown => {
  if (at === null || at === undefined) return undefined;
  const boxed = Object(at) as object;
  return Object.prototype.hasOwnProperty.call(boxed, key) ? (boxed as Record<string, unknown>)[key] : undefined;
};

const getAlong = (object: unknown, keys: readonly string[]): unknown => {
  let at = object;
  let index = 0;
  while (at !== null && at !== undefined && index < keys.length) at = child(at, keys[index++] as string);
  return index > 0 && index === keys.length ? at : undefined;
};

/** lodash `get(object, path)`. */
export const lodashGet = (object: unknown, path: string): unknown =>
  object === null || object === undefined ? undefined : getAlong(object, toPath(path, object));

/** Whether every key along `path` is there (lodash `hasIn`, own fields only). */
const hasAlong = (object: unknown, keys: readonly string[]): boolean => {
  let at = object;
  for (const key of keys) {
    if (at === null || at === undefined) return false;
    if (!Object.prototype.hasOwnProperty.call(Object(at), key)) return false;
    at = child(at, key);
  }
  return keys.length > 0;
};

const UNSAFE = new Set(['__proto__', 'constructor', 'prototype']);

const setAlong = (object: Record<string, unknown>, keys: readonly string[], value: unknown): void => {
  let nested: unknown = object;
  for (let i = 0; i < keys.length && isObjectLike(nested); i++) {
    const key = keys[i] as string;
    // lodash leaves the object alone rather than write through a prototype.
    if (UNSAFE.has(key)) return;
    let next = value;
    if (i !== keys.length - 1) {
      const existing = child(nested, key);
      next = isObjectLike(existing) ? existing : reIsUint.test(keys[i + 1] as string) ? [] : {};
    }
    nested[key] = next;
    nested = next;
  }
};

/** lodash `set(object, path, value)`: creates objects (or arrays before an index) on the way. */
export const lodashSet = (object: Record<string, unknown>, path: string, value: unknown): void =>
  setAlong(object, toPath(path, object), value);

/** lodash `unset(object, path)`. */
export const lodashUnset = (object: Record<string, unknown>, path: string): void => {
  const keys = toPath(path, object);
  const last = keys[keys.length - 1];
  if (last === undefined) return;
  const parent = keys.length < 2 ? object : getAlong(object, keys.slice(0, -1));
  if (isObjectLike(parent) && Object.prototype.hasOwnProperty.call(parent, last)) Reflect.deleteProperty(parent, last);
};

/** lodash `pick(object, ...paths)`: the fields at those paths, nested as they were. */
export const lodashPick = (object: Record<string, unknown>, paths: readonly string[]): Record<string, unknown> => {
  const out: Record<string, unknown> = {};
  for (const path of paths) {
    const keys = toPath(path, object);
    if (hasAlong(object, keys)) setAlong(out, keys, getAlong(object, keys));
  }
  return out;
};

/** n8n's flattenKeys: every leaf of an item under its dotted path ("meta.b.0"), in the order first met. */
export const flattenKeys = (value: unknown, prefix: string[] = [], into: Record<string, unknown> = {}) => {
  if (!isObjectLike(value)) {
    const key = prefix.join('.');
    // lodash's merge skips a "__proto__" key; a plain assignment would replace the prototype.
    if (key !== '__proto__') into[key] = value;
    return into;
  }
  for (const key of Object.keys(value)) flattenKeys(value[key], [...prefix, key], into);
  return into;
};
