import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { SqliteCredentialStore } from '../../src/credentials/sqlite-credential-store.ts';
import { credentials } from '../../src/db/schema.ts';
import { runCredentialStoreContract } from './credential-store.contract.ts';
import { sqliteFixture } from './sqlite-fixture.ts';

runCredentialStoreContract('sqlite (real file, migrations applied)', () => {
  const f = sqliteFixture();
  const { db } = f.database;
  return {
    ...f,
    store: new SqliteCredentialStore(db, randomBytes(32)),
    withOtherKey: () => new SqliteCredentialStore(db, randomBytes(32)),
    rawSecret: (id) =>
      Promise.resolve(
        db.select({ data: credentials.data }).from(credentials).where(eq(credentials.id, id)).get()?.data,
      ),
  };
});
