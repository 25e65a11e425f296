import { createDecipheriv } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type Database from 'better-sqlite3';
import { parseKey } from '../credentials/encryption-key.ts';
import { applyMigrations, configureConnection, DB_FILE, migrationState, openSqliteFile } from './admin-db.ts';
import { AdminError } from './admin-error.ts';
import { copyDatabase, countRows, type BackupProgress } from './backup.ts';
import { acquireDataDirLock } from './data-dir-lock.ts';

/**
 * `weft restore <file>`: replaces the data directory's database with a
 * backup. It holds the data directory's lock throughout (data-dir-lock.ts),
 * so it refuses while a server runs there and no server can start halfway.
 *
 * The backup is checked before anything changes (a SQLite file that passes
 * quick_check, with Weft's tables, not from a newer Weft), copied into the
 * data directory under a temporary name and migrated there; only then does
 * the current database step aside (kept as weft.db.before-restore-<time>,
 * its WAL folded in first) and the copy take its name. A stale -wal or -shm
 * of the old file is removed before the rename: SQLite would otherwise read
 * the old file's log into the new one.
 *
 * Credentials are encrypted with a key the database does not hold. The
 * restore checks that the key the server will use here — WEFT_ENCRYPTION_KEY,
 * `--key-file` (copied to DATA_DIR/encryption.key), or the key file already
 * there — opens every stored credential, and refuses otherwise (`force`
 * restores anyway: those credentials must then be entered again).
 */

export interface RestoreOptions {
  /** WEFT_ENCRYPTION_KEY, when set: the key the server will use. */
  envKey?: string | undefined;
  /** A key file to install as DATA_DIR/encryption.key (the old data directory's). */
  keyFile?: string | undefined;
  /** Restore even when stored credentials will not open with the key. */
  force?: boolean | undefined;
  onProgress?: (p: BackupProgress) => void;
}

export interface RestoreResult {
  dataDir: string;
  restoredFrom: string;
  /** Where the database it replaced went, if there was one. */
  previous: string | null;
  /** Migrations applied to the restored copy (a backup from an older Weft). */
  migrated: string[];
  users: number;
  workflows: number;
  executions: number;
  credentials: number;
  /** Credentials the key does not open (only with `force`). */
  unreadableCredentials: number;
  /** Whether --key-file was installed as DATA_DIR/encryption.key. */
  keyInstalled: boolean;
}

// The stored format of credential-store.ts: a 12-byte IV, the 16-byte GCM tag, then the ciphertext.
const IV = 12;
const TAG = 16;
const opens = (data: Buffer, key: Buffer): boolean => {
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, IV));
    decipher.setAuthTag(data.subarray(IV, IV + TAG));
    decipher.update(data.subarray(IV + TAG));
    decipher.final();
    return true;
  } catch {
    return false;
  }
};

const readKey = (text: string, from: string): Buffer => {
  try {
    return parseKey(text);
  } catch (error) {
    throw new AdminError('invalid', `${from}: ${(error as Error).message}`, { cause: error });
  }
};

/** The key a server on this data directory will use, and whether --key-file must be installed for it. */
const targetKey = (
  dataDir: string,
  options: RestoreOptions,
): { key: Buffer | undefined; install: string | undefined } => {
  const existing = join(dataDir, 'encryption.key');
  const given = options.keyFile ? resolve(options.keyFile) : undefined;
  if (given && !existsSync(given)) throw new AdminError('not_found', `The key file ${given} does not exist`);
  const givenKey = given ? readKey(readFileSync(given, 'utf8'), given) : undefined;
  if (options.envKey) {
    const key = readKey(options.envKey, 'WEFT_ENCRYPTION_KEY');
    if (givenKey && !givenKey.equals(key)) {
      throw new AdminError(
        'conflict',
        'WEFT_ENCRYPTION_KEY is set and differs from --key-file: the server would use it',
      );
    }
    return { key, install: undefined };
  }
  if (existsSync(existing)) {
    const key = readKey(readFileSync(existing, 'utf8'), existing);
    if (givenKey && !givenKey.equals(key)) {
      throw new AdminError('conflict', `${existing} holds another key than --key-file; move it away first`);
    }
    return { key, install: undefined };
  }
  return { key: givenKey, install: given };
};

const checkBackup = (backup: Database.Database, file: string, dataDir: string): void => {
  const check = backup.pragma('quick_check', { simple: true });
  if (check !== 'ok') throw new AdminError('invalid', `${file} is damaged: ${String(check)}`);
  const tables = new Set(
    (backup.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map(
      (t) => t.name,
    ),
  );
  if (!tables.has('__drizzle_migrations') || !tables.has('users') || !tables.has('workflows')) {
    throw new AdminError('invalid', `${file} is not a Weft backup (it lacks Weft's tables)`);
  }
  if (migrationState(backup, dataDir).newer) {
    throw new AdminError('conflict', `${file} was written by a newer Weft than this one`);
  }
};

const credentialsOpening = (db: Database.Database, key: Buffer | undefined): { total: number; unreadable: number } => {
  const rows = (countRows(db, 'credentials') > 0 ? db.prepare('SELECT data FROM credentials').all() : []) as {
    data: Buffer;
  }[];
  return { total: rows.length, unreadable: key ? rows.filter((r) => !opens(r.data, key)).length : rows.length };
};

/** Folds the old database's WAL into it and closes it, so it can be moved as one file. */
const settle = (file: string): void => {
  const old = openSqliteFile(file, { fileMustExist: true });
  try {
    configureConnection(old);
    old.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    old.close();
  }
};

const stamp = (): string => new Date().toISOString().replace(/[:.]/g, '-');

export const restoreDataDir = async (
  dataDir: string,
  backupFile: string,
  options: RestoreOptions = {},
): Promise<RestoreResult> => {
  const source = resolve(backupFile);
  if (!existsSync(source)) throw new AdminError('not_found', `The backup ${source} does not exist`);
  const lock = acquireDataDirLock(dataDir, 'weft restore');
  if (!lock) {
    throw new AdminError(
      'conflict',
      `A Weft server is running on ${dataDir} (it holds ${join(dataDir, 'server.lock')}): stop it, then restore`,
    );
  }
  const live = join(dataDir, DB_FILE);
  const incoming = join(dataDir, `${DB_FILE}.restoring-${process.pid}`);
  try {
    const { key, install } = targetKey(dataDir, options);
    let backup: Database.Database;
    try {
      backup = openSqliteFile(source, { fileMustExist: true });
    } catch (error) {
      throw AdminError.from(error, source);
    }
    let counts: { total: number; unreadable: number };
    try {
      configureConnection(backup);
      checkBackup(backup, source, dataDir);
      counts = credentialsOpening(backup, key);
      if (counts.unreadable > 0 && !options.force) {
        throw new AdminError(
          'conflict',
          key
            ? `${counts.unreadable} of the backup's ${counts.total} credentials do not open with this data directory's encryption key: pass the key they were stored with (--key-file, or WEFT_ENCRYPTION_KEY), or --force to restore without them`
            : `The backup holds ${counts.total} credentials and ${dataDir} has no encryption key: pass the old data directory's encryption.key with --key-file (or set WEFT_ENCRYPTION_KEY), or --force to restore without them`,
        );
      }
      await copyDatabase(backup, incoming, options.onProgress ?? (() => {}));
    } catch (error) {
      throw AdminError.from(error, source);
    } finally {
      backup.close();
    }

    const restored = openSqliteFile(incoming, { fileMustExist: true });
    let result: Omit<RestoreResult, 'previous' | 'keyInstalled'>;
    try {
      configureConnection(restored);
      const migrated = migrationState(restored, dataDir).pending;
      if (migrated.length > 0) applyMigrations(restored, dataDir);
      result = {
        dataDir,
        restoredFrom: source,
        migrated,
        users: countRows(restored, 'users'),
        workflows: countRows(restored, 'workflows'),
        executions: countRows(restored, 'executions'),
        credentials: counts.total,
        unreadableCredentials: counts.unreadable,
      };
    } finally {
      restored.close();
    }

    let previous: string | null = null;
    if (existsSync(live)) {
      settle(live);
      previous = `${live}.before-restore-${stamp()}`;
      renameSync(live, previous);
    }
    // Never let the new file meet the old one's log.
    rmSync(`${live}-wal`, { force: true });
    rmSync(`${live}-shm`, { force: true });
    renameSync(incoming, live);
    if (install) {
      const target = join(dataDir, 'encryption.key');
      copyFileSync(install, target);
      chmodSync(target, 0o600);
    }
    return { ...result, previous, keyInstalled: install !== undefined };
  } catch (error) {
    throw AdminError.from(error, live);
  } finally {
    rmSync(incoming, { force: true });
    rmSync(`${incoming}-journal`, { force: true });
    lock.release();
  }
};
