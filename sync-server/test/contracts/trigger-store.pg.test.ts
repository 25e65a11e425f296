import { eq } from 'drizzle-orm';
import { workflows } from '../../src/db/schema/pg.ts';
import { PgTriggerStore } from '../../src/triggers/pg-trigger-store.ts';
import { usePgDatabases } from '../helpers/pg-databases.ts';
import { pgFixture } from './pg-fixture.ts';
import { runTriggerStoreContract } from './trigger-store.contract.ts';

const databases = usePgDatabases();

runTriggerStoreContract('postgres (throwaway server, migrations applied)', async () => {
  const f = await pgFixture(databases);
  const { db } = f.database;
  return {
    ...f,
    store: new PgTriggerStore(db),
    another: async () => new PgTriggerStore((await f.another()).db),
    isActive: async (id) => (await db.select().from(workflows).where(eq(workflows.id, id)))[0]?.active === true,
  };
});
