/**
 * JSON with every object's keys sorted, at every depth: the same value always
 * gives the same bytes, so a pull that changed nothing rewrites nothing and a
 * diff in git shows only what changed. Object.fromEntries keeps a
 * "__proto__" key as an own property, as JSON.parse made it.
 */
export const sortKeysDeep = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(sortKeysDeep);
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return Object.fromEntries(entries.map(([key, inner]) => [key, sortKeysDeep(inner)]));
  }
  return value;
};

/** Two-space indented, sorted keys, one trailing newline (what git and editors expect). */
export const canonicalJson = (value: unknown): string => `${JSON.stringify(sortKeysDeep(value), null, 2)}\n`;

/** Equal as JSON values: key order does not matter, array order does. */
export const sameJson = (a: unknown, b: unknown): boolean =>
  JSON.stringify(sortKeysDeep(a)) === JSON.stringify(sortKeysDeep(b));
