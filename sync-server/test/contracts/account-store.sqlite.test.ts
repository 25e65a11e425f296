import { join } from 'node:path';
import { SqliteAccountStore } from '../../src/accounts/sqlite-account-store.ts';
import { openDatabase } from '../../src/db/open.ts';
import { tempDir } from '../helpers/temp-dir.ts';
import { runAccountStoreContract } from './account-store.contract.ts';

runAccountStoreContract('sqlite (real file, migrations applied)', (now) => {
  const dir = tempDir();
  const database = openDatabase({ file: join(dir.path, 'weft.db') });
  return {
    store: new SqliteAccountStore(database.db, now),
    teardown: async () => {
      await database.close();
      dir.remove();
    },
  };
});
