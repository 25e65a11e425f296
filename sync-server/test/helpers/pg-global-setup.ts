import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { silentLogger } from '#shared/log.ts';
import { openPostgres } from '../../src/db/open-postgres.ts';
import { startPostgres } from '../../../shared/test/support/throwaway-postgres.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The throwaway PostgreSQL of the `sync-server-pg` project (its `postgres` database). */
    weftPgAdminUrl: string;
  }
}

/** The database every test server's database is copied from: migrated once for the whole run. */
export const PG_TEMPLATE = 'weft_template';

/**
 * The `sync-server-pg` project's one PostgreSQL for the whole run: started
 * here, before any test file, with a migrated template database; each test
 * server gets a copy of it (see test-database.ts).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await startPostgres();
  const admin = new pg.Client({ connectionString: server.urlFor('postgres') });
  await admin.connect();
  try {
    await admin.query(`create database ${PG_TEMPLATE}`);
  } finally {
    await admin.end();
  }
  const migrated = await openPostgres({ url: server.urlFor(PG_TEMPLATE), logger: silentLogger, poolSize: 1 });
  await migrated.close();
  project.provide('weftPgAdminUrl', server.urlFor('postgres'));
  return () => server.stop();
}
