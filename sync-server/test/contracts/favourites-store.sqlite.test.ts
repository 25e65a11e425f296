import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { createId } from '#shared/ids.ts';
import { openDatabase } from '../../src/db/open.ts';
import { users } from '../../src/db/schema.ts';
import { SqliteFavouritesStore } from '../../src/accounts/sqlite-favourites-store.ts';
import { tempDir } from '../helpers/temp-dir.ts';
import { runFavouritesStoreContract } from './favourites-store.contract.ts';

runFavouritesStoreContract('sqlite (real file, migrations applied)', () => {
  const dir = tempDir();
  const database = openDatabase({ file: join(dir.path, 'weft.db') });
  const { db } = database;
  // Accounts are another store's rows: written directly, as any backend's fixture would.
  return Promise.resolve({
    store: new SqliteFavouritesStore(db),
    addUser: (email: string) => {
      const id = createId();
      db.insert(users).values({ id, email, name: email, passwordHash: 'x', createdAt: 1 }).run();
      return Promise.resolve(id);
    },
    deleteUser: (id: string) => {
      db.delete(users).where(eq(users.id, id)).run();
      return Promise.resolve();
    },
    teardown: async () => {
      await database.close();
      dir.remove();
    },
  });
});
