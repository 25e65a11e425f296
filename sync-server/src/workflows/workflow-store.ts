import type { InvitationDto, ReceivedInvitationDto } from '#shared/api/access.ts';
import { ErrorCodes, UserError } from '#shared/errors.ts';
import type { NewAuditEvent } from '../audit/audit-store.ts';
import type { WorkflowCatalog } from './workflow-catalog.ts';

/**
 * The storage port for workflow rows, their members and their invitations.
 * The documents themselves live in the DocStore. Every implementation passes
 * test/contracts/workflow-store.contract.ts.
 *
 * Contract:
 * - every method is all-or-nothing and resolves only once durable;
 * - a missing workflow, member or invitation is `undefined` / `false` / `[]`,
 *   never a rejection;
 * - `create` (the row and its owner), `removeMember` (the member and the
 *   grants of their credentials to that workflow) and `acceptInvitation`
 *   (the invitation gone, the membership there) are one transaction each;
 * - deleting a workflow deletes its members and invitations with it;
 * - a workflow keeps at least one owner: `removeMember` and `upsertMember`
 *   refuse with `lastOwnerError()` to take away the last one. The routes ask
 *   `countOwners` first for a plain answer, but only the store can count and
 *   act as one step when two requests (or two instances) change owners at once.
 */

/** What removing or demoting a workflow's last owner rejects with. */
export const lastOwnerError = (): UserError =>
  new UserError(ErrorCodes.conflict, 'A workflow needs at least one owner');

/** What inviting a new address to a workflow with `max` pending invitations rejects with. */
export const tooManyInvitationsError = (max: number): UserError =>
  new UserError(ErrorCodes.conflict, `A workflow has at most ${max} pending invitations; cancel some first`);

export const roles = ['owner', 'editor', 'commenter', 'viewer'] as const;
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

export interface WorkflowListPage {
  q?: string;
  after?: { updatedAt: number; id: string };
  limit?: number;
}

export interface Member {
  userId: string;
  email: string;
  name: string;
  role: Role;
  addedAt: number;
}

export interface WorkflowStore {
  /** The list's queries, tags, folders and node types (docs/plans/home-insights.md §2), in either dialect. */
  readonly catalog: WorkflowCatalog;
  /** The row and its first owner, together. */
  create(row: WorkflowRow, ownerId: string): Promise<void>;
  setPublished(id: string, hash: string): Promise<void>;
  setActive(id: string, active: boolean): Promise<void>;
  /** Active workflows with a published version: what webhooks and schedules serve. */
  listActive(): Promise<{ id: string; publishedHash: string }[]>;
  get(id: string): Promise<WorkflowRow | undefined>;
  /** The member's role, or undefined when the user is not a member. */
  memberRole(workflowId: string, userId: string): Promise<Role | undefined>;
  /**
   * Workflows the user is a member of (all of them for an admin, as owner where not a member), newest change first,
   * then by id in byte order. `page` narrows it: names containing `q` in any case (ASCII case, as SQLite folds it),
   * the rows after `after` in that order, at most `limit` of them.
   */
  listFor(userId: string, isAdmin: boolean, page?: WorkflowListPage): Promise<(WorkflowRow & { role: Role })[]>;
  setName(id: string, name: string, updatedAt: number): Promise<void>;
  touch(id: string, updatedAt: number): Promise<void>;
  /** False when there was no such workflow. */
  delete(id: string): Promise<boolean>;
  /** Members with their account's email and name, earliest added first. */
  members(workflowId: string): Promise<Member[]>;
  /**
   * Adds a member or changes their role (the time they were added stays);
   * demoting the last owner rejects. `audit` is given the role they had
   * (read in the transaction), and the event it answers is appended in the
   * same transaction: if it cannot be written, nothing changes.
   */
  upsertMember(
    workflowId: string,
    userId: string,
    role: Role,
    addedAt: number,
    audit?: (previous: Role | undefined) => NewAuditEvent | undefined,
  ): Promise<void>;
  /**
   * Removes a member, and the grants of their credentials to this workflow
   * with them: someone who can no longer see a workflow cannot watch what it
   * does with their secret (docs/SECURITY.md). False when they were no member;
   * removing the last owner rejects. `audit` is given the role they had, and
   * its event is appended in the same transaction, as in `upsertMember`.
   */
  removeMember(workflowId: string, userId: string, audit?: (removed: Role) => NewAuditEvent): Promise<boolean>;
  /** The member who uses this (normalized) address, if one does. Looks at members only, never at every account. */
  memberByEmail(workflowId: string, email: string): Promise<Member | undefined>;
  countInvitations(workflowId: string): Promise<number>;
  /**
   * Invites an address (normalized) or changes the role of its pending
   * invitation; the id stays. With `maxPending`, a new address is refused
   * (`tooManyInvitationsError`) once the workflow has that many pending,
   * counted in one step with the insert, so invitations sent at once from
   * several instances cannot pass it.
   */
  invite(
    workflowId: string,
    email: string,
    role: Role,
    invitedBy: string,
    now: number,
    maxPending?: number,
  ): Promise<InvitationDto>;
  /** A workflow's pending invitations, oldest first. */
  invitations(workflowId: string): Promise<InvitationDto[]>;
  cancelInvitation(workflowId: string, invitationId: string): Promise<boolean>;
  /** The invitations addressed to this (normalized) address, newest first, with their workflow's name and who invited. */
  invitationsFor(email: string): Promise<ReceivedInvitationDto[]>;
  /**
   * Accepts an invitation addressed to `user.email`: the user becomes a member
   * with its role (one who already is keeps their role) and the invitation is
   * gone. Undefined when no such invitation is addressed to that address.
   */
  acceptInvitation(
    invitationId: string,
    user: { id: string; email: string },
    now: number,
  ): Promise<{ workflowId: string; role: Role } | undefined>;
  /** Declines (deletes) an invitation addressed to `email`; false when there is none. */
  declineInvitation(invitationId: string, email: string): Promise<boolean>;
  /** Workflows this user is the only owner of (deleting the account would leave them without one), by name. */
  soleOwnerOf(userId: string): Promise<{ id: string; name: string }[]>;
  /**
   * Deletes an account (and with it its memberships, sessions, tokens and
   * credentials) unless it is the only owner of a workflow, answering which
   * then. One step with the check: an owner removed or demoted at the same
   * moment cannot leave a workflow without any.
   */
  deleteUserUnlessSoleOwner(
    userId: string,
  ): Promise<{ deleted: true } | { deleted: false; soleOwnerOf: { id: string; name: string }[] }>;
  countOwners(workflowId: string): Promise<number>;
}
