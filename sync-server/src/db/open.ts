import { mkdirSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { dirname, join } from 'node:path';
import type Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { BINARY_ASSETS } from '#shared/binary-assets.ts';
import { embeddedText } from '../binary/assets.ts';
import { migrationsFolderOf } from '../binary/embedded-migrations.ts';
import { installRoot } from '../paths.ts';
import * as schema from './schema.ts';
import { embeddedSqliteAddon, openSqlite } from './sqlite-driver.ts';

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
  /** Stops the checkpoint thread, folds the WAL into the main file and closes. */
  close(): Promise<void>;
}

/** The folder of SQLite's drizzle migrations: migrations/ in the source tree, extracted from the binary. */
export const migrationsFolder = (dataDir: string): string => migrationsFolderOf('sqlite', dataDir);

/** The checkpoint thread: its file in the source tree, or its bundled code carried by the binary. */
const startCheckpointer = (file: string, intervalMs: number): Worker => {
  const code = embeddedText(BINARY_ASSETS.checkpointWorker);
  if (code === undefined) {
    return new Worker(join(installRoot(), 'sync-server/src/db/checkpoint-worker.mjs'), {
      workerData: { file, intervalMs },
    });
  }
  const addonPath = embeddedSqliteAddon(dirname(file))?.path;
  return new Worker(code, { eval: true, workerData: { file, intervalMs, addonPath } });
};

/** How often the checkpoint thread folds the WAL into the database file. */
const CHECKPOINT_INTERVAL_MS = 1000;

/** Opens the database in WAL mode and applies any pending migrations from migrations/. */
export const openDatabase = ({ file, synchronous = 'NORMAL' }: OpenDatabaseOptions): OpenedDatabase => {
  mkdirSync(dirname(file), { recursive: true });
  const sqlite = openSqlite(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma(`synchronous = ${synchronous}`);
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  // better-sqlite3 builds with a 16 MB page cache; under write load it fills and stays in RSS.
  // Weft appends to a log and reads a document's rows once per load, which the OS page cache
  // serves well: SQLite's stock 2 MB is enough.
  sqlite.pragma('cache_size = -2000');
  // Checkpoints run on their own thread (checkpoint-worker.mjs), never inside a commit here.
  sqlite.pragma('wal_autocheckpoint = 0');
  const db = drizzle(sqlite, { schema });
  migrate(db, { migrationsFolder: migrationsFolder(dirname(file)) });
  const checkpointer = startCheckpointer(file, CHECKPOINT_INTERVAL_MS);
  checkpointer.unref();
  let closing: Promise<void> | undefined;
  return {
    db,
    sqlite,
    close: () => {
      closing ??= (async () => {
        await new Promise<void>((resolve) => {
          checkpointer.once('exit', () => resolve());
          checkpointer.on('message', (m: { type?: string }) => {
            if (m.type === 'stopped') void checkpointer.terminate();
          });
          checkpointer.postMessage('stop');
        });
        if (!sqlite.open) return;
        // Folds the WAL back into the main file so a stopped server leaves one file behind.
        sqlite.pragma('wal_checkpoint(TRUNCATE)');
        sqlite.close();
      })();
      return closing;
    },
  };
};
