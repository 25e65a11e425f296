import { PgVersionStore } from '../../src/executions/pg-version-store.ts';
import { PgHistoryStore } from '../../src/history/pg-history-store.ts';
import { usePgDatabases } from '../helpers/pg-databases.ts';
import { runHistoryStoreContract } from './history-store.contract.ts';
import { pgFixture } from './pg-fixture.ts';

const databases = usePgDatabases();

runHistoryStoreContract('postgres (throwaway server, migrations applied)', async () => {
  const f = await pgFixture(databases);
  return {
    ...f,
    store: new PgHistoryStore(f.database.db),
    versions: new PgVersionStore(f.database.db),
    another: async () => new PgHistoryStore((await f.another()).db),
  };
});
