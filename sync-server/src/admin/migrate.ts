import { join } from 'node:path';
import { applyMigrations, configureConnection, DB_FILE, migrationState, openSqliteFile } from './admin-db.ts';
import { AdminError } from './admin-error.ts';
import type { MigrateResult } from './admin-storage.ts';
import { acquireDataDirLock } from './data-dir-lock.ts';

/**
 * `weft migrate`: brings the data directory's database to this Weft's schema
 * (creating it when there is none), as the server does when it starts. With
 * nothing to apply it only reports, even beside a running server. Applying
 * takes the data directory's lock: a schema must not change under a running
 * server, which is an older Weft if it has not applied them itself.
 */

export const migrateDataDir = (dataDir: string): MigrateResult => {
  const file = join(dataDir, DB_FILE);
  const lock = acquireDataDirLock(dataDir, 'weft migrate');
  try {
    const sqlite = openSqliteFile(file);
    try {
      configureConnection(sqlite);
      const created =
        (sqlite.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'").get() as { n: number }).n === 0;
      const state = migrationState(sqlite, dataDir);
      if (state.newer) throw new AdminError('conflict', `${file} was written by a newer Weft than this one`);
      if (state.pending.length === 0) return { file, applied: [], created: false };
      if (!lock) {
        throw new AdminError(
          'conflict',
          `A Weft server is running on ${dataDir} and ${file} lacks ${state.pending.length} migration(s): stop that server (an older Weft), then migrate`,
        );
      }
      sqlite.pragma('journal_mode = WAL');
      applyMigrations(sqlite, dataDir);
      return { file, applied: state.pending, created };
    } finally {
      sqlite.close();
    }
  } catch (error) {
    throw AdminError.from(error, file);
  } finally {
    lock?.release();
  }
};
