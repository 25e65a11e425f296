import { PgDocStore } from '../src/storage/pg-doc-store.ts';
import { runDocStoreContract } from './doc-store.contract.ts';
import { usePgDatabases } from './helpers/pg-databases.ts';

const databases = usePgDatabases();

runDocStoreContract('postgres (throwaway server, migrations applied)', async () => {
  const database = await databases.fresh();
  return {
    store: new PgDocStore(database.opened.db),
    another: async () => new PgDocStore((await database.open()).db),
    teardown: database.drop,
  };
});
