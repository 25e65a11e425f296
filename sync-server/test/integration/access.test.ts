import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloseCodes } from '#shared/protocol/close-codes.ts';
import { restClient } from '../helpers/rest.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';
import { closeCodeOf, connectClient, waitFor, type YwsClient } from '../helpers/yws-client.ts';

/** Who may join a room, over real sockets with the stock y-websocket client (SPEC AUTH1–AUTH4). */

let t: TestServer;
let rest: ReturnType<typeof restClient>;
let owner: Awaited<ReturnType<ReturnType<typeof restClient>['signup']>>;
let viewer: typeof owner;
let outsider: typeof owner;
let workflowId: string;
const clients: YwsClient[] = [];

beforeAll(async () => {
  t = await startTestServer();
  await t.listen();
  rest = restClient(t.baseUrl);
  await rest.signup('admin@example.com');
  owner = await rest.signup('owner@example.com');
  viewer = await rest.signup('viewer@example.com');
  outsider = await rest.signup('outsider@example.com');
  workflowId = await rest.createWorkflow(owner.as, 'Guarded');
  await rest.addMember(owner.as, workflowId, viewer, 'viewer');
});

afterAll(async () => {
  for (const c of clients) c.destroy();
  await t.close();
});

const client = (...args: Parameters<typeof connectClient>) => {
  const c = connectClient(...args);
  clients.push(c);
  return c;
};

describe('joining a room', () => {
  it('AUTH1: no credentials or a wrong token → 4401', async () => {
    expect(await closeCodeOf(`${t.wsUrl}/${workflowId}`)).toMatchObject({ code: CloseCodes.unauthorized });
    expect(await closeCodeOf(`${t.wsUrl}/${workflowId}?token=weft_wrong`)).toMatchObject({
      code: CloseCodes.unauthorized,
    });
    // The stock client sees the same code and, since 44xx is permanent, stops retrying.
    const c = client(t.wsUrl, workflowId, {});
    await waitFor('a close', () => c.closes.length > 0);
    expect(c.closes[0]?.code).toBe(CloseCodes.unauthorized);
    expect(c.provider.shouldConnect).toBe(false);
  });

  it("AUTH2: another user's workflow → 4403; a workflow that does not exist → 4404", async () => {
    expect(await closeCodeOf(`${t.wsUrl}/${workflowId}?token=${outsider.token}`)).toMatchObject({
      code: CloseCodes.forbidden,
    });
    expect(await closeCodeOf(`${t.wsUrl}/noSuchWorkflow?token=${owner.token}`)).toMatchObject({
      code: CloseCodes.notFound,
    });
  });

  it('AUTH3: a session cookie works from the same origin and is refused from another (4403)', async () => {
    const host = new URL(t.baseUrl).host;
    const same = client(t.wsUrl, workflowId, { headers: { cookie: owner.cookie, origin: `http://${host}` } });
    await same.synced();
    expect(
      await closeCodeOf(`${t.wsUrl}/${workflowId}`, { cookie: owner.cookie, origin: 'https://evil.example' }),
    ).toMatchObject({ code: CloseCodes.forbidden });
  });

  it("AUTH4: a viewer receives edits live, but the viewer's edits are neither applied nor relayed", async () => {
    const editor = client(t.wsUrl, workflowId, { token: owner.token });
    const watcher = client(t.wsUrl, workflowId, { token: owner.token });
    const view = client(t.wsUrl, workflowId, { token: viewer.token });
    await Promise.all([editor.synced(), watcher.synced(), view.synced()]);
    editor.doc.getMap('meta').set('note', 'from the editor');
    await waitFor('the viewer to receive the edit', () => view.doc.getMap('meta').get('note') === 'from the editor');
    view.doc.getMap('meta').set('note', 'from the viewer');
    view.doc.getMap('meta').set('viewerOnly', true);
    // A later edit by the editor reaches the watcher; the viewer's never does.
    editor.doc.getMap('meta').set('marker', 1);
    await waitFor('the marker', () => watcher.doc.getMap('meta').get('marker') === 1);
    expect(watcher.doc.getMap('meta').get('note')).toBe('from the editor');
    expect(watcher.doc.getMap('meta').has('viewerOnly')).toBe(false);
    const fresh = client(t.wsUrl, workflowId, { token: owner.token });
    await fresh.synced();
    expect(fresh.doc.getMap('meta').get('note')).toBe('from the editor');
    expect(fresh.doc.getMap('meta').has('viewerOnly')).toBe(false);
    // And the viewer's own socket stays open: it keeps receiving.
    editor.doc.getMap('meta').set('marker', 2);
    await waitFor('the viewer to receive the second marker', () => view.doc.getMap('meta').get('marker') === 2);
    expect(view.closes).toEqual([]);
  });

  it('SYNC5: awareness of a closed socket is removed for everyone, though every stock client echoes it', async () => {
    // Several sockets of the same user and of others are in the room: each re-broadcasts what it hears.
    const others = [owner, owner, viewer].map((u) => client(t.wsUrl, workflowId, { token: u.token }));
    const a = client(t.wsUrl, workflowId, { token: owner.token });
    const b = client(t.wsUrl, workflowId, { token: viewer.token });
    await Promise.all([a.synced(), b.synced(), ...others.map((o) => o.synced())]);
    a.provider.awareness.setLocalStateField('user', { name: 'Owner' });
    await waitFor('b to see a', () => b.provider.awareness.getStates().get(a.doc.clientID) !== undefined);
    a.provider.disconnect();
    await waitFor('b to see a leave', () => !b.provider.awareness.getStates().has(a.doc.clientID));
    // a comes back with the same client id: its presence shows again (no stale ownership by an echoer).
    a.provider.connect();
    await a.synced();
    a.provider.awareness.setLocalStateField('user', { name: 'Owner again' });
    await waitFor('b to see a again', () => {
      const state = b.provider.awareness.getStates().get(a.doc.clientID) as { user?: { name: string } } | undefined;
      return state?.user?.name === 'Owner again';
    });
  });
});
