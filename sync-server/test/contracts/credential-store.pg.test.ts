import { describe, expect, it, onTestFinished } from 'vitest';
import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { PgCredentialStore } from '../../src/credentials/pg-credential-store.ts';
import { credentials } from '../../src/db/schema/pg.ts';
import { PgWorkflowStore } from '../../src/workflows/pg-workflow-store.ts';
import { usePgDatabases } from '../helpers/pg-databases.ts';
import { runCredentialStoreContract } from './credential-store.contract.ts';
import { pgFixture } from './pg-fixture.ts';

const databases = usePgDatabases();

runCredentialStoreContract('postgres (throwaway server, migrations applied)', async () => {
  const f = await pgFixture(databases);
  const { db } = f.database;
  return {
    ...f,
    store: new PgCredentialStore(db, randomBytes(32)),
    withOtherKey: () => new PgCredentialStore(db, randomBytes(32)),
    rawSecret: async (id) =>
      (await db.select({ data: credentials.data }).from(credentials).where(eq(credentials.id, id)))[0]?.data,
  };
});

describe('postgres grant while a member', () => {
  it('waits for a removal of that member under way, then stores nothing; a removal after it revokes it', async () => {
    const f = await pgFixture(databases);
    onTestFinished(f.teardown);
    const { db } = f.database;
    const store = new PgCredentialStore(db, randomBytes(32));
    await f.seedUser('alice');
    await f.seedUser('olga');
    await f.seedWorkflow('wf1');
    await f.seedMember('wf1', 'olga', 'owner');
    await f.seedMember('wf1', 'alice', 'editor');
    const { id } = await store.create('alice', { name: 'Key', type: 'bearer', data: { token: 'secret-1' } }, 1);
    // A removal of Alice under way on another connection: her row is deleted, not yet committed.
    const other = await f.another();
    const remover = await other.pool.connect();
    try {
      await remover.query('begin');
      await remover.query("delete from workflow_members where workflow_id = 'wf1' and user_id = 'alice'");
      let settled = false;
      const granting = store.grant(id, 'wf1', 5, 'alice').finally(() => (settled = true));
      await new Promise((r) => setTimeout(r, 300));
      expect(settled).toBe(false);
      await remover.query('commit');
      expect(await granting).toBeUndefined();
    } finally {
      remover.release();
    }
    expect(await store.grantedSecret(id, 'wf1')).toEqual({ status: 'notGranted' });
    // Granted while she is a member, the store's removal takes the grant with her.
    await f.seedMember('wf1', 'alice', 'editor');
    expect((await store.grant(id, 'wf1', 6, 'alice'))?.created).toBe(true);
    expect(await new PgWorkflowStore(db).removeMember('wf1', 'alice')).toBe(true);
    expect(await store.grantedSecret(id, 'wf1')).toEqual({ status: 'notGranted' });
  });
});
