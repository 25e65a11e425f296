import { drizzle } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import { isWeftError } from '#shared/errors.ts';
import { silentLogger } from '#shared/log.ts';
import { PgAccountStore } from '../accounts/pg-account-store.ts';
import { migratePostgres, pgMigrationsFolder, pgMigrationState } from '../db/open-postgres.ts';
import * as schema from '../db/schema/pg.ts';
import { AdminError } from './admin-error.ts';
import type { AdminStorage } from './admin-storage.ts';
import { postgresAdminError, redactDatabaseUrl } from './postgres-errors.ts';

/**
 * The admin commands on the PostgreSQL of DATABASE_URL, beside servers that
 * may be running on it: account changes are ordinary transactions (the
 * servers see them at their next request), and `weft migrate` takes the same
 * advisory lock the servers migrate under at start.
 */

/** A command waits this long for a connection, then says it cannot reach PostgreSQL (pg's default waits forever). */
const CONNECT_TIMEOUT_MS = 10_000;

export const pgAdminStorage = (url: string, dataDir?: string): AdminStorage => {
  const name = redactDatabaseUrl(url);
  const folder = () => pgMigrationsFolder(dataDir);
  const failed = (error: unknown): AdminError => postgresAdminError(error, url);

  const withClient = async <T>(work: (client: pg.Client) => Promise<T>): Promise<T> => {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
    // A dropped connection also fails the query in progress, which reports it.
    client.on('error', () => undefined);
    try {
      await client.connect();
      return await work(client);
    } catch (error) {
      throw failed(error);
    } finally {
      await client.end().catch(() => undefined);
    }
  };

  return {
    name,
    exists: () => withClient(async (client) => !(await pgMigrationState(client, folder())).empty),
    migrate: async () => {
      try {
        const result = await migratePostgres({
          url,
          logger: silentLogger,
          migrationsFolder: folder(),
          connectTimeoutMs: CONNECT_TIMEOUT_MS,
        });
        return { file: name, ...result };
      } catch (error) {
        throw failed(error);
      }
    },
    withAccounts: async (work) => {
      await withClient(async (client) => {
        const state = await pgMigrationState(client, folder());
        if (state.newer) {
          throw new AdminError(
            'conflict',
            `${name} was migrated by a newer Weft than this one: run that version (or newer)`,
          );
        }
        if (state.empty) {
          throw new AdminError(
            'not_found',
            `There is no Weft database at ${name}: start the server once or run "weft migrate" (check DATABASE_URL)`,
          );
        }
        if (state.pending.length > 0) {
          throw new AdminError(
            'conflict',
            `${name} needs ${state.pending.length} migration${state.pending.length === 1 ? '' : 's'}: run "weft migrate" first`,
          );
        }
      });
      const pool = new pg.Pool({ connectionString: url, max: 2, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
      pool.on('error', () => undefined);
      try {
        return await work(new PgAccountStore(drizzle(pool, { schema })));
      } catch (error) {
        if (isWeftError(error)) throw error;
        throw failed(error);
      } finally {
        await pool.end().catch(() => undefined);
      }
    },
  };
};
