import { SqliteExecutionStore } from '../../src/executions/sqlite-execution-store.ts';
import { SqliteVersionStore } from '../../src/executions/sqlite-version-store.ts';
import { runExecutionStoreContract } from './execution-store.contract.ts';
import { sqliteFixture } from './sqlite-fixture.ts';

runExecutionStoreContract('sqlite (real file, migrations applied)', () => {
  const f = sqliteFixture();
  return { ...f, store: new SqliteExecutionStore(f.database.db), versions: new SqliteVersionStore(f.database.db) };
});
