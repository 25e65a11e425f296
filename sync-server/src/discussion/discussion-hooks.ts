import type * as Y from 'yjs';
import { discussionRoots, initDiscussionDoc, judgeDiscussionTransaction } from '#shared/discussion/index.ts';
import { origins } from '#shared/origins.ts';
import type { RoomHooks } from '../rooms/room.ts';
import { ValidatingReplica } from '../rooms/validating-replica.ts';
import { can } from '../workflows/access.ts';

/**
 * What rooms do for a workflow's discussion document (`<id>/discussion`):
 * commenters and above write there, viewers only read, and every update is
 * judged by the discussion's rules (shared/src/discussion/rules.ts: one's own
 * comments only, no deleting records, …) on a validating replica before it
 * touches the document. It is never migrated or repaired as a workflow, and
 * its commits touch no listing.
 */
export const discussionRoomHooks = ({ now = Date.now }: { now?: () => number } = {}): RoomHooks => {
  const replicas = new Map<string, ValidatingReplica>();
  return {
    mayWrite: (_docId, ctx) => can(ctx.role, 'comment'),
    afterLoad: (docId, doc: Y.Doc) => {
      initDiscussionDoc(doc, origins.server(null));
      const replica = new ValidatingReplica(doc, discussionRoots);
      replicas.set(docId, replica);
      doc.on('destroy', () => {
        if (replicas.get(docId) === replica) replicas.delete(docId);
      });
    },
    checkClientUpdate: (docId, ctx, update) => {
      const replica = replicas.get(docId);
      // The room runs afterLoad before it checks anything; a missing replica is a bug, and refusing is the safe side.
      if (!replica) return { status: 'refused', reason: 'the discussion is not loaded' };
      const at = now();
      return replica.check(update, (tr, shadow) => {
        const verdict = judgeDiscussionTransaction(shadow, tr, { userId: ctx.userId, role: ctx.role }, at);
        return verdict.ok ? undefined : `${verdict.reason} (${verdict.rule})`;
      });
    },
  };
};
