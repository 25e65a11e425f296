import { join } from 'node:path';
import { openDatabase } from '../src/db/open.ts';
import { MemoryDocStore } from '../src/storage/memory-doc-store.ts';
import { SqliteDocStore } from '../src/storage/sqlite-doc-store.ts';
import { runDocStoreContract } from './doc-store.contract.ts';
import { tempDir } from './helpers/temp-dir.ts';

runDocStoreContract('memory', () => ({ store: new MemoryDocStore(), teardown: () => {} }));

runDocStoreContract('sqlite (real file, migrations applied)', () => {
  const dir = tempDir();
  const database = openDatabase({ file: join(dir.path, 'weft.db') });
  return {
    store: new SqliteDocStore(database.db),
    teardown: async () => {
      await database.close();
      dir.remove();
    },
  };
});
