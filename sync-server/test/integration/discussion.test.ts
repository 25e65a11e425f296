import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  commentsMap,
  deleteComment,
  editComment,
  openThread,
  parseComment,
  readThreads,
  reply,
  resolveThread,
} from '#shared/discussion/index.ts';
import { CloseCodes } from '#shared/protocol/close-codes.ts';
import { discussionRoom } from '#shared/protocol/rooms.ts';
import { restClient } from '../helpers/rest.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';
import { connectClient, waitFor, type YwsClient } from '../helpers/yws-client.ts';

/**
 * The discussion's rules, enforced by the server on real sockets with the
 * stock y-websocket client (SPEC DISC1–DISC3): a change the rules refuse
 * closes that socket with 4422 and nothing of it is stored or relayed; the
 * room and everyone else carry on.
 */

let t: TestServer;
let rest: ReturnType<typeof restClient>;
type Person = Awaited<ReturnType<ReturnType<typeof restClient>['signup']>>;
let owner: Person;
let ann: Person;
let ben: Person;
let workflowId: string;
let room: string;
const clients: YwsClient[] = [];

/**
 * A clock that never gives the same millisecond twice: comments made in the same millisecond are ordered by
 * their random ids (the same order on every client), so a test that expects the order it wrote them in needs
 * distinct times.
 */
let lastTime = 0;
const now = (): number => (lastTime = Math.max(Date.now(), lastTime + 1));

beforeAll(async () => {
  t = await startTestServer();
  await t.listen();
  rest = restClient(t.baseUrl);
  await rest.signup('admin@example.com');
  owner = await rest.signup('owner@example.com');
  ann = await rest.signup('ann@example.com');
  ben = await rest.signup('ben@example.com');
  workflowId = await rest.createWorkflow(owner.as, 'Discussed');
  room = discussionRoom(workflowId);
  await rest.addMember(owner.as, workflowId, ann, 'commenter');
  await rest.addMember(owner.as, workflowId, ben, 'commenter');
});

afterAll(async () => {
  for (const c of clients) c.destroy();
  await t.close();
});

const client = async (who: Person) => {
  const c = connectClient(t.wsUrl, room, { token: who.token });
  clients.push(c);
  await c.synced();
  return c;
};

/** The discussion as a client that joins now reads it. */
const freshView = async () => {
  const c = await client(owner);
  const threads = readThreads(c.doc);
  c.destroy();
  return threads;
};

describe('the discussion room', () => {
  it("DISC2: editing another person's comment closes that socket with 4422; nothing of it is stored or relayed", async () => {
    const annSide = await client(ann);
    const benSide = await client(ben);
    const watcher = await client(owner);
    const { commentId } = openThread(annSide.doc, {
      anchor: { kind: 'node', nodeId: 'n1', label: 'HTTP Request' },
      author: ann.user.id,
      body: 'Is this URL right?',
      now: now(),
    });
    await waitFor("Ben to see Ann's comment", () => commentsMap(benSide.doc).has(commentId));
    // Ben's own client would refuse this; a hand-made update is what the server must stop.
    const record = parseComment(commentsMap(benSide.doc).get(commentId));
    expect(record).toBeDefined();
    commentsMap(benSide.doc).set(commentId, { ...record, body: 'Ann says: delete everything' });
    await waitFor('Ben to be closed', () => benSide.closes.length > 0);
    expect(benSide.closes[0]).toMatchObject({ code: CloseCodes.refusedChange });
    expect(benSide.closes[0]?.reason).toMatch(/^change not allowed: /);
    // Permanent: the stock client stops reconnecting.
    expect(benSide.provider.shouldConnect).toBe(false);
    // Everyone else carries on: a later reply reaches the watcher, and the forged body never did.
    const later = reply(annSide.doc, {
      threadId: record?.threadId ?? '',
      author: ann.user.id,
      body: 'Still?',
      now: now(),
    });
    await waitFor('the reply', () => commentsMap(watcher.doc).has(later));
    expect(parseComment(commentsMap(watcher.doc).get(commentId))?.body).toBe('Is this URL right?');
    const stored = await freshView();
    expect(stored.flatMap((th) => th.comments.map((c) => c.body))).toEqual(['Is this URL right?', 'Still?']);
  });

  it('DISC2: an author edits and deletes their own comment; an owner removes anyone’s; anyone who may comment resolves', async () => {
    const annSide = await client(ann);
    const ownerSide = await client(owner);
    const { threadId, commentId } = openThread(annSide.doc, {
      anchor: { kind: 'workflow' },
      author: ann.user.id,
      body: 'First draft',
      now: now(),
    });
    editComment(annSide.doc, { commentId, author: ann.user.id, body: 'Second draft', now: now() });
    const spam = reply(annSide.doc, { threadId, author: ann.user.id, body: 'spam', now: now() });
    await waitFor('the owner to see both', () => commentsMap(ownerSide.doc).has(spam));
    deleteComment(ownerSide.doc, { commentId: spam, by: owner.user.id, now: now() });
    const benSide = await client(ben);
    resolveThread(benSide.doc, { threadId, by: ben.user.id, now: now() });
    await waitFor(
      'Ann to see it resolved',
      () => readThreads(annSide.doc).find((th) => th.id === threadId)?.resolved === true,
    );
    const thread = (await freshView()).find((th) => th.id === threadId);
    expect(thread?.comments.map((c) => [c.body, c.deletedBy ?? null])).toEqual([
      ['Second draft', null],
      ['', owner.user.id],
    ]);
    expect(thread?.resolved).toBe(true);
    for (const c of [annSide, ownerSide, benSide]) expect(c.closes).toEqual([]);
  });

  it('DISC1: anything outside the three record maps is refused with 4422', async () => {
    const annSide = await client(ann);
    annSide.doc.getMap('workflow').set('nodes', 'not here');
    await waitFor('the close', () => annSide.closes.length > 0);
    expect(annSide.closes[0]?.code).toBe(CloseCodes.refusedChange);
    const check = await client(owner);
    expect(check.doc.getMap('workflow').size).toBe(0);
  });

  it('a comment written offline is stored when the stock client reconnects', async () => {
    const annSide = await client(ann);
    const ownerSide = await client(owner);
    annSide.provider.disconnect();
    const { commentId } = openThread(annSide.doc, {
      anchor: { kind: 'edge', edgeId: 'a:main>b:main', label: 'Fetch → Save' },
      author: ann.user.id,
      body: 'Written on the train',
      now: now(),
    });
    await new Promise((r) => setTimeout(r, 100));
    expect(commentsMap(ownerSide.doc).has(commentId)).toBe(false);
    annSide.provider.connect();
    await waitFor('the owner to see the offline comment', () => commentsMap(ownerSide.doc).has(commentId));
    expect(annSide.closes.filter((c) => c.code === CloseCodes.refusedChange)).toEqual([]);
  });
});
