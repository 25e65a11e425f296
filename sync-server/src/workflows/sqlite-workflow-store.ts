import { and, count, desc, eq, gt, inArray, lt, ne, or, sql, type SQL } from 'drizzle-orm';
import type { InvitationDto, ReceivedInvitationDto } from '#shared/api/access.ts';
import { createId } from '#shared/ids.ts';
import type { Db } from '../db/open.ts';
import { toAuditRow, type NewAuditEvent } from '../audit/audit-store.ts';
import {
  auditEvents,
  credentialGrants,
  credentials,
  users,
  workflowInvitations,
  workflowMembers,
  workflows,
} from '../db/schema.ts';
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

const invitationDto = (row: typeof workflowInvitations.$inferSelect): InvitationDto => ({
  id: row.id,
  workflowId: row.workflowId,
  email: row.email,
  role: row.role,
  createdAt: row.createdAt,
});

/** Workflow rows, members and invitations in SQLite. */
export class SqliteWorkflowStore implements WorkflowStore {
  // Every socket checks the workflow and the membership before it joins: prepared once.
  private readonly byId;
  private readonly roleLookup;
  readonly catalog: WorkflowCatalog;

  constructor(private readonly db: Db) {
    this.catalog = new WorkflowCatalog({
      // instr, not like: a search for "50%" or "a_b" means those characters.
      contains: (column, text) => sql`instr(lower(${column}), lower(${text})) > 0`,
      foldedOrder: (column) => sql`lower(${column})`,
      idOrder: (column) => column,
      bool: (value) => sql`${value ? 1 : 0}`,
      // SQLite's unary plus: the same value, no index on it.
      unindexed: (column) => sql`+${column}`,
      all: async <T>(query: SQL) => db.all<T>(query),
      run: async (query) => db.run(query).changes,
    });
    this.byId = db
      .select()
      .from(workflows)
      .where(eq(workflows.id, sql.placeholder('id')))
      .prepare();
    this.roleLookup = db
      .select({ role: workflowMembers.role })
      .from(workflowMembers)
      .where(
        and(
          eq(workflowMembers.workflowId, sql.placeholder('workflowId')),
          eq(workflowMembers.userId, sql.placeholder('userId')),
        ),
      )
      .prepare();
  }

  async create(row: WorkflowRow, ownerId: string): Promise<void> {
    this.db.transaction((tx) => {
      tx.insert(workflows).values(row).run();
      tx.insert(workflowMembers)
        .values({ workflowId: row.id, userId: ownerId, role: 'owner', addedAt: row.createdAt })
        .run();
    });
  }

  async setPublished(id: string, hash: string): Promise<void> {
    this.db.update(workflows).set({ publishedHash: hash }).where(eq(workflows.id, id)).run();
  }

  async setActive(id: string, active: boolean): Promise<void> {
    this.db.update(workflows).set({ active }).where(eq(workflows.id, id)).run();
  }

  /** Active workflows with a published version: what webhooks and schedules serve. */
  async listActive(): Promise<{ id: string; publishedHash: string }[]> {
    return this.db
      .select({ id: workflows.id, publishedHash: workflows.publishedHash })
      .from(workflows)
      .where(eq(workflows.active, true))
      .orderBy(workflows.id)
      .all()
      .filter((w): w is { id: string; publishedHash: string } => w.publishedHash !== null);
  }

  async get(id: string): Promise<WorkflowRow | undefined> {
    return this.byId.get({ id });
  }

  /** The member's role, or undefined when the user is not a member. */
  async memberRole(workflowId: string, userId: string): Promise<Role | undefined> {
    return this.roleLookup.get({ workflowId, userId })?.role;
  }

  /** Workflows the user is a member of (all of them for an admin), newest change first. */
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
          // instr, not like: a name search for "50%" or "a_b" means those characters.
          q ? sql`instr(lower(${workflows.name}), lower(${q})) > 0` : undefined,
          after
            ? or(
                lt(workflows.updatedAt, after.updatedAt),
                and(eq(workflows.updatedAt, after.updatedAt), gt(workflows.id, after.id)),
              )
            : undefined,
        ),
      )
      .orderBy(desc(workflows.updatedAt), workflows.id)
      .$dynamic();
    return (limit === undefined ? query : query.limit(limit)).all();
  }

  async setName(id: string, name: string, updatedAt: number): Promise<void> {
    this.db.update(workflows).set({ name, updatedAt }).where(eq(workflows.id, id)).run();
  }

  async touch(id: string, updatedAt: number): Promise<void> {
    this.db.update(workflows).set({ updatedAt }).where(eq(workflows.id, id)).run();
  }

  async delete(id: string): Promise<boolean> {
    return this.db.delete(workflows).where(eq(workflows.id, id)).run().changes > 0;
  }

  /** Members with their account's email and name (the select both member reads share). */
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
      .orderBy(workflowMembers.addedAt, workflowMembers.userId)
      .all();
  }

  /**
   * Adds a member or changes their role; demoting the last owner rejects. The
   * count and the write are one synchronous transaction: two requests that
   * both passed the route's own countOwners check cannot both go through.
   */
  async upsertMember(
    workflowId: string,
    userId: string,
    role: Role,
    addedAt: number,
    audit?: (previous: Role | undefined) => NewAuditEvent | undefined,
  ): Promise<void> {
    this.db.transaction((tx) => {
      const previous = this.roleLookup.get({ workflowId, userId })?.role;
      if (role !== 'owner' && previous === 'owner') {
        if (this.ownerCount(workflowId) <= 1) throw lastOwnerError();
      }
      tx.insert(workflowMembers)
        .values({ workflowId, userId, role, addedAt })
        .onConflictDoUpdate({ target: [workflowMembers.workflowId, workflowMembers.userId], set: { role } })
        .run();
      const event = audit?.(previous);
      if (event) tx.insert(auditEvents).values(toAuditRow(event)).run();
    });
  }

  /**
   * Removes a member, and the grants of their credentials to this workflow
   * with them: someone who can no longer see a workflow cannot watch what it
   * does with their secret (docs/SECURITY.md). Removing the last owner rejects.
   */
  async removeMember(workflowId: string, userId: string, audit?: (removed: Role) => NewAuditEvent): Promise<boolean> {
    return this.db.transaction((tx) => {
      const removed = tx
        .delete(workflowMembers)
        .where(and(eq(workflowMembers.workflowId, workflowId), eq(workflowMembers.userId, userId)))
        .returning({ role: workflowMembers.role })
        .get();
      if (!removed) return false;
      if (removed.role === 'owner' && this.ownerCount(workflowId) === 0) throw lastOwnerError();
      const theirs = tx.select({ id: credentials.id }).from(credentials).where(eq(credentials.ownerId, userId));
      tx.delete(credentialGrants)
        .where(and(eq(credentialGrants.workflowId, workflowId), inArray(credentialGrants.credentialId, theirs)))
        .run();
      if (audit)
        tx.insert(auditEvents)
          .values(toAuditRow(audit(removed.role)))
          .run();
      return true;
    });
  }

  /** The member who uses this (normalized) address, if one does. Looks at members only, never at every account. */
  async memberByEmail(workflowId: string, email: string): Promise<Member | undefined> {
    return this.selectMembers()
      .where(and(eq(workflowMembers.workflowId, workflowId), eq(users.email, email)))
      .get();
  }

  async countInvitations(workflowId: string): Promise<number> {
    return (
      this.db
        .select({ n: count() })
        .from(workflowInvitations)
        .where(eq(workflowInvitations.workflowId, workflowId))
        .get()?.n ?? 0
    );
  }

  /** Invites an address (normalized) or changes the role of its pending invitation; the id stays. */
  async invite(
    workflowId: string,
    email: string,
    role: Role,
    invitedBy: string,
    now: number,
    maxPending?: number,
  ): Promise<InvitationDto> {
    // One transaction of the one writer: the count and the insert cannot be split.
    return this.db.transaction((tx) => {
      if (maxPending !== undefined) {
        const others = tx
          .select({ n: count() })
          .from(workflowInvitations)
          .where(and(eq(workflowInvitations.workflowId, workflowId), ne(workflowInvitations.email, email)))
          .get();
        if ((others?.n ?? 0) >= maxPending) throw tooManyInvitationsError(maxPending);
      }
      const row = tx
        .insert(workflowInvitations)
        .values({ id: createId(), workflowId, email, role, invitedBy, createdAt: now })
        .onConflictDoUpdate({
          target: [workflowInvitations.workflowId, workflowInvitations.email],
          set: { role, invitedBy },
        })
        .returning()
        .get();
      return invitationDto(row);
    });
  }

  /** A workflow's pending invitations, oldest first. */
  async invitations(workflowId: string): Promise<InvitationDto[]> {
    return this.db
      .select()
      .from(workflowInvitations)
      .where(eq(workflowInvitations.workflowId, workflowId))
      .orderBy(workflowInvitations.createdAt, workflowInvitations.email)
      .all()
      .map(invitationDto);
  }

  async cancelInvitation(workflowId: string, invitationId: string): Promise<boolean> {
    return (
      this.db
        .delete(workflowInvitations)
        .where(and(eq(workflowInvitations.workflowId, workflowId), eq(workflowInvitations.id, invitationId)))
        .run().changes > 0
    );
  }

  /** The invitations addressed to this (normalized) address, with their workflow's name and who invited. */
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
      .orderBy(desc(workflowInvitations.createdAt), workflowInvitations.id)
      .all();
  }

  /**
   * Accepts an invitation addressed to `email` in one transaction: the user
   * becomes a member with its role (one who already is keeps their role) and
   * the invitation is gone. Undefined when no such invitation is addressed to
   * that address.
   */
  async acceptInvitation(
    invitationId: string,
    user: { id: string; email: string },
    now: number,
  ): Promise<{ workflowId: string; role: Role } | undefined> {
    return this.db.transaction((tx) => {
      const invitation = tx
        .select()
        .from(workflowInvitations)
        .where(and(eq(workflowInvitations.id, invitationId), eq(workflowInvitations.email, user.email)))
        .get();
      if (!invitation) return undefined;
      tx.delete(workflowInvitations).where(eq(workflowInvitations.id, invitationId)).run();
      const current = tx
        .select({ role: workflowMembers.role })
        .from(workflowMembers)
        .where(and(eq(workflowMembers.workflowId, invitation.workflowId), eq(workflowMembers.userId, user.id)))
        .get();
      if (current) return { workflowId: invitation.workflowId, role: current.role };
      tx.insert(workflowMembers)
        .values({ workflowId: invitation.workflowId, userId: user.id, role: invitation.role, addedAt: now })
        .run();
      return { workflowId: invitation.workflowId, role: invitation.role };
    });
  }

  /** Declines (deletes) an invitation addressed to `email`; false when there is none. */
  async declineInvitation(invitationId: string, email: string): Promise<boolean> {
    return (
      this.db
        .delete(workflowInvitations)
        .where(and(eq(workflowInvitations.id, invitationId), eq(workflowInvitations.email, email)))
        .run().changes > 0
    );
  }

  /** Workflows this user is the only owner of (deleting the account would leave them without one). */
  async soleOwnerOf(userId: string): Promise<{ id: string; name: string }[]> {
    return this.soleOwned(userId);
  }

  async deleteUserUnlessSoleOwner(
    userId: string,
  ): Promise<{ deleted: true } | { deleted: false; soleOwnerOf: { id: string; name: string }[] }> {
    // One transaction of the one writer: no removal or demotion of an owner can come in between.
    return this.db.transaction((tx) => {
      const owned = this.soleOwned(userId);
      if (owned.length > 0) return { deleted: false as const, soleOwnerOf: owned };
      tx.delete(users).where(eq(users.id, userId)).run();
      return { deleted: true as const };
    });
  }

  async countOwners(workflowId: string): Promise<number> {
    return this.ownerCount(workflowId);
  }

  /** The workflows this person alone owns (synchronous, so it can run inside the one writer's transaction). */
  private soleOwned(userId: string): { id: string; name: string }[] {
    return this.db
      .select({ id: workflows.id, name: workflows.name })
      .from(workflowMembers)
      .innerJoin(workflows, eq(workflows.id, workflowMembers.workflowId))
      .where(and(eq(workflowMembers.userId, userId), eq(workflowMembers.role, 'owner')))
      .orderBy(workflows.name, workflows.id)
      .all()
      .filter((w) => this.ownerCount(w.id) === 1);
  }

  private ownerCount(workflowId: string): number {
    return (
      this.db
        .select({ n: count() })
        .from(workflowMembers)
        .where(and(eq(workflowMembers.workflowId, workflowId), eq(workflowMembers.role, 'owner')))
        .get()?.n ?? 0
    );
  }
}
