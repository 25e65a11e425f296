import type { JsonObject } from '#shared/runs/items.ts';
import { NodeError } from '../runner/types.ts';

/**
 * Reading and writing an item's fields as Edit Fields (Set) does in n8n:
 * with dot notation, lodash's get/set/unset paths ("a.b", "tags[0]",
 * `a["b.c"]`, a key that exists as written wins over its dotted reading, an
 * index creates a list); without it, the name is one key (from Edit Fields 3
 * on, "['a']" is the key a unless a field is named as written: n8n's
 * sanitizeDataPathKey). Only own fields are read. A path through
 * "__proto__", "constructor" or "prototype" is refused with an error (lodash
 * skips it silently; Weft says why nothing was written).
 */

export interface FieldAccess {
  get(json: unknown, name: string): unknown;
  set(json: JsonObject, name: string, value: unknown): void;
  unset(json: JsonObject, name: string): void;
}

const reIsDeepProp = /\.|\[(?:[^[\]]*|(["'])(?:(?!\1)[^\\]|\\.)*?\1)\]/;
const reIsPlainProp = /^\w*$/;
const rePropName = /[^.[\]]+|\[(?:(-?\d+(?:\.\d+)?)|(["'])((?:(?!\2)[^\\]|\\.)*?)\2)\]|(?=(?:\.|\[\])(?:\.|\[\]|$))/g;
const reEscapeChar = /\\(\\)?/g;
const reIsIndex = /^(?:0|[1-9]\d*)$/;
const UNSAFE = new Set(['__proto__', 'constructor', 'prototype']);

const isObjectLike = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

const own = (at: unknown, key: string): boolean =>
  at !== null && at !== undefined && Object.prototype.hasOwnProperty.call(Object(at), key);

/** Paths come from parameters, so a few recur for every item: each is split once. */
const split = new Map<string, string[]>();
const stringToPath = (path: string): string[] => {
  let keys = split.get(path);
  if (keys) return keys;
  keys = [];
  if (path.charCodeAt(0) === 46) keys.push('');
  for (const [match, number, quote, inner] of path.matchAll(rePropName)) {
    keys.push(quote ? (inner ?? '').replace(reEscapeChar, '$1') : (number ?? match));
  }
  if (split.size >= 10_000) split.clear();
  split.set(path, keys);
  return keys;
};

/** lodash's castPath: one key when the name has no path syntax or is a key of `object` as written. */
const keysOf = (path: string, object: unknown): string[] =>
  reIsPlainProp.test(path) || !reIsDeepProp.test(path) || (isObjectLike(object) && path in object)
    ? [path]
    : stringToPath(path);

const child = (at: unknown, key: string): unknown =>
  own(at, key) ? (Object(at) as Record<string, unknown>)[key] : undefined;

const getAlong = (json: unknown, keys: readonly string[]): unknown => {
  let at = json;
  let index = 0;
  while (at !== null && at !== undefined && index < keys.length) at = child(at, keys[index++] as string);
  return index > 0 && index === keys.length ? at : undefined;
};

/** A data property, even for "__proto__" (a key JSON can hold). */
const put = (target: Record<string, unknown>, key: string, value: unknown): void => {
  if (key === '__proto__') {
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  } else target[key] = value;
};

const dotted: FieldAccess = {
  get: (json, name) => (json === null || json === undefined ? undefined : getAlong(json, keysOf(name, json))),
  set: (json, name, value) => {
    const keys = keysOf(name, json);
    let nested: unknown = json;
    for (let i = 0; i < keys.length && isObjectLike(nested); i++) {
      const key = keys[i] as string;
      if (UNSAFE.has(key)) {
        throw new NodeError(`field "${name}": "__proto__", "constructor" and "prototype" cannot be field names`);
      }
      let next = value;
      if (i !== keys.length - 1) {
        const existing = child(nested, key);
        next = isObjectLike(existing) ? existing : reIsIndex.test(keys[i + 1] as string) ? [] : {};
      }
      nested[key] = next;
      nested = next;
    }
  },
  unset: (json, name) => {
    const keys = keysOf(name, json);
    const last = keys[keys.length - 1];
    if (last === undefined) return;
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i] as string;
      if (key === '__proto__' && !own(json, '__proto__')) return;
      if ((key === 'constructor' || key === 'prototype') && i < keys.length - 1) return;
    }
    const parent = keys.length < 2 ? json : getAlong(json, keys.slice(0, -1));
    if (isObjectLike(parent) && own(parent, last)) Reflect.deleteProperty(parent, last);
  },
};

/** n8n's sanitizeDataPathKey: "['a']" or '["a"]' is the key a, unless the item has a field named as written. */
const literalKey = (json: unknown, name: string): string => {
  if (child(json, name) !== undefined) return name;
  if ((name.startsWith("['") && name.endsWith("']")) || (name.startsWith('["') && name.endsWith('"]'))) {
    return name.slice(2, -2);
  }
  return name;
};

const literal: FieldAccess = {
  get: (json, name) => child(json, literalKey(json, name)),
  set: (json, name, value) => put(json, literalKey(json, name), value),
  unset: (json, name) => {
    const key = literalKey(json, name);
    if (own(json, key)) Reflect.deleteProperty(json, key);
  },
};

/** Set 1 and 2 without dot notation: the name is the key, exactly as written. */
const plain: FieldAccess = {
  get: (json, name) => child(json, name),
  set: (json, name, value) => put(json, name, value),
  unset: (json, name) => {
    if (own(json, name)) Reflect.deleteProperty(json, name);
  },
};

/** `legacy`: Set 1 and 2, which write a name without dot notation as it is (no "['a']" reading). */
export const fieldAccess = (dotNotation: boolean, legacy = false): FieldAccess =>
  dotNotation ? dotted : legacy ? plain : literal;

/**
 * An item as JSON would carry it: a field set to undefined (n8n leaves the
 * key, its output drops it) is gone, an undefined list entry is null.
 */
export const asJson = (value: unknown): unknown => {
  if (Array.isArray(value)) return Array.from(value, (v) => (v === undefined ? null : asJson(v)));
  if (!isObjectLike(value)) return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const v = value[key];
    if (v !== undefined) put(out, key, asJson(v));
  }
  return out;
};
