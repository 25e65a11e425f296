import type { JsonObject } from '../runner/items.ts';
import { str } from './values.ts';

/** Field paths in items: "a.b.c" and "list[0].name", as n8n's dot notation reads them. */

const keysOf = (path: string): string[] =>
  path
    .replace(/\[(\d+)\]/g, '.$1')
    .split('.')
    .filter((k) => k.length > 0);

export const getPath = (json: unknown, path: string): unknown => {
  let at: unknown = json;
  for (const key of keysOf(path)) {
    if (at === null || typeof at !== 'object') return undefined;
    at = (at as Record<string, unknown>)[key];
  }
  return at;
};

/** Sets a value, creating objects on the way; returns the same (mutated) object. */
export const setPath = (json: JsonObject, path: string, value: unknown): JsonObject => {
  const keys = keysOf(path);
  if (keys.length === 0) return json;
  let at: Record<string, unknown> = json;
  for (const key of keys.slice(0, -1)) {
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

export const deepClone = <T>(value: T): T => structuredClone(value);
