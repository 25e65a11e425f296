import { and, eq } from 'drizzle-orm';
import { users, workflowMembers } from '../../src/db/schema/pg.ts';
import { PgInboxStore } from '../../src/discussion/pg-inbox-store.ts';
import { usePgDatabases } from '../helpers/pg-databases.ts';
import { runInboxStoreContract } from './inbox-store.contract.ts';
import { pgFixture } from './pg-fixture.ts';

const databases = usePgDatabases();

runInboxStoreContract('postgres (throwaway server, migrations applied)', async () => {
  const f = await pgFixture(databases);
  const { db } = f.database;
  return {
    ...f,
    store: new PgInboxStore(db),
    removeMember: async (workflowId: string, userId: string) => {
      await db
        .delete(workflowMembers)
        .where(and(eq(workflowMembers.workflowId, workflowId), eq(workflowMembers.userId, userId)));
    },
    deleteUser: async (id: string) => {
      await db.delete(users).where(eq(users.id, id));
    },
  };
});
