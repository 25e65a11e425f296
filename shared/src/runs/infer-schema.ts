import type { FieldPath } from '../expressions/path-expr.ts';

/**
 * The fields a run's items hold, worked out from the first items: what the
 * inspector's schema view lists, what a field is dragged from, and what the
 * expression editor completes after `$json.`. Bounded: deep or wide data
 * shows its first levels and keys, never all of it.
 */

export type FieldType = 'string' | 'number' | 'boolean' | 'null' | 'object' | 'array' | 'mixed';

export interface SchemaField {
  path: FieldPath;
  /** The key (or `[0]` for an array's first element) as it is shown. */
  label: string;
  type: FieldType;
  /** A short example value from the first item that has the field (scalars only). */
  example?: string;
  children: SchemaField[];
}

const MAX_ITEMS = 100;
const MAX_DEPTH = 6;
const MAX_KEYS = 200;
const MAX_EXAMPLE = 60;

const typeOf = (v: unknown): Exclude<FieldType, 'mixed'> => {
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return 'array';
  const t = typeof v;
  return t === 'string' || t === 'number' || t === 'boolean' ? t : 'object';
};

const exampleOf = (v: unknown): string | undefined => {
  if (typeof v === 'string') return v.length > MAX_EXAMPLE ? `${v.slice(0, MAX_EXAMPLE)}…` : v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
};

interface Acc {
  type?: FieldType;
  example?: string;
  /** Values seen at this path (objects and arrays), explored for children. */
  nested: unknown[];
  keys: Map<string, Acc>;
}

const newAcc = (): Acc => ({ nested: [], keys: new Map() });

const add = (acc: Acc, value: unknown): void => {
  const t = typeOf(value);
  // A field missing or null in some items keeps the type the others give it.
  if (t !== 'null') acc.type = acc.type === undefined || acc.type === t ? t : 'mixed';
  acc.example ??= exampleOf(value);
  if (t === 'object' || t === 'array') acc.nested.push(value);
};

const build = (acc: Acc, path: FieldPath, depth: number): SchemaField[] => {
  if (depth >= MAX_DEPTH) return [];
  const keys = new Map<string | number, Acc>();
  for (const value of acc.nested) {
    if (Array.isArray(value)) {
      // An array is described by its first element, as `[0]`.
      if (value.length === 0) continue;
      let first = keys.get(0);
      if (!first) keys.set(0, (first = newAcc()));
      add(first, value[0]);
      continue;
    }
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      let child = keys.get(k);
      if (!child) {
        if (keys.size >= MAX_KEYS) continue;
        keys.set(k, (child = newAcc()));
      }
      add(child, v);
    }
  }
  return [...keys].map(([key, child]) => {
    const childPath = [...path, key];
    return {
      path: childPath,
      label: typeof key === 'number' ? `[${key}]` : key,
      type: child.type ?? 'null',
      ...(child.example !== undefined ? { example: child.example } : {}),
      children: build(child, childPath, depth + 1),
    };
  });
};

/** The fields of `items` (their `json`), in the order they first appear. */
export const inferSchema = (items: readonly { json: unknown }[]): SchemaField[] => {
  const root = newAcc();
  for (const item of items.slice(0, MAX_ITEMS)) if (typeOf(item.json) === 'object') root.nested.push(item.json);
  return build(root, [], 0);
};
