/**
 * The storage port for people's inboxes: mentions of them and replies in
 * threads they wrote in. Every implementation passes
 * test/contracts/inbox-store.contract.ts.
 */
export type InboxKind = 'mention' | 'reply';

export interface NewInboxItem {
  userId: string;
  workflowId: string;
  threadId: string;
  commentId: string;
  kind: InboxKind;
  actorId: string;
  excerpt: string;
  createdAt: number;
}

export interface InboxItem {
  id: string;
  kind: InboxKind;
  workflowId: string;
  workflowName: string;
  threadId: string;
  commentId: string;
  /** Null once the account that wrote the comment is gone. */
  actor: { id: string; name: string } | null;
  excerpt: string;
  createdAt: number;
  readAt: number | null;
}

/** Where a page of the inbox starts: after this item (newest first). */
export interface InboxCursor {
  createdAt: number;
  id: string;
}

export interface InboxStore {
  /**
   * Adds the items whose person is still a member of the workflow; one that
   * is there already (same person, comment and kind) is left as it is, read
   * or not. Answers how many were added.
   */
  add(items: readonly NewInboxItem[]): Promise<number>;
  /** Newest first, only of workflows the person is still a member of (an excerpt is workflow content). */
  list(userId: string, query: { limit: number; after?: InboxCursor; unreadOnly?: boolean }): Promise<InboxItem[]>;
  unread(userId: string): Promise<number>;
  /** Marks the person's own items read; ids of others' items change nothing. */
  markRead(userId: string, which: { ids: readonly string[] } | { all: true }, now: number): Promise<void>;
  /** Deletes items created before `olderThan`, at most `limit` of them; answers how many. */
  prune(olderThan: number, limit: number): Promise<number>;
}

/** A row as both adapters select it. */
export interface InboxRow {
  id: string;
  kind: InboxKind;
  workflowId: string;
  workflowName: string;
  threadId: string;
  commentId: string;
  actorId: string | null;
  actorName: string | null;
  excerpt: string;
  createdAt: number;
  readAt: number | null;
}

export const toInboxItem = (r: InboxRow): InboxItem => ({
  id: r.id,
  kind: r.kind,
  workflowId: r.workflowId,
  workflowName: r.workflowName,
  threadId: r.threadId,
  commentId: r.commentId,
  actor: r.actorId !== null && r.actorName !== null ? { id: r.actorId, name: r.actorName } : null,
  excerpt: r.excerpt,
  createdAt: r.createdAt,
  readAt: r.readAt,
});
