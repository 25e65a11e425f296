import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { z } from 'zod';
import { migrationsFolder, type Db } from '../db/open.ts';
import { openSqlite } from '../db/sqlite-driver.ts';
import * as schema from '../db/schema.ts';
import { AdminError } from './admin-error.ts';

/**
 * The data directory's database as the admin commands open it: beside a
 * server that may be running. SQLite's own locking keeps both safe — WAL
 * lets a reader and the server's writer go on together, and busy_timeout
 * makes a write wait for the server's commit instead of failing. No
 * checkpoint thread (the server's does that) and no migrations: a database
 * whose schema is behind this Weft is refused, so an admin command never
 * changes the schema under a running server (`weft migrate` does that).
 */

export const DB_FILE = 'weft.db';
/** How long a write waits for a server's transaction to end; the server's own commits are milliseconds. */
const BUSY_TIMEOUT_MS = 10_000;

export interface AdminDatabase {
  db: Db;
  sqlite: Database.Database;
  close(): void;
}

const journal = z.object({ entries: z.array(z.object({ tag: z.string(), when: z.number() })) });

/** Opens an SQLite file with the driver this process carries (the binary's embedded addon, or better-sqlite3's own). */
export const openSqliteFile = (
  file: string,
  options: Omit<Database.Options, 'nativeBinding'> = {},
): Database.Database => openSqlite(file, options);

/** The migrations this Weft ships, oldest first. */
export const knownMigrations = (dataDir: string): { tag: string; when: number }[] =>
  journal.parse(JSON.parse(readFileSync(join(migrationsFolder(dataDir), 'meta', '_journal.json'), 'utf8'))).entries;

export interface MigrationState {
  /** Migrations this Weft has that the database lacks, oldest first. */
  pending: string[];
  /** The database was migrated by a newer Weft than this one. */
  newer: boolean;
}

/** Compares the database's migration table with this Weft's migrations (as drizzle's migrator does: by time). */
export const migrationState = (sqlite: Database.Database, dataDir: string): MigrationState => {
  const known = knownMigrations(dataDir);
  const table = sqlite
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = '__drizzle_migrations'")
    .get();
  const last = table
    ? (sqlite.prepare('SELECT max(created_at) AS at FROM __drizzle_migrations').get() as { at: number | string | null })
        .at
    : null;
  const lastAt = last === null ? -1 : Number(last);
  return {
    pending: known.filter((m) => m.when > lastAt).map((m) => m.tag),
    newer: lastAt > Math.max(...known.map((m) => m.when)),
  };
};

/** Applies the pending migrations in one transaction (drizzle's migrator, as the server does at start). */
export const applyMigrations = (sqlite: Database.Database, dataDir: string): void => {
  migrate(drizzle(sqlite, { schema }), { migrationsFolder: migrationsFolder(dataDir) });
};

/** Connection settings every admin connection uses. */
export const configureConnection = (sqlite: Database.Database): void => {
  sqlite.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  sqlite.pragma('foreign_keys = ON');
};

/** Opens DATA_DIR/weft.db for an admin command; it must exist and be migrated to this Weft's schema. */
export const openAdminDatabase = (dataDir: string): AdminDatabase => {
  const file = join(dataDir, DB_FILE);
  if (!existsSync(file)) {
    throw new AdminError(
      'not_found',
      `There is no database at ${file}: start the server once or run "weft migrate" (check --data-dir / DATA_DIR)`,
    );
  }
  const sqlite = openSqliteFile(file, { fileMustExist: true });
  try {
    configureConnection(sqlite);
    // The server runs WAL; setting it here only matters for a database no server ever opened.
    sqlite.pragma('journal_mode = WAL');
    const state = migrationState(sqlite, dataDir);
    if (state.newer) {
      throw new AdminError(
        'conflict',
        `${file} was written by a newer Weft than this one (${knownVersionTag(dataDir)})`,
      );
    }
    if (state.pending.length > 0) {
      throw new AdminError(
        'conflict',
        `${file} needs ${state.pending.length} migration${state.pending.length === 1 ? '' : 's'}: run "weft migrate" first`,
      );
    }
  } catch (error) {
    sqlite.close();
    throw AdminError.from(error, file);
  }
  return { db: drizzle(sqlite, { schema }), sqlite, close: () => sqlite.close() };
};

const knownVersionTag = (dataDir: string): string =>
  `it knows migrations up to ${knownMigrations(dataDir).at(-1)?.tag ?? 'none'}`;
