import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';

/**
 * Which database test servers run on: SQLite in the `sync-server` project,
 * PostgreSQL in `sync-server-pg` (vite.config.ts sets WEFT_TEST_DATABASE and
 * starts one throwaway PostgreSQL for the run, pg-global-setup.ts).
 */
export const testDialect: 'sqlite' | 'postgres' = process.env.WEFT_TEST_DATABASE === 'postgres' ? 'postgres' : 'sqlite';

/** A data directory remembers its PostgreSQL database, so a server restarted on it finds the same data. */
const MARKER = 'pg-database';

const withAdmin = async <T>(work: (client: pg.Client) => Promise<T>): Promise<T> => {
  const client = new pg.Client({ connectionString: inject('weftPgAdminUrl') });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
};

/**
 * On PostgreSQL: the DATABASE_URL of the data directory's database, a fresh
 * copy of the migrated template the first time; undefined on SQLite.
 */
export const testDatabaseUrl = async (dataDir: string): Promise<string | undefined> => {
  if (testDialect === 'sqlite') return undefined;
  const marker = join(dataDir, MARKER);
  let name = existsSync(marker) ? readFileSync(marker, 'utf8').trim() : undefined;
  if (name === undefined) {
    name = `t_${randomBytes(6).toString('hex')}`;
    const created = name;
    await withAdmin((c) => c.query(`create database ${created} template weft_template`));
    writeFileSync(marker, name);
  }
  const admin = new URL(inject('weftPgAdminUrl'));
  admin.pathname = `/${name}`;
  return admin.toString();
};

/** Drops the data directory's PostgreSQL database, if it has one (once its server is closed). */
export const dropTestDatabase = async (dataDir: string): Promise<void> => {
  const marker = join(dataDir, MARKER);
  if (testDialect === 'sqlite' || !existsSync(marker)) return;
  const name = readFileSync(marker, 'utf8').trim();
  await withAdmin((c) => c.query(`drop database if exists ${name} with (force)`));
};
