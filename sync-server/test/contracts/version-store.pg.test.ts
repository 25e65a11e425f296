import { PgVersionStore } from '../../src/executions/pg-version-store.ts';
import { usePgDatabases } from '../helpers/pg-databases.ts';
import { pgFixture } from './pg-fixture.ts';
import { runVersionStoreContract } from './version-store.contract.ts';

const databases = usePgDatabases();

runVersionStoreContract('postgres (throwaway server, migrations applied)', async () => {
  const f = await pgFixture(databases);
  return { ...f, store: new PgVersionStore(f.database.db) };
});
