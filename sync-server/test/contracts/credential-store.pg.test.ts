import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { PgCredentialStore } from '../../src/credentials/pg-credential-store.ts';
import { credentials } from '../../src/db/schema/pg.ts';
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
