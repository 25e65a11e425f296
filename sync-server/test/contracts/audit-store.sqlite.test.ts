import { SqliteAuditStore } from '../../src/audit/sqlite-audit-store.ts';
import { runAuditStoreContract } from './audit-store.contract.ts';
import { sqliteFixture } from './sqlite-fixture.ts';

runAuditStoreContract('sqlite (real file, migrations applied)', () => {
  const f = sqliteFixture();
  return Promise.resolve({
    store: new SqliteAuditStore(f.database.db),
    // The driver throws; the contract expects a rejection.
    raw: (text: string) =>
      new Promise<void>((resolve) => {
        f.database.sqlite.exec(text);
        resolve();
      }),
    dialect: 'sqlite' as const,
    teardown: f.teardown,
  });
});
