import { randomBytes } from 'node:crypto';
import { describe, expect, it, onTestFinished } from 'vitest';
import { hashLinkToken, newLinkToken } from '../../src/links/link-token.ts';
import { PgLinkStore } from '../../src/links/pg-link-store.ts';
import { PgWorkflowStore } from '../../src/workflows/pg-workflow-store.ts';
import { usePgDatabases } from '../helpers/pg-databases.ts';
import { runLinkStoreContract } from './link-store.contract.ts';
import { pgFixture } from './pg-fixture.ts';

const databases = usePgDatabases();

runLinkStoreContract('postgres (throwaway server, migrations applied)', async () => {
  const f = await pgFixture(databases);
  const { db } = f.database;
  return {
    ...f,
    store: new PgLinkStore(db, randomBytes(32)),
    workflows: new PgWorkflowStore(db),
    withOtherKey: () => new PgLinkStore(db, randomBytes(32)),
  };
});

describe('postgres joins at once', () => {
  it('a link with one use, joined at once from two connections, admits exactly one person', async () => {
    const f = await pgFixture(databases);
    onTestFinished(f.teardown);
    const key = randomBytes(32);
    const one = new PgLinkStore(f.database.db, key);
    const two = new PgLinkStore((await f.another()).db, key);
    await f.seedUser('olga');
    await f.seedUser('bob');
    await f.seedUser('carol');
    await f.seedWorkflow('wf1');
    await f.seedMember('wf1', 'olga', 'owner');
    const token = newLinkToken();
    const { id } = await one.create({
      workflowId: 'wf1',
      token,
      role: 'editor',
      label: null,
      expiresAt: null,
      maxUses: 1,
      createdBy: 'olga',
      now: 1,
    });
    // A third connection holds the link's row, so both joins are under way before either reads it.
    let winner = '';
    const holder = await (await f.another()).pool.connect();
    try {
      await holder.query('begin');
      await holder.query('select id from workflow_links where id = $1 for update', [id]);
      const joins = Promise.all([
        one.joinByLink(hashLinkToken(token), { id: 'bob' }, 2),
        two.joinByLink(hashLinkToken(token), { id: 'carol' }, 2),
      ]);
      await new Promise((r) => setTimeout(r, 200));
      await holder.query('commit');
      const results = await joins;
      expect(results.map((r) => r?.status).sort()).toEqual(['gone', 'joined']);
      expect(results.find((r) => r?.status === 'gone')).toMatchObject({ reason: 'usedUp', maxUses: 1 });
      winner = results[0]?.status === 'joined' ? 'bob' : 'carol';
    } finally {
      holder.release();
    }
    const [listed] = await one.list('wf1');
    expect(listed?.uses).toBe(1);
    expect(listed?.joined).toHaveLength(1);
    const members = await new PgWorkflowStore(f.database.db).members('wf1');
    expect(listed?.joined[0]?.userId).toBe(winner);
    expect(members.map((m) => m.userId).sort()).toEqual([winner, 'olga'].sort());
  });
});
