import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '#shared/log.ts';
import { startPostgres, type ThrowawayPostgres } from '../../../shared/test/support/throwaway-postgres.ts';
import { sql } from 'drizzle-orm';
import { PgAccountStore } from '../accounts/pg-account-store.ts';
import { openPostgres, pgMigrationsFolder } from './open-postgres.ts';

/**
 * Several instances starting at once against one fresh PostgreSQL database:
 * each migrates at start, and all of them must come up on the same schema.
 */

let server: ThrowawayPostgres;
beforeAll(async () => {
  server = await startPostgres();
});
afterAll(async () => {
  await server.stop();
});

const createDatabase = async (name: string): Promise<string> => {
  const admin = new pg.Client({ connectionString: server.urlFor('postgres') });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  return server.urlFor(name);
};

describe('openPostgres', () => {
  it('four instances migrating one fresh database at once all start, and the migrations ran once', async () => {
    const url = await createDatabase('race');
    const opened = await Promise.all(Array.from({ length: 4 }, () => openPostgres({ url, logger: silentLogger })));
    try {
      const applied = await opened[0]?.pool.query<{ n: string }>(
        'select count(*)::text as n from drizzle.__drizzle_migrations',
      );
      const journal = JSON.parse(readFileSync(join(pgMigrationsFolder(), 'meta', '_journal.json'), 'utf8')) as {
        entries: unknown[];
      };
      // Each migration once, not once per instance.
      expect(applied?.rows[0]?.n).toBe(String(journal.entries.length));
      const tables = await opened[3]?.pool.query<{ name: string }>(
        "select tablename as name from pg_tables where schemaname = 'public' order by 1",
      );
      expect(tables?.rows.map((r) => r.name)).toEqual(
        expect.arrayContaining(['users', 'workflows', 'doc_updates', 'doc_heads', 'doc_snapshots', 'executions']),
      );
    } finally {
      await Promise.all(opened.map((o) => o.close()));
    }
  });

  it('refuses a database migrated by a newer Weft', async () => {
    const url = await createDatabase('newer');
    const first = await openPostgres({ url, logger: silentLogger });
    await first.pool.query(
      "insert into drizzle.__drizzle_migrations (hash, created_at) values ('from-the-future', 99999999999999)",
    );
    await first.close();
    await expect(openPostgres({ url, logger: silentLogger })).rejects.toThrow(/newer Weft/);
  });

  it('a U+0000 in any string parameter (or array of them) is stored as U+FFFD, in a transaction too; a lookup with one finds nothing', async () => {
    const opened = await openPostgres({ url: await createDatabase('nul'), logger: silentLogger });
    try {
      const accounts = new PgAccountStore(opened.db);
      const user = await accounts.createUser({ email: 'ann@example.com', name: 'A\u0000nn', passwordHash: 'x' });
      expect((await accounts.getUser(user.id))?.name).toBe('A\uFFFDnn');
      expect(await accounts.getUser(`${user.id}\u0000`)).toBeUndefined();
      expect(await accounts.findByEmail('ann\u0000@example.com')).toBeUndefined();
      await opened.db.transaction(async (tx) => {
        await tx.execute(sql`update users set name = ${'B\u0000en'} where id = ${user.id}`);
      });
      const raw = await opened.pool.query<{ name: string }>('select name from users where id = $1', [user.id]);
      expect(raw.rows[0]?.name).toBe('B\uFFFDen');
      // Array parameters too (node runs and log lines go in as one array per column).
      const names = await opened.db.execute<{ name: string }>(
        sql`select unnest(${sql.param(['C\u0000', 'plain'])}::text[]) as name`,
      );
      expect(names.rows.map((r) => r.name)).toEqual(['C\uFFFD', 'plain']);
    } finally {
      await opened.close();
    }
  });
});
