import { eq } from 'drizzle-orm';
import { users } from '../../src/db/schema.ts';
import { SqliteTemplateStore } from '../../src/templates/sqlite-template-store.ts';
import { runTemplateStoreContract } from './template-store.contract.ts';
import { sqliteFixture } from './sqlite-fixture.ts';

runTemplateStoreContract('sqlite (real file, migrations applied)', () => {
  const f = sqliteFixture();
  const { db } = f.database;
  return {
    ...f,
    store: new SqliteTemplateStore(db),
    deleteUser: (id) => {
      db.delete(users).where(eq(users.id, id)).run();
    },
  };
});
