import { eq } from 'drizzle-orm';
import { createId } from '#shared/ids.ts';
import { PgFavouritesStore } from '../../src/accounts/pg-favourites-store.ts';
import { users } from '../../src/db/schema/pg.ts';
import { usePgDatabases } from '../helpers/pg-databases.ts';
import { runFavouritesStoreContract } from './favourites-store.contract.ts';

const databases = usePgDatabases();

runFavouritesStoreContract('postgres (throwaway server, migrations applied)', async () => {
  const database = await databases.fresh();
  const { db } = database.opened;
  // Accounts are another store's rows: written directly, as any backend's fixture would.
  return {
    store: new PgFavouritesStore(db),
    // A second instance on the same database: its own pool, its own connections.
    another: async () => new PgFavouritesStore((await database.open()).db),
    addUser: async (email: string) => {
      const id = createId();
      await db.insert(users).values({ id, email, name: email, passwordHash: 'x', createdAt: 1 });
      return id;
    },
    deleteUser: async (id: string) => {
      await db.delete(users).where(eq(users.id, id));
    },
    teardown: database.drop,
  };
});
