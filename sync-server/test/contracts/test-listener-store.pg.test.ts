import { PgTestListenerStore } from '../../src/triggers/pg-test-listener-store.ts';
import { usePgDatabases } from '../helpers/pg-databases.ts';
import { pgFixture } from './pg-fixture.ts';
import { runTestListenerStoreContract } from './test-listener-store.contract.ts';

const databases = usePgDatabases();

runTestListenerStoreContract('postgres (throwaway server, migrations applied)', async () => {
  const f = await pgFixture(databases);
  return {
    ...f,
    store: new PgTestListenerStore(f.database.db),
    another: async () => new PgTestListenerStore((await f.another()).db),
  };
});
