import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { discussionFacts, type DiscussionFact } from './facts.ts';
import { discussionState } from './read.ts';
import { initDiscussionDoc } from './roots.ts';
import { collectDiscussionChanges, type DiscussionChange } from './rules.ts';
import { createShadowDoc } from './shadow.ts';
import { deleteComment, deleteThread, editComment, openThread, reopenThread, reply, resolveThread } from './write.ts';

const NOW = 1_800_000_000_000;

/** The facts of what `mutate` does to a copy of `base`, derived on a shadow as the server will. */
const factsOf = (base: Y.Doc, mutate: (doc: Y.Doc) => void): DiscussionFact[] => {
  const client = new Y.Doc();
  Y.applyUpdate(client, Y.encodeStateAsUpdate(base));
  const before = Y.encodeStateVector(client);
  mutate(client);
  const shadow = createShadowDoc(base);
  const changes: DiscussionChange[] = [];
  const capture = (tr: Y.Transaction): void => {
    const found = collectDiscussionChanges(shadow, tr);
    if (found.ok) changes.push(...found.changes);
  };
  shadow.on('afterTransaction', capture);
  Y.applyUpdate(shadow, Y.encodeStateAsUpdate(client, before));
  shadow.off('afterTransaction', capture);
  Y.applyUpdate(base, Y.encodeStateAsUpdate(client, before));
  return discussionFacts(changes, discussionState(shadow));
};

const start = (): Y.Doc => {
  const doc = new Y.Doc();
  initDiscussionDoc(doc);
  return doc;
};

describe('discussion facts (§4.4)', () => {
  it('a new thread: its first comment, with mentions and no one else to notify', () => {
    const doc = start();
    const facts = factsOf(doc, (d) =>
      openThread(d, {
        anchor: { kind: 'workflow' },
        author: 'alice',
        body: '@{bob} @{alice} @{carol} look',
        now: NOW,
        ids: { threadId: 't1', commentId: 'c1' },
      }),
    );
    expect(facts).toEqual([
      {
        kind: 'comment.added',
        threadId: 't1',
        commentId: 'c1',
        actor: 'alice',
        mentions: ['bob', 'carol'],
        participants: [],
      },
    ]);
  });

  it("a reply names the thread's creator and earlier authors, never the writer", () => {
    const doc = start();
    factsOf(doc, (d) =>
      openThread(d, { anchor: { kind: 'workflow' }, author: 'alice', body: 'x', now: NOW, ids: { threadId: 't1' } }),
    );
    factsOf(doc, (d) => reply(d, { threadId: 't1', author: 'bob', body: 'y', now: NOW }));
    const facts = factsOf(doc, (d) => reply(d, { threadId: 't1', author: 'carol', body: 'z', now: NOW, id: 'c3' }));
    expect(facts).toEqual([
      {
        kind: 'comment.added',
        threadId: 't1',
        commentId: 'c3',
        actor: 'carol',
        mentions: [],
        participants: ['alice', 'bob'],
      },
    ]);
    const again = factsOf(doc, (d) => reply(d, { threadId: 't1', author: 'alice', body: 'w', now: NOW, id: 'c4' }));
    expect(again[0]).toMatchObject({ participants: ['bob', 'carol'] });
  });

  it('resolve, reopen and delete of a thread; edits and own deletions say nothing', () => {
    const doc = start();
    factsOf(doc, (d) =>
      openThread(d, {
        anchor: { kind: 'workflow' },
        author: 'alice',
        body: 'x',
        now: NOW,
        ids: { threadId: 't1', commentId: 'c1' },
      }),
    );
    expect(factsOf(doc, (d) => resolveThread(d, { threadId: 't1', by: 'bob', now: NOW }))).toEqual([
      { kind: 'thread.resolved', threadId: 't1', actor: 'bob' },
    ]);
    expect(factsOf(doc, (d) => reopenThread(d, { threadId: 't1', by: 'alice', now: NOW }))).toEqual([
      { kind: 'thread.reopened', threadId: 't1', actor: 'alice' },
    ]);
    expect(factsOf(doc, (d) => editComment(d, { commentId: 'c1', author: 'alice', body: '@{bob}', now: NOW }))).toEqual(
      [],
    );
    expect(factsOf(doc, (d) => deleteComment(d, { commentId: 'c1', by: 'alice', now: NOW }))).toEqual([]);
    expect(factsOf(doc, (d) => deleteThread(d, { threadId: 't1', by: 'alice', now: NOW }))).toEqual([
      { kind: 'thread.deleted', threadId: 't1', actor: 'alice' },
    ]);
  });

  it("an owner removing someone else's comment is moderation", () => {
    const doc = start();
    factsOf(doc, (d) =>
      openThread(d, {
        anchor: { kind: 'workflow' },
        author: 'alice',
        body: 'x',
        now: NOW,
        ids: { threadId: 't1', commentId: 'c1' },
      }),
    );
    expect(factsOf(doc, (d) => deleteComment(d, { commentId: 'c1', by: 'olga', now: NOW }))).toEqual([
      { kind: 'comment.moderated', threadId: 't1', commentId: 'c1', actor: 'olga', author: 'alice' },
    ]);
  });

  it('a comment written and deleted offline, sent as one update, announces nothing', () => {
    const doc = start();
    factsOf(doc, (d) =>
      openThread(d, { anchor: { kind: 'workflow' }, author: 'alice', body: 'x', now: NOW, ids: { threadId: 't1' } }),
    );
    const facts = factsOf(doc, (d) => {
      const id = reply(d, { threadId: 't1', author: 'bob', body: '@{alice} oops', now: NOW });
      deleteComment(d, { commentId: id, by: 'bob', now: NOW });
    });
    expect(facts).toEqual([]);
  });
});
