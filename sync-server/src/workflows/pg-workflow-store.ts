import { and, asc, count, desc, eq, inArray, lt, ne, or, sql, type SQL } from 'drizzle-orm';
import type { InvitationDto, ReceivedInvitationDto } from '#shared/api/access.ts';
import { createId } from '#shared/ids.ts';
import type { PgDb } from '../db/open-postgres.ts';
import { byteOrder } from '../db/pg-byte-order.ts';
import { toAuditRow, type NewAuditEvent } from '../audit/audit-store.ts';
import {
  auditEvents,
  credentialGrants,
  credentials,
  users,
  workflowInvitations,
  workflowMembers,
  workflows,
} from '../db/schema/pg.ts';
import {
  lastOwnerError,
  tooManyInvitationsError,
  type Member,
  type Role,
  type WorkflowListPage,
  type WorkflowRow,
  type WorkflowStore,
} from './workflow-store.ts';
import { WorkflowCatalog } from './workflow-catalog.ts';

/** SQLite's lower() folds these letters only: the name search folds the same ones. */
const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const LOWER = UPPER.toLowerCase();

type Tx = Parameters<Parameters<PgDb['transaction']>[0]>[0];

const invitationDto = (row: typeof workflowInvitations.$inferSelect): InvitationDto => ({
  id: row.id,
  workflowId: row.workflowId,
  email: row.email,
  role: row.role,
  createdAt: row.createdAt,
});

/**
 * Serialises the changes that can take a workflow's owners away, per
 * workflow, across instances: each one counts the owners and acts in the same
 * transaction, and a second one counts only after the first committed.
 * NO KEY UPDATE leaves the foreign-key checks of rows being added under the
 * workflow (executions, versions, grants) unblocked.
 */
const lockOwners = async (tx: Tx, workflowId: string): Promise<void> => {
  await tx.select({ id: workflows.id }).from(workflows).where(eq(workflows.id, workflowId)).for('no key update');
};

const ownerCount = async (db: PgDb | Tx, workflowId: string): Promise<number> =>
  (
    await db
      .select({ n: count() })
      .from(workflowMembers)
      .where(and(eq(workflowMembers.workflowId, workflowId), eq(workflowMembers.role, 'owner')))
  )[0]?.n ?? 0;

/** Workflow rows, members and invitations in PostgreSQL; the same rules as SqliteWorkflowStore, one contract. */
export class PgWorkflowStore implements WorkflowStore {
  readonly catalog: WorkflowCatalog;

  constructor(private readonly db: PgDb) {
    const fold = (value: SQL): SQL => sql`translate(${value}, ${UPPER}, ${LOWER})`;
    this.catalog = new WorkflowCatalog({
      // strpos, not like: a search for "50%" or "a_b" means those characters; folding ASCII as SQLite's lower does.
      contains: (column, text) => sql`strpos(${fold(column)}, ${fold(sql`${text}`)}) > 0`,
      foldedOrder: (column) => sql`(${fold(column)} collate "C")`,
      idOrder: (column) => sql`(${column} collate "C")`,
      bool: (value) => sql`${value}`,
      // PostgreSQL's planner weighs the indexes by their statistics.
      unindexed: (column) => column,
      all: async <T>(query: SQL) => (await db.execute(query)).rows as T[],
      run: async (query) => (await db.execute(query)).rowCount ?? 0,
    });
  }

  async create(row: WorkflowRow, ownerId: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.insert(workflows).values(row);
      await tx
        .insert(workflowMembers)
        .values({ workflowId: row.id, userId: ownerId, role: 'owner', addedAt: row.createdAt });
    });
  }

  async setPublished(id: string, hash: string): Promise<void> {
    await this.db.update(workflows).set({ publishedHash: hash }).where(eq(workflows.id, id));
  }

  async setActive(id: string, active: boolean): Promise<void> {
    await this.db.update(workflows).set({ active }).where(eq(workflows.id, id));
  }

  async listActive(): Promise<{ id: string; publishedHash: string }[]> {
    const rows = await this.db
      .select({ id: workflows.id, publishedHash: workflows.publishedHash })
      .from(workflows)
      .where(eq(workflows.active, true))
      .orderBy(asc(workflows.id));
    return rows.filter((w): w is { id: string; publishedHash: string } => w.publishedHash !== null);
  }

  async get(id: string): Promise<WorkflowRow | undefined> {
    return (await this.db.select().from(workflows).where(eq(workflows.id, id)))[0];
  }

  async memberRole(workflowId: string, userId: string): Promise<Role | undefined> {
    const [row] = await this.db
      .select({ role: workflowMembers.role })
      .from(workflowMembers)
      .where(and(eq(workflowMembers.workflowId, workflowId), eq(workflowMembers.userId, userId)));
    return row?.role;
  }

  async listFor(
    userId: string,
    isAdmin: boolean,
    page: WorkflowListPage = {},
  ): Promise<(WorkflowRow & { role: Role })[]> {
    const role = sql<Role>`coalesce(${workflowMembers.role}, 'owner')`;
    const { q, after, limit } = page;
    const query = this.db
      .select({
        id: workflows.id,
        name: workflows.name,
        createdBy: workflows.createdBy,
        createdAt: workflows.createdAt,
        updatedAt: workflows.updatedAt,
        role,
      })
      .from(workflows)
      .leftJoin(workflowMembers, and(eq(workflowMembers.workflowId, workflows.id), eq(workflowMembers.userId, userId)))
      .where(
        and(
          isAdmin ? undefined : eq(workflowMembers.userId, userId),
          // strpos, not like: a name search for "50%" or "a_b" means those characters. SQLite's lower folds
          // ASCII only; folding the same letters here finds the same workflows on both.
          q
            ? sql`strpos(translate(${workflows.name}, ${UPPER}, ${LOWER}), translate(${q}, ${UPPER}, ${LOWER})) > 0`
            : undefined,
          after
            ? or(
                lt(workflows.updatedAt, after.updatedAt),
                and(eq(workflows.updatedAt, after.updatedAt), sql`${byteOrder(workflows.id)} > ${after.id}`),
              )
            : undefined,
        ),
      )
      // Ids in byte order, as SQLite sorts them: a page resumes where the cursor's comparison says.
      .orderBy(desc(workflows.updatedAt), byteOrder(workflows.id))
      .$dynamic();
    return limit === undefined ? query : query.limit(limit);
  }

  async setName(id: string, name: string, updatedAt: number): Promise<void> {
    await this.db.update(workflows).set({ name, updatedAt }).where(eq(workflows.id, id));
  }

  async touch(id: string, updatedAt: number): Promise<void> {
    await this.db.update(workflows).set({ updatedAt }).where(eq(workflows.id, id));
  }

  async delete(id: string): Promise<boolean> {
    return (await this.db.delete(workflows).where(eq(workflows.id, id)).returning({ id: workflows.id })).length > 0;
  }

  private selectMembers() {
    return this.db
      .select({
        userId: workflowMembers.userId,
        email: users.email,
        name: users.name,
        role: workflowMembers.role,
        addedAt: workflowMembers.addedAt,
      })
      .from(workflowMembers)
      .innerJoin(users, eq(users.id, workflowMembers.userId));
  }

  async members(workflowId: string): Promise<Member[]> {
    return this.selectMembers()
      .where(eq(workflowMembers.workflowId, workflowId))
      .orderBy(asc(workflowMembers.addedAt), asc(workflowMembers.userId));
  }

  async upsertMember(
    workflowId: string,
    userId: string,
    role: Role,
    addedAt: number,
    audit?: (previous: Role | undefined) => NewAuditEvent | undefined,
  ): Promise<void> {
    await this.db.transaction(async (tx) => {
      if (role !== 'owner') await lockOwners(tx, workflowId);
      const memberRole = async () =>
        (
          await tx
            .select({ role: workflowMembers.role })
            .from(workflowMembers)
            .where(and(eq(workflowMembers.workflowId, workflowId), eq(workflowMembers.userId, userId)))
            // Locked when the event names it: two role changes at once each record the role the other left.
            .for('update')
        )[0]?.role;
      const previous = role !== 'owner' || audit ? await memberRole() : undefined;
      if (role !== 'owner' && previous === 'owner' && (await ownerCount(tx, workflowId)) <= 1) throw lastOwnerError();
      await tx
        .insert(workflowMembers)
        .values({ workflowId, userId, role, addedAt })
        .onConflictDoUpdate({ target: [workflowMembers.workflowId, workflowMembers.userId], set: { role } });
      const event = audit?.(previous);
      if (event) await tx.insert(auditEvents).values(toAuditRow(event));
    });
  }

  async removeMember(workflowId: string, userId: string, audit?: (removed: Role) => NewAuditEvent): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      await lockOwners(tx, workflowId);
      const [removed] = await tx
        .delete(workflowMembers)
        .where(and(eq(workflowMembers.workflowId, workflowId), eq(workflowMembers.userId, userId)))
        .returning({ role: workflowMembers.role });
      if (!removed) return false;
      // Counted after the delete, under the lock: the others still there are all the owners left.
      if (removed.role === 'owner' && (await ownerCount(tx, workflowId)) === 0) throw lastOwnerError();
      const theirs = tx.select({ id: credentials.id }).from(credentials).where(eq(credentials.ownerId, userId));
      await tx
        .delete(credentialGrants)
        .where(and(eq(credentialGrants.workflowId, workflowId), inArray(credentialGrants.credentialId, theirs)));
      if (audit) await tx.insert(auditEvents).values(toAuditRow(audit(removed.role)));
      return true;
    });
  }

  async memberByEmail(workflowId: string, email: string): Promise<Member | undefined> {
    return (
      await this.selectMembers().where(and(eq(workflowMembers.workflowId, workflowId), eq(users.email, email)))
    )[0];
  }

  async countInvitations(workflowId: string): Promise<number> {
    return (
      (
        await this.db
          .select({ n: count() })
          .from(workflowInvitations)
          .where(eq(workflowInvitations.workflowId, workflowId))
      )[0]?.n ?? 0
    );
  }

  /** ON CONFLICT is atomic in PostgreSQL too: two invitations of one address at once leave one row, one id. */
  async invite(
    workflowId: string,
    email: string,
    role: Role,
    invitedBy: string,
    now: number,
    maxPending?: number,
  ): Promise<InvitationDto> {
    const upsert = (db: PgDb | Tx) =>
      db
        .insert(workflowInvitations)
        .values({ id: createId(), workflowId, email, role, invitedBy, createdAt: now })
        .onConflictDoUpdate({
          target: [workflowInvitations.workflowId, workflowInvitations.email],
          set: { role, invitedBy },
        })
        .returning();
    const [row] =
      maxPending === undefined
        ? await upsert(this.db)
        : await this.db.transaction(async (tx) => {
            // The workflow's row, locked: invitations counted and added one at a time per workflow.
            await lockOwners(tx, workflowId);
            const [others] = await tx
              .select({ n: count() })
              .from(workflowInvitations)
              .where(and(eq(workflowInvitations.workflowId, workflowId), ne(workflowInvitations.email, email)));
            if ((others?.n ?? 0) >= maxPending) throw tooManyInvitationsError(maxPending);
            return upsert(tx);
          });
    if (!row) throw new Error('insert … returning answered no row');
    return invitationDto(row);
  }

  async invitations(workflowId: string): Promise<InvitationDto[]> {
    const rows = await this.db
      .select()
      .from(workflowInvitations)
      .where(eq(workflowInvitations.workflowId, workflowId))
      .orderBy(asc(workflowInvitations.createdAt), byteOrder(workflowInvitations.email));
    return rows.map(invitationDto);
  }

  async cancelInvitation(workflowId: string, invitationId: string): Promise<boolean> {
    const gone = await this.db
      .delete(workflowInvitations)
      .where(and(eq(workflowInvitations.workflowId, workflowId), eq(workflowInvitations.id, invitationId)))
      .returning({ id: workflowInvitations.id });
    return gone.length > 0;
  }

  async invitationsFor(email: string): Promise<ReceivedInvitationDto[]> {
    return this.db
      .select({
        id: workflowInvitations.id,
        workflowId: workflowInvitations.workflowId,
        workflowName: workflows.name,
        role: workflowInvitations.role,
        invitedBy: users.name,
        createdAt: workflowInvitations.createdAt,
      })
      .from(workflowInvitations)
      .innerJoin(workflows, eq(workflows.id, workflowInvitations.workflowId))
      .leftJoin(users, eq(users.id, workflowInvitations.invitedBy))
      .where(eq(workflowInvitations.email, email))
      .orderBy(desc(workflowInvitations.createdAt), asc(workflowInvitations.id));
  }

  /**
   * The invitation is claimed by deleting it (delete … returning): of two
   * accepts at once only the one whose delete found the row goes on, the
   * other answers undefined as for any invitation that is gone. The
   * membership goes in as an upsert that keeps the role there, so a member
   * added in the meantime keeps theirs and the answer is the role they hold.
   */
  async acceptInvitation(
    invitationId: string,
    user: { id: string; email: string },
    now: number,
  ): Promise<{ workflowId: string; role: Role } | undefined> {
    return this.db.transaction(async (tx) => {
      const [invitation] = await tx
        .delete(workflowInvitations)
        .where(and(eq(workflowInvitations.id, invitationId), eq(workflowInvitations.email, user.email)))
        .returning();
      if (!invitation) return undefined;
      const [member] = await tx
        .insert(workflowMembers)
        .values({ workflowId: invitation.workflowId, userId: user.id, role: invitation.role, addedAt: now })
        .onConflictDoUpdate({
          target: [workflowMembers.workflowId, workflowMembers.userId],
          set: { role: sql`${workflowMembers.role}` },
        })
        .returning({ role: workflowMembers.role });
      if (!member) throw new Error('insert … returning answered no row');
      return { workflowId: invitation.workflowId, role: member.role };
    });
  }

  async declineInvitation(invitationId: string, email: string): Promise<boolean> {
    const gone = await this.db
      .delete(workflowInvitations)
      .where(and(eq(workflowInvitations.id, invitationId), eq(workflowInvitations.email, email)))
      .returning({ id: workflowInvitations.id });
    return gone.length > 0;
  }

  async soleOwnerOf(userId: string): Promise<{ id: string; name: string }[]> {
    return soleOwnedBy(this.db, userId);
  }

  async deleteUserUnlessSoleOwner(
    userId: string,
  ): Promise<{ deleted: true } | { deleted: false; soleOwnerOf: { id: string; name: string }[] }> {
    return this.db.transaction(async (tx) => {
      // The account's row first: a workflow this user creates meanwhile (its owner row checks this
      // row) waits and then fails, or committed before and is counted below.
      await tx.select({ id: users.id }).from(users).where(eq(users.id, userId)).for('update');
      // The rows a removal or demotion of an owner locks (lockOwners), of every workflow this user
      // owns, in id order: such a change waits for this one, or this one reads after it.
      await tx
        .select({ id: workflows.id })
        .from(workflows)
        .innerJoin(workflowMembers, eq(workflowMembers.workflowId, workflows.id))
        .where(and(eq(workflowMembers.userId, userId), eq(workflowMembers.role, 'owner')))
        .orderBy(workflows.id)
        .for('no key update', { of: workflows });
      const owned = await soleOwnedBy(tx, userId);
      if (owned.length > 0) return { deleted: false as const, soleOwnerOf: owned };
      await tx.delete(users).where(eq(users.id, userId));
      return { deleted: true as const };
    });
  }

  async countOwners(workflowId: string): Promise<number> {
    return ownerCount(this.db, workflowId);
  }
}

/** Workflows `userId` is the only owner of, by name. */
const soleOwnedBy = (db: PgDb | Tx, userId: string): Promise<{ id: string; name: string }[]> => {
  const owners = db
    .select({ workflowId: workflowMembers.workflowId, n: count().as('n') })
    .from(workflowMembers)
    .where(eq(workflowMembers.role, 'owner'))
    .groupBy(workflowMembers.workflowId)
    .as('owners');
  return db
    .select({ id: workflows.id, name: workflows.name })
    .from(workflowMembers)
    .innerJoin(workflows, eq(workflows.id, workflowMembers.workflowId))
    .innerJoin(owners, eq(owners.workflowId, workflowMembers.workflowId))
    .where(and(eq(workflowMembers.userId, userId), eq(workflowMembers.role, 'owner'), eq(owners.n, 1)))
    .orderBy(byteOrder(workflows.name), asc(workflows.id));
};
