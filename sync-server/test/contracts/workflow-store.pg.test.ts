import { eq } from 'drizzle-orm';
import { createId } from '#shared/ids.ts';
import { credentialGrants, credentials, users } from '../../src/db/schema/pg.ts';
import { PgWorkflowStore } from '../../src/workflows/pg-workflow-store.ts';
import { usePgDatabases } from '../helpers/pg-databases.ts';
import { runWorkflowStoreContract } from './workflow-store.contract.ts';

const databases = usePgDatabases();

runWorkflowStoreContract('postgres (throwaway server, migrations applied)', async () => {
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
});
