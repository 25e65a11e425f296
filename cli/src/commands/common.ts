import { readFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { AdminError, type AdminErrorKind } from '../../../sync-server/src/admin/admin-error.ts';
import type { AdminStorage } from '../../../sync-server/src/admin/admin-storage.ts';
import {
  CliError,
  createOutput,
  ExitCode,
  reportError,
  usageError,
  type ExitCodeValue,
  type Output,
} from '../output.ts';
import { connectRemote, fromApiError, type Remote } from '../remote.ts';

/** The options and the action wrapper every command group shares. */

export interface JsonFlag {
  json?: boolean;
}

export interface DataDirFlag {
  dataDir?: string;
}

export interface RemoteFlagSet {
  url?: string;
  token?: string;
}

export const jsonOption = (): Option =>
  new Option('--json', 'print JSON for scripts: stdout holds one JSON value (errors too)');

export const addDataDir = (command: Command): Command =>
  command.addOption(new Option('-d, --data-dir <dir>', 'the data directory (default: $DATA_DIR or ./data)'));

export const addRemote = (command: Command): Command =>
  command
    .addOption(new Option('--url <url>', 'the Weft server (default: $WEFT_URL or http://127.0.0.1:8787)'))
    .addOption(new Option('--token <token>', 'a personal API token (default: $WEFT_TOKEN)'));

/**
 * Runs a command's work, prints any failure as one line (and as JSON under
 * --json), and ends the process with the exit code once stdout is flushed:
 * sockets and keep-alive connections must not keep a finished command alive.
 */
export const runAction = async (
  flags: JsonFlag,
  work: (out: Output) => Promise<void> | Promise<ExitCodeValue | undefined>,
): Promise<void> => {
  const json = flags.json === true;
  let code: ExitCodeValue;
  try {
    const result = await work(createOutput(json));
    code = typeof result === 'number' ? result : ExitCode.ok;
  } catch (error) {
    code = reportError(fromApiError(error), json);
  }
  await new Promise<void>((resolve) => process.stdout.write('', () => resolve()));
  process.exit(code);
};

export const remoteOf = (flags: RemoteFlagSet): Remote => connectRemote({ url: flags.url, token: flags.token });

/** Where the admin commands act, as the server resolves it: --data-dir / DATA_DIR, and DATABASE_URL. */
export const adminTargetOf = async (
  flags: DataDirFlag,
): Promise<{ dataDir: string; databaseUrl: string | undefined }> => {
  const { loadConfig, ConfigError } = await import('../../../sync-server/src/config.ts');
  try {
    const config = loadConfig(flags.dataDir !== undefined ? ['--data-dir', flags.dataDir] : [], {
      DATA_DIR: process.env.DATA_DIR,
      DATABASE_URL: process.env.DATABASE_URL,
    });
    if (config === 'help') throw usageError('unexpected --help');
    return { dataDir: config.dataDir, databaseUrl: config.databaseUrl };
  } catch (error) {
    if (error instanceof ConfigError) throw usageError(error.message);
    throw error;
  }
};

/** The database the admin commands work on: DATABASE_URL's PostgreSQL when set, else DATA_DIR/weft.db, as for the server. */
export const adminStorageOf = async (flags: DataDirFlag): Promise<AdminStorage> => {
  const { dataDir, databaseUrl } = await adminTargetOf(flags);
  if (databaseUrl !== undefined) {
    const { pgAdminStorage } = await import('../../../sync-server/src/admin/pg-admin-storage.ts');
    return pgAdminStorage(databaseUrl, dataDir);
  }
  const { sqliteAdminStorage } = await import('../../../sync-server/src/admin/sqlite-admin-storage.ts');
  return sqliteAdminStorage(dataDir);
};

/**
 * The data directory of a command that copies DATA_DIR/weft.db itself
 * (backup, restore); with DATABASE_URL set that is the wrong database to
 * copy, so it is refused and PostgreSQL's own tool named.
 */
export const sqliteDataDirOf = async (flags: DataDirFlag, command: string, instead: string): Promise<string> => {
  const { dataDir, databaseUrl } = await adminTargetOf(flags);
  if (databaseUrl !== undefined) {
    throw usageError(
      `weft ${command} copies SQLite's DATA_DIR/weft.db, but DATABASE_URL is set and the data is in PostgreSQL: ${instead}`,
    );
  }
  return dataDir;
};

/** Reads a JSON file given on the command line; a missing or malformed file is a usage error naming it. */
export const readJsonFile = (file: string, what: string): unknown => {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'ENOENT') throw new CliError(ExitCode.notFound, 'not_found', `${what} ${file} does not exist`);
    throw usageError(`cannot read ${what} ${file}: ${(error as Error).message}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw usageError(`${what} ${file} is not valid JSON: ${(error as Error).message}`);
  }
};

/** Longer than any password the server takes (200 characters): reading stops there. */
const MAX_STDIN_LINE_BYTES = 4096;

/** Reads the first line of stdin (a password piped in), without its line ending. */
export const readStdinLine = async (): Promise<string> => {
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of process.stdin) {
    const buffer = chunk as Buffer;
    chunks.push(buffer);
    bytes += buffer.length;
    if (buffer.includes(10) || bytes > MAX_STDIN_LINE_BYTES) break;
  }
  const line =
    Buffer.concat(chunks)
      .subarray(0, MAX_STDIN_LINE_BYTES + 1)
      .toString('utf8')
      .split(/\r?\n/)[0] ?? '';
  return line.trimEnd();
};

const ADMIN_EXIT: Record<AdminErrorKind, ExitCodeValue> = {
  invalid: ExitCode.usage,
  not_found: ExitCode.notFound,
  conflict: ExitCode.conflict,
  unreachable: ExitCode.unreachable,
  failed: ExitCode.failed,
};

/** Runs admin work on a data directory; its AdminErrors become the exit-code table's. */
export const adminWork = async <T>(work: () => Promise<T> | T): Promise<T> => {
  try {
    return await work();
  } catch (error) {
    if (error instanceof AdminError) {
      throw new CliError(ADMIN_EXIT[error.kind], error.kind, error.message, { cause: error });
    }
    throw error;
  }
};
