import { eq } from 'drizzle-orm';
import type { OpenedPostgres } from '../../src/db/open-postgres.ts';
import { users, workflowMembers, workflows } from '../../src/db/schema/pg.ts';
import type { usePgDatabases } from '../helpers/pg-databases.ts';
import type { ContractSeeds } from './sqlite-fixture.ts';

/** A fresh migrated PostgreSQL database, and seeds that write to it: sqlite-fixture.ts for the other dialect. */
export const pgFixture = async (
  databases: ReturnType<typeof usePgDatabases>,
): Promise<
  ContractSeeds & { database: OpenedPostgres; another: () => Promise<OpenedPostgres>; teardown: () => Promise<void> }
> => {
  const fresh = await databases.fresh();
  const { db } = fresh.opened;
  return {
    database: fresh.opened,
    another: fresh.open,
    seedUser: async (id, name = id) => {
      await db.insert(users).values({ id, email: `${id}@example.com`, name, passwordHash: 'x', createdAt: 1 });
    },
    seedWorkflow: async (id, name = id) => {
      await db.insert(workflows).values({ id, name, createdAt: 1, updatedAt: 1 });
    },
    seedMember: async (workflowId, userId, role) => {
      await db.insert(workflowMembers).values({ workflowId, userId, role, addedAt: 1 });
    },
    deleteWorkflow: async (id) => {
      await db.delete(workflows).where(eq(workflows.id, id));
    },
    teardown: fresh.drop,
  };
};
