import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '#shared/log.ts';
import { openPostgres, pgMigrationsFolder } from '../src/db/open-postgres.ts';
import { PgExecutionStore } from '../src/executions/pg-execution-store.ts';
import { startPostgres, type ThrowawayPostgres } from '../../shared/test/support/throwaway-postgres.ts';
import { tempDir } from './helpers/temp-dir.ts';

/**
 * A PostgreSQL database at an earlier schema, filled, then opened with
 * today's migrations: what upgrade.test.ts does for SQLite.
 */

let server: ThrowawayPostgres;
const dir = tempDir('weft-pg-upgrade-');
beforeAll(async () => {
  server = await startPostgres();
}, 60_000);
afterAll(async () => {
  await server.stop();
  dir.remove();
});

/** The pg migrations cut after `last`: the schema as it was then. */
const migrationsUpTo = (last: string): string => {
  const folder = join(dir.path, last);
  cpSync(pgMigrationsFolder(), folder, { recursive: true });
  const journalFile = join(folder, 'meta', '_journal.json');
  const journal = JSON.parse(readFileSync(journalFile, 'utf8')) as { entries: { tag: string }[] };
  const index = journal.entries.findIndex((e) => e.tag === last);
  expect(index, `${last} is in migrations/pg/meta/_journal.json`).toBeGreaterThanOrEqual(0);
  writeFileSync(journalFile, JSON.stringify({ ...journal, entries: journal.entries.slice(0, index + 1) }));
  return folder;
};

describe('upgrading a PostgreSQL database', () => {
  it('node runs written before ord existed keep the order they ran in', async () => {
    const admin = new pg.Client({ connectionString: server.urlFor('postgres') });
    await admin.connect();
    await admin.query('create database before_ord');
    await admin.end();
    const url = server.urlFor('before_ord');

    const old = await openPostgres({ url, logger: silentLogger, migrationsFolder: migrationsUpTo('0000_init') });
    try {
      await old.pool.query("insert into workflows (id, name, created_at, updated_at) values ('wf', 'Flow', 1, 1)");
      await old.pool.query(
        "insert into workflow_versions (hash, workflow_id, state, definition, created_at) values ('h', 'wf', ''::bytea, '{}', 1)",
      );
      for (const id of ['old', 'other'])
        await old.pool.query(
          "insert into executions (id, workflow_id, version_hash, mode, status, created_at) values ($1, 'wf', 'h', 'manual', 'succeeded', 1)",
          [id],
        );
      // Neither the key (node id) orders them: their start does, and runs of the same millisecond the order they were written in.
      for (const [execution, node, startedAt] of [
        ['old', 'zeta', 10],
        ['other', 'b', 10],
        ['old', 'mid', 12],
        ['old', 'alpha', 11],
        ['old', 'alpha2', 11],
        ['other', 'a', 11],
      ] as const)
        await old.pool.query(
          "insert into node_runs (execution_id, node_id, run_index, name, status, input, output, attempts, started_at, finished_at) values ($1, $2, 0, $2, 'succeeded', '{}', '{}', 1, $3, $3)",
          [execution, node, startedAt],
        );
    } finally {
      await old.close();
    }

    const today = await openPostgres({ url, logger: silentLogger });
    try {
      const store = new PgExecutionStore(today.db);
      const nodes = async (id: string) => (await store.nodeRuns(id)).map((r) => [r.nodeId, r.ord]);
      expect(await nodes('old')).toEqual([
        ['zeta', 0],
        ['alpha', 1],
        ['alpha2', 2],
        ['mid', 3],
      ]);
      expect(await nodes('other')).toEqual([
        ['b', 0],
        ['a', 1],
      ]);
      // The column is written by the stores from now on: no default fills it silently.
      await expect(
        today.pool.query(
          "insert into node_runs (execution_id, node_id, run_index, name, status, input, output, attempts, started_at, finished_at) values ('old', 'x', 0, 'x', 'succeeded', '{}', '{}', 1, 1, 1)",
        ),
      ).rejects.toThrow(/ord/);
    } finally {
      await today.close();
    }
  });

  it('members keep their roles when the commenter role arrives, and a role change still notifies other instances', async () => {
    const admin = new pg.Client({ connectionString: server.urlFor('postgres') });
    await admin.connect();
    await admin.query('create database before_commenter');
    await admin.end();
    const url = server.urlFor('before_commenter');

    const old = await openPostgres({
      url,
      logger: silentLogger,
      migrationsFolder: migrationsUpTo('0005_queue_functions'),
    });
    try {
      await old.pool.query(
        "insert into users (id, email, name, password_hash, is_admin, created_at) values ('ann', 'ann@example.com', 'Ann', 'h', false, 1), ('cy', 'cy@example.com', 'Cy', 'h', false, 1)",
      );
      await old.pool.query("insert into workflows (id, name, created_at, updated_at) values ('wf', 'Flow', 1, 1)");
      await old.pool.query(
        "insert into workflow_members (workflow_id, user_id, role, added_at) values ('wf', 'ann', 'owner', 1), ('wf', 'cy', 'viewer', 1)",
      );
    } finally {
      await old.close();
    }

    const today = await openPostgres({ url, logger: silentLogger });
    const listener = new pg.Client({ connectionString: url });
    try {
      await listener.connect();
      const notified: string[] = [];
      listener.on('notification', (n) => notified.push(n.payload ?? ''));
      await listener.query('listen weft_access');
      const roles = async () =>
        (
          await today.pool.query<{ user_id: string; role: string }>(
            'select user_id, role from workflow_members order by 1',
          )
        ).rows;
      expect(await roles()).toEqual([
        { user_id: 'ann', role: 'owner' },
        { user_id: 'cy', role: 'viewer' },
      ]);
      await today.pool.query("update workflow_members set role = 'commenter' where user_id = 'cy'");
      await expect(today.pool.query("update workflow_members set role = 'admin' where user_id = 'cy'")).rejects.toThrow(
        /workflow_members_role_check/,
      );
      await today.pool.query(
        "insert into workflow_invitations (id, workflow_id, email, role, created_at) values ('i1', 'wf', 'dee@example.com', 'commenter', 1)",
      );
      await expect.poll(() => notified.length).toBeGreaterThan(0);
      expect(notified.some((p) => p.includes('cy'))).toBe(true);
    } finally {
      await listener.end();
      await today.close();
    }
  });
});
