import { SqliteTestListenerStore } from '../../src/triggers/sqlite-test-listener-store.ts';
import { sqliteFixture } from './sqlite-fixture.ts';
import { runTestListenerStoreContract } from './test-listener-store.contract.ts';

runTestListenerStoreContract('sqlite (real file, migrations applied)', () => {
  const f = sqliteFixture();
  return { ...f, store: new SqliteTestListenerStore(f.database.db) };
});
