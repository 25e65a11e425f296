import { SqliteChangeIndexStore } from '../../src/changes/sqlite-change-index-store.ts';
import { runChangeIndexStoreContract } from './change-index-store.contract.ts';
import { sqliteFixture } from './sqlite-fixture.ts';

runChangeIndexStoreContract('sqlite (real file, migrations applied)', () => {
  const f = sqliteFixture();
  return { ...f, store: new SqliteChangeIndexStore(f.database.db) };
});
