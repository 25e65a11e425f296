import { join } from 'node:path';
import { openDatabase, type OpenedDatabase } from '../src/db/open.ts';
import { SqliteDocStore } from '../src/storage/sqlite-doc-store.ts';
import { runDocStoreContract } from './doc-store.contract.ts';
import { tempDir } from './helpers/temp-dir.ts';

runDocStoreContract('sqlite (real file, migrations applied)', () => {
  const dir = tempDir();
  const file = join(dir.path, 'weft.db');
  const databases: OpenedDatabase[] = [openDatabase({ file })];
  return {
    store: new SqliteDocStore((databases[0] as OpenedDatabase).db),
    // A second connection to the same file, as a second process would open.
    another: () => {
      const database = openDatabase({ file });
      databases.push(database);
      return new SqliteDocStore(database.db);
    },
    teardown: async () => {
      for (const database of databases) await database.close();
      dir.remove();
    },
  };
});
