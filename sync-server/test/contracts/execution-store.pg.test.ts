import { PgExecutionStore } from '../../src/executions/pg-execution-store.ts';
import { PgVersionStore } from '../../src/executions/pg-version-store.ts';
import { usePgDatabases } from '../helpers/pg-databases.ts';
import { runExecutionStoreContract } from './execution-store.contract.ts';
import { pgFixture } from './pg-fixture.ts';

const databases = usePgDatabases();

runExecutionStoreContract('postgres (throwaway server, migrations applied)', async () => {
  const f = await pgFixture(databases);
  const { db } = f.database;
  return {
    ...f,
    store: new PgExecutionStore(db),
    versions: new PgVersionStore(db),
  };
});
