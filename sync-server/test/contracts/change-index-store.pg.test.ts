import { PgChangeIndexStore } from '../../src/changes/pg-change-index-store.ts';
import { usePgDatabases } from '../helpers/pg-databases.ts';
import { runChangeIndexStoreContract } from './change-index-store.contract.ts';
import { pgFixture } from './pg-fixture.ts';

const databases = usePgDatabases();

runChangeIndexStoreContract('postgres (throwaway server, migrations applied)', async () => {
  const f = await pgFixture(databases);
  return {
    ...f,
    store: new PgChangeIndexStore(f.database.db),
    another: async () => new PgChangeIndexStore((await f.another()).db),
  };
});
