import { eq } from 'drizzle-orm';
import { users } from '../../src/db/schema/pg.ts';
import { PgTemplateStore } from '../../src/templates/pg-template-store.ts';
import { usePgDatabases } from '../helpers/pg-databases.ts';
import { runTemplateStoreContract } from './template-store.contract.ts';
import { pgFixture } from './pg-fixture.ts';

const databases = usePgDatabases();

runTemplateStoreContract('postgres (throwaway server, migrations applied)', async () => {
  const f = await pgFixture(databases);
  const { db } = f.database;
  return {
    ...f,
    store: new PgTemplateStore(db),
    deleteUser: async (id) => {
      await db.delete(users).where(eq(users.id, id));
    },
  };
});
