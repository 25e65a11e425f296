import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { getTableColumns, getTableName, is, type Column } from 'drizzle-orm';
import { getTableConfig, PgTable } from 'drizzle-orm/pg-core';
import { SQLiteTable } from 'drizzle-orm/sqlite-core';
import pg from 'pg';
import * as sqliteSchema from '../db/schema.ts';
import * as pgSchema from '../db/schema/pg.ts';
import { applyMigrations, configureConnection, DB_FILE, migrationState, openSqliteFile } from './admin-db.ts';
import { AdminError } from './admin-error.ts';
import { acquireDataDirLock } from './data-dir-lock.ts';
import { pgAdminStorage } from './pg-admin-storage.ts';
import { postgresAdminError, redactDatabaseUrl } from './postgres-errors.ts';

/**
 * `weft migrate-to-postgres`: copies a data directory's SQLite database into
 * DATABASE_URL's PostgreSQL, the step from one instance to a cluster
 * (docs/deploy.md). Every table, every row, in one PostgreSQL transaction:
 * a failure leaves PostgreSQL as it was. Both schemas are declared by
 * drizzle with the same tables and column keys, so each value goes through
 * drizzle's own mapping out of SQLite (0/1 → boolean) and into PostgreSQL;
 * a table or column the two lack alike is refused before anything is
 * written. Runs left queued or running are copied as they are: the first
 * server on PostgreSQL treats them as after a restart.
 */

/** PostgreSQL takes at most 65,535 parameters per statement; batches stay well under, and under a few MB. */
const MAX_PARAMS = 30_000;
const MAX_BATCH_BYTES = 8 * 1024 * 1024;
const CONNECT_TIMEOUT_MS = 10_000;
/** Rows a fresh server writes before anyone signs up (the credentials key check): replaced, not a conflict. */
const REPLACED_TABLES = new Set(['instance_settings']);

export interface CopyToPostgresResult {
  file: string;
  target: string;
  /** Migrations applied to the SQLite file first (it is copied at this Weft's schema). */
  migrated: string[];
  tables: { table: string; rows: number }[];
  rows: number;
  credentials: number;
}

interface TablePair {
  name: string;
  sqlite: SQLiteTable;
  pg: PgTable;
  /** Column keys in PostgreSQL's order, with both sides' column. */
  columns: { key: string; from: Column; to: Column }[];
  /** Identity and serial columns, whose sequences must continue after the copied rows. */
  sequenced: string[];
  identityAlways: boolean;
}

const byName = <T extends SQLiteTable | PgTable>(tables: T[]): Map<string, T> =>
  new Map(tables.map((t) => [getTableName(t), t]));

/** The two schemas, table by table, in an order where every table comes after the tables it references. */
export const tablePairs = (): TablePair[] => {
  const fromTables = byName(
    (Object.values(sqliteSchema) as unknown[]).filter((v): v is SQLiteTable => is(v, SQLiteTable)),
  );
  const toTables = byName((Object.values(pgSchema) as unknown[]).filter((v): v is PgTable => is(v, PgTable)));
  const problems: string[] = [];
  for (const name of fromTables.keys()) if (!toTables.has(name)) problems.push(`table ${name} is not in PostgreSQL`);
  for (const name of toTables.keys()) if (!fromTables.has(name)) problems.push(`table ${name} is not in SQLite`);
  const pairs = new Map<string, TablePair>();
  for (const [name, to] of toTables) {
    const from = fromTables.get(name);
    if (!from) continue;
    const fromColumns: Record<string, Column> = getTableColumns(from);
    const toColumns: Record<string, Column> = getTableColumns(to);
    const columns: TablePair['columns'] = [];
    for (const [key, column] of Object.entries(toColumns)) {
      const source = fromColumns[key];
      if (source) columns.push({ key, from: source, to: column });
      else problems.push(`column ${name}.${key} is not in SQLite`);
    }
    for (const key of Object.keys(fromColumns)) {
      if (!(key in toColumns)) problems.push(`column ${name}.${key} is not in PostgreSQL`);
    }
    const sequenced = Object.values(toColumns)
      .filter((c) => c.columnType === 'PgBigSerial53' || c.columnType === 'PgSerial' || c.generatedIdentity)
      .map((c) => c.name);
    const identityAlways = Object.values(toColumns).some((c) => c.generatedIdentity?.type === 'always');
    pairs.set(name, { name, sqlite: from, pg: to, columns, sequenced, identityAlways });
  }
  if (problems.length > 0) {
    throw new AdminError('failed', `This Weft's two database schemas differ: ${problems.join('; ')}`);
  }
  const ordered: TablePair[] = [];
  const placed = new Set<string>();
  const place = (pair: TablePair, path: Set<string>): void => {
    if (placed.has(pair.name)) return;
    if (path.has(pair.name))
      throw new AdminError('failed', `tables reference each other in a cycle through ${pair.name}`);
    path.add(pair.name);
    for (const fk of getTableConfig(pair.pg).foreignKeys) {
      const target = getTableName(fk.reference().foreignTable);
      const referenced = pairs.get(target);
      if (referenced && target !== pair.name) place(referenced, path);
    }
    path.delete(pair.name);
    placed.add(pair.name);
    ordered.push(pair);
  };
  for (const pair of [...pairs.values()].sort((a, b) => a.name.localeCompare(b.name))) place(pair, new Set());
  return ordered;
};

const quote = (identifier: string): string => `"${identifier.replaceAll('"', '""')}"`;

const byteSize = (value: unknown): number =>
  Buffer.isBuffer(value) ? value.byteLength : typeof value === 'string' ? value.length * 2 : 8;

export interface CopyOptions {
  /** After each table: how many of them are copied. */
  onTable?: (done: number, total: number) => void;
}

export const copyDataDirToPostgres = async (
  dataDir: string,
  url: string,
  options: CopyOptions = {},
): Promise<CopyToPostgresResult> => {
  const file = join(dataDir, DB_FILE);
  const target = redactDatabaseUrl(url);
  const pairs = tablePairs();
  if (!existsSync(file)) {
    throw new AdminError('not_found', `There is no database at ${file} to copy (check --data-dir / DATA_DIR)`);
  }
  const lock = acquireDataDirLock(dataDir, 'weft migrate-to-postgres');
  if (!lock) {
    throw new AdminError(
      'conflict',
      `A Weft server is running on ${dataDir}: stop it first, so nothing is written to ${file} while it is copied`,
    );
  }
  try {
    const sqlite = openSqliteFile(file, { fileMustExist: true });
    try {
      configureConnection(sqlite);
      // At this Weft's schema first: the copy maps today's columns.
      const state = migrationState(sqlite, dataDir);
      if (state.newer) throw new AdminError('conflict', `${file} was written by a newer Weft than this one`);
      if (state.pending.length > 0) {
        sqlite.pragma('journal_mode = WAL');
        applyMigrations(sqlite, dataDir);
      }
      const migrated = state.pending;
      // Refused before anything changes there: a database with Weft data is not migrated by a copy that will not happen.
      if (await holdsAccounts(url)) {
        throw new AdminError('conflict', `${target} already holds Weft data (users): copy into an empty database`);
      }
      await pgAdminStorage(url, dataDir).migrate();
      const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
      client.on('error', () => undefined);
      try {
        await client.connect();
        await client.query('BEGIN');
        try {
          // Nobody signs up or creates a workflow on PostgreSQL while it is filled.
          await client.query(`LOCK TABLE ${pairs.map((p) => quote(p.name)).join(', ')} IN SHARE ROW EXCLUSIVE MODE`);
          const occupied: string[] = [];
          for (const pair of pairs) {
            if (REPLACED_TABLES.has(pair.name)) continue;
            const found = await client.query(`SELECT 1 FROM ${quote(pair.name)} LIMIT 1`);
            if ((found.rowCount ?? 0) > 0) occupied.push(pair.name);
          }
          if (occupied.length > 0) {
            throw new AdminError(
              'conflict',
              `${target} already holds Weft data (${occupied.join(', ')}): copy into an empty database`,
            );
          }
          for (const name of REPLACED_TABLES) await client.query(`DELETE FROM ${quote(name)}`);
          const tables: CopyToPostgresResult['tables'] = [];
          for (const pair of pairs) {
            tables.push({ table: pair.name, rows: await copyTable(sqlite, client, pair) });
            options.onTable?.(tables.length, pairs.length);
          }
          await client.query('COMMIT');
          const rows = tables.reduce((sum, t) => sum + t.rows, 0);
          const credentials = tables.find((t) => t.table === 'credentials')?.rows ?? 0;
          return { file, target, migrated, tables, rows, credentials };
        } catch (error) {
          await client.query('ROLLBACK').catch(() => undefined);
          throw error;
        }
      } finally {
        await client.end().catch(() => undefined);
      }
    } finally {
      sqlite.close();
    }
  } catch (error) {
    if (error instanceof AdminError) throw error;
    if ((error as { code?: unknown }).code?.toString().startsWith('SQLITE_')) throw AdminError.from(error, file);
    throw postgresAdminError(error, url);
  } finally {
    lock.release();
  }
};

/** Whether PostgreSQL already has Weft's accounts table with rows in it (before any migration runs). */
const holdsAccounts = async (url: string): Promise<boolean> => {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const table = await client.query<{ exists: boolean }>("SELECT to_regclass('public.users') IS NOT NULL AS exists");
    if (!table.rows[0]?.exists) return false;
    return ((await client.query('SELECT 1 FROM users LIMIT 1')).rowCount ?? 0) > 0;
  } finally {
    await client.end().catch(() => undefined);
  }
};

const copyTable = async (
  sqlite: ReturnType<typeof openSqliteFile>,
  client: pg.Client,
  pair: TablePair,
): Promise<number> => {
  const columnList = pair.columns.map((c) => quote(c.to.name)).join(', ');
  const insert = `INSERT INTO ${quote(pair.name)} (${columnList})${pair.identityAlways ? ' OVERRIDING SYSTEM VALUE' : ''} VALUES `;
  const perRow = pair.columns.length;
  let batch: unknown[] = [];
  let batchBytes = 0;
  let copied = 0;
  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    const rows = batch.length / perRow;
    const tuples: string[] = [];
    for (let r = 0; r < rows; r += 1) {
      tuples.push(`(${pair.columns.map((_, c) => `$${r * perRow + c + 1}`).join(', ')})`);
    }
    await client.query(insert + tuples.join(', '), batch);
    copied += rows;
    batch = [];
    batchBytes = 0;
  };
  // rowid order: rows that point at earlier rows of their own table (a retry at its original) come after them.
  const select = sqlite.prepare(`SELECT * FROM ${quote(pair.name)} ORDER BY rowid`);
  for (const row of select.iterate() as IterableIterator<Record<string, unknown>>) {
    for (const { from, to } of pair.columns) {
      const raw = row[from.name];
      const value = raw === null || raw === undefined ? null : to.mapToDriverValue(from.mapFromDriverValue(raw));
      batch.push(value);
      batchBytes += byteSize(value);
    }
    if (batch.length + perRow > MAX_PARAMS || batchBytes > MAX_BATCH_BYTES) await flush();
  }
  await flush();
  // Sequences continue after the copied ids, or the next insert would collide with one.
  for (const column of pair.sequenced) {
    await client.query(
      `SELECT setval(pg_get_serial_sequence($1, $2), COALESCE((SELECT max(${quote(column)}) FROM ${quote(pair.name)}), 0) + 1, false)`,
      [quote(pair.name), column],
    );
  }
  return copied;
};
