import type * as Y from 'yjs';
import { ErrorCodes, UserError } from '../errors.ts';
import type { Origin } from '../origins.ts';
import {
  anchorSchema,
  commentRecordSchema,
  createDiscussionId,
  isTombstone,
  MAX_BODY_LENGTH,
  parseComment,
  parseStatus,
  parseThread,
  statusRecordSchema,
  threadRecordSchema,
  type Anchor,
  type CommentRecord,
  type StatusRecord,
  type ThreadRecord,
} from './records.ts';
import { commentsMap, statusMap, threadsMap } from './roots.ts';

/**
 * The discussion's writes. Each is one transaction with the caller's origin,
 * so it leaves as one update; each record is parsed before it is written, so
 * a bad input throws here instead of reaching the server's rules. Who may do
 * what by role (an owner tombstoning someone else's comment) is the caller's
 * check, with rules.ts, before it calls.
 */

const bad = (message: string): UserError => new UserError(ErrorCodes.badRequest, message);
const notFound = (message: string): UserError => new UserError(ErrorCodes.notFound, message);
const forbidden = (message: string): UserError => new UserError(ErrorCodes.forbidden, message);

const checkBody = (body: string): void => {
  if (body.trim().length === 0) throw bad('A comment must not be empty');
  if (body.length > MAX_BODY_LENGTH) throw bad(`A comment has at most ${MAX_BODY_LENGTH} characters`);
};

const liveThread = (doc: Y.Doc, threadId: string): ThreadRecord => {
  const thread = parseThread(threadsMap(doc).get(threadId));
  if (!thread || parseStatus(statusMap(doc).get(threadId))?.deleted)
    throw notFound(`Thread ${threadId} does not exist`);
  return thread;
};

const liveComment = (doc: Y.Doc, commentId: string): CommentRecord => {
  const comment = parseComment(commentsMap(doc).get(commentId));
  if (!comment || isTombstone(comment)) throw notFound(`Comment ${commentId} does not exist`);
  return comment;
};

export interface OpenThreadInput {
  anchor: Anchor;
  author: string;
  body: string;
  now: number;
  /** Fixed ids for tests; fresh ones otherwise. */
  ids?: { threadId?: string; commentId?: string };
}

/** A thread and its first comment, in one transaction (so no one ever sees an empty thread). */
export const openThread = (
  doc: Y.Doc,
  input: OpenThreadInput,
  origin?: Origin,
): { threadId: string; commentId: string } => {
  checkBody(input.body);
  const threadId = input.ids?.threadId ?? createDiscussionId();
  const commentId = input.ids?.commentId ?? createDiscussionId();
  const threads = threadsMap(doc);
  if (threads.has(threadId)) throw bad(`Thread ${threadId} exists already`);
  const thread: ThreadRecord = threadRecordSchema.parse({
    v: 1,
    id: threadId,
    anchor: anchorSchema.parse(input.anchor),
    createdBy: input.author,
    createdAt: input.now,
  });
  const comment: CommentRecord = commentRecordSchema.parse({
    v: 1,
    id: commentId,
    threadId,
    author: input.author,
    body: input.body,
    createdAt: input.now,
  });
  doc.transact(() => {
    threads.set(threadId, thread);
    commentsMap(doc).set(commentId, comment);
  }, origin);
  return { threadId, commentId };
};

export interface ReplyInput {
  threadId: string;
  author: string;
  body: string;
  now: number;
  id?: string;
}

export const reply = (doc: Y.Doc, input: ReplyInput, origin?: Origin): string => {
  checkBody(input.body);
  liveThread(doc, input.threadId);
  const id = input.id ?? createDiscussionId();
  const comments = commentsMap(doc);
  if (comments.has(id)) throw bad(`Comment ${id} exists already`);
  const comment = commentRecordSchema.parse({
    v: 1,
    id,
    threadId: input.threadId,
    author: input.author,
    body: input.body,
    createdAt: input.now,
  });
  doc.transact(() => comments.set(id, comment), origin);
  return id;
};

/** Only the author edits a comment; a deleted one stays deleted. */
export const editComment = (
  doc: Y.Doc,
  input: { commentId: string; author: string; body: string; now: number },
  origin?: Origin,
): void => {
  checkBody(input.body);
  const comment = liveComment(doc, input.commentId);
  if (comment.author !== input.author) throw forbidden('Only its author edits a comment');
  const next = commentRecordSchema.parse({ ...comment, body: input.body, editedAt: input.now });
  doc.transact(() => commentsMap(doc).set(comment.id, next), origin);
};

/**
 * Leaves a tombstone (empty body, deletedAt, deletedBy) so replies keep their
 * place. `by` is the author, or an owner moderating (the caller checks the role).
 */
export const deleteComment = (
  doc: Y.Doc,
  input: { commentId: string; by: string; now: number },
  origin?: Origin,
): void => {
  const comment = liveComment(doc, input.commentId);
  const next = commentRecordSchema.parse({ ...comment, body: '', deletedAt: input.now, deletedBy: input.by });
  doc.transact(() => commentsMap(doc).set(comment.id, next), origin);
};

const setStatus = (doc: Y.Doc, threadId: string, status: StatusRecord, origin?: Origin): void => {
  const record = statusRecordSchema.parse(status);
  doc.transact(() => statusMap(doc).set(threadId, record), origin);
};

export const resolveThread = (
  doc: Y.Doc,
  input: { threadId: string; by: string; now: number },
  origin?: Origin,
): void => {
  liveThread(doc, input.threadId);
  setStatus(doc, input.threadId, { resolved: true, by: input.by, at: input.now }, origin);
};

export const reopenThread = (
  doc: Y.Doc,
  input: { threadId: string; by: string; now: number },
  origin?: Origin,
): void => {
  liveThread(doc, input.threadId);
  setStatus(doc, input.threadId, { resolved: false, by: input.by, at: input.now }, origin);
};

/**
 * Hides the thread (status `deleted: true`); its records stay, since no key is
 * ever deleted. `by` is the thread's creator or an owner (the caller checks).
 */
export const deleteThread = (
  doc: Y.Doc,
  input: { threadId: string; by: string; now: number },
  origin?: Origin,
): void => {
  liveThread(doc, input.threadId);
  const resolved = parseStatus(statusMap(doc).get(input.threadId))?.resolved ?? false;
  setStatus(doc, input.threadId, { resolved, by: input.by, at: input.now, deleted: true }, origin);
};
