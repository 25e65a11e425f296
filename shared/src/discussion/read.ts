import type * as Y from 'yjs';
import { parseMentions } from './mentions.ts';
import {
  isTombstone,
  parseComment,
  parseStatus,
  parseThread,
  type Anchor,
  type CommentRecord,
  type StatusRecord,
  type ThreadRecord,
} from './records.ts';
import { commentsMap, statusMap, threadsMap } from './roots.ts';

/**
 * Typed reads. Values that do not parse are skipped, never thrown on: the
 * server's rules keep them out, but a reader must survive whatever a document
 * holds (a replica of an older or a hostile writer).
 */

export interface ThreadView {
  id: string;
  anchor: Anchor;
  createdBy: string;
  createdAt: number;
  /** Ordered by (createdAt, id): every replica shows the same order, whatever the clocks said. */
  comments: CommentRecord[];
  status: StatusRecord | undefined;
  resolved: boolean;
  deleted: boolean;
}

const byTimeThenId = (a: { createdAt: number; id: string }, b: { createdAt: number; id: string }): number =>
  a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

export const compareComments: (a: CommentRecord, b: CommentRecord) => number = byTimeThenId;

const view = (thread: ThreadRecord, comments: CommentRecord[], status: StatusRecord | undefined): ThreadView => ({
  id: thread.id,
  anchor: thread.anchor,
  createdBy: thread.createdBy,
  createdAt: thread.createdAt,
  comments: comments.sort(compareComments),
  status,
  resolved: status?.resolved ?? false,
  deleted: status?.deleted ?? false,
});

/** Every thread (deleted ones only when asked), oldest first, each with its comments in order. */
export const readThreads = (doc: Y.Doc, options: { includeDeleted?: boolean } = {}): ThreadView[] => {
  const threads = new Map<string, ThreadRecord>();
  for (const [key, value] of threadsMap(doc).entries()) {
    const thread = parseThread(value);
    if (thread?.id === key) threads.set(key, thread);
  }
  const commentsOf = new Map<string, CommentRecord[]>();
  for (const [key, value] of commentsMap(doc).entries()) {
    const comment = parseComment(value);
    if (comment?.id !== key || !threads.has(comment.threadId)) continue;
    const list = commentsOf.get(comment.threadId);
    if (list) list.push(comment);
    else commentsOf.set(comment.threadId, [comment]);
  }
  const status = statusMap(doc);
  const views: ThreadView[] = [];
  for (const thread of threads.values()) {
    const v = view(thread, commentsOf.get(thread.id) ?? [], parseStatus(status.get(thread.id)));
    if (options.includeDeleted === true || !v.deleted) views.push(v);
  }
  return views.sort(byTimeThenId);
};

/** One thread, deleted or not; undefined when there is no such thread. */
export const readThread = (doc: Y.Doc, threadId: string): ThreadView | undefined => {
  const thread = parseThread(threadsMap(doc).get(threadId));
  if (thread?.id !== threadId) return undefined;
  const comments: CommentRecord[] = [];
  for (const [key, value] of commentsMap(doc).entries()) {
    const comment = parseComment(value);
    if (comment?.id === key && comment.threadId === threadId) comments.push(comment);
  }
  return view(thread, comments, parseStatus(statusMap(doc).get(threadId)));
};

export const isOpen = (t: ThreadView): boolean => !t.deleted && !t.resolved;
export const isResolved = (t: ThreadView): boolean => !t.deleted && t.resolved;
/** Threads a person started or wrote in. */
export const isMine = (t: ThreadView, userId: string): boolean =>
  t.createdBy === userId || t.comments.some((c) => c.author === userId);
/** Threads where a comment still standing mentions the person. */
export const mentionsUser = (t: ThreadView, userId: string): boolean =>
  t.comments.some((c) => !isTombstone(c) && parseMentions(c.body).includes(userId));

export type ThreadFilter = 'all' | 'open' | 'resolved' | 'mine' | 'mentions';

/** The comments panel's filters (§4.6); 'mine' and 'mentions' are about `userId`. */
export const filterThreads = (threads: readonly ThreadView[], filter: ThreadFilter, userId: string): ThreadView[] => {
  switch (filter) {
    case 'all':
      return [...threads];
    case 'open':
      return threads.filter(isOpen);
    case 'resolved':
      return threads.filter(isResolved);
    case 'mine':
      return threads.filter((t) => isMine(t, userId));
    case 'mentions':
      return threads.filter((t) => mentionsUser(t, userId));
  }
};

export interface AnchorCounts {
  workflow: number;
  nodes: Map<string, number>;
  edges: Map<string, number>;
}

/** Open threads per anchor, for the canvas markers (a bubble with the count on a node or edge). */
export const threadsByAnchor = (threads: readonly ThreadView[]): AnchorCounts => {
  const counts: AnchorCounts = { workflow: 0, nodes: new Map(), edges: new Map() };
  for (const t of threads) {
    if (!isOpen(t)) continue;
    const a = t.anchor;
    if (a.kind === 'workflow') counts.workflow++;
    else if (a.kind === 'node') counts.nodes.set(a.nodeId, (counts.nodes.get(a.nodeId) ?? 0) + 1);
    else counts.edges.set(a.edgeId, (counts.edges.get(a.edgeId) ?? 0) + 1);
  }
  return counts;
};

/**
 * What the rules and the facts need to know of the document after a change,
 * read lazily so checking one comment does not parse ten thousand threads.
 */
export interface DiscussionState {
  thread(id: string): ThreadRecord | undefined;
  comment(id: string): CommentRecord | undefined;
  /** Authors of the thread's comments, and the thread's creator: who a reply notifies. */
  participants(threadId: string): Set<string>;
  threadCount(): number;
  commentCount(): number;
}

export const discussionState = (doc: Y.Doc): DiscussionState => ({
  thread: (id) => {
    const t = parseThread(threadsMap(doc).get(id));
    return t?.id === id ? t : undefined;
  },
  comment: (id) => {
    const c = parseComment(commentsMap(doc).get(id));
    return c?.id === id ? c : undefined;
  },
  participants: (threadId) => {
    const people = new Set<string>();
    const t = parseThread(threadsMap(doc).get(threadId));
    if (t) people.add(t.createdBy);
    for (const value of commentsMap(doc).values()) {
      const c = parseComment(value);
      if (c?.threadId === threadId) people.add(c.author);
    }
    return people;
  },
  threadCount: () => threadsMap(doc).size,
  commentCount: () => commentsMap(doc).size,
});
