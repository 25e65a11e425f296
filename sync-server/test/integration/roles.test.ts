import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { CloseCodes } from '#shared/protocol/close-codes.ts';
import { commentsMap, openThread, reply } from '#shared/discussion/index.ts';
import { discussionRoom } from '#shared/protocol/rooms.ts';
import { restClient } from '../helpers/rest.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';
import { closeCodeOf, connectClient, waitFor, type YwsClient } from '../helpers/yws-client.ts';

/**
 * The commenter role and the discussion room, over real sockets with the
 * stock y-websocket client (SPEC AUTH4, AUTH5): a commenter reads the
 * workflow and writes only in its discussion; a viewer writes nowhere.
 */

let t: TestServer;
let rest: ReturnType<typeof restClient>;
type Person = Awaited<ReturnType<ReturnType<typeof restClient>['signup']>>;
let owner: Person;
let commenter: Person;
let viewer: Person;
let workflowId: string;
const clients: YwsClient[] = [];

beforeAll(async () => {
  t = await startTestServer();
  await t.listen();
  rest = restClient(t.baseUrl);
  await rest.signup('admin@example.com');
  owner = await rest.signup('owner@example.com');
  commenter = await rest.signup('commenter@example.com');
  viewer = await rest.signup('viewer@example.com');
  workflowId = await rest.createWorkflow(owner.as, 'Reviewed');
  await rest.addMember(owner.as, workflowId, commenter, 'commenter');
  await rest.addMember(owner.as, workflowId, viewer, 'viewer');
});

afterAll(async () => {
  for (const c of clients) c.destroy();
  await t.close();
});

const client = (room: string, who: Person) => {
  const c = connectClient(t.wsUrl, room, { token: who.token });
  clients.push(c);
  return c;
};

/** What the store holds for a document, applied to a fresh Y.Doc (read after the room let go of it). */
const stored = async (docId: string): Promise<Y.Doc> => {
  const { snapshot, updates } = await t.server.storage.docs.load(docId);
  const doc = new Y.Doc();
  if (snapshot) Y.applyUpdate(doc, snapshot);
  for (const u of updates) Y.applyUpdate(doc, u.data);
  return doc;
};

/** The HTTP status a WebSocket upgrade to `path` is refused with (undefined if it was accepted). */
const upgradeStatus = (path: string): Promise<number | undefined> =>
  new Promise((resolve, reject) => {
    const url = new URL(t.baseUrl);
    const req = request({
      host: url.hostname,
      port: url.port,
      path: `${path}?token=${owner.token}`,
      headers: {
        connection: 'Upgrade',
        upgrade: 'websocket',
        'sec-websocket-version': '13',
        'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
      },
    });
    req.on('upgrade', (_res, socket) => {
      socket.destroy();
      resolve(undefined);
    });
    req.on('response', (res) => {
      res.resume();
      resolve(res.statusCode);
    });
    req.on('error', reject);
    req.end();
  });

describe('the commenter role', () => {
  it("AUTH5: a commenter receives the workflow's edits, but its own edits to the workflow are neither applied, stored nor relayed", async () => {
    const editor = client(workflowId, owner);
    const watcher = client(workflowId, owner);
    const reviewer = client(workflowId, commenter);
    await Promise.all([editor.synced(), watcher.synced(), reviewer.synced()]);
    editor.doc.getMap('meta').set('note', 'from the owner');
    await waitFor(
      'the commenter to receive the edit',
      () => reviewer.doc.getMap('meta').get('note') === 'from the owner',
    );
    reviewer.doc.getMap('meta').set('note', 'from the commenter');
    reviewer.doc.getMap('meta').set('commenterOnly', true);
    editor.doc.getMap('meta').set('marker', 1);
    await waitFor('the marker', () => watcher.doc.getMap('meta').get('marker') === 1);
    expect(watcher.doc.getMap('meta').get('note')).toBe('from the owner');
    expect(watcher.doc.getMap('meta').has('commenterOnly')).toBe(false);
    for (const c of [editor, watcher, reviewer]) c.destroy();
    await waitFor('the room to unload', () => t.server.rooms.peek(workflowId) === undefined);
    const doc = await stored(workflowId);
    expect(doc.getMap('meta').get('note')).toBe('from the owner');
    expect(doc.getMap('meta').has('commenterOnly')).toBe(false);
    expect(reviewer.closes).toEqual([]);
  });

  it("AUTH5: a commenter's edits to the discussion are stored and relayed; a viewer's are dropped", async () => {
    const room = discussionRoom(workflowId);
    const reviewer = client(room, commenter);
    const ownerSide = client(room, owner);
    const reader = client(room, viewer);
    await Promise.all([reviewer.synced(), ownerSide.synced(), reader.synced()]);
    const { threadId, commentId } = openThread(reviewer.doc, {
      anchor: { kind: 'workflow' },
      author: commenter.user.id,
      body: 'Is this URL right?',
      now: Date.now(),
    });
    await waitFor('the owner to see the comment', () => commentsMap(ownerSide.doc).has(commentId));
    await waitFor('the viewer to see the comment', () => commentsMap(reader.doc).has(commentId));
    const viewerReply = reply(reader.doc, {
      threadId,
      author: viewer.user.id,
      body: 'a viewer writing',
      now: Date.now(),
    });
    const ownerReply = reply(ownerSide.doc, { threadId, author: owner.user.id, body: 'Yes', now: Date.now() });
    await waitFor('the commenter to see the reply', () => commentsMap(reviewer.doc).has(ownerReply));
    expect(commentsMap(reviewer.doc).has(viewerReply)).toBe(false);
    expect(commentsMap(ownerSide.doc).has(viewerReply)).toBe(false);
    for (const c of [reviewer, ownerSide, reader]) c.destroy();
    await waitFor('the room to unload', () => t.server.rooms.peek(room) === undefined);
    const doc = await stored(room);
    expect([...commentsMap(doc).keys()].sort()).toEqual([commentId, ownerReply].sort());
    // The discussion is a document of its own: nothing of it reached the workflow.
    expect((await stored(workflowId)).getMap('comments').size).toBe(0);
  });

  it('refuses rooms of no kind before the handshake (404), and a discussion of a workflow that does not exist (4404)', async () => {
    expect(await upgradeStatus(`/sync/${workflowId}/comments`)).toBe(404);
    expect(await upgradeStatus(`/sync/${workflowId}/discussion/discussion`)).toBe(404);
    // An escaped slash is one segment, which names no workflow.
    expect(await closeCodeOf(`${t.wsUrl}/${workflowId}%2Fdiscussion?token=${owner.token}`)).toMatchObject({
      code: CloseCodes.notFound,
    });
    const missing = client(discussionRoom('noSuchWorkflow'), owner);
    await waitFor('a close', () => missing.closes.length > 0);
    expect(missing.closes[0]?.code).toBe(CloseCodes.notFound);
  });

  it('REST: a commenter reads, exports and lists members, but cannot edit, run, publish or manage members', async () => {
    const as = commenter.as;
    expect((await rest.call('GET', `/api/workflows/${workflowId}`, { as })).body).toMatchObject({ role: 'commenter' });
    expect((await rest.call('GET', `/api/workflows/${workflowId}/export`, { as })).status).toBe(200);
    const members = await rest.call<{ members: { email: string; role: string }[]; invitations: unknown[] }>(
      'GET',
      `/api/workflows/${workflowId}/members`,
      { as },
    );
    expect(members.body.members).toContainEqual(
      expect.objectContaining({ email: 'commenter@example.com', role: 'commenter' }),
    );
    expect(members.body.invitations).toEqual([]);
    const refused = [
      await rest.call('PATCH', `/api/workflows/${workflowId}`, { as, body: { name: 'Renamed' } }),
      await rest.call('POST', `/api/workflows/${workflowId}/run`, { as }),
      await rest.call('POST', `/api/workflows/${workflowId}/publish`, { as }),
      await rest.call('POST', `/api/workflows/${workflowId}/members`, {
        as,
        body: { email: 'x@example.com', role: 'viewer' },
      }),
    ];
    expect(refused.map((r) => r.status)).toEqual([403, 403, 403, 403]);
    expect(refused[0]?.body).toEqual({
      error: { code: 'forbidden', message: 'A commenter cannot edit this workflow' },
    });
  });
});

describe('access taken away closes both rooms', () => {
  it('a role change closes the workflow and discussion sockets with 4100; a removal with 4403', async () => {
    const person = await rest.signup('both@example.com');
    await rest.addMember(owner.as, workflowId, person, 'commenter');
    const work = client(workflowId, person);
    const talk = client(discussionRoom(workflowId), person);
    await Promise.all([work.synced(), talk.synced()]);
    await rest.addMember(owner.as, workflowId, person, 'editor');
    await waitFor('both sockets to be told', () => work.closes.length > 0 && talk.closes.length > 0);
    expect([work.closes[0]?.code, talk.closes[0]?.code]).toEqual([CloseCodes.roleChanged, CloseCodes.roleChanged]);
    // They reconnect by themselves with the new role, and then the editor writes to the workflow.
    await Promise.all([work.synced(), talk.synced()]);
    const removed = await rest.call('DELETE', `/api/workflows/${workflowId}/members/${person.user.id}`, {
      as: owner.as,
    });
    expect(removed.status).toBe(204);
    await waitFor('both sockets to be closed', () =>
      [work, talk].every((c) => c.closes.some((close) => close.code === CloseCodes.forbidden)),
    );
  });

  it("deleting a workflow closes its discussion's sockets with 4404 and deletes the discussion", async () => {
    const id = await rest.createWorkflow(owner.as, 'Short-lived');
    const talk = client(discussionRoom(id), owner);
    await talk.synced();
    openThread(talk.doc, { anchor: { kind: 'workflow' }, author: owner.user.id, body: 'soon gone', now: Date.now() });
    await expect
      .poll(async () => (await t.server.storage.docs.load(discussionRoom(id))).updates.length)
      .toBeGreaterThan(0);
    expect((await rest.call('DELETE', `/api/workflows/${id}`, { as: owner.as })).status).toBe(204);
    await waitFor('the close', () => talk.closes.length > 0);
    expect(talk.closes[0]?.code).toBe(CloseCodes.notFound);
    const left = await t.server.storage.docs.load(discussionRoom(id));
    expect([left.snapshot, left.updates.length]).toEqual([null, 0]);
  });
});
