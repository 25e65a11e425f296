import { SqliteModeStore } from '../../src/modes/sqlite-mode-store.ts';
import { runModeStoreContract } from './mode-store.contract.ts';
import { sqliteFixture } from './sqlite-fixture.ts';

runModeStoreContract(
  'sqlite (real file, migrations applied)',
  () => {
    const f = sqliteFixture();
    return Promise.resolve({ ...f, store: new SqliteModeStore(f.database.db) });
  },
  { notifies: false },
);
