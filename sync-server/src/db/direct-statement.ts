import type Database from 'better-sqlite3';
import { Param, Placeholder, type Query } from 'drizzle-orm';

/**
 * A statement built with drizzle (so its SQL follows the schema) and run by
 * better-sqlite3 directly, for the few statements a webhook run executes
 * several times: drizzle's prepared statements fill their placeholders
 * through a generic walk on every call, which cost more than some of the
 * statements. Values go through the column's encoder where drizzle put one
 * (an insert's), and are bound as given elsewhere; the query's constants are
 * bound as drizzle rendered them.
 */
export interface DirectStatement<V extends Record<string, unknown>> {
  run(values: V): Database.RunResult;
  /** The first column of the first row (drizzle names no columns in its SQL: rows are read by position). */
  value(values: V): unknown;
}

type Slot<V> = { name: keyof V; encode?: (value: unknown) => unknown } | { value: unknown };

export const directStatement = <V extends Record<string, unknown>>(
  sqlite: Database.Database,
  query: { toSQL(): Query },
): DirectStatement<V> => {
  const { sql, params } = query.toSQL();
  const slots = params.map((p): Slot<V> => {
    if (p instanceof Placeholder) return { name: p.name as keyof V };
    // An insert's values come as a Param around the placeholder, with the column's encoder.
    if (p instanceof Param && p.value instanceof Placeholder) {
      const { encoder } = p;
      return {
        name: p.value.name as keyof V,
        encode: (v) => (v === null ? null : (encoder.mapToDriverValue(v) as unknown)),
      };
    }
    if (p instanceof Param) return { value: p.encoder.mapToDriverValue(p.value) as unknown };
    return { value: p };
  });
  const stmt = sqlite.prepare(sql);
  // pluck() switches the statement for every call; a second one keeps run() unaffected.
  const firstColumn = stmt.reader ? sqlite.prepare(sql).pluck() : undefined;
  const ordered = (values: V) =>
    slots.map((slot) =>
      'name' in slot ? (slot.encode ? slot.encode(values[slot.name]) : values[slot.name]) : slot.value,
    );
  return {
    run: (values) => stmt.run(ordered(values)),
    value: (values) => {
      if (!firstColumn) throw new Error('directStatement: value() of a statement that returns no rows');
      return firstColumn.get(ordered(values));
    },
  };
};
