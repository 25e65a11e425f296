import { eq } from 'drizzle-orm';
import { workflows } from '../../src/db/schema.ts';
import { SqliteTriggerStore } from '../../src/triggers/sqlite-trigger-store.ts';
import { sqliteFixture } from './sqlite-fixture.ts';
import { runTriggerStoreContract } from './trigger-store.contract.ts';

runTriggerStoreContract('sqlite (real file, migrations applied)', () => {
  const f = sqliteFixture();
  const { db } = f.database;
  return {
    ...f,
    store: new SqliteTriggerStore(db),
    isActive: (id) => Promise.resolve(db.select().from(workflows).where(eq(workflows.id, id)).get()?.active === true),
  };
});
