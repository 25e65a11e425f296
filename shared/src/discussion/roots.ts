import type * as Y from 'yjs';
import type { Origin } from '../origins.ts';

/**
 * The shape of a workflow's discussion Y.Doc (room `<workflowId>/discussion`,
 * docs/plans/collaboration.md §4.2). Every value in the three record roots is
 * one plain JSON record, so the server's rules compare an old record with a
 * new one and never look inside a nested type.
 *
 * meta:     Y.Map  schemaVersion (number); only the server writes it
 * threads:  Y.Map<threadId, ThreadRecord>   written once, never changed
 * status:   Y.Map<threadId, StatusRecord>   resolved / reopened / deleted; last writer wins
 * comments: Y.Map<commentId, CommentRecord> only the author edits; an owner may tombstone
 */
export const DISCUSSION_SCHEMA_VERSION = 1;

export const DiscussionRoot = {
  meta: 'meta',
  threads: 'threads',
  status: 'status',
  comments: 'comments',
} as const;

export type DiscussionRootName = (typeof DiscussionRoot)[keyof typeof DiscussionRoot];

/** The roots clients write; `meta` belongs to the server. */
export const RECORD_ROOTS: readonly DiscussionRootName[] = [
  DiscussionRoot.threads,
  DiscussionRoot.status,
  DiscussionRoot.comments,
];

export const DiscussionMetaKey = { schemaVersion: 'schemaVersion' } as const;

/*
 * The maps hold `unknown`: a value arrives from the network and is only a
 * record once it parses (records.ts). Readers go through read.ts.
 */
export const discussionMetaMap = (doc: Y.Doc): Y.Map<unknown> => doc.getMap(DiscussionRoot.meta);
export const threadsMap = (doc: Y.Doc): Y.Map<unknown> => doc.getMap(DiscussionRoot.threads);
export const statusMap = (doc: Y.Doc): Y.Map<unknown> => doc.getMap(DiscussionRoot.status);
export const commentsMap = (doc: Y.Doc): Y.Map<unknown> => doc.getMap(DiscussionRoot.comments);

/**
 * All four roots by name. Call it on a fresh doc before applying any update
 * (the server's shadow, a client's doc), so every root is a Y.Map from the
 * start and `collectDiscussionChanges` can tell them by identity.
 */
export const discussionRoots = (doc: Y.Doc): Record<DiscussionRootName, Y.Map<unknown>> => ({
  meta: discussionMetaMap(doc),
  threads: threadsMap(doc),
  status: statusMap(doc),
  comments: commentsMap(doc),
});

/** The server's write when it creates or loads a discussion document; set-if-absent, so idempotent. */
export const initDiscussionDoc = (doc: Y.Doc, origin?: Origin): void => {
  const meta = discussionMetaMap(doc);
  if (meta.has(DiscussionMetaKey.schemaVersion)) return;
  doc.transact(() => meta.set(DiscussionMetaKey.schemaVersion, DISCUSSION_SCHEMA_VERSION), origin);
};
