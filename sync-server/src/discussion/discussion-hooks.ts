import type * as Y from 'yjs';
import {
  discussionFacts,
  discussionRoots,
  discussionState,
  initDiscussionDoc,
  judgeDiscussionTransaction,
  type DiscussionFact,
} from '#shared/discussion/index.ts';
import { origins } from '#shared/origins.ts';
import { parseRoomName } from '#shared/protocol/rooms.ts';
import type { RoomHooks } from '../rooms/room.ts';
import { ValidatingReplica } from '../rooms/validating-replica.ts';
import { can } from '../workflows/access.ts';
import type { DiscussionAudit } from './discussion-audit.ts';
import type { InboxNotifier } from './inbox-notifier.ts';

interface Loaded {
  replica: ValidatingReplica;
  /** What accepted updates mean for people, handed on once they are committed. */
  facts: DiscussionFact[];
  /** The facts of the batch being written (see RoomHooks.sealBatch). */
  sealed: DiscussionFact[];
}

/**
 * What rooms do for a workflow's discussion document (`<id>/discussion`):
 * commenters and above write there, viewers only read, and every update is
 * judged by the discussion's rules (shared/src/discussion/rules.ts: one's own
 * comments only, no deleting records, …) on a validating replica before it
 * touches the document. Accepted updates' facts (a comment added, a thread
 * resolved) go to the inbox after the commit; a failed commit closes the room
 * and its document, and their facts with it. It is never migrated or
 * repaired as a workflow, and its commits touch no listing.
 */
export const discussionRoomHooks = ({
  inbox,
  audit,
  now = Date.now,
}: {
  inbox?: InboxNotifier;
  /** Resolved, reopened and moderated comments go to the audit trail after the commit. */
  audit?: DiscussionAudit;
  now?: () => number;
} = {}): RoomHooks => {
  const loaded = new Map<string, Loaded>();
  return {
    mayWrite: (_docId, ctx) => can(ctx.role, 'comment'),
    afterLoad: (docId, doc: Y.Doc) => {
      initDiscussionDoc(doc, origins.server(null));
      const entry: Loaded = { replica: new ValidatingReplica(doc, discussionRoots), facts: [], sealed: [] };
      loaded.set(docId, entry);
      doc.on('destroy', () => {
        if (loaded.get(docId) === entry) loaded.delete(docId);
      });
      const workflowId = parseRoomName(docId)?.workflowId;
      if (inbox && workflowId) inbox.loaded(workflowId, doc, now());
    },
    checkClientUpdate: (docId, ctx, update) => {
      const entry = loaded.get(docId);
      // The room runs afterLoad before it checks anything; a missing replica is a bug, and refusing is the safe side.
      if (!entry) return { status: 'refused', reason: 'the discussion is not loaded' };
      const at = now();
      let facts: DiscussionFact[] = [];
      const verdict = entry.replica.check(update, (tr, shadow) => {
        const judged = judgeDiscussionTransaction(shadow, tr, { userId: ctx.userId, role: ctx.role }, at);
        if (!judged.ok) return `${judged.reason} (${judged.rule})`;
        facts = discussionFacts(judged.changes, discussionState(shadow));
        return undefined;
      });
      if (verdict.status === 'accepted') entry.facts.push(...facts);
      return verdict;
    },
    sealBatch: (docId) => {
      const entry = loaded.get(docId);
      if (entry && entry.facts.length > 0) entry.sealed.push(...entry.facts.splice(0));
    },
    afterCommit: (docId, doc) => {
      const entry = loaded.get(docId);
      const workflowId = parseRoomName(docId)?.workflowId;
      if (!entry || entry.sealed.length === 0 || !workflowId) return;
      const facts = entry.sealed.splice(0);
      inbox?.committed(workflowId, doc, facts, now());
      audit?.(workflowId, facts);
    },
  };
};
