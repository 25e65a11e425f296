import type { WorkflowRole } from '../api/common.ts';
import * as Y from 'yjs';
import type { DiscussionState } from './read.ts';
import {
  commentRecordSchema,
  isTombstone,
  MAX_COMMENTS,
  MAX_THREADS,
  statusRecordSchema,
  threadRecordSchema,
  type CommentRecord,
} from './records.ts';
import { DiscussionRoot, discussionRoots, type DiscussionRootName } from './roots.ts';

/**
 * Who may change what in the discussion document (§4.3). Pure: the server's
 * validating replica applies a candidate update to a shadow doc, turns the
 * transaction into `changes` (collectDiscussionChanges) and asks
 * `checkDiscussionChange`; the client asks the same before it sends.
 *
 * Each refusal names its rule, so tests, logs and the 4422 close reason say
 * which one failed.
 */
export const DiscussionRule = {
  /** A viewer writes nothing. */
  viewer: 'viewer',
  /** Only threads, status and comments change; meta only by the server; no other root, no nested type. */
  root: 'root',
  /** A map root holds keyed values only (no array-style content). */
  keyed: 'keyed',
  /** A value is a plain JSON record, never a Yjs type. */
  plain: 'plain',
  /** No key is ever deleted. */
  noDelete: 'no-delete',
  /** Threads are written once. */
  threadImmutable: 'thread-immutable',
  /** Every value parses as its record. */
  parse: 'parse',
  /** A record's id is its key. */
  idKey: 'id-key',
  /** createdBy, author, by and deletedBy are the sender. */
  sender: 'sender',
  /** No time more than 5 minutes ahead of the server's clock. */
  future: 'future',
  /** A comment's thread exists after the change. */
  orphan: 'orphan',
  /** A comment keeps its id, threadId, author and createdAt. */
  commentFixed: 'comment-fixed',
  /** Only the author changes a comment; an owner may only tombstone it. */
  notAuthor: 'not-author',
  /** A status belongs to a thread that exists after the change. */
  statusThread: 'status-thread',
  /** Only the thread's creator or an owner deletes a thread. */
  deleteThread: 'delete-thread',
  /** At most 10,000 threads and 50,000 comments. */
  limit: 'limit',
  /** The update depends on content the server lacks (it would land later, under another sender's name). */
  pending: 'pending',
} as const;
export type DiscussionRuleId = (typeof DiscussionRule)[keyof typeof DiscussionRule];

export type RuleResult = { ok: true } | { ok: false; rule: DiscussionRuleId; reason: string };

export interface DiscussionChange {
  root: string;
  key: string;
  action: 'add' | 'update' | 'delete';
  oldValue: unknown;
  /** The map's value after the transaction; undefined for a delete. */
  newValue: unknown;
}

export type DiscussionRole = WorkflowRole;

/**
 * The sender. `server: true` marks the server's own writes (meta's
 * schemaVersion), which no socket can claim.
 */
export interface DiscussionContext {
  userId: string;
  role: DiscussionRole;
  server?: boolean;
}

/** How far ahead of the server's clock a time may be (clock skew); any age is fine (offline). */
export const MAX_CLOCK_AHEAD_MS = 5 * 60_000;

const ok: RuleResult = { ok: true };
const refuse = (rule: DiscussionRuleId, reason: string): RuleResult => ({ ok: false, rule, reason });

const at = (c: DiscussionChange): string => `${c.root}/${c.key}`;

const tooLate = (time: number | undefined, now: number): boolean =>
  time !== undefined && time > now + MAX_CLOCK_AHEAD_MS;

const checkThread = (c: DiscussionChange, ctx: DiscussionContext, now: number): RuleResult => {
  if (c.action !== 'add') return refuse(DiscussionRule.threadImmutable, `${at(c)}: a thread never changes`);
  const parsed = threadRecordSchema.safeParse(c.newValue);
  if (!parsed.success) return refuse(DiscussionRule.parse, `${at(c)}: not a thread record`);
  const t = parsed.data;
  if (t.id !== c.key) return refuse(DiscussionRule.idKey, `${at(c)}: id ${t.id} is not its key`);
  if (t.createdBy !== ctx.userId) return refuse(DiscussionRule.sender, `${at(c)}: createdBy is not the sender`);
  if (tooLate(t.createdAt, now)) return refuse(DiscussionRule.future, `${at(c)}: createdAt is in the future`);
  return ok;
};

const checkComment = (c: DiscussionChange, state: DiscussionState, ctx: DiscussionContext, now: number): RuleResult => {
  const parsed = commentRecordSchema.safeParse(c.newValue);
  if (!parsed.success) return refuse(DiscussionRule.parse, `${at(c)}: not a comment record`);
  const next = parsed.data;
  if (next.id !== c.key) return refuse(DiscussionRule.idKey, `${at(c)}: id ${next.id} is not its key`);
  if (!state.thread(next.threadId)) return refuse(DiscussionRule.orphan, `${at(c)}: no thread ${next.threadId}`);
  if (c.action === 'add') {
    if (next.author !== ctx.userId) return refuse(DiscussionRule.sender, `${at(c)}: author is not the sender`);
    if (next.deletedBy !== undefined && next.deletedBy !== ctx.userId)
      return refuse(DiscussionRule.sender, `${at(c)}: deletedBy is not the sender`);
    if (tooLate(next.createdAt, now) || tooLate(next.editedAt, now) || tooLate(next.deletedAt, now))
      return refuse(DiscussionRule.future, `${at(c)}: a time is in the future`);
    return ok;
  }
  const oldParsed = commentRecordSchema.safeParse(c.oldValue);
  if (!oldParsed.success) return refuse(DiscussionRule.parse, `${at(c)}: the comment it replaces is not a record`);
  const old: CommentRecord = oldParsed.data;
  if (
    old.id !== next.id ||
    old.threadId !== next.threadId ||
    old.author !== next.author ||
    old.createdAt !== next.createdAt
  )
    return refuse(DiscussionRule.commentFixed, `${at(c)}: id, threadId, author and createdAt never change`);
  if (next.deletedBy !== undefined && next.deletedBy !== old.deletedBy && next.deletedBy !== ctx.userId)
    return refuse(DiscussionRule.sender, `${at(c)}: deletedBy is not the sender`);
  if (next.author !== ctx.userId) {
    // editedAt is not compared: the owner's tombstone carries the editedAt they saw, and the author may have
    // edited since (concurrently); with an empty body it claims nothing.
    const moderation = ctx.role === 'owner' && isTombstone(next) && next.deletedBy === ctx.userId;
    if (!moderation)
      return refuse(DiscussionRule.notAuthor, `${at(c)}: only the author edits a comment; an owner may delete it`);
  }
  const changedTime = (a: number | undefined, b: number | undefined): number | undefined => (a === b ? undefined : b);
  if (
    tooLate(changedTime(old.editedAt, next.editedAt), now) ||
    tooLate(changedTime(old.deletedAt, next.deletedAt), now)
  )
    return refuse(DiscussionRule.future, `${at(c)}: a time is in the future`);
  return ok;
};

const checkStatus = (c: DiscussionChange, state: DiscussionState, ctx: DiscussionContext, now: number): RuleResult => {
  const thread = state.thread(c.key);
  if (!thread) return refuse(DiscussionRule.statusThread, `${at(c)}: no such thread`);
  const parsed = statusRecordSchema.safeParse(c.newValue);
  if (!parsed.success) return refuse(DiscussionRule.parse, `${at(c)}: not a status record`);
  const next = parsed.data;
  if (next.by !== ctx.userId) return refuse(DiscussionRule.sender, `${at(c)}: by is not the sender`);
  if (tooLate(next.at, now)) return refuse(DiscussionRule.future, `${at(c)}: at is in the future`);
  const wasDeleted = statusRecordSchema.safeParse(c.oldValue).data?.deleted === true;
  // Only the step to deleted is guarded: a writer who resolved while the creator deleted (offline, concurrently)
  // may win the last-writer race and bring the thread back, and a legitimate client must never be refused.
  if (next.deleted === true && !wasDeleted && thread.createdBy !== ctx.userId && ctx.role !== 'owner')
    return refuse(DiscussionRule.deleteThread, `${at(c)}: only its creator or an owner deletes a thread`);
  return ok;
};

/**
 * Checks one transaction's key changes, by one sender, against the document
 * as it stands after them (`state`). `now` is the server's clock in ms.
 *
 * @example
 * const verdict = checkDiscussionChange(changes, { userId, role: 'commenter' }, Date.now(), discussionState(shadow));
 * if (!verdict.ok) socket.close(4422, `change not allowed: ${verdict.reason}`);
 */
export const checkDiscussionChange = (
  changes: readonly DiscussionChange[],
  ctx: DiscussionContext,
  now: number,
  state: DiscussionState,
): RuleResult => {
  if (changes.length === 0) return ok;
  if (ctx.role === 'viewer' && ctx.server !== true) return refuse(DiscussionRule.viewer, 'a viewer writes nothing');
  let addsThreads = false;
  let addsComments = false;
  for (const c of changes) {
    if (c.action === 'delete') return refuse(DiscussionRule.noDelete, `${at(c)}: keys are never deleted`);
    let verdict: RuleResult;
    switch (c.root as DiscussionRootName) {
      case DiscussionRoot.meta:
        verdict = ctx.server === true ? ok : refuse(DiscussionRule.root, `${at(c)}: only the server writes meta`);
        break;
      case DiscussionRoot.threads:
        addsThreads = true;
        verdict = checkThread(c, ctx, now);
        break;
      case DiscussionRoot.comments:
        addsComments ||= c.action === 'add';
        verdict = checkComment(c, state, ctx, now);
        break;
      case DiscussionRoot.status:
        verdict = checkStatus(c, state, ctx, now);
        break;
      default:
        verdict = refuse(DiscussionRule.root, `${at(c)}: not a discussion root`);
    }
    if (!verdict.ok) return verdict;
  }
  if (addsThreads && state.threadCount() > MAX_THREADS)
    return refuse(DiscussionRule.limit, `a discussion holds at most ${MAX_THREADS} threads`);
  if (addsComments && state.commentCount() > MAX_COMMENTS)
    return refuse(DiscussionRule.limit, `a discussion holds at most ${MAX_COMMENTS} comments`);
  return ok;
};

export type CollectResult =
  { ok: true; changes: DiscussionChange[] } | { ok: false; rule: DiscussionRuleId; reason: string };

/**
 * The key changes of one Yjs transaction on a discussion doc, as
 * `checkDiscussionChange` takes them, or the structural violation that makes
 * checking them pointless: a changed type that is not a root map (a new root,
 * a nested type), array-style content in a root, or a Yjs type as a value.
 * Content an update leaves pending is not seen here: `checkUpdateOnShadow`
 * (shadow.ts) refuses it.
 *
 * Call it from `doc.on('afterTransaction', tr => …)` on a doc whose roots were
 * made with `discussionRoots(doc)` before any update arrived.
 *
 * @example
 * let found: CollectResult = { ok: true, changes: [] };
 * const capture = (tr: Y.Transaction) => { found = collectDiscussionChanges(shadow, tr); };
 * shadow.on('afterTransaction', capture);
 * Y.applyUpdate(shadow, update);
 * shadow.off('afterTransaction', capture);
 */
export const collectDiscussionChanges = (doc: Y.Doc, tr: Y.Transaction): CollectResult => {
  const roots = discussionRoots(doc);
  const nameOf = new Map<unknown, DiscussionRootName>(
    Object.entries(roots).map(([name, map]) => [map, name as DiscussionRootName]),
  );
  const changes: DiscussionChange[] = [];
  for (const [type, keys] of tr.changed) {
    const root = nameOf.get(type);
    if (root === undefined || !(type instanceof Y.Map))
      return {
        ok: false,
        rule: DiscussionRule.root,
        reason: type._item === null ? 'a change to an unknown root' : 'a change inside a nested type',
      };
    if (keys.has(null)) return { ok: false, rule: DiscussionRule.keyed, reason: `${root}: content without a key` };
    const event = new Y.YMapEvent(type as Y.Map<unknown>, tr, keys);
    for (const [key, { action, oldValue }] of event.changes.keys) {
      const newValue: unknown = action === 'delete' ? undefined : type.get(key);
      if (newValue instanceof Y.AbstractType || newValue instanceof Y.Doc)
        return { ok: false, rule: DiscussionRule.plain, reason: `${root}/${key}: a Yjs type as a value` };
      changes.push({ root, key, action, oldValue: oldValue as unknown, newValue });
    }
  }
  return { ok: true, changes };
};
