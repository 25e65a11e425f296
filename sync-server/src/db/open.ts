import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { installRoot } from '../paths.ts';
import * as schema from './schema.ts';

/** drizzle over better-sqlite3; `$client` is the raw connection for the few hot statements. */
export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

export interface OpenDatabaseOptions {
  /** Path of the SQLite file (created with its directory if missing). */
  file: string;
  /**
   * NORMAL (default): a commit survives a crash of the Weft process (kill -9)
   * but may be lost on power failure. FULL: every commit is fsynced first.
   */
  synchronous?: 'NORMAL' | 'FULL';
}

export interface OpenedDatabase {
  db: Db;
  sqlite: Database.Database;
  close(): void;
}

export const MIGRATIONS_DIR = join(installRoot(), 'migrations');

/** Opens the database in WAL mode and applies any pending migrations from migrations/. */
export const openDatabase = ({ file, synchronous = 'NORMAL' }: OpenDatabaseOptions): OpenedDatabase => {
  mkdirSync(dirname(file), { recursive: true });
  const sqlite = new Database(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma(`synchronous = ${synchronous}`);
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  const db = drizzle(sqlite, { schema });
  migrate(db, { migrationsFolder: MIGRATIONS_DIR });
  return {
    db,
    sqlite,
    close: () => {
      if (!sqlite.open) return;
      // Folds the WAL back into the main file so a stopped server leaves one file behind.
      sqlite.pragma('wal_checkpoint(TRUNCATE)');
      sqlite.close();
    },
  };
};
