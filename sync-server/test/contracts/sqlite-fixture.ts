import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { openDatabase, type OpenedDatabase } from '../../src/db/open.ts';
import { users, workflows, workflowMembers } from '../../src/db/schema.ts';
import { tempDir } from '../helpers/temp-dir.ts';

/** What the store contracts need around a store: the rows it refers to, written as the rest of the server writes them. */
export interface ContractSeeds {
  seedUser: (id: string, name?: string) => void | Promise<void>;
  seedWorkflow: (id: string, name?: string) => void | Promise<void>;
  seedMember: (
    workflowId: string,
    userId: string,
    role: 'owner' | 'editor' | 'commenter' | 'viewer',
  ) => void | Promise<void>;
  /** Deletes a workflow (its versions, executions and grants go with it). */
  deleteWorkflow: (id: string) => void | Promise<void>;
}

/** A fresh SQLite file with every migration applied, and seeds that write to it. */
export const sqliteFixture = (): ContractSeeds & { database: OpenedDatabase; teardown: () => Promise<void> } => {
  const dir = tempDir();
  const database = openDatabase({ file: join(dir.path, 'weft.db') });
  const { db } = database;
  return {
    database,
    seedUser: (id, name = id) => {
      db.insert(users)
        .values({ id, email: `${id}@example.com`, name, passwordHash: 'x', createdAt: 1 })
        .run();
    },
    seedWorkflow: (id, name = id) => {
      db.insert(workflows).values({ id, name, createdAt: 1, updatedAt: 1 }).run();
    },
    seedMember: (workflowId, userId, role) => {
      db.insert(workflowMembers).values({ workflowId, userId, role, addedAt: 1 }).run();
    },
    deleteWorkflow: (id) => {
      db.delete(workflows).where(eq(workflows.id, id)).run();
    },
    teardown: async () => {
      await database.close();
      dir.remove();
    },
  };
};
