import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { origins } from '../origins.ts';
import { filterThreads, readThread, readThreads, threadsByAnchor } from './read.ts';
import { commentsMap, discussionMetaMap, DISCUSSION_SCHEMA_VERSION, initDiscussionDoc, threadsMap } from './roots.ts';
import { deleteComment, deleteThread, editComment, openThread, reopenThread, reply, resolveThread } from './write.ts';

const T0 = 1_800_000_000_000;

const fresh = (): Y.Doc => {
  const doc = new Y.Doc();
  initDiscussionDoc(doc);
  return doc;
};

const transactionsOf = (doc: Y.Doc, fn: () => void): unknown[] => {
  const seen: unknown[] = [];
  const onTx = (tr: Y.Transaction): void => {
    seen.push(tr.origin);
  };
  doc.on('afterTransaction', onTx);
  fn();
  doc.off('afterTransaction', onTx);
  return seen;
};

describe('discussion writes and reads', () => {
  it('writes schemaVersion once', () => {
    const doc = fresh();
    expect(discussionMetaMap(doc).get('schemaVersion')).toBe(DISCUSSION_SCHEMA_VERSION);
    expect(transactionsOf(doc, () => initDiscussionDoc(doc))).toEqual([]);
  });

  it('opens a thread and its first comment in one transaction with the given origin', () => {
    const doc = fresh();
    let ids = { threadId: '', commentId: '' };
    const txs = transactionsOf(doc, () => {
      ids = openThread(
        doc,
        { anchor: { kind: 'node', nodeId: 'n1', label: 'Fetch' }, author: 'ada', body: 'why @{bob}?', now: T0 },
        origins.ui,
      );
    });
    expect(txs).toEqual([origins.ui]);
    const [t] = readThreads(doc);
    expect(t).toMatchObject({
      id: ids.threadId,
      anchor: { kind: 'node', nodeId: 'n1', label: 'Fetch' },
      createdBy: 'ada',
      createdAt: T0,
      resolved: false,
      deleted: false,
      status: undefined,
    });
    expect(t?.comments).toEqual([
      { v: 1, id: ids.commentId, threadId: ids.threadId, author: 'ada', body: 'why @{bob}?', createdAt: T0 },
    ]);
  });

  it('round-trips every op through an update to another replica', () => {
    const a = fresh();
    const { threadId, commentId } = openThread(a, {
      anchor: { kind: 'workflow' },
      author: 'ada',
      body: 'one',
      now: T0,
    });
    const r = reply(a, { threadId, author: 'bob', body: 'two', now: T0 + 1 });
    editComment(a, { commentId, author: 'ada', body: 'one, edited', now: T0 + 2 });
    deleteComment(a, { commentId: r, by: 'bob', now: T0 + 3 });
    resolveThread(a, { threadId, by: 'bob', now: T0 + 4 });
    const b = new Y.Doc();
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    const t = readThread(b, threadId);
    expect(t?.resolved).toBe(true);
    expect(t?.status).toEqual({ resolved: true, by: 'bob', at: T0 + 4 });
    expect(t?.comments).toEqual([
      { v: 1, id: commentId, threadId, author: 'ada', body: 'one, edited', createdAt: T0, editedAt: T0 + 2 },
      { v: 1, id: r, threadId, author: 'bob', body: '', createdAt: T0 + 1, deletedAt: T0 + 3, deletedBy: 'bob' },
    ]);
    reopenThread(b, { threadId, by: 'ada', now: T0 + 5 });
    expect(readThread(b, threadId)?.resolved).toBe(false);
    deleteThread(b, { threadId, by: 'ada', now: T0 + 6 });
    expect(readThreads(b)).toEqual([]);
    expect(readThreads(b, { includeDeleted: true })[0]?.status).toEqual({
      resolved: false,
      by: 'ada',
      at: T0 + 6,
      deleted: true,
    });
  });

  it('orders comments by createdAt, then id, whatever order they were written in', () => {
    const doc = fresh();
    const { threadId } = openThread(doc, {
      anchor: { kind: 'workflow' },
      author: 'ada',
      body: 'first',
      now: T0,
      ids: { threadId: 't', commentId: 'c0' },
    });
    reply(doc, { threadId, author: 'bob', body: 'z', now: T0 + 10, id: 'cz' });
    reply(doc, { threadId, author: 'bob', body: 'b', now: T0 + 5, id: 'cb' });
    reply(doc, { threadId, author: 'bob', body: 'a', now: T0 + 5, id: 'ca' });
    expect(readThread(doc, threadId)?.comments.map((c) => c.id)).toEqual(['c0', 'ca', 'cb', 'cz']);
  });

  it('orders threads by createdAt, then id', () => {
    const doc = fresh();
    const open = (id: string, now: number): void => {
      openThread(doc, { anchor: { kind: 'workflow' }, author: 'ada', body: id, now, ids: { threadId: id } });
    };
    open('b', T0 + 1);
    open('c', T0);
    open('a', T0 + 1);
    expect(readThreads(doc).map((t) => t.id)).toEqual(['c', 'a', 'b']);
  });

  it('refuses what the rules would refuse anyway, before writing anything', () => {
    const doc = fresh();
    const { threadId, commentId } = openThread(doc, {
      anchor: { kind: 'workflow' },
      author: 'ada',
      body: 'x',
      now: T0,
    });
    const before = Y.encodeStateVector(doc);
    expect(() => openThread(doc, { anchor: { kind: 'workflow' }, author: 'ada', body: '  ', now: T0 })).toThrow(
      /empty/,
    );
    expect(() =>
      openThread(doc, { anchor: { kind: 'workflow' }, author: 'ada', body: 'x'.repeat(10_001), now: T0 }),
    ).toThrow(/10000/);
    expect(() =>
      openThread(doc, { anchor: { kind: 'node', nodeId: 'a b', label: 'x' }, author: 'ada', body: 'x', now: T0 }),
    ).toThrow();
    expect(() => reply(doc, { threadId: 'nope', author: 'bob', body: 'x', now: T0 })).toThrow(/does not exist/);
    expect(() => editComment(doc, { commentId, author: 'bob', body: 'mine now', now: T0 })).toThrow(/author/);
    deleteThread(doc, { threadId, by: 'ada', now: T0 });
    const afterDelete = Y.encodeStateVector(doc);
    expect(() => reply(doc, { threadId, author: 'bob', body: 'x', now: T0 })).toThrow(/does not exist/);
    expect(() => resolveThread(doc, { threadId, by: 'bob', now: T0 })).toThrow(/does not exist/);
    expect(Y.encodeStateVector(doc)).toEqual(afterDelete);
    expect(before).not.toEqual(afterDelete);
  });

  it('does not edit or delete a tombstone', () => {
    const doc = fresh();
    const { commentId } = openThread(doc, { anchor: { kind: 'workflow' }, author: 'ada', body: 'x', now: T0 });
    deleteComment(doc, { commentId, by: 'ada', now: T0 + 1 });
    expect(() => editComment(doc, { commentId, author: 'ada', body: 'back', now: T0 + 2 })).toThrow(/does not exist/);
    expect(() => deleteComment(doc, { commentId, by: 'ada', now: T0 + 2 })).toThrow(/does not exist/);
  });

  it('skips records that do not parse, and comments of unknown threads', () => {
    const doc = fresh();
    const { threadId } = openThread(doc, { anchor: { kind: 'workflow' }, author: 'ada', body: 'x', now: T0 });
    threadsMap(doc).set('bad', { v: 1, id: 'bad' });
    threadsMap(doc).set('other-key', { v: 1, id: 'x', anchor: { kind: 'workflow' }, createdBy: 'a', createdAt: 1 });
    commentsMap(doc).set('c9', { v: 1, id: 'c9', threadId: 'bad', author: 'a', body: 'x', createdAt: 1 });
    commentsMap(doc).set('c8', 'not a record');
    expect(readThreads(doc).map((t) => [t.id, t.comments.length])).toEqual([[threadId, 1]]);
  });

  it('counts open threads per anchor and filters open, resolved, mine and mentions', () => {
    const doc = fresh();
    const node = (nodeId: string) => ({ kind: 'node' as const, nodeId, label: nodeId });
    const t1 = openThread(doc, { anchor: node('n1'), author: 'ada', body: 'a', now: T0 }).threadId;
    const t2 = openThread(doc, { anchor: node('n1'), author: 'bob', body: 'ping @{ada}', now: T0 + 1 }).threadId;
    const t3 = openThread(doc, { anchor: node('n2'), author: 'bob', body: 'c', now: T0 + 2 }).threadId;
    const t4 = openThread(doc, {
      anchor: { kind: 'edge', edgeId: 'n1:main>n2:main', label: 'n1 → n2' },
      author: 'bob',
      body: 'd',
      now: T0 + 3,
    }).threadId;
    const t5 = openThread(doc, { anchor: { kind: 'workflow' }, author: 'bob', body: 'e', now: T0 + 4 }).threadId;
    const t6 = openThread(doc, { anchor: node('n2'), author: 'bob', body: 'gone', now: T0 + 5 }).threadId;
    resolveThread(doc, { threadId: t3, by: 'ada', now: T0 + 6 });
    deleteThread(doc, { threadId: t6, by: 'bob', now: T0 + 6 });
    reply(doc, { threadId: t4, author: 'ada', body: 'me too', now: T0 + 7 });
    const threads = readThreads(doc);
    const counts = threadsByAnchor(threads);
    expect(counts.workflow).toBe(1);
    expect(Object.fromEntries(counts.nodes)).toEqual({ n1: 2 });
    expect(Object.fromEntries(counts.edges)).toEqual({ 'n1:main>n2:main': 1 });
    const ids = (f: Parameters<typeof filterThreads>[1]): string[] => filterThreads(threads, f, 'ada').map((t) => t.id);
    expect(ids('all')).toEqual([t1, t2, t3, t4, t5]);
    expect(ids('open')).toEqual([t1, t2, t4, t5]);
    expect(ids('resolved')).toEqual([t3]);
    expect(ids('mine')).toEqual([t1, t4]);
    expect(ids('mentions')).toEqual([t2]);
  });
});
