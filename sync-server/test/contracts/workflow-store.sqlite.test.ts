import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { createId } from '#shared/ids.ts';
import { openDatabase } from '../../src/db/open.ts';
import { credentialGrants, credentials, users } from '../../src/db/schema.ts';
import { SqliteWorkflowStore } from '../../src/workflows/sqlite-workflow-store.ts';
import { tempDir } from '../helpers/temp-dir.ts';
import { runWorkflowStoreContract, type WorkflowStoreSetup } from './workflow-store.contract.ts';
import { runWorkflowCatalogContract } from './workflow-catalog.contract.ts';

const setup = (): Promise<WorkflowStoreSetup> => {
  const dir = tempDir();
  const database = openDatabase({ file: join(dir.path, 'weft.db') });
  const { db } = database;
  // Accounts and credentials are other stores' rows: written directly, as any backend's fixture would.
  return Promise.resolve({
    store: new SqliteWorkflowStore(db),
    addUser: (email: string, name: string) => {
      const id = createId();
      db.insert(users).values({ id, email, name, passwordHash: 'x', createdAt: 1 }).run();
      return Promise.resolve(id);
    },
    addGrant: (ownerId: string, workflowId: string) => {
      const id = createId();
      db.insert(credentials)
        .values({ id, ownerId, name: 'Key', type: 'bearer', data: Buffer.from('sealed'), createdAt: 1, updatedAt: 1 })
        .run();
      db.insert(credentialGrants).values({ credentialId: id, workflowId, grantedAt: 1 }).run();
      return Promise.resolve(id);
    },
    grantsOf: (workflowId: string) =>
      Promise.resolve(
        db
          .select({ id: credentialGrants.credentialId })
          .from(credentialGrants)
          .where(eq(credentialGrants.workflowId, workflowId))
          .all()
          .map((g) => g.id)
          .sort(),
      ),
    teardown: async () => {
      await database.close();
      dir.remove();
    },
  });
};

runWorkflowStoreContract('sqlite (real file, migrations applied)', setup);
runWorkflowCatalogContract('sqlite (real file, migrations applied)', setup);
