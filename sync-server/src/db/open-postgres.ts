import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import { z } from 'zod';
import type { Logger } from '#shared/log.ts';
import { migrationsFolderOf } from '../binary/embedded-migrations.ts';
import * as schema from './schema/pg.ts';

/** drizzle over a node-postgres pool. */
export type PgDb = NodePgDatabase<typeof schema> & { $client: pg.Pool };

export interface OpenedPostgres {
  db: PgDb;
  pool: pg.Pool;
  /** Waits for the pool's clients to finish and closes them. */
  close(): Promise<void>;
}

export interface OpenPostgresOptions {
  /** postgres://user:password@host:port/database */
  url: string;
  logger: Logger;
  /** Connections in the pool (default 20). */
  poolSize?: number;
  /** Folder with meta/_journal.json and the SQL files (default: migrations/pg of the install). */
  migrationsFolder?: string;
}

/**
 * Every instance migrates at start under this one advisory lock (any 64-bit
 * number Weft alone uses). drizzle's migrator takes no lock: measured, four
 * instances migrating a fresh database at once crash two of them on
 * duplicate catalog rows; with the lock all four start.
 */
export const MIGRATION_LOCK_KEY = 0x77656674_6d6967n; // "weft" "mig"

/** How long a statement waits for a row or table lock (SQLite's busy_timeout is the same). */
export const LOCK_TIMEOUT_MS = 5000;

/** How long an instance waits for another one's migration before it gives up and says so. */
const MIGRATION_WAIT_MS = 5 * 60_000;

/** PostgreSQL's drizzle migrations: migrations/pg of the install, or the ones the binary carries. */
export const pgMigrationsFolder = (dataDir?: string): string => migrationsFolderOf('postgres', dataDir);

const journal = z.object({ entries: z.array(z.object({ tag: z.string(), when: z.number() })) });

/** The database was migrated by a newer Weft: refused, as on SQLite, rather than run on a schema this code does not know. */
export class NewerDatabaseError extends Error {
  constructor() {
    super('the database was migrated by a newer Weft than this one; run that version (or newer)');
    this.name = 'NewerDatabaseError';
  }
}

export interface PgMigrationState {
  /** Migrations this Weft has that the database lacks, oldest first. */
  pending: string[];
  /** The database was migrated by a newer Weft than this one. */
  newer: boolean;
  /** No Weft migration was ever applied here (an empty database). */
  empty: boolean;
}

/** Compares the database's migration table with the folder's journal, by time, as drizzle's migrator does. */
export const pgMigrationState = async (client: pg.ClientBase, folder: string): Promise<PgMigrationState> => {
  const known = journal.parse(JSON.parse(readFileSync(join(folder, 'meta', '_journal.json'), 'utf8'))).entries;
  const exists = await client.query<{ present: boolean }>(
    "select to_regclass('drizzle.__drizzle_migrations') is not null as present",
  );
  let lastAt = -1;
  if (exists.rows[0]?.present) {
    const last = await client.query<{ at: string | null }>(
      'select max(created_at)::text as at from drizzle.__drizzle_migrations',
    );
    const at = last.rows[0]?.at;
    if (at !== null && at !== undefined) lastAt = Number(at);
  }
  return {
    pending: known.filter((m) => m.when > lastAt).map((m) => m.tag),
    newer: lastAt > Math.max(...known.map((m) => m.when)),
    empty: lastAt === -1,
  };
};

export interface MigratePostgresOptions {
  url: string;
  logger: Logger;
  /** Folder with meta/_journal.json and the SQL files (default: pgMigrationsFolder()). */
  migrationsFolder?: string;
  /** Give up connecting after this long (default: pg's, no limit). */
  connectTimeoutMs?: number;
}

export interface PgMigrateResult {
  /** The migrations this call applied, oldest first (none when another instance had). */
  applied: string[];
  /** The database held no Weft schema before. */
  created: boolean;
}

/**
 * Applies pending migrations, one instance at a time: what is pending is read
 * under the lock, so `applied` is what this call did.
 */
export const migratePostgres = async ({
  url,
  logger,
  migrationsFolder = pgMigrationsFolder(),
  connectTimeoutMs,
}: MigratePostgresOptions): Promise<PgMigrateResult> => {
  const client = new pg.Client({
    connectionString: url,
    ...(connectTimeoutMs !== undefined ? { connectionTimeoutMillis: connectTimeoutMs } : {}),
  });
  // A connection error after connect (the server restarting) would otherwise be an unhandled 'error' event.
  client.on('error', (error) => logger.warn({ err: error }, 'postgres migration connection failed'));
  try {
    await client.connect();
    await client.query(`set statement_timeout = ${MIGRATION_WAIT_MS}`);
    await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_KEY.toString()]);
    const state = await pgMigrationState(client, migrationsFolder);
    if (state.newer) throw new NewerDatabaseError();
    if (state.pending.length > 0) await migrate(drizzle(client), { migrationsFolder });
    return { applied: state.pending, created: state.empty && state.pending.length > 0 };
  } finally {
    // Ending the session releases the advisory lock too, even if the unlock fails.
    await client.end().catch(() => undefined);
  }
};

const NUL = new RegExp(String.fromCharCode(0), 'g');
const cleanParam = (value: unknown): unknown => {
  if (typeof value === 'string') return value.includes('\u0000') ? value.replace(NUL, '\uFFFD') : value;
  // Array parameters (a whole column of rows in one `unnest`) hold strings too.
  return Array.isArray(value) ? value.map(cleanParam) : value;
};

/**
 * PostgreSQL's text cannot hold U+0000 (SQLite's can): a parameter with one
 * fails the whole statement ("invalid byte sequence"), so a workflow renamed
 * to "a\0b" in its document, or a lookup of the id "%00", was an error. Every
 * string parameter (in an array parameter too) of every query on the pool's clients is stored with
 * U+FFFD in its place instead; a lookup with one then finds nothing, as on
 * SQLite, where no stored id holds one.
 */
const withoutNul = (client: pg.PoolClient): void => {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
    const [config, values] = args;
    if (Array.isArray(values)) args[1] = values.map(cleanParam);
    else if (typeof config === 'object' && config !== null && !('submit' in config)) {
      const plain = config as { values?: unknown };
      if (Array.isArray(plain.values)) plain.values = plain.values.map(cleanParam);
    }
    return query(...args);
  };
};

/** Connects, applies pending migrations (one instance at a time), then opens the pool. */
export const openPostgres = async ({
  url,
  logger,
  poolSize = 20,
  migrationsFolder = pgMigrationsFolder(),
}: OpenPostgresOptions): Promise<OpenedPostgres> => {
  await migratePostgres({ url, logger, migrationsFolder });

  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    // As SQLite's busy_timeout: a lock held elsewhere (another instance's commit, a person in psql)
    // fails a statement after a while instead of holding its caller, and everything queued behind it, for ever.
    lock_timeout: LOCK_TIMEOUT_MS,
    idle_in_transaction_session_timeout: 60_000,
  });
  pool.on('connect', withoutNul);
  // An idle client whose connection drops emits 'error' on the pool: logged, and the pool replaces it.
  pool.on('error', (error) => logger.warn({ err: error }, 'an idle postgres connection failed'));
  const db = drizzle(pool, { schema });
  return { db, pool, close: () => pool.end() };
};
