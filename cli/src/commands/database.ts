import { join } from 'node:path';
import { Command } from 'commander';
import { usageError, type Output } from '../output.ts';
import {
  addDataDir,
  adminStorageOf,
  adminTargetOf,
  adminWork,
  jsonOption,
  runAction,
  sqliteDataDirOf,
  type DataDirFlag,
  type JsonFlag,
} from './common.ts';

/** `1 workflow`, `2 workflows`. */
const count = (n: number, noun: string): string => `${n} ${noun}${n === 1 ? '' : 's'}`;
/**
 * `weft backup <file>` and `weft restore <file>`: the data directory's
 * database copied out while the server runs (SQLite's online backup API),
 * and copied back in while it does not (sync-server/src/admin/); and
 * `weft migrate`, on SQLite or on DATABASE_URL's PostgreSQL (whose own tools,
 * pg_dump and pg_restore, back it up).
 */

type Flags = DataDirFlag & JsonFlag;

const pagesProgress = (out: Output, label: string) => {
  const progress = out.progress(label);
  return {
    onProgress: ({ totalPages, remainingPages }: { totalPages: number; remainingPages: number }) =>
      progress.update(totalPages - remainingPages, totalPages),
    end: (summary?: string) => progress.end(summary),
  };
};

const mb = (bytes: number): string => `${(bytes / (1024 * 1024)).toFixed(1)} MB`;

export const backupCommand = (): Command =>
  addDataDir(
    new Command('backup')
      .description(
        'copy the database to <file>, consistently, while the server runs; the encryption key stays apart (see README)',
      )
      .argument('<file>', 'the backup to write (a single SQLite file)')
      .option('--force', 'replace <file> if it exists')
      .addOption(jsonOption()),
  ).action((file: string, flags: Flags & { force?: boolean }) =>
    runAction(flags, async (out) => {
      const dataDir = await sqliteDataDirOf(flags, 'backup', 'back it up with pg_dump (and restore with pg_restore)');
      const { backupDataDir } = await import('../../../sync-server/src/admin/backup.ts');
      const progress = pagesProgress(out, 'backup');
      const result = await adminWork(() =>
        backupDataDir(dataDir, file, { force: flags.force === true, onProgress: progress.onProgress }),
      );
      progress.end();
      const keyFile = process.env.WEFT_ENCRYPTION_KEY ? null : join(dataDir, 'encryption.key');
      const keyNote =
        result.credentials > 0
          ? `${result.credentials} stored credential(s) are encrypted with ${keyFile ?? 'WEFT_ENCRYPTION_KEY'}, which is not in the backup: keep it safe beside it`
          : undefined;
      out.result(
        [`backed up ${join(dataDir, 'weft.db')} to ${result.file} (${result.pages} pages, ${mb(result.bytes)})`],
        { ...result, dataDir, keyFile },
      );
      if (keyNote) out.note(keyNote);
    }),
  );

export const restoreCommand = (): Command =>
  addDataDir(
    new Command('restore')
      .description(
        "replace the data directory's database with a backup (refused while a server runs there; the old database is kept beside it)",
      )
      .argument('<file>', 'a backup written by weft backup')
      .option(
        '--key-file <file>',
        "the encryption key the backup's credentials were stored with (the old DATA_DIR/encryption.key); installed as DATA_DIR/encryption.key",
      )
      .option('--force', 'restore even if stored credentials will not open with the key (they must be entered again)')
      .addOption(jsonOption()),
  ).action((file: string, flags: Flags & { keyFile?: string; force?: boolean }) =>
    runAction(flags, async (out) => {
      const dataDir = await sqliteDataDirOf(flags, 'restore', 'restore a pg_dump backup with pg_restore');
      const { restoreDataDir } = await import('../../../sync-server/src/admin/restore.ts');
      const progress = pagesProgress(out, 'restore');
      const result = await adminWork(() =>
        restoreDataDir(dataDir, file, {
          envKey: process.env.WEFT_ENCRYPTION_KEY || undefined,
          keyFile: flags.keyFile,
          force: flags.force === true,
          onProgress: progress.onProgress,
        }),
      );
      progress.end();
      out.result(
        [
          `restored ${result.restoredFrom} into ${dataDir}: ${count(result.users, 'user')}, ${count(result.workflows, 'workflow')}, ${count(result.executions, 'execution')}, ${count(result.credentials, 'credential')}`,
          ...(result.migrated.length > 0 ? [`migrated: ${result.migrated.join(', ')}`] : []),
          ...(result.previous ? [`the database it replaced is at ${result.previous}`] : []),
          ...(result.keyInstalled ? [`installed the encryption key as ${join(dataDir, 'encryption.key')}`] : []),
        ],
        result,
      );
      if (result.unreadableCredentials > 0) {
        out.note(
          `${result.unreadableCredentials} credential(s) do not open with this data directory's key: their owners must enter them again`,
        );
      }
    }),
  );

export const migrateCommand = (): Command =>
  addDataDir(
    new Command('migrate')
      .description(
        "apply the database migrations this Weft has (the server also does at start); creates the database if there is none (DATABASE_URL's PostgreSQL when set)",
      )
      .addOption(jsonOption()),
  ).action((flags: Flags) =>
    runAction(flags, async (out) => {
      const storage = await adminStorageOf(flags);
      const result = await adminWork(() => storage.migrate());
      out.result(
        result.applied.length === 0
          ? `${result.file} is up to date`
          : `${result.created ? 'created' : 'migrated'} ${result.file}: applied ${result.applied.join(', ')}`,
        result,
      );
    }),
  );

export const migrateToPostgresCommand = (): Command =>
  addDataDir(
    new Command('migrate-to-postgres')
      .description(
        "copy the data directory's SQLite database into DATABASE_URL's PostgreSQL (empty), in one transaction; stop the server first",
      )
      .addOption(jsonOption()),
  ).action((flags: Flags) =>
    runAction(flags, async (out) => {
      const { dataDir, databaseUrl } = await adminTargetOf(flags);
      if (databaseUrl === undefined) {
        throw usageError('weft migrate-to-postgres copies into PostgreSQL: set DATABASE_URL=postgres://… to say which');
      }
      const { copyDataDirToPostgres } = await import('../../../sync-server/src/admin/copy-to-postgres.ts');
      const progress = out.progress('copy');
      const result = await adminWork(() =>
        copyDataDirToPostgres(dataDir, databaseUrl, { onTable: (done, total) => progress.update(done, total) }),
      );
      progress.end();
      out.result(
        [
          `copied ${result.file} into ${result.target}: ${count(result.rows, 'row')} in ${count(result.tables.length, 'table')}`,
          ...(result.migrated.length > 0 ? [`migrated the SQLite file first: ${result.migrated.join(', ')}`] : []),
        ],
        result,
      );
      if (result.credentials > 0) {
        const keyFile = process.env.WEFT_ENCRYPTION_KEY ? 'WEFT_ENCRYPTION_KEY' : join(dataDir, 'encryption.key');
        out.note(
          `${count(result.credentials, 'stored credential')} ${result.credentials === 1 ? 'is' : 'are'} encrypted with ${keyFile}: every server on PostgreSQL needs this key (WEFT_ENCRYPTION_KEY, or that file in its data directory)`,
        );
      }
    }),
  );

/** backup, restore, migrate and migrate-to-postgres: the commands that act on the database itself. */
export const databaseCommands = (): Command[] => [
  backupCommand(),
  restoreCommand(),
  migrateCommand(),
  migrateToPostgresCommand(),
];
