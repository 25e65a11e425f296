import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import type { OpenedDatabase } from '../../src/db/open.ts';
import type { SyncServer } from '../../src/server.ts';
import { testDatabaseUrl } from './test-database.ts';

/**
 * Reads or writes the server's database behind its stores, on either
 * dialect, for what a test must check at rest (a hash, not the token; a
 * ciphertext, not the secret) or set up (an expired session). `?` marks the
 * parameters, as in SQLite; counts come back as numbers on both.
 */
export const rawSql = async <T extends Record<string, unknown>>(
  server: SyncServer,
  text: string,
  params: unknown[] = [],
): Promise<T[]> => {
  const { storage } = server;
  return storage.dialect === 'sqlite'
    ? onSqlite<T>(storage.database.sqlite, text, params)
    : onPostgres<T>(storage.database.pool, text, params);
};

/** As rawSql, on a data directory's database while no server has it open (after a crash, before a restart). */
export const rawSqlAt = async <T extends Record<string, unknown>>(
  dataDir: string,
  text: string,
  params: unknown[] = [],
): Promise<T[]> => {
  const url = await testDatabaseUrl(dataDir);
  if (url === undefined) {
    const db = new Database(join(dataDir, 'weft.db'));
    try {
      return onSqlite<T>(db, text, params);
    } finally {
      db.close();
    }
  }
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  try {
    return await onPostgres<T>(pool, text, params);
  } finally {
    await pool.end();
  }
};

const onSqlite = <T>(db: Database.Database, text: string, params: unknown[]): T[] => {
  const statement = db.prepare(text);
  if (!statement.reader) {
    statement.run(...params);
    return [];
  }
  return statement.all(...params) as T[];
};

const onPostgres = async <T>(pool: pg.Pool, text: string, params: unknown[]): Promise<T[]> => {
  let n = 0;
  const result = await pool.query(
    text.replace(/\?/g, () => `$${++n}`),
    params,
  );
  // PostgreSQL's count(*) is a bigint, which node-postgres gives as a string.
  return result.rows.map((row: Record<string, unknown>) =>
    Object.fromEntries(
      Object.entries(row).map(([k, v]) => [
        k,
        typeof v === 'string' && /^n$|count/.test(k) && /^\d+$/.test(v) ? Number(v) : v,
      ]),
    ),
  ) as T[];
};

/** The SQLite connection, for tests of what only SQLite does (a full disk, a lock held by another process). */
export const sqliteOf = (server: SyncServer): OpenedDatabase['sqlite'] => {
  if (server.storage.dialect !== 'sqlite') throw new Error('this test needs the SQLite storage');
  return server.storage.database.sqlite;
};
