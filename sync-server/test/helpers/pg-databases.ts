import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { silentLogger } from '#shared/log.ts';
import { openPostgres, type OpenedPostgres } from '../../src/db/open-postgres.ts';
import { startPostgres, type ThrowawayPostgres } from '../../../shared/test/support/throwaway-postgres.ts';

/**
 * Fresh, migrated PostgreSQL databases for one test file: one throwaway
 * server for the file, one migrated template, and a copy of it per test
 * (CREATE DATABASE … TEMPLATE takes a fraction of migrating anew).
 */
export const usePgDatabases = () => {
  let server: ThrowawayPostgres | undefined;
  let count = 0;
  const admin = async <T>(work: (client: pg.Client) => Promise<T>): Promise<T> => {
    if (!server) throw new Error('the throwaway PostgreSQL has not started (use inside tests)');
    const client = new pg.Client({ connectionString: server.urlFor('postgres') });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  };

  beforeAll(async () => {
    server = await startPostgres();
    await admin((c) => c.query('create database weft_template'));
    const migrated = await openPostgres({ url: server.urlFor('weft_template'), logger: silentLogger });
    await migrated.close();
  }, 60_000);

  afterAll(async () => {
    await server?.stop();
  });

  return {
    /** A new database with today's schema, opened; `url` opens more handles on it. */
    async fresh(): Promise<{
      url: string;
      opened: OpenedPostgres;
      open: () => Promise<OpenedPostgres>;
      drop: () => Promise<void>;
    }> {
      const name = `t_${++count}`;
      await admin((c) => c.query(`create database ${name} template weft_template`));
      const url = (server as ThrowawayPostgres).urlFor(name);
      const handles: OpenedPostgres[] = [];
      const open = async () => {
        const opened = await openPostgres({ url, logger: silentLogger, poolSize: 5 });
        handles.push(opened);
        return opened;
      };
      const opened = await open();
      return {
        url,
        opened,
        open,
        drop: async () => {
          await Promise.all(handles.map((h) => h.close()));
          await admin((c) => c.query(`drop database ${name}`));
        },
      };
    },
  };
};
