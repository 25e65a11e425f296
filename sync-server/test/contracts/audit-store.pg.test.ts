import { PgAuditStore } from '../../src/audit/pg-audit-store.ts';
import { usePgDatabases } from '../helpers/pg-databases.ts';
import { runAuditStoreContract } from './audit-store.contract.ts';
import { pgFixture } from './pg-fixture.ts';

const databases = usePgDatabases();

runAuditStoreContract('postgres (throwaway server, migrations applied)', async () => {
  const f = await pgFixture(databases);
  return {
    store: new PgAuditStore(f.database.db),
    raw: async (text: string) => {
      await f.database.pool.query(text);
    },
    dialect: 'postgres' as const,
    teardown: f.teardown,
  };
});
