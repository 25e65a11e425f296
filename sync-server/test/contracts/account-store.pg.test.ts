import { PgAccountStore } from '../../src/accounts/pg-account-store.ts';
import { usePgDatabases } from '../helpers/pg-databases.ts';
import { runAccountStoreContract } from './account-store.contract.ts';

const databases = usePgDatabases();

runAccountStoreContract('postgres (throwaway server, migrations applied)', async (now) => {
  const database = await databases.fresh();
  return { store: new PgAccountStore(database.opened.db, now), teardown: database.drop };
});
