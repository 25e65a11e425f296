import type { JsonObject } from '#shared/runs/items.ts';
import { NodeError } from '../runner/types.ts';
import { str } from './values.ts';

/** Field paths in items: "a.b.c" and "list[0].name", as n8n's dot notation reads them. */

const parse = (path: string): string[] =>
  path
    .replace(/\[(\d+)\]/g, '.$1')
    .split('.')
    .filter((k) => k.length > 0);

/** Paths come from node parameters, so a few recur for every item: each is split once. */
const parsed = new Map<string, readonly string[]>();
const keysOf = (path: string): readonly string[] => {
  let keys = parsed.get(path);
  if (!keys) {
    if (parsed.size >= 10_000) parsed.clear();
    keys = parse(path);
    parsed.set(path, keys);
  }
  return keys;
};

/** Reads own fields only: "constructor" or "__proto__" of an item is nothing, not a function or a prototype. */
export const getPath = (json: unknown, path: string): unknown => {
  let at: unknown = json;
  for (const key of keysOf(path)) {
    if (at === null || typeof at !== 'object' || !Object.prototype.hasOwnProperty.call(at, key)) return undefined;
    at = (at as Record<string, unknown>)[key];
  }
  return at;
};

/** Names that would write through to a prototype (the engine's own objects), not into the item. */
const UNSAFE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** Sets a value, creating objects on the way; returns the same (mutated) object. */
export const setPath = (json: JsonObject, path: string, value: unknown): JsonObject => {
  const keys = keysOf(path);
  if (keys.length === 0) return json;
  if (keys.some((k) => UNSAFE_KEYS.has(k))) {
    throw new NodeError(`field "${path}": "__proto__", "constructor" and "prototype" cannot be field names`);
  }
  let at: Record<string, unknown> = json;
  for (let i = 0; i < keys.length - 1; i++) {
    const key = keys[i] as string;
    const next = at[key];
    if (next === null || typeof next !== 'object') at[key] = {};
    at = at[key] as Record<string, unknown>;
  }
  at[keys[keys.length - 1] as string] = value;
  return json;
};

/** "a, b.c" → ["a", "b.c"]. */
export const fieldList = (value: unknown): string[] =>
  (Array.isArray(value) ? value.map(String) : str(value, '').split(','))
    .map((f) => f.trim())
    .filter((f) => f.length > 0);

/** A copy of JSON data (items are JSON: no dates, maps or cycles), faster than structuredClone for small items. */
export const deepClone = <T>(value: T): T => {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map(deepClone) as T;
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const v = deepClone((value as Record<string, unknown>)[key]);
    // A "__proto__" key (JSON.parse makes it an own property) must stay data, not become the copy's prototype.
    if (key === '__proto__')
      Object.defineProperty(copy, key, { value: v, enumerable: true, writable: true, configurable: true });
    else copy[key] = v;
  }
  return copy as T;
};
