import { and, eq } from 'drizzle-orm';
import { users, workflowMembers } from '../../src/db/schema.ts';
import { SqliteInboxStore } from '../../src/discussion/sqlite-inbox-store.ts';
import { runInboxStoreContract } from './inbox-store.contract.ts';
import { sqliteFixture } from './sqlite-fixture.ts';

runInboxStoreContract('sqlite (real file, migrations applied)', () => {
  const f = sqliteFixture();
  const { db } = f.database;
  return Promise.resolve({
    ...f,
    store: new SqliteInboxStore(db),
    removeMember: (workflowId: string, userId: string) => {
      db.delete(workflowMembers)
        .where(and(eq(workflowMembers.workflowId, workflowId), eq(workflowMembers.userId, userId)))
        .run();
      return Promise.resolve();
    },
    deleteUser: (id: string) => {
      db.delete(users).where(eq(users.id, id)).run();
      return Promise.resolve();
    },
  });
});
