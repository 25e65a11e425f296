import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { discussionState, type DiscussionState } from './read.ts';
import { MAX_COMMENTS, MAX_THREADS } from './records.ts';
import { commentsMap, discussionMetaMap, initDiscussionDoc, statusMap, threadsMap } from './roots.ts';
import {
  checkDiscussionChange,
  collectDiscussionChanges,
  DiscussionRule,
  MAX_CLOCK_AHEAD_MS,
  type CollectResult,
  type DiscussionContext,
  type DiscussionRuleId,
  type RuleResult,
} from './rules.ts';
import { checkUpdateOnShadow, createShadowDoc } from './shadow.ts';
import { deleteComment, deleteThread, editComment, openThread, reopenThread, reply, resolveThread } from './write.ts';

const NOW = 1_800_000_000_000;
const owner: DiscussionContext = { userId: 'olga', role: 'owner' };
const editor: DiscussionContext = { userId: 'ed', role: 'editor' };
const alice: DiscussionContext = { userId: 'alice', role: 'commenter' };
const bob: DiscussionContext = { userId: 'bob', role: 'commenter' };
const viewer: DiscussionContext = { userId: 'vic', role: 'viewer' };

/** t1 by alice with c1 (alice) and c2 (bob). */
const baseDoc = (): Y.Doc => {
  const doc = new Y.Doc();
  initDiscussionDoc(doc);
  openThread(doc, {
    anchor: { kind: 'node', nodeId: 'n1', label: 'Fetch' },
    author: 'alice',
    body: 'hi',
    now: NOW - 1000,
    ids: { threadId: 't1', commentId: 'c1' },
  });
  reply(doc, { threadId: 't1', author: 'bob', body: 'yo', now: NOW - 500, id: 'c2' });
  return doc;
};

/** What a client holding `base` sends after `mutate`, checked on a shadow of `base`, as the server will. */
const attempt = (ctx: DiscussionContext, mutate: (doc: Y.Doc) => void, base = baseDoc(), now = NOW): RuleResult => {
  const client = new Y.Doc();
  Y.applyUpdate(client, Y.encodeStateAsUpdate(base));
  const before = Y.encodeStateVector(client);
  mutate(client);
  const result = checkUpdateOnShadow(createShadowDoc(base), Y.encodeStateAsUpdate(client, before), ctx, now);
  return result.ok ? { ok: true } : result;
};

const refusedBy = (result: RuleResult): DiscussionRuleId | 'ok' => (result.ok ? 'ok' : result.rule);

const comment = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  v: 1,
  id: 'c9',
  threadId: 't1',
  author: 'bob',
  body: 'new',
  createdAt: NOW,
  ...over,
});
const thread = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  v: 1,
  id: 't9',
  anchor: { kind: 'workflow' },
  createdBy: 'bob',
  createdAt: NOW,
  ...over,
});

describe('discussion rules (§4.3)', () => {
  it('accepts every op of a legitimate writer', () => {
    for (const ctx of [owner, editor, alice, bob]) {
      const u = ctx.userId;
      expect(
        attempt(ctx, (d) => openThread(d, { anchor: { kind: 'workflow' }, author: u, body: 'x', now: NOW })),
      ).toEqual({ ok: true });
      expect(attempt(ctx, (d) => reply(d, { threadId: 't1', author: u, body: 'x', now: NOW }))).toEqual({ ok: true });
      expect(attempt(ctx, (d) => resolveThread(d, { threadId: 't1', by: u, now: NOW }))).toEqual({ ok: true });
      expect(attempt(ctx, (d) => reopenThread(d, { threadId: 't1', by: u, now: NOW }))).toEqual({ ok: true });
    }
    expect(attempt(alice, (d) => editComment(d, { commentId: 'c1', author: 'alice', body: 'e', now: NOW }))).toEqual({
      ok: true,
    });
    expect(attempt(bob, (d) => deleteComment(d, { commentId: 'c2', by: 'bob', now: NOW }))).toEqual({ ok: true });
    expect(attempt(alice, (d) => deleteThread(d, { threadId: 't1', by: 'alice', now: NOW }))).toEqual({ ok: true });
    expect(attempt(owner, (d) => deleteThread(d, { threadId: 't1', by: 'olga', now: NOW }))).toEqual({ ok: true });
    expect(attempt(owner, (d) => deleteComment(d, { commentId: 'c2', by: 'olga', now: NOW }))).toEqual({ ok: true });
  });

  it('checks what a shadow doc saw while applying an update (the validating replica, spelled out)', () => {
    const base = baseDoc();
    const client = new Y.Doc();
    Y.applyUpdate(client, Y.encodeStateAsUpdate(base));
    const updates: Uint8Array[] = [];
    client.on('update', (u: Uint8Array) => updates.push(u));
    reply(client, { threadId: 't1', author: 'bob', body: 'through the replica', now: NOW, id: 'c3' });

    const shadow = createShadowDoc(base);
    let found: CollectResult | undefined;
    const capture = (tr: Y.Transaction): void => {
      found = collectDiscussionChanges(shadow, tr);
    };
    shadow.on('afterTransaction', capture);
    Y.applyUpdate(shadow, updates[0] as Uint8Array);
    shadow.off('afterTransaction', capture);

    expect(found?.ok).toBe(true);
    const changes = found?.ok === true ? found.changes : [];
    expect(changes).toEqual([
      {
        root: 'comments',
        key: 'c3',
        action: 'add',
        oldValue: undefined,
        newValue: { v: 1, id: 'c3', threadId: 't1', author: 'bob', body: 'through the replica', createdAt: NOW },
      },
    ]);
    expect(checkDiscussionChange(changes, bob, NOW, discussionState(shadow))).toEqual({ ok: true });
    expect(refusedBy(checkDiscussionChange(changes, alice, NOW, discussionState(shadow)))).toBe(DiscussionRule.sender);
  });

  it('an update changing nothing passes, even from a viewer', () => {
    expect(attempt(viewer, () => undefined)).toEqual({ ok: true });
  });

  it(`${DiscussionRule.viewer}: a viewer writes nothing`, () => {
    const r = attempt(viewer, (d) => reply(d, { threadId: 't1', author: 'vic', body: 'x', now: NOW }));
    expect(refusedBy(r)).toBe(DiscussionRule.viewer);
  });

  it(`${DiscussionRule.root}: meta only by the server, no other root, nothing nested`, () => {
    expect(refusedBy(attempt(owner, (d) => discussionMetaMap(d).set('schemaVersion', 2)))).toBe(DiscussionRule.root);
    expect(attempt({ ...owner, server: true }, (d) => discussionMetaMap(d).set('schemaVersion', 2))).toEqual({
      ok: true,
    });
    expect(refusedBy(attempt(owner, (d) => d.getMap('notes').set('k', 1)))).toBe(DiscussionRule.root);
    // A nested type that got into a document by some other path: changing inside it is refused.
    const base = baseDoc();
    commentsMap(base).set('nested', new Y.Map<unknown>());
    const r = attempt(bob, (d) => (commentsMap(d).get('nested') as Y.Map<unknown>).set('body', 'x'), base);
    expect(refusedBy(r)).toBe(DiscussionRule.root);
  });

  it(`${DiscussionRule.keyed}: no array-style content in a root map`, () => {
    const rogue = new Y.Doc();
    rogue.getArray('comments').insert(0, ['x']);
    const r = checkUpdateOnShadow(createShadowDoc(baseDoc()), Y.encodeStateAsUpdate(rogue), bob, NOW);
    expect(refusedBy(r)).toBe(DiscussionRule.keyed);
  });

  it(`${DiscussionRule.plain}: no Yjs type as a value`, () => {
    const r = attempt(bob, (d) => {
      const m = new Y.Map<unknown>();
      commentsMap(d).set('c9', m);
      m.set('v', 1);
    });
    expect(refusedBy(r)).toBe(DiscussionRule.plain);
  });

  it(`${DiscussionRule.noDelete}: no key is ever deleted`, () => {
    expect(refusedBy(attempt(alice, (d) => commentsMap(d).delete('c1')))).toBe(DiscussionRule.noDelete);
    expect(refusedBy(attempt(alice, (d) => threadsMap(d).delete('t1')))).toBe(DiscussionRule.noDelete);
    const base = baseDoc();
    resolveThread(base, { threadId: 't1', by: 'alice', now: NOW });
    expect(refusedBy(attempt(alice, (d) => statusMap(d).delete('t1'), base))).toBe(DiscussionRule.noDelete);
  });

  it(`${DiscussionRule.threadImmutable}: a thread is written once`, () => {
    const same = (d: Y.Doc): void => {
      threadsMap(d).set('t1', { ...(threadsMap(d).get('t1') as object) });
    };
    expect(refusedBy(attempt(alice, same))).toBe(DiscussionRule.threadImmutable);
  });

  it(`${DiscussionRule.parse}: every value parses as its record`, () => {
    expect(refusedBy(attempt(bob, (d) => threadsMap(d).set('t9', thread({ extra: 1 }))))).toBe(DiscussionRule.parse);
    expect(refusedBy(attempt(bob, (d) => commentsMap(d).set('c9', comment({ body: 'x'.repeat(10_001) }))))).toBe(
      DiscussionRule.parse,
    );
    expect(refusedBy(attempt(bob, (d) => commentsMap(d).set('c9', 'hello')))).toBe(DiscussionRule.parse);
    expect(refusedBy(attempt(bob, (d) => statusMap(d).set('t1', { resolved: 'yes', by: 'bob', at: NOW })))).toBe(
      DiscussionRule.parse,
    );
    // An update of a value that was never a record (written before the rules) cannot be checked against it.
    const base = baseDoc();
    commentsMap(base).set('c9', { junk: true });
    expect(refusedBy(attempt(bob, (d) => commentsMap(d).set('c9', comment()), base))).toBe(DiscussionRule.parse);
  });

  it(`${DiscussionRule.idKey}: a record's id is its key`, () => {
    expect(refusedBy(attempt(bob, (d) => threadsMap(d).set('t9', thread({ id: 't8' }))))).toBe(DiscussionRule.idKey);
    expect(refusedBy(attempt(bob, (d) => commentsMap(d).set('c9', comment({ id: 'c8' }))))).toBe(DiscussionRule.idKey);
  });

  it(`${DiscussionRule.sender}: createdBy, author, by and deletedBy are the sender`, () => {
    const as = (r: RuleResult): DiscussionRuleId | 'ok' => refusedBy(r);
    expect(as(attempt(bob, (d) => threadsMap(d).set('t9', thread({ createdBy: 'alice' }))))).toBe(
      DiscussionRule.sender,
    );
    expect(as(attempt(bob, (d) => commentsMap(d).set('c9', comment({ author: 'alice' }))))).toBe(DiscussionRule.sender);
    expect(as(attempt(bob, (d) => statusMap(d).set('t1', { resolved: true, by: 'alice', at: NOW })))).toBe(
      DiscussionRule.sender,
    );
    const tombstoneFor = (by: string) => comment({ body: '', deletedAt: NOW, deletedBy: by });
    expect(as(attempt(bob, (d) => commentsMap(d).set('c9', tombstoneFor('alice'))))).toBe(DiscussionRule.sender);
    expect(as(attempt(bob, (d) => commentsMap(d).set('c9', tombstoneFor('bob'))))).toBe('ok');
    const c2Deleted = (by: string) => (d: Y.Doc) =>
      commentsMap(d).set('c2', { ...(commentsMap(d).get('c2') as object), body: '', deletedAt: NOW, deletedBy: by });
    expect(as(attempt(bob, c2Deleted('alice')))).toBe(DiscussionRule.sender);
    expect(as(attempt(owner, c2Deleted('alice')))).toBe(DiscussionRule.sender);
  });

  it(`${DiscussionRule.future}: no time more than 5 minutes ahead; any age is fine`, () => {
    const ahead = NOW + MAX_CLOCK_AHEAD_MS;
    const open = (now: number) => (d: Y.Doc) =>
      openThread(d, { anchor: { kind: 'workflow' }, author: 'bob', body: 'x', now });
    expect(attempt(bob, open(ahead))).toEqual({ ok: true });
    expect(attempt(bob, open(0))).toEqual({ ok: true });
    expect(refusedBy(attempt(bob, open(ahead + 1)))).toBe(DiscussionRule.future);
    expect(refusedBy(attempt(bob, (d) => reply(d, { threadId: 't1', author: 'bob', body: 'x', now: ahead + 1 })))).toBe(
      DiscussionRule.future,
    );
    expect(refusedBy(attempt(bob, (d) => resolveThread(d, { threadId: 't1', by: 'bob', now: ahead + 1 })))).toBe(
      DiscussionRule.future,
    );
    const edit = (now: number) => (d: Y.Doc) => editComment(d, { commentId: 'c2', author: 'bob', body: 'e', now });
    expect(refusedBy(attempt(bob, edit(ahead + 1)))).toBe(DiscussionRule.future);
    const del = (d: Y.Doc) => deleteComment(d, { commentId: 'c2', by: 'bob', now: ahead + 1 });
    expect(refusedBy(attempt(bob, del))).toBe(DiscussionRule.future);
    // A time already stored is not the sender's: a comment edited in the future stays editable once clocks agree.
    const base = baseDoc();
    editComment(base, { commentId: 'c2', author: 'bob', body: 'e', now: ahead + 1 });
    expect(attempt(owner, (d) => deleteComment(d, { commentId: 'c2', by: 'olga', now: NOW }), base)).toEqual({
      ok: true,
    });
  });

  it(`${DiscussionRule.orphan}: a comment's thread exists after the change`, () => {
    expect(refusedBy(attempt(bob, (d) => commentsMap(d).set('c9', comment({ threadId: 't9' }))))).toBe(
      DiscussionRule.orphan,
    );
    const both = (d: Y.Doc): void =>
      d.transact(() => {
        threadsMap(d).set('t9', thread());
        commentsMap(d).set('c9', comment({ threadId: 't9' }));
      });
    expect(attempt(bob, both)).toEqual({ ok: true });
  });

  it(`${DiscussionRule.commentFixed}: an update keeps id, threadId, author and createdAt`, () => {
    const base = baseDoc();
    openThread(base, { anchor: { kind: 'workflow' }, author: 'bob', body: 'x', now: NOW, ids: { threadId: 't2' } });
    const change = (over: Record<string, unknown>) => (d: Y.Doc) =>
      commentsMap(d).set('c2', { ...(commentsMap(d).get('c2') as object), ...over });
    expect(refusedBy(attempt(bob, change({ threadId: 't2' }), base))).toBe(DiscussionRule.commentFixed);
    expect(refusedBy(attempt(bob, change({ createdAt: NOW - 1 }), base))).toBe(DiscussionRule.commentFixed);
    expect(refusedBy(attempt(alice, change({ author: 'alice' }), base))).toBe(DiscussionRule.commentFixed);
  });

  it(`${DiscussionRule.notAuthor}: only the author edits; an owner may only tombstone`, () => {
    const edit = (by: string) => (d: Y.Doc) =>
      commentsMap(d).set('c2', { ...(commentsMap(d).get('c2') as object), body: `${by} was here`, editedAt: NOW });
    expect(refusedBy(attempt(alice, edit('alice')))).toBe(DiscussionRule.notAuthor);
    expect(refusedBy(attempt(owner, edit('olga')))).toBe(DiscussionRule.notAuthor);
    const moderate = (ctx: DiscussionContext) => (d: Y.Doc) =>
      deleteComment(d, { commentId: 'c2', by: ctx.userId, now: NOW });
    expect(refusedBy(attempt(editor, moderate(editor)))).toBe(DiscussionRule.notAuthor);
    expect(refusedBy(attempt(alice, moderate(alice)))).toBe(DiscussionRule.notAuthor);
    expect(attempt(owner, moderate(owner))).toEqual({ ok: true });
    // The tombstone keeps the editedAt the owner saw, though the author may have edited since (concurrently).
    const concurrent = (d: Y.Doc) =>
      commentsMap(d).set('c2', {
        ...(commentsMap(d).get('c2') as object),
        body: '',
        editedAt: NOW - 1,
        deletedAt: NOW,
        deletedBy: 'olga',
      });
    expect(attempt(owner, concurrent)).toEqual({ ok: true });
  });

  it(`${DiscussionRule.statusThread}: a status belongs to an existing thread`, () => {
    expect(refusedBy(attempt(bob, (d) => statusMap(d).set('t9', { resolved: true, by: 'bob', at: NOW })))).toBe(
      DiscussionRule.statusThread,
    );
  });

  it(`${DiscussionRule.deleteThread}: only the creator or an owner deletes a thread`, () => {
    const del = (ctx: DiscussionContext) => (d: Y.Doc) => deleteThread(d, { threadId: 't1', by: ctx.userId, now: NOW });
    expect(refusedBy(attempt(bob, del(bob)))).toBe(DiscussionRule.deleteThread);
    expect(refusedBy(attempt(editor, del(editor)))).toBe(DiscussionRule.deleteThread);
    expect(attempt(alice, del(alice))).toEqual({ ok: true });
    expect(attempt(owner, del(owner))).toEqual({ ok: true });
    // Resolving concurrently with a delete may win the race and bring the thread back: allowed, so no
    // legitimate client is ever refused; keeping a deleted thread deleted is harmless either way.
    const base = baseDoc();
    deleteThread(base, { threadId: 't1', by: 'alice', now: NOW });
    expect(attempt(bob, (d) => statusMap(d).set('t1', { resolved: true, by: 'bob', at: NOW }), base)).toEqual({
      ok: true,
    });
    expect(
      attempt(bob, (d) => statusMap(d).set('t1', { resolved: true, by: 'bob', at: NOW, deleted: true }), base),
    ).toEqual({ ok: true });
  });

  it(`${DiscussionRule.limit}: at most ${MAX_THREADS} threads and ${MAX_COMMENTS} comments`, () => {
    const state = (threads: number, comments: number): DiscussionState => ({
      ...discussionState(baseDoc()),
      thread: (id) => ({ v: 1, id, anchor: { kind: 'workflow' }, createdBy: 'bob', createdAt: NOW }),
      threadCount: () => threads,
      commentCount: () => comments,
    });
    const addThread = [
      { root: 'threads', key: 't9', action: 'add' as const, oldValue: undefined, newValue: thread() },
      {
        root: 'comments',
        key: 'c9',
        action: 'add' as const,
        oldValue: undefined,
        newValue: comment({ threadId: 't9' }),
      },
    ];
    expect(checkDiscussionChange(addThread, bob, NOW, state(MAX_THREADS, MAX_COMMENTS))).toEqual({ ok: true });
    expect(refusedBy(checkDiscussionChange(addThread, bob, NOW, state(MAX_THREADS + 1, 2)))).toBe(DiscussionRule.limit);
    expect(refusedBy(checkDiscussionChange(addThread, bob, NOW, state(2, MAX_COMMENTS + 1)))).toBe(
      DiscussionRule.limit,
    );
    // A document already over the limit still takes edits and status changes.
    const edit = [
      {
        root: 'comments',
        key: 'c9',
        action: 'update' as const,
        oldValue: comment(),
        newValue: comment({ body: 'e', editedAt: NOW }),
      },
      {
        root: 'status',
        key: 't9',
        action: 'add' as const,
        oldValue: undefined,
        newValue: { resolved: true, by: 'bob', at: NOW },
      },
    ];
    expect(checkDiscussionChange(edit, bob, NOW, state(MAX_THREADS + 5, MAX_COMMENTS + 5))).toEqual({ ok: true });
  });

  it(`${DiscussionRule.pending}: an update that depends on what the server lacks`, () => {
    const base = baseDoc();
    const client = new Y.Doc();
    Y.applyUpdate(client, Y.encodeStateAsUpdate(base));
    const updates: Uint8Array[] = [];
    client.on('update', (u: Uint8Array) => updates.push(u));
    reply(client, { threadId: 't1', author: 'bob', body: 'one', now: NOW });
    reply(client, { threadId: 't1', author: 'bob', body: 'two', now: NOW });
    const shadow = createShadowDoc(base);
    expect(refusedBy(checkUpdateOnShadow(shadow, updates[1] as Uint8Array, bob, NOW))).toBe(DiscussionRule.pending);
  });

  it(`${DiscussionRule.pending}: a live doc already holding pending structs does not refuse everyone`, () => {
    const base = baseDoc();
    const client = new Y.Doc();
    Y.applyUpdate(client, Y.encodeStateAsUpdate(base));
    const updates: Uint8Array[] = [];
    client.on('update', (u: Uint8Array) => updates.push(u));
    reply(client, { threadId: 't1', author: 'bob', body: 'one', now: NOW });
    reply(client, { threadId: 't1', author: 'bob', body: 'two', now: NOW });
    Y.applyUpdate(base, updates[1] as Uint8Array);
    expect(base.store.pendingStructs).not.toBeNull();

    const shadow = createShadowDoc(base);
    const other = new Y.Doc();
    Y.applyUpdate(other, Y.encodeStateAsUpdate(base));
    const sv = Y.encodeStateVector(other);
    reply(other, { threadId: 't1', author: 'alice', body: 'meanwhile', now: NOW });
    expect(checkUpdateOnShadow(shadow, Y.encodeStateAsUpdate(other, sv), alice, NOW).ok).toBe(true);
    // More pending on top of what was pending is still refused.
    const third = new Y.Doc();
    Y.applyUpdate(third, Y.encodeStateAsUpdate(base));
    const thirdUpdates: Uint8Array[] = [];
    third.on('update', (u: Uint8Array) => thirdUpdates.push(u));
    reply(third, { threadId: 't1', author: 'alice', body: 'a', now: NOW });
    reply(third, { threadId: 't1', author: 'alice', body: 'b', now: NOW });
    const gap = checkUpdateOnShadow(createShadowDoc(base), thirdUpdates[1] as Uint8Array, alice, NOW);
    expect(refusedBy(gap)).toBe(DiscussionRule.pending);
    // The missing update lands both of bob's replies, in bob's own transaction.
    expect(checkUpdateOnShadow(shadow, updates[0] as Uint8Array, bob, NOW).ok).toBe(true);
    expect(shadow.store.pendingStructs).toBeNull();
  });

  it('reads the whole batch a reconnecting client sends as one transaction', () => {
    const r = attempt(bob, (d) => {
      const { threadId, commentId } = openThread(d, {
        anchor: { kind: 'workflow' },
        author: 'bob',
        body: 'x',
        now: NOW,
      });
      editComment(d, { commentId, author: 'bob', body: 'y', now: NOW });
      reply(d, { threadId, author: 'bob', body: 'z', now: NOW });
      deleteComment(d, { commentId: 'c2', by: 'bob', now: NOW });
      resolveThread(d, { threadId, by: 'bob', now: NOW });
      deleteThread(d, { threadId, by: 'bob', now: NOW });
    });
    expect(r).toEqual({ ok: true });
  });
});
