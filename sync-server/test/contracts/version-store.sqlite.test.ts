import { SqliteVersionStore } from '../../src/executions/sqlite-version-store.ts';
import { sqliteFixture } from './sqlite-fixture.ts';
import { runVersionStoreContract } from './version-store.contract.ts';

runVersionStoreContract('sqlite (real file, migrations applied)', () => {
  const f = sqliteFixture();
  return { ...f, store: new SqliteVersionStore(f.database.db) };
});
