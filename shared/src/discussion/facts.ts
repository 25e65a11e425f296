import { parseMentions } from './mentions.ts';
import type { DiscussionState } from './read.ts';
import { isTombstone, parseComment, parseStatus } from './records.ts';
import { DiscussionRoot } from './roots.ts';
import type { DiscussionChange } from './rules.ts';

/**
 * What a committed discussion change means for people (§4.4): the server
 * derives these once, on the instance that received the update, and hands
 * them to the inbox and the audit after the commit. The changes have passed
 * the rules, so `actor` is the sender of every record in them.
 */
export type DiscussionFact =
  | {
      kind: 'comment.added';
      threadId: string;
      commentId: string;
      actor: string;
      /** People the body mentions, the writer left out. */
      mentions: string[];
      /** The thread's creator and earlier authors, the writer left out: who a reply notifies. */
      participants: string[];
    }
  | { kind: 'thread.resolved' | 'thread.reopened' | 'thread.deleted'; threadId: string; actor: string }
  /** An owner tombstoned someone else's comment. */
  | { kind: 'comment.moderated'; threadId: string; commentId: string; actor: string; author: string };

/**
 * @param state the document after the change (the shadow or live doc). A
 * batch comes from one sender, so the thread's authors after it, less the
 * sender, are exactly the thread's earlier authors.
 */
export const discussionFacts = (changes: readonly DiscussionChange[], state: DiscussionState): DiscussionFact[] => {
  const facts: DiscussionFact[] = [];
  for (const c of changes) {
    if (c.root === DiscussionRoot.comments) {
      const next = parseComment(c.newValue);
      if (!next) continue;
      if (c.action === 'add' && !isTombstone(next)) {
        const others = (ids: Iterable<string>): string[] => [...ids].filter((id) => id !== next.author);
        facts.push({
          kind: 'comment.added',
          threadId: next.threadId,
          commentId: next.id,
          actor: next.author,
          mentions: others(parseMentions(next.body)),
          participants: others(state.participants(next.threadId)).sort(),
        });
      } else if (c.action === 'update') {
        const old = parseComment(c.oldValue);
        if (old && !isTombstone(old) && isTombstone(next) && next.deletedBy !== next.author)
          facts.push({
            kind: 'comment.moderated',
            threadId: next.threadId,
            commentId: next.id,
            actor: next.deletedBy ?? '',
            author: next.author,
          });
      }
    } else if (c.root === DiscussionRoot.status) {
      const next = parseStatus(c.newValue);
      if (!next) continue;
      const old = parseStatus(c.oldValue);
      if (next.deleted === true) {
        if (old?.deleted !== true) facts.push({ kind: 'thread.deleted', threadId: c.key, actor: next.by });
      } else if (next.resolved !== (old?.resolved ?? false) || old?.deleted === true) {
        facts.push({ kind: next.resolved ? 'thread.resolved' : 'thread.reopened', threadId: c.key, actor: next.by });
      }
    }
  }
  return facts;
};
