import type * as Y from 'yjs';
import {
  commentsMap,
  parseComment,
  readThreads,
  renderMentions,
  type DiscussionFact,
  parseMentions,
} from '#shared/discussion/index.ts';
import type { Logger } from '#shared/log.ts';
import type { WorkflowStore } from '../workflows/workflow-store.ts';
import type { InboxStore, NewInboxItem } from './inbox-store.ts';

/** How much of a comment the inbox shows. */
export const EXCERPT_LENGTH = 140;
/** On load, comments this recent are checked for notifications a crash may have lost. */
const BACKFILL_MS = 7 * 24 * 60 * 60 * 1000;
const BACKFILL_MAX_COMMENTS = 500;
/**
 * Notices are lost only when a process stops between a commit and its inbox
 * write, so a workflow's backfill is needed once per process start, not on
 * each of the many loads of a busy discussion (rooms unload when their last
 * socket goes). Repeating it hourly covers another instance that crashed
 * while this one kept the workflow's backfill in memory.
 */
const BACKFILL_EVERY_MS = 60 * 60 * 1000;
/** Workflows whose last backfill time is remembered; the oldest are forgotten (and backfilled again). */
const BACKFILL_REMEMBERED = 10_000;

interface Notice {
  userId: string;
  kind: 'mention' | 'reply';
  threadId: string;
  commentId: string;
  actorId: string;
  body: string;
  createdAt: number;
}

/**
 * Turns committed discussion changes into inbox items: a mention notifies
 * the person mentioned, a reply the thread's earlier writers; the writer is
 * never notified, and a person mentioned in a reply gets the mention only.
 * Runs after the commit, as bookkeeping: a failure is logged and never
 * touches the room. The store keeps one item per person, comment and kind,
 * so the same notice written twice (a backfill, two instances) adds nothing.
 */
export class InboxNotifier {
  private readonly chains = new Map<string, Promise<void>>();
  /** When each workflow was last backfilled, oldest first. */
  private readonly backfilledAt = new Map<string, number>();

  constructor(
    private readonly inbox: InboxStore,
    private readonly workflows: WorkflowStore,
    private readonly logger: Logger,
  ) {}

  /** After a commit: the facts its updates produced. */
  committed(workflowId: string, doc: Y.Doc, facts: readonly DiscussionFact[], now: number): void {
    const notices: Notice[] = [];
    for (const fact of facts) {
      if (fact.kind !== 'comment.added') continue;
      const comment = parseComment(commentsMap(doc).get(fact.commentId));
      if (!comment) continue;
      // The server's time, not the writer's: a comment written offline last week is news now.
      notices.push(...noticesFor({ ...fact, body: comment.body, createdAt: now }));
    }
    this.write(workflowId, notices);
  }

  /** After a load: recent comments' notices, in case a crash came between a commit and its inbox write (at most hourly). */
  loaded(workflowId: string, doc: Y.Doc, now: number): void {
    const last = this.backfilledAt.get(workflowId);
    if (last !== undefined && now - last < BACKFILL_EVERY_MS) return;
    this.backfilledAt.delete(workflowId);
    this.backfilledAt.set(workflowId, now);
    if (this.backfilledAt.size > BACKFILL_REMEMBERED) {
      const oldest = this.backfilledAt.keys().next().value;
      if (oldest !== undefined) this.backfilledAt.delete(oldest);
    }
    const notices: Notice[] = [];
    const recent = readThreads(doc).flatMap((thread) =>
      thread.comments
        .filter((c) => c.createdAt >= now - BACKFILL_MS && c.body !== '')
        .map((c) => ({ thread, comment: c })),
    );
    for (const { thread, comment } of recent.slice(-BACKFILL_MAX_COMMENTS)) {
      const earlier = thread.comments.filter(
        (c) =>
          c !== comment &&
          (c.createdAt < comment.createdAt || (c.createdAt === comment.createdAt && c.id < comment.id)),
      );
      const participants = new Set([thread.createdBy, ...earlier.map((c) => c.author)]);
      participants.delete(comment.author);
      notices.push(
        ...noticesFor({
          threadId: thread.id,
          commentId: comment.id,
          actor: comment.author,
          mentions: parseMentions(comment.body).filter((id) => id !== comment.author),
          participants: [...participants],
          body: comment.body,
          createdAt: comment.createdAt,
        }),
      );
    }
    this.write(workflowId, notices);
  }

  /** Resolves when every write queued so far is done (tests, shutdown). */
  async idle(): Promise<void> {
    await Promise.all(this.chains.values());
  }

  private write(workflowId: string, notices: readonly Notice[]): void {
    if (notices.length === 0) return;
    const previous = this.chains.get(workflowId) ?? Promise.resolve();
    const next = previous
      .then(async () => {
        const names = new Map((await this.workflows.members(workflowId)).map((m) => [m.userId, m.name]));
        const items: NewInboxItem[] = notices.map((n) => ({
          userId: n.userId,
          workflowId,
          threadId: n.threadId,
          commentId: n.commentId,
          kind: n.kind,
          actorId: n.actorId,
          excerpt: renderMentions(n.body, (id) => names.get(id)).slice(0, EXCERPT_LENGTH),
          createdAt: n.createdAt,
        }));
        await this.inbox.add(items);
      })
      .catch((error: unknown) => {
        this.logger.error({ err: error, workflowId }, 'writing inbox items failed');
      })
      .finally(() => {
        if (this.chains.get(workflowId) === next) this.chains.delete(workflowId);
      });
    this.chains.set(workflowId, next);
  }
}

const noticesFor = (c: {
  threadId: string;
  commentId: string;
  actor: string;
  mentions: readonly string[];
  participants: readonly string[];
  body: string;
  createdAt: number;
}): Notice[] => {
  const base = { threadId: c.threadId, commentId: c.commentId, actorId: c.actor, body: c.body, createdAt: c.createdAt };
  const mentioned = new Set(c.mentions);
  return [
    ...[...mentioned].map((userId) => ({ ...base, userId, kind: 'mention' as const })),
    ...c.participants.filter((id) => !mentioned.has(id)).map((userId) => ({ ...base, userId, kind: 'reply' as const })),
  ];
};
