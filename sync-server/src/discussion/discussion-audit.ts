import type { DiscussionFact } from '#shared/discussion/index.ts';
import type { Logger } from '#shared/log.ts';
import type { AccountStore } from '../accounts/account-store.ts';
import type { AuditLog } from '../audit/audit-log.ts';

/** The discussion facts the audit trail keeps: who closed, reopened or moderated comments; not the chatter. */
const ACTIONS: Partial<Record<DiscussionFact['kind'], string>> = {
  'thread.resolved': 'comment.resolved',
  'thread.reopened': 'comment.reopened',
  'comment.moderated': 'comment.moderated',
};

/** Hands committed discussion facts to the audit trail (§6.2); called by the discussion's afterCommit. */
export type DiscussionAudit = (workflowId: string, facts: readonly DiscussionFact[]) => void;

export const discussionAudit =
  (log: AuditLog, accounts: AccountStore, logger: Logger): DiscussionAudit =>
  (workflowId, facts) => {
    const audited = facts.filter((f) => ACTIONS[f.kind] !== undefined);
    if (audited.length === 0) return;
    const at = Date.now();
    const byActor = new Map<string, DiscussionFact[]>();
    for (const f of audited) byActor.set(f.actor, [...(byActor.get(f.actor) ?? []), f]);
    for (const [actorId, mine] of byActor) {
      void (async () => {
        const user = await accounts.getUser(actorId);
        await log.record(
          { id: actorId, name: user?.name ?? null, via: 'socket', sessionRef: null, address: null },
          mine.map((f) => ({
            at,
            action: ACTIONS[f.kind] ?? f.kind,
            workflowId,
            target: 'commentId' in f ? { type: 'comment', id: f.commentId } : { type: 'thread', id: f.threadId },
            data: 'author' in f ? { threadId: f.threadId, author: f.author } : { threadId: f.threadId },
          })),
        );
      })().catch((error: unknown) => logger.error({ err: error }, 'auditing discussion facts failed'));
    }
  };
