import { is } from 'drizzle-orm';
import { getTableConfig as pgConfig, PgTable } from 'drizzle-orm/pg-core';
import { getTableConfig as sqliteConfig, SQLiteTable } from 'drizzle-orm/sqlite-core';
import { describe, expect, it } from 'vitest';
import * as pg from './schema/pg.ts';
import * as sqlite from './schema.ts';

/**
 * The two dialects' schemas describe the same database: the same tables,
 * columns (kind, nullability, default or not), keys, indexes, foreign keys
 * and checks. Written twice because drizzle has no dialect-neutral table
 * builder; this keeps the cost of that to one failing test.
 */

type Kind = 'text' | 'int' | 'bool' | 'bytes';

const sqliteKind = (column: { columnType: string; getSQLType(): string }): Kind => {
  if (column.columnType === 'SQLiteBoolean') return 'bool';
  const type = column.getSQLType();
  if (type === 'blob') return 'bytes';
  if (type === 'integer') return 'int';
  return 'text';
};

const pgKind = (column: { getSQLType(): string }): Kind => {
  const type = column.getSQLType();
  if (type === 'bytea') return 'bytes';
  if (type === 'boolean') return 'bool';
  if (type === 'integer' || type === 'bigint' || type === 'bigserial') return 'int';
  return 'text';
};

interface Shape {
  columns: Record<string, { kind: Kind; notNull: boolean; hasDefault: boolean; primary: boolean; unique: boolean }>;
  primaryKeys: string[][];
  indexes: { name: string; columns: string[]; unique: boolean }[];
  foreignKeys: { columns: string[]; table: string; foreignColumns: string[]; onDelete: string }[];
  checks: string[];
}

const sorted = <T>(items: T[], key: (item: T) => string) => [...items].sort((a, b) => key(a).localeCompare(key(b)));

const shapeOf = (config: ReturnType<typeof sqliteConfig> | ReturnType<typeof pgConfig>, kind: (c: never) => Kind) =>
  ({
    columns: Object.fromEntries(
      config.columns.map((c) => [
        c.name,
        {
          kind: kind(c as never),
          notNull: c.notNull,
          hasDefault: c.hasDefault,
          primary: c.primary,
          unique: c.isUnique,
        },
      ]),
    ),
    primaryKeys: config.primaryKeys.map((pk) => pk.columns.map((c) => c.name)),
    indexes: sorted(
      config.indexes.map((i) => ({
        name: i.config.name ?? '',
        // Weft indexes columns only, never expressions.
        columns: i.config.columns.map((c) => ('name' in c ? (c.name ?? '') : 'expression')),
        unique: i.config.unique,
      })),
      (i) => i.name,
    ),
    foreignKeys: sorted(
      config.foreignKeys.map((fk) => {
        const ref = fk.reference();
        return {
          columns: ref.columns.map((c) => c.name),
          table: (ref.foreignTable as unknown as { [key: symbol]: string })[Symbol.for('drizzle:Name')] ?? '',
          foreignColumns: ref.foreignColumns.map((c) => c.name),
          onDelete: fk.onDelete ?? 'no action',
        };
      }),
      (fk) => fk.columns.join(','),
    ),
    checks: config.checks.map((c) => c.name).sort(),
  }) satisfies Shape;

/**
 * Checks PostgreSQL has and SQLite does not: SQLite adds a table CHECK only by
 * rebuilding the table, which for node_runs (every item of every run) costs an
 * upgrade more than the check is worth. The engine writes only these values.
 */
const pgOnlyChecks = new Set(['node_runs_origin_check']);

const tables = <T>(module: Record<string, unknown>, isTable: (value: unknown) => value is T) =>
  Object.entries(module).filter((entry): entry is [string, T] => isTable(entry[1]));

describe('the SQLite and PostgreSQL schemas', () => {
  const sqliteTables = tables(sqlite, (v): v is SQLiteTable => is(v, SQLiteTable));
  const pgTables = tables(pg, (v): v is PgTable => is(v, PgTable));

  it('define the same tables under the same names', () => {
    expect(pgTables.map(([name, t]) => [name, pgConfig(t).name]).sort()).toEqual(
      sqliteTables.map(([name, t]) => [name, sqliteConfig(t).name]).sort(),
    );
    expect(sqliteTables.length).toBeGreaterThan(10);
  });

  for (const [name, table] of sqliteTables) {
    it(`agree on ${name}: columns, keys, indexes, foreign keys and checks`, () => {
      const other = pgTables.find(([n]) => n === name)?.[1];
      expect(other, `${name} is in the PostgreSQL schema`).toBeDefined();
      if (!other) return;
      const pgShape = shapeOf(pgConfig(other), pgKind);
      pgShape.checks = pgShape.checks.filter((c) => !pgOnlyChecks.has(c));
      expect(pgShape).toEqual(shapeOf(sqliteConfig(table), sqliteKind));
    });
  }
});
