import { sql } from 'drizzle-orm';
import { expect, it, onTestFinished } from 'vitest';
import { workflowSorts } from '#shared/api/workflow-list.ts';
import { PgWorkflowStore } from '../src/workflows/pg-workflow-store.ts';
import { usePgDatabases } from './helpers/pg-databases.ts';

/**
 * As workflow-list-speed.test.ts, on PostgreSQL: a failures sort counted per workflow took 1.5 s over 5,000
 * workflows with 100,000 runs on fresh tables; one count over the window's runs takes tens of milliseconds.
 */

const databases = usePgDatabases();

it('answers a page in every sort over 5,000 workflows with 20 runs each in well under a second', async () => {
  const database = await databases.fresh();
  onTestFinished(database.drop);
  const { db } = database.opened;
  const now = Date.now();
  await db.execute(
    sql`insert into users (id, email, name, password_hash, created_at) values ('u', 'u@x', 'U', 'x', 1)`,
  );
  await db.execute(sql`insert into workflows (id, name, created_by, created_at, updated_at)
    select 'w' || g, 'Flow ' || g, 'u', 1, g from generate_series(0, 4999) g`);
  await db.execute(sql`insert into workflow_members (workflow_id, user_id, role, added_at)
    select 'w' || g, 'u', 'owner', 1 from generate_series(0, 4999) g`);
  await db.execute(sql`insert into workflow_versions (hash, workflow_id, state, definition, created_at)
    select 'h' || g, 'w' || g, ''::bytea, '{}', 1 from generate_series(0, 4999) g`);
  await db.execute(sql`insert into executions (id, workflow_id, version_hash, mode, status, created_at)
    select 'e' || g || '_' || k, 'w' || g, 'h' || g, 'manual', case when k % 3 = 0 then 'failed' else 'succeeded' end,
      ${now}::bigint - k * 36000000
    from generate_series(0, 4999) g, generate_series(0, 19) k`);
  const store = new PgWorkflowStore(db);
  for (const sort of workflowSorts) {
    for (const admin of [false, true]) {
      const started = performance.now();
      const rows = await store.catalog.list('u', admin, { sort, limit: 51, failuresSince: now - 7 * 24 * 3600_000 });
      await store.catalog.details(
        'u',
        rows.map((r) => r.id),
      );
      expect(rows).toHaveLength(51);
      expect(performance.now() - started, `${sort}, admin ${admin}`).toBeLessThan(1_000);
    }
  }
}, 60_000);
