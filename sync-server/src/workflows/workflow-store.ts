import { and, count, desc, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/open.ts';
import { users, workflowMembers, workflows } from '../db/schema.ts';

export const roles = ['owner', 'editor', 'viewer'] as const;
export type Role = (typeof roles)[number];

export interface WorkflowRow {
  id: string;
  name: string;
  createdBy: string | null;
  createdAt: number;
  updatedAt: number;
  /** The version webhooks and schedules run; null until published. */
  publishedHash?: string | null;
  active?: boolean;
}

export interface Member {
  userId: string;
  email: string;
  name: string;
  role: Role;
  addedAt: number;
}

/** Workflow rows and their members in SQLite. The documents themselves live in the DocStore. */
export class WorkflowStore {
  // Every socket checks the workflow and the membership before it joins: prepared once.
  private readonly byId;
  private readonly roleLookup;

  constructor(private readonly db: Db) {
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

  create(row: WorkflowRow, ownerId: string): void {
    this.db.transaction((tx) => {
      tx.insert(workflows).values(row).run();
      tx.insert(workflowMembers)
        .values({ workflowId: row.id, userId: ownerId, role: 'owner', addedAt: row.createdAt })
        .run();
    });
  }

  setPublished(id: string, hash: string): void {
    this.db.update(workflows).set({ publishedHash: hash }).where(eq(workflows.id, id)).run();
  }

  setActive(id: string, active: boolean): void {
    this.db.update(workflows).set({ active }).where(eq(workflows.id, id)).run();
  }

  /** Active workflows with a published version: what webhooks and schedules serve. */
  listActive(): { id: string; publishedHash: string }[] {
    return this.db
      .select({ id: workflows.id, publishedHash: workflows.publishedHash })
      .from(workflows)
      .where(eq(workflows.active, true))
      .all()
      .filter((w): w is { id: string; publishedHash: string } => w.publishedHash !== null);
  }

  get(id: string): WorkflowRow | undefined {
    return this.byId.get({ id });
  }

  /** The member's role, or undefined when the user is not a member. */
  memberRole(workflowId: string, userId: string): Role | undefined {
    return this.roleLookup.get({ workflowId, userId })?.role;
  }

  /** Workflows the user is a member of (all of them for an admin), newest change first. */
  listFor(userId: string, isAdmin: boolean): (WorkflowRow & { role: Role })[] {
    const role = sql<Role>`coalesce(${workflowMembers.role}, 'owner')`;
    const base = this.db
      .select({
        id: workflows.id,
        name: workflows.name,
        createdBy: workflows.createdBy,
        createdAt: workflows.createdAt,
        updatedAt: workflows.updatedAt,
        role,
      })
      .from(workflows)
      .leftJoin(workflowMembers, and(eq(workflowMembers.workflowId, workflows.id), eq(workflowMembers.userId, userId)));
    const rows = isAdmin
      ? base.orderBy(desc(workflows.updatedAt)).all()
      : base.where(eq(workflowMembers.userId, userId)).orderBy(desc(workflows.updatedAt)).all();
    return rows;
  }

  setName(id: string, name: string, updatedAt: number): void {
    this.db.update(workflows).set({ name, updatedAt }).where(eq(workflows.id, id)).run();
  }

  touch(id: string, updatedAt: number): void {
    this.db.update(workflows).set({ updatedAt }).where(eq(workflows.id, id)).run();
  }

  delete(id: string): boolean {
    return this.db.delete(workflows).where(eq(workflows.id, id)).run().changes > 0;
  }

  members(workflowId: string): Member[] {
    return this.db
      .select({
        userId: workflowMembers.userId,
        email: users.email,
        name: users.name,
        role: workflowMembers.role,
        addedAt: workflowMembers.addedAt,
      })
      .from(workflowMembers)
      .innerJoin(users, eq(users.id, workflowMembers.userId))
      .where(eq(workflowMembers.workflowId, workflowId))
      .orderBy(workflowMembers.addedAt)
      .all();
  }

  /** Adds a member or changes their role. */
  upsertMember(workflowId: string, userId: string, role: Role, addedAt: number): void {
    this.db
      .insert(workflowMembers)
      .values({ workflowId, userId, role, addedAt })
      .onConflictDoUpdate({ target: [workflowMembers.workflowId, workflowMembers.userId], set: { role } })
      .run();
  }

  removeMember(workflowId: string, userId: string): boolean {
    return (
      this.db
        .delete(workflowMembers)
        .where(and(eq(workflowMembers.workflowId, workflowId), eq(workflowMembers.userId, userId)))
        .run().changes > 0
    );
  }

  countOwners(workflowId: string): number {
    return (
      this.db
        .select({ n: count() })
        .from(workflowMembers)
        .where(and(eq(workflowMembers.workflowId, workflowId), eq(workflowMembers.role, 'owner')))
        .get()?.n ?? 0
    );
  }
}
