import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { openSqliteFile } from './admin-db.ts';

/**
 * Who owns a data directory: a server while it runs, `weft restore` or
 * `weft migrate` while they replace or change the database. The owner holds
 * an exclusive SQLite lock on `DATA_DIR/server.lock` (a tiny SQLite file):
 * the lock is the operating system's (fcntl), so it goes with its process
 * however that process ends — kill -9 included — and a file left behind
 * proves nothing. A pid file would be fooled by exactly that (a stale pid,
 * or one reused by another program).
 *
 * Nothing else in a process that holds the lock may open and close
 * server.lock with plain file calls: closing any descriptor of a file drops
 * that process's fcntl locks on it. SQLite's own connections know this.
 */

export const LOCK_FILE = 'server.lock';

export interface DataDirLock {
  readonly file: string;
  release(): void;
}

const isBusy = (error: unknown): boolean => {
  const code = (error as { code?: unknown }).code;
  return code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED';
};

/**
 * Takes the data directory's lock; undefined when another process (or another
 * holder in this one) has it. Creates the directory when it is missing.
 */
export const acquireDataDirLock = (dataDir: string, holder: string): DataDirLock | undefined => {
  // A new data directory is its owner's alone, as the server makes it (it will hold the encryption key).
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = join(dataDir, LOCK_FILE);
  const db = openSqliteFile(file, { timeout: 0 });
  try {
    // In exclusive locking mode the lock of the first write is kept until the connection closes.
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE');
    db.exec('CREATE TABLE IF NOT EXISTS holder (pid INTEGER NOT NULL, what TEXT NOT NULL, since INTEGER NOT NULL)');
    db.exec('DELETE FROM holder');
    db.prepare('INSERT INTO holder (pid, what, since) VALUES (?, ?, ?)').run(process.pid, holder, Date.now());
    db.exec('COMMIT');
  } catch (error) {
    db.close();
    if (isBusy(error)) return undefined;
    throw error;
  }
  let released = false;
  return {
    file,
    release: () => {
      if (released) return;
      released = true;
      db.close();
    },
  };
};

/** Whether something (a running server) holds the data directory's lock right now. */
export const dataDirInUse = (dataDir: string): boolean => {
  if (!existsSync(dataDir)) return false;
  const lock = acquireDataDirLock(dataDir, 'probe');
  lock?.release();
  return lock === undefined;
};
