import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { isWeftError } from '#shared/errors.ts';
import { SqliteAccountStore } from '../accounts/sqlite-account-store.ts';
import { DB_FILE, openAdminDatabase } from './admin-db.ts';
import { AdminError } from './admin-error.ts';
import type { AdminStorage } from './admin-storage.ts';
import { migrateDataDir } from './migrate.ts';

/** The admin commands on DATA_DIR/weft.db, beside a server that may be running (admin-db.ts). */
export const sqliteAdminStorage = (dataDir: string): AdminStorage => {
  const file = join(dataDir, DB_FILE);
  return {
    name: file,
    exists: () => Promise.resolve(existsSync(file)),
    migrate: () => Promise.resolve().then(() => migrateDataDir(dataDir)),
    withAccounts: async (work) => {
      const database = openAdminDatabase(dataDir);
      try {
        return await work(new SqliteAccountStore(database.db));
      } catch (error) {
        if (error instanceof AdminError || isWeftError(error)) throw error;
        throw AdminError.from(error, file);
      } finally {
        database.close();
      }
    },
  };
};
