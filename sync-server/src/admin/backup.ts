import { chmodSync, closeSync, existsSync, openSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type Database from 'better-sqlite3';
import { configureConnection, DB_FILE, openSqliteFile } from './admin-db.ts';
import { AdminError } from './admin-error.ts';

/**
 * `weft backup`: a consistent copy of the data directory's database while a
 * server may be running and writing, with SQLite's online backup API
 * (better-sqlite3's `backup()`). Each step copies pages under a read
 * transaction, which in WAL mode never blocks the server's writer. A write by
 * the server between two steps makes SQLite restart the copy, so once that
 * happens the rest is copied in one step: under heavy writing the copy still
 * ends, and it is always one consistent moment of the database.
 *
 * The copy is written beside the target and renamed into place, so a
 * half-written backup never carries the target's name. It holds the database
 * only: the key that encrypts stored credentials (DATA_DIR/encryption.key or
 * WEFT_ENCRYPTION_KEY) is kept apart on purpose, so a stolen backup does not
 * give the secrets away; `weft restore --key-file` brings it back.
 */

export interface BackupProgress {
  totalPages: number;
  remainingPages: number;
}

export interface BackupResult {
  file: string;
  bytes: number;
  pages: number;
  /** Stored credentials: if any, the backup is of little use without the encryption key. */
  credentials: number;
}

/** Pages per step: small enough to report progress, large enough that a step costs little. */
const PAGES_PER_STEP = 1000;
/** One step of this many pages copies whatever remains. */
const ALL_PAGES = 0x7fffffff;

/**
 * Copies `source` (an open connection) to `target` with the backup API and
 * leaves `target` a single self-contained file (rollback journal, no -wal).
 */
export const copyDatabase = async (
  source: Database.Database,
  target: string,
  onProgress: (p: BackupProgress) => void,
): Promise<{ pages: number }> => {
  let lastRemaining = Number.POSITIVE_INFINITY;
  let oneStep = false;
  // Password hashes, sessions' hashes and every run's data: readable by its owner only, from the first byte.
  closeSync(openSync(target, 'a', 0o600));
  chmodSync(target, 0o600);
  const done = await source.backup(target, {
    progress: ({ totalPages, remainingPages }) => {
      // More pages left than a step ago: a write restarted the copy; finish it in one step.
      if (remainingPages > lastRemaining) oneStep = true;
      lastRemaining = remainingPages;
      onProgress({ totalPages, remainingPages });
      return oneStep ? ALL_PAGES : PAGES_PER_STEP;
    },
  });
  onProgress({ totalPages: done.totalPages, remainingPages: 0 });
  const copy = openSqliteFile(target, { fileMustExist: true });
  try {
    configureConnection(copy);
    // The copy inherits the source's WAL mode; a backup is one file to carry around.
    copy.pragma('journal_mode = DELETE');
    const check = copy.pragma('quick_check', { simple: true });
    if (check !== 'ok') throw new AdminError('failed', `the copy did not pass SQLite's check: ${String(check)}`);
  } finally {
    copy.close();
  }
  return { pages: done.totalPages };
};

/** Rows of a table, 0 when the table does not exist (a database from before it). */
export const countRows = (
  db: Database.Database,
  table: 'credentials' | 'users' | 'workflows' | 'executions',
): number => {
  const exists = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(table);
  return exists ? (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n : 0;
};

export const backupDataDir = async (
  dataDir: string,
  targetFile: string,
  options: { force?: boolean; onProgress?: (p: BackupProgress) => void } = {},
): Promise<BackupResult> => {
  const sourceFile = join(dataDir, DB_FILE);
  const target = resolve(targetFile);
  if (!existsSync(sourceFile)) throw new AdminError('not_found', `There is no database at ${sourceFile}`);
  if (target === resolve(sourceFile)) throw new AdminError('invalid', 'The backup cannot be the database itself');
  if (!existsSync(dirname(target))) throw new AdminError('not_found', `The folder ${dirname(target)} does not exist`);
  if (existsSync(target) && !options.force) {
    throw new AdminError('conflict', `${target} already exists (--force replaces it)`);
  }
  const partial = `${target}.partial-${process.pid}`;
  const source = openSqliteFile(sourceFile, { fileMustExist: true });
  try {
    configureConnection(source);
    const credentials = countRows(source, 'credentials');
    const { pages } = await copyDatabase(source, partial, options.onProgress ?? (() => {}));
    renameSync(partial, target);
    return { file: target, bytes: statSync(target).size, pages, credentials };
  } catch (error) {
    rmSync(partial, { force: true });
    rmSync(`${partial}-journal`, { force: true });
    throw AdminError.from(error, sourceFile);
  } finally {
    source.close();
  }
};
