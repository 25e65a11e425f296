import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '#shared/log.ts';
import { users, workflowMembers, workflows } from '../src/db/schema/pg.ts';
import { PgSession } from '../src/db/pg-session.ts';
import { EditPolicy } from '../src/modes/edit-policy.ts';
import { followModes } from '../src/modes/mode-sync.ts';
import { PgModeStore } from '../src/modes/pg-mode-store.ts';
import { usePgDatabases } from './helpers/pg-databases.ts';
import { waitFor } from './helpers/yws-client.ts';

/**
 * How a mode changed by another instance reaches this one's policy
 * (docs/plans/collaboration.md §5.3): NOTIFY at commit on the session
 * connection, and the periodic re-read for notifications that were lost.
 */

const databases = usePgDatabases();
const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const setup = async (refreshMs: number) => {
  const database = await databases.fresh();
  cleanups.push(database.drop);
  const { db } = database.opened;
  await db.insert(users).values({ id: 'ann', email: 'ann@example.com', name: 'Ann', passwordHash: 'x', createdAt: 1 });
  await db.insert(users).values({ id: 'ben', email: 'ben@example.com', name: 'Ben', passwordHash: 'x', createdAt: 1 });
  await db.insert(workflows).values({ id: 'w1', name: 'w1', createdAt: 1, updatedAt: 1 });
  await db.insert(workflowMembers).values([
    { workflowId: 'w1', userId: 'ann', role: 'owner', addedAt: 1 },
    { workflowId: 'w1', userId: 'ben', role: 'editor', addedAt: 1 },
  ]);
  // This instance: its session connection, its store and policy. The other: a store of its own.
  const session = await PgSession.open({ url: database.url, logger: silentLogger, clustered: true });
  cleanups.push(() => session.close());
  const here = new PgModeStore(db, (fn) => session.onModeChange(fn));
  const policy = new EditPolicy({ store: here, logger: silentLogger });
  const sync = followModes({ store: here, policy, logger: silentLogger, refreshMs });
  cleanups.push(() => sync.stop());
  const elsewhere = new PgModeStore((await database.open()).db);
  return { db, policy, elsewhere };
};

describe('edit modes across instances (PostgreSQL)', () => {
  it("another instance's lock reaches this policy through weft_modes, well before any re-read", async () => {
    const { policy, elsewhere } = await setup(60_000);
    await policy.ensure('w1');
    expect(policy.mayWrite('w1', 'ben', 'editor')).toBe(true);
    const started = Date.now();
    await elsewhere.setMode('w1', { mode: 'locked', reason: null, by: 'ann', at: 1, penIdleMs: null });
    await waitFor('the lock to arrive', () => !policy.mayWrite('w1', 'ben', 'editor'), 2000);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(policy.mayWrite('w1', 'ann', 'owner')).toBe(true);
  });

  it('a change whose notification was lost is picked up by the re-read', async () => {
    const { db, policy } = await setup(100);
    await policy.ensure('w1');
    // Written as no store writes it: no NOTIFY.
    await db.execute(
      sql`insert into workflow_modes (workflow_id, mode, set_at, version, pen_holder, pen_since, pen_active_at)
          values ('w1', 'pen', 1, 1, 'ann', 1, 1)`,
    );
    await waitFor('the re-read to find the pen', () => policy.get('w1')?.mode === 'pen', 3000);
    expect(policy.mayWrite('w1', 'ann', 'owner')).toBe(true);
    expect(policy.mayWrite('w1', 'ben', 'editor')).toBe(false);
  });

  it('only newer versions are applied, whatever order they arrive in', async () => {
    const { policy, elsewhere } = await setup(60_000);
    const first = await elsewhere.setMode('w1', { mode: 'locked', reason: null, by: 'ann', at: 1, penIdleMs: null });
    const second = await elsewhere.setMode('w1', { mode: 'parallel', reason: null, by: 'ann', at: 2, penIdleMs: null });
    expect(policy.apply(second)).toBe(true);
    expect(policy.apply(first)).toBe(false);
    expect(policy.get('w1')?.mode).toBe('parallel');
  });
});
