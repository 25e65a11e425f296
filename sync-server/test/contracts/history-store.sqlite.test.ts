import { SqliteVersionStore } from '../../src/executions/sqlite-version-store.ts';
import { SqliteHistoryStore } from '../../src/history/sqlite-history-store.ts';
import { runHistoryStoreContract } from './history-store.contract.ts';
import { sqliteFixture } from './sqlite-fixture.ts';

runHistoryStoreContract('sqlite (real file, migrations applied)', () => {
  const f = sqliteFixture();
  return { ...f, store: new SqliteHistoryStore(f.database.db), versions: new SqliteVersionStore(f.database.db) };
});
