import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { ModeDto } from '#shared/api/modes.ts';
import { serverAwarenessStateSchema } from '#shared/protocol/live.ts';
import { addNode, readMeta, readNodes, setWorkflowName } from '#shared/schema/index.ts';
import { restClient } from '../helpers/rest.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';
import { connectClient, waitFor, type YwsClient } from '../helpers/yws-client.ts';

/**
 * Edit modes over real sockets with the stock y-websocket client
 * (docs/plans/collaboration.md §5): what a lock and the pen let through, how
 * held edits merge once their author may write again, the mode in the
 * server's awareness entry, the REST answers, and the idle release.
 */

let t: TestServer;
let rest: ReturnType<typeof restClient>;
type Person = Awaited<ReturnType<ReturnType<typeof restClient>['signup']>>;
let owner: Person;
let editor: Person;
let other: Person;
let viewer: Person;
let outsider: Person;
const clients: YwsClient[] = [];

beforeAll(async () => {
  t = await startTestServer();
  await t.listen();
  rest = restClient(t.baseUrl);
  await rest.signup('admin@example.com');
  owner = await rest.signup('ann@example.com', 'Ann');
  editor = await rest.signup('ben@example.com', 'Ben');
  other = await rest.signup('cat@example.com', 'Cat');
  viewer = await rest.signup('dan@example.com', 'Dan');
  outsider = await rest.signup('eve@example.com', 'Eve');
});

afterAll(async () => {
  for (const c of clients) c.destroy();
  await t.close();
});

/** A workflow with Ben and Cat as editors and Dan as viewer. */
const workflow = async (name: string): Promise<string> => {
  const id = await rest.createWorkflow(owner.as, name);
  await rest.addMember(owner.as, id, editor, 'editor');
  await rest.addMember(owner.as, id, other, 'editor');
  await rest.addMember(owner.as, id, viewer, 'viewer');
  return id;
};

const client = async (id: string, who: Person): Promise<YwsClient> => {
  const c = connectClient(t.wsUrl, id, { token: who.token });
  clients.push(c);
  await c.synced();
  return c;
};

const setMode = (id: string, body: Record<string, unknown>, as: Person = owner) =>
  rest.call<ModeDto & { error?: { code: string; message: string } }>('PUT', `/api/workflows/${id}/mode`, {
    as: as.as,
    body,
  });

/** What a newcomer syncs: the document as the server holds it. */
const fresh = async (id: string): Promise<Y.Doc> => {
  const c = await client(id, owner);
  const doc = new Y.Doc();
  Y.applyUpdate(doc, Y.encodeStateAsUpdate(c.doc));
  c.destroy();
  return doc;
};

const exportedName = async (id: string): Promise<string> =>
  (await rest.call<{ name: string }>('GET', `/api/workflows/${id}/export`, { as: owner.as })).body.name;

const serverMode = (c: YwsClient): ModeDto | undefined => {
  for (const state of c.provider.awareness.getStates().values()) {
    const parsed = serverAwarenessStateSchema.safeParse(state);
    if (parsed.success) return parsed.data.mode;
  }
  return undefined;
};

describe('locked', () => {
  it("drops an editor's update (not stored) and stores the owner's; unlocking asks the editor for it, and the held edit is stored then", async () => {
    const id = await workflow('Before');
    const ann = await client(id, owner);
    const ben = await client(id, editor);
    expect((await setMode(id, { mode: 'locked', reason: 'incident #42' })).status).toBe(200);
    setWorkflowName(ben.doc, 'Renamed while locked');
    const nodeId = addNode(ann.doc, { type: 'noOp', position: { x: 0, y: 0 } });
    await waitFor('Ben to receive the owner’s node', () => readNodes(ben.doc).some((n) => n.id === nodeId));
    const seen = await fresh(id);
    expect(readMeta(seen).name).toBe('Before');
    expect(readNodes(seen).map((n) => n.id)).toEqual([nodeId]);
    expect(await exportedName(id)).toBe('Before');
    expect(readMeta(ann.doc).name).toBe('Before');

    expect((await setMode(id, { mode: 'parallel' })).status).toBe(200);
    await waitFor('the held rename to reach the owner', () => readMeta(ann.doc).name === 'Renamed while locked');
    expect(readMeta(await fresh(id)).name).toBe('Renamed while locked');
    expect(await exportedName(id)).toBe('Renamed while locked');
  });

  it('shows the mode in the server awareness entry of a stock client within 1 s of the PUT', async () => {
    const id = await workflow('Watched');
    const ben = await client(id, editor);
    expect(serverMode(ben)).toBeUndefined();
    const put = await setMode(id, { mode: 'locked', reason: 'incident #42' });
    expect(put.status).toBe(200);
    const answeredAt = Date.now();
    await waitFor('the lock in awareness', () => serverMode(ben)?.mode === 'locked', 1000);
    expect(Date.now() - answeredAt).toBeLessThan(1000);
    expect(serverMode(ben)).toEqual({
      mode: 'locked',
      reason: 'incident #42',
      setBy: owner.user.id,
      setAt: put.body.setAt,
      pen: null,
    });
    // A client joining later reads it from the entry at once.
    const cat = await client(id, other);
    await waitFor('the newcomer to see the lock', () => serverMode(cat)?.mode === 'locked', 1000);
    await setMode(id, { mode: 'parallel' });
    await waitFor('the unlock in awareness', () => serverMode(ben)?.mode === 'parallel', 1000);
  });
});

describe('the pen', () => {
  it("stores the holder's edits and drops the others'; a hand-over moves it, and the new holder's held edit merges", async () => {
    const id = await workflow('Pen');
    const ann = await client(id, owner);
    const ben = await client(id, editor);
    const put = await setMode(id, { mode: 'pen' });
    expect(put.body.pen?.holder).toBe(owner.user.id);
    const annNode = addNode(ann.doc, { type: 'noOp', position: { x: 0, y: 0 } });
    setWorkflowName(ben.doc, 'Ben without the pen');
    await waitFor('Ben to receive the holder’s node', () => readNodes(ben.doc).some((n) => n.id === annNode));
    let seen = await fresh(id);
    expect(readMeta(seen).name).toBe('Pen');
    expect(readNodes(seen).map((n) => n.id)).toEqual([annNode]);

    const handed = await rest.call<ModeDto>('POST', `/api/workflows/${id}/pen/handover`, {
      as: owner.as,
      body: { userId: editor.user.id },
    });
    expect(handed.status).toBe(200);
    expect(handed.body.pen?.holder).toBe(editor.user.id);
    await waitFor('Ben’s held rename to reach Ann', () => readMeta(ann.doc).name === 'Ben without the pen');
    // Now Ann, an owner, writes nothing without the pen.
    const dropped = addNode(ann.doc, { type: 'noOp', position: { x: 100, y: 0 } });
    const benNode = addNode(ben.doc, { type: 'noOp', position: { x: 200, y: 0 } });
    await waitFor('Ann to receive Ben’s node', () => readNodes(ann.doc).some((n) => n.id === benNode));
    seen = await fresh(id);
    expect(readMeta(seen).name).toBe('Ben without the pen');
    expect(
      readNodes(seen)
        .map((n) => n.id)
        .sort(),
    ).toEqual([annNode, benNode].sort());
    expect(readNodes(seen).some((n) => n.id === dropped)).toBe(false);
  });

  it('is released when its holder stays idle, on a server with a short idle time', async () => {
    const quick = await startTestServer({ penIdleMs: 300, modeSweepMs: 50 });
    try {
      await quick.listen();
      const api = restClient(quick.baseUrl);
      const ann = await api.signup('ann@example.com', 'Ann');
      const id = await api.createWorkflow(ann.as, 'Idle');
      const put = await api.call<ModeDto>('PUT', `/api/workflows/${id}/mode`, { as: ann.as, body: { mode: 'pen' } });
      expect(put.body.pen).toMatchObject({ holder: ann.user.id, idleReleaseAt: (put.body.pen?.since ?? 0) + 300 });
      const watcher = connectClient(quick.wsUrl, id, { token: ann.token });
      clients.push(watcher);
      await watcher.synced();
      await waitFor('the pen to be released', () => serverMode(watcher)?.pen?.holder === null, 5000);
      const read = await api.call<ModeDto>('GET', `/api/workflows/${id}/mode`, { as: ann.as });
      expect(read.body.pen).toMatchObject({ holder: null, idleReleaseAt: null });
      watcher.destroy();
    } finally {
      await quick.close();
    }
  });
});

describe('REST', () => {
  it('400 for a mode, reason or idle time out of bounds; 403 for editors, viewers and outsiders; 404 for no workflow', async () => {
    const id = await workflow('Rules');
    expect((await setMode(id, { mode: 'frozen' })).status).toBe(400);
    expect((await setMode(id, { mode: 'locked', reason: 'x'.repeat(201) })).status).toBe(400);
    expect((await setMode(id, { mode: 'pen', penIdleMinutes: 0 })).status).toBe(400);
    expect((await setMode(id, { mode: 'pen', penIdleMinutes: 241 })).status).toBe(400);
    expect((await setMode(id, { mode: 'locked', extra: true })).status).toBe(400);
    expect((await setMode(id, { mode: 'locked' }, editor)).status).toBe(403);
    expect((await setMode(id, { mode: 'locked' }, outsider)).status).toBe(403);
    expect((await rest.call('GET', `/api/workflows/${id}/mode`, { as: outsider.as })).status).toBe(403);
    expect((await rest.call('GET', `/api/workflows/${id}/mode`, { as: viewer.as })).body).toMatchObject({
      mode: 'parallel',
      pen: null,
    });
    expect((await setMode('nosuchworkflow', { mode: 'locked' })).status).toBe(404);
    expect((await rest.call('POST', `/api/workflows/nosuchworkflow/pen`, { as: owner.as })).status).toBe(404);
    expect((await rest.call('POST', `/api/workflows/${id}/pen`, { as: viewer.as })).status).toBe(403);
    expect((await setMode(id, { mode: 'pen' })).status).toBe(200);
    const forced = await rest.call('POST', `/api/workflows/${id}/pen`, { as: editor.as, body: { force: true } });
    expect(forced.status).toBe(403);
    expect(
      (await rest.call('POST', `/api/workflows/${id}/pen/handover`, { as: owner.as, body: { userId: viewer.user.id } }))
        .status,
    ).toBe(400);
    expect((await rest.call('DELETE', `/api/workflows/${id}/pen`, { as: editor.as })).status).toBe(403);
  });

  it('409 when the pen is held or the workflow is not in pen mode; request 202, take, force, release 204', async () => {
    const id = await workflow('Pass it on');
    const notPen = await rest.call<{ error: { message: string } }>('POST', `/api/workflows/${id}/pen`, {
      as: editor.as,
    });
    expect(notPen.status).toBe(409);
    expect(notPen.body.error.message).toMatch(/not in pen mode/);
    await setMode(id, { mode: 'pen', penIdleMinutes: 30 });
    const held = await rest.call<{ error: { message: string } }>('POST', `/api/workflows/${id}/pen`, {
      as: editor.as,
    });
    expect(held.status).toBe(409);
    expect(held.body.error.message).toBe('Ann holds the pen');
    const asked = await rest.call<ModeDto>('POST', `/api/workflows/${id}/pen/request`, { as: editor.as });
    expect(asked.status).toBe(202);
    expect(asked.body.pen?.requests.map((r) => r.userId)).toEqual([editor.user.id]);
    expect((await rest.call('DELETE', `/api/workflows/${id}/pen`, { as: owner.as })).status).toBe(204);
    const taken = await rest.call<ModeDto>('POST', `/api/workflows/${id}/pen`, { as: editor.as });
    expect(taken.status).toBe(200);
    expect(taken.body.pen).toMatchObject({ holder: editor.user.id, requests: [] });
    expect(taken.body.pen?.idleReleaseAt).toBe((taken.body.pen?.since ?? 0) + 30 * 60_000);
    const force = await rest.call<ModeDto>('POST', `/api/workflows/${id}/pen`, {
      as: owner.as,
      body: { force: true },
    });
    expect(force.body.pen?.holder).toBe(owner.user.id);
  });

  it('423 for renaming, publishing, activating and deactivating against the mode; runs stay open', async () => {
    const id = await workflow('Guarded');
    await setMode(id, { mode: 'locked', reason: 'incident #42' });
    const rename = await rest.call<{ error: { code: string; message: string } }>('PATCH', `/api/workflows/${id}`, {
      as: editor.as,
      body: { name: 'Nope' },
    });
    expect(rename.status).toBe(423);
    expect(rename.body.error).toEqual({ code: 'locked', message: 'Ann locked this workflow: incident #42' });
    for (const action of ['publish', 'activate', 'deactivate'])
      expect((await rest.call('POST', `/api/workflows/${id}/${action}`, { as: editor.as })).status, action).toBe(423);
    // The owner still may (the rename goes through; the others fail for their own reasons, not the lock).
    expect((await rest.call('PATCH', `/api/workflows/${id}`, { as: owner.as, body: { name: 'Ok' } })).status).toBe(200);
    expect((await rest.call('POST', `/api/workflows/${id}/deactivate`, { as: owner.as })).status).toBe(200);
    const run = await rest.call('POST', `/api/workflows/${id}/run`, { as: editor.as, body: {} });
    expect(run.status).not.toBe(423);
    // A restore writes the document: it follows the lock too, and the owner may.
    const named = await rest.call<{ id: string }>('POST', `/api/workflows/${id}/versions`, {
      as: owner.as,
      body: { name: 'before' },
    });
    expect(named.status).toBe(201);
    const restore = `/api/workflows/${id}/versions/${named.body.id}/restore`;
    expect((await rest.call('POST', restore, { as: editor.as })).status).toBe(423);
    expect((await rest.call('POST', restore, { as: owner.as })).status).toBe(200);

    await setMode(id, { mode: 'pen' });
    const pen = await rest.call<{ error: { message: string } }>('PATCH', `/api/workflows/${id}`, {
      as: editor.as,
      body: { name: 'Nope' },
    });
    expect(pen.status).toBe(423);
    expect(pen.body.error.message).toBe('Ann holds the pen; ask for it');
    await rest.call('POST', `/api/workflows/${id}/pen/handover`, { as: owner.as, body: { userId: editor.user.id } });
    expect((await rest.call('PATCH', `/api/workflows/${id}`, { as: editor.as, body: { name: 'Ben' } })).status).toBe(
      200,
    );
    expect((await rest.call('PATCH', `/api/workflows/${id}`, { as: owner.as, body: { name: 'Ann' } })).status).toBe(
      423,
    );
  });
});
