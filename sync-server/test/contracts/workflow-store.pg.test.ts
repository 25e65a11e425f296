import { describe, expect, it, onTestFinished } from 'vitest';
import { eq } from 'drizzle-orm';
import { createId } from '#shared/ids.ts';
import { credentialGrants, credentials, users } from '../../src/db/schema/pg.ts';
import { PgWorkflowStore } from '../../src/workflows/pg-workflow-store.ts';
import { usePgDatabases } from '../helpers/pg-databases.ts';
import { runWorkflowStoreContract, type WorkflowStoreSetup } from './workflow-store.contract.ts';
import { runWorkflowCatalogContract } from './workflow-catalog.contract.ts';

const databases = usePgDatabases();

const setup = async (): Promise<WorkflowStoreSetup> => {
  const database = await databases.fresh();
  const { db } = database.opened;
  // Accounts and credentials are other stores' rows: written directly, as any backend's fixture would.
  return {
    store: new PgWorkflowStore(db),
    // A second instance on the same database: its own pool, its own connections.
    another: async () => new PgWorkflowStore((await database.open()).db),
    addUser: async (email: string, name: string) => {
      const id = createId();
      await db.insert(users).values({ id, email, name, passwordHash: 'x', createdAt: 1 });
      return id;
    },
    addGrant: async (ownerId: string, workflowId: string) => {
      const id = createId();
      await db.transaction(async (tx) => {
        await tx.insert(credentials).values({
          id,
          ownerId,
          name: 'Key',
          type: 'bearer',
          data: Buffer.from('sealed'),
          createdAt: 1,
          updatedAt: 1,
        });
        await tx.insert(credentialGrants).values({ credentialId: id, workflowId, grantedAt: 1 });
      });
      return id;
    },
    grantsOf: async (workflowId: string) =>
      (
        await db
          .select({ id: credentialGrants.credentialId })
          .from(credentialGrants)
          .where(eq(credentialGrants.workflowId, workflowId))
      )
        .map((g) => g.id)
        .sort(),
    teardown: database.drop,
  };
};

runWorkflowStoreContract('postgres (throwaway server, migrations applied)', setup);
runWorkflowCatalogContract('postgres (throwaway server, migrations applied)', setup);

describe('postgres account deletion beside an owner removal', () => {
  it('waits for a removal of the other owner under way, then refuses: the workflow keeps an owner', async () => {
    const database = await databases.fresh();
    onTestFinished(database.drop);
    const { db } = database.opened;
    const store = new PgWorkflowStore(db);
    const addUser = async (email: string) => {
      const id = createId();
      await db.insert(users).values({ id, email, name: email, passwordHash: 'x', createdAt: 1 });
      return id;
    };
    const ann = await addUser('ann@example.com');
    const bob = await addUser('bob@example.com');
    await store.create({ id: 'w1', name: 'Shared', createdBy: ann, createdAt: 1, updatedAt: 1 }, ann);
    await store.upsertMember('w1', bob, 'owner', 2);
    // Bob's removal under way on another connection, as removeMember does it: the workflow row
    // locked, his membership deleted, not yet committed.
    const remover = await (await database.open()).pool.connect();
    try {
      await remover.query('begin');
      await remover.query("select id from workflows where id = 'w1' for no key update");
      await remover.query('delete from workflow_members where workflow_id = $1 and user_id = $2', ['w1', bob]);
      let settled = false;
      const deleting = store.deleteUserUnlessSoleOwner(ann).finally(() => (settled = true));
      await new Promise((r) => setTimeout(r, 300));
      expect(settled).toBe(false);
      await remover.query('commit');
      expect(await deleting).toEqual({ deleted: false, soleOwnerOf: [{ id: 'w1', name: 'Shared' }] });
    } finally {
      remover.release();
    }
    expect(await store.countOwners('w1')).toBe(1);
  });

  it('waits for a workflow the same account is creating, then refuses: it is its only owner', async () => {
    const database = await databases.fresh();
    onTestFinished(database.drop);
    const { db } = database.opened;
    const store = new PgWorkflowStore(db);
    const ann = createId();
    await db.insert(users).values({ id: ann, email: 'ann@example.com', name: 'Ann', passwordHash: 'x', createdAt: 1 });
    // Ann's new workflow under way on another connection, as create does it: row and owner, not yet committed.
    const creator = await (await database.open()).pool.connect();
    try {
      await creator.query('begin');
      await creator.query(
        "insert into workflows (id, name, created_by, created_at, updated_at) values ('w2', 'New', $1, 1, 1)",
        [ann],
      );
      await creator.query(
        "insert into workflow_members (workflow_id, user_id, role, added_at) values ('w2', $1, 'owner', 1)",
        [ann],
      );
      let settled = false;
      const deleting = store.deleteUserUnlessSoleOwner(ann).finally(() => (settled = true));
      await new Promise((r) => setTimeout(r, 300));
      expect(settled).toBe(false);
      await creator.query('commit');
      expect(await deleting).toEqual({ deleted: false, soleOwnerOf: [{ id: 'w2', name: 'New' }] });
    } finally {
      creator.release();
    }
    expect(await store.countOwners('w2')).toBe(1);
  });
});
