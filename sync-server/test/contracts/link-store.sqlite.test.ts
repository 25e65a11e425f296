import { randomBytes } from 'node:crypto';
import { SqliteLinkStore } from '../../src/links/sqlite-link-store.ts';
import { SqliteWorkflowStore } from '../../src/workflows/sqlite-workflow-store.ts';
import { runLinkStoreContract } from './link-store.contract.ts';
import { sqliteFixture } from './sqlite-fixture.ts';

runLinkStoreContract('sqlite (real file, migrations applied)', () => {
  const f = sqliteFixture();
  const { db } = f.database;
  return {
    ...f,
    store: new SqliteLinkStore(db, randomBytes(32)),
    workflows: new SqliteWorkflowStore(db),
    withOtherKey: () => new SqliteLinkStore(db, randomBytes(32)),
  };
});
