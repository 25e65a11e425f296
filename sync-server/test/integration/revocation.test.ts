import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CloseCodes } from '#shared/protocol/close-codes.ts';
import { restClient, type Caller } from '../helpers/rest.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';
import { connectClient, waitFor, type YwsClient } from '../helpers/yws-client.ts';
import { rawSql } from '../helpers/raw-sql.ts';

/**
 * Access taken away is gone now (issue 10, scope 4): for every way access
 * ends, the person's open socket (the stock y-websocket client) is closed
 * within 1 s, and the update it sends right after — before the close reaches
 * it — is not stored: a fresh reader never sees it.
 */

let t: TestServer;
let rest: ReturnType<typeof restClient>;
let admin: Awaited<ReturnType<ReturnType<typeof restClient>['signup']>>;
let owner: typeof admin;
let people = 0;
const clients: YwsClient[] = [];

beforeAll(async () => {
  t = await startTestServer();
  await t.listen();
  rest = restClient(t.baseUrl);
  admin = await rest.signup('admin@example.com');
  owner = await rest.signup('owner@example.com');
});

afterEach(() => {
  for (const c of clients.splice(0)) c.destroy();
});

afterAll(async () => {
  await t.close();
});

/** A stock client that remembers when each close arrived. */
const open = (workflowId: string, auth: { token?: string; cookie?: string }) => {
  const origin = `http://${new URL(t.baseUrl).host}`;
  const client = connectClient(
    t.wsUrl,
    workflowId,
    auth.cookie ? { headers: { cookie: auth.cookie, origin } } : { token: auth.token ?? '' },
  );
  clients.push(client);
  const closedAt: { code: number; at: number }[] = [];
  client.provider.on('connection-close', (event: unknown) => {
    const e = event as { code: number } | null;
    if (e) closedAt.push({ code: e.code, at: Date.now() });
  });
  return { client, closedAt };
};

const login = async (email: string): Promise<Caller> => {
  const res = await rest.call('POST', '/api/auth/login', {
    body: { email, password: 'correct horse battery' },
    headers: { 'user-agent': `browser ${Math.random()}` },
  });
  expect(res.status).toBe(200);
  return { cookie: (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '' };
};

/** A new person, an editor of a new workflow of the owner's, with an open socket that has written once. */
const editorConnected = async (auth: 'token' | 'cookie' = 'token') => {
  const n = ++people;
  const victim = await rest.signup(`victim${n}@example.com`);
  const workflowId = await rest.createWorkflow(owner.as, `Shared ${n}`);
  await rest.addMember(owner.as, workflowId, victim, 'editor');
  const socket = open(workflowId, auth === 'token' ? { token: victim.token } : { cookie: victim.cookie });
  await socket.client.synced();
  // It can write: a fresh reader sees its first edit.
  socket.client.doc.getMap('meta').set('before', n);
  const reader = await freshRead(workflowId, (meta) => meta.get('before') === n);
  expect(reader.get('before')).toBe(n);
  return { victim, workflowId, socket };
};

/**
 * What a new socket of the owner reads from the server: the whole stored
 * document once synced, or, given `until`, once an edit still in flight arrived.
 */
const freshRead = async (workflowId: string, until?: (meta: Map<string, unknown>) => boolean) => {
  const reader = open(workflowId, { token: owner.token }).client;
  await reader.synced();
  const meta = () => new Map(reader.doc.getMap('meta').entries());
  if (until) await waitFor('the reader to see the edit', () => until(meta()), 2000);
  const seen = meta();
  reader.destroy();
  return seen;
};

/**
 * Takes access away with `revoke`, writes from the victim's client right after
 * it answered, and checks: a close with `code` within 1 s of the request, and
 * the write never stored.
 */
const expectRevoked = async (
  socket: ReturnType<typeof open>,
  workflowId: string,
  code: number,
  revoke: () => Promise<void>,
) => {
  const started = Date.now();
  await revoke();
  // Sent on a socket the client still believes open: the close frame may be on its way.
  socket.client.doc.getMap('meta').set('after', 'must not be stored');
  await waitFor(`close ${code}`, () => socket.closedAt.some((c) => c.code === code), 2000);
  const closed = socket.closedAt.find((c) => c.code === code);
  expect(closed, 'the socket was closed').toBeDefined();
  expect((closed?.at ?? Infinity) - started).toBeLessThan(1000);
  // Give anything that got through the time to be stored, then read as a newcomer.
  await new Promise((r) => setTimeout(r, 300));
  const seen = await freshRead(workflowId);
  expect(seen.has('before')).toBe(true);
  expect(seen.has('after')).toBe(false);
  // Nor is it in the update log under the victim's name after the change.
  const [rows] = await rawSql<{ n: number }>(
    t.server,
    'select count(*) as n from doc_updates where doc_id = ? and created_at >= ? and author_id is not null',
    [workflowId, started],
  );
  expect(rows?.n).toBe(0);
};

describe('an open socket loses access at once', () => {
  it('when its person is removed from the workflow (4403)', async () => {
    const { victim, workflowId, socket } = await editorConnected();
    await expectRevoked(socket, workflowId, CloseCodes.forbidden, async () => {
      const res = await rest.call('DELETE', `/api/workflows/${workflowId}/members/${victim.user.id}`, {
        as: owner.as,
      });
      expect(res.status).toBe(204);
    });
    expect(socket.client.provider.shouldConnect).toBe(false);
  });

  it('when its role is lowered to viewer (4100, then back as a viewer whose edits are dropped)', async () => {
    const { victim, workflowId, socket } = await editorConnected();
    await expectRevoked(socket, workflowId, CloseCodes.roleChanged, async () => {
      const res = await rest.call('POST', `/api/workflows/${workflowId}/members`, {
        body: { email: victim.user.email, role: 'viewer' },
        as: owner.as,
      });
      expect(res).toMatchObject({ status: 200, body: { role: 'viewer' } });
    });
    // The stock client reconnected by itself and reads as a viewer: it receives, its edits are dropped.
    await waitFor('the viewer to be back', () => socket.client.provider.wsconnected && socket.client.provider.synced);
    const writer = open(workflowId, { token: owner.token }).client;
    await writer.synced();
    writer.doc.getMap('meta').set('news', 1);
    await waitFor('the viewer to receive', () => socket.client.doc.getMap('meta').get('news') === 1);
    socket.client.doc.getMap('meta').set('later', 'from a viewer');
    await new Promise((r) => setTimeout(r, 300));
    const seen = await freshRead(workflowId, (meta) => meta.get('news') === 1);
    expect(seen.get('news')).toBe(1);
    expect(seen.has('after')).toBe(false);
    expect(seen.has('later')).toBe(false);
  });

  it('when its session logs out (4401)', async () => {
    const { victim, workflowId, socket } = await editorConnected('cookie');
    await expectRevoked(socket, workflowId, CloseCodes.unauthorized, async () => {
      expect((await rest.call('POST', '/api/auth/logout', { as: victim.as })).status).toBe(204);
    });
  });

  it('when its session is ended from another browser (4401), while the other browser’s socket stays', async () => {
    const { victim, workflowId, socket } = await editorConnected('cookie');
    const other = await login(victim.user.email);
    const otherSocket = open(workflowId, { cookie: other.cookie ?? '' });
    await otherSocket.client.synced();
    const sessions = await rest.call<{ sessions: { id: string; current: boolean }[] }>('GET', '/api/auth/sessions', {
      as: other,
    });
    const first = sessions.body.sessions.filter((s) => !s.current);
    expect(first).toHaveLength(1);
    await expectRevoked(socket, workflowId, CloseCodes.unauthorized, async () => {
      expect((await rest.call('DELETE', `/api/auth/sessions/${first[0]?.id}`, { as: other })).status).toBe(204);
    });
    expect(otherSocket.closedAt).toEqual([]);
    otherSocket.client.doc.getMap('meta').set('fromTheOther', true);
    expect((await freshRead(workflowId, (meta) => meta.get('fromTheOther') === true)).get('fromTheOther')).toBe(true);
  });

  it('when its API token is deleted (4401), while a socket on another token stays', async () => {
    const { victim, workflowId, socket } = await editorConnected('token');
    const spare = await rest.call<{ token: string }>('POST', '/api/tokens', { body: { name: 'spare' }, as: victim.as });
    const spareSocket = open(workflowId, { token: spare.body.token });
    await spareSocket.client.synced();
    const tokens = await rest.call<{ tokens: { id: string; name: string }[] }>('GET', '/api/tokens', {
      as: victim.as,
    });
    const used = tokens.body.tokens.find((tk) => tk.name === 'test');
    await expectRevoked(socket, workflowId, CloseCodes.unauthorized, async () => {
      expect((await rest.call('DELETE', `/api/tokens/${used?.id}`, { as: victim.as })).status).toBe(204);
    });
    expect(spareSocket.closedAt).toEqual([]);
  });

  it('when its account is deleted (4401)', async () => {
    const { victim, workflowId, socket } = await editorConnected('token');
    const cookieSocket = open(workflowId, { cookie: victim.cookie });
    await cookieSocket.client.synced();
    await expectRevoked(socket, workflowId, CloseCodes.unauthorized, async () => {
      const res = await rest.call('DELETE', '/api/me', { body: { password: 'correct horse battery' }, as: victim.as });
      expect(res.status).toBe(204);
    });
    await waitFor('the cookie socket to close', () => cookieSocket.closedAt.length > 0, 1000);
    expect(cookieSocket.closedAt[0]?.code).toBe(CloseCodes.unauthorized);
  });

  it('when the admin disables its account (4401)', async () => {
    const { victim, workflowId, socket } = await editorConnected('token');
    const cookieSocket = open(workflowId, { cookie: victim.cookie });
    await cookieSocket.client.synced();
    await expectRevoked(socket, workflowId, CloseCodes.unauthorized, async () => {
      const res = await rest.call('POST', `/api/admin/users/${victim.user.id}/disable`, { as: admin.as });
      expect(res.status).toBe(200);
    });
    await waitFor('the cookie socket to close', () => cookieSocket.closedAt.length > 0, 1000);
    expect(cookieSocket.closedAt[0]?.code).toBe(CloseCodes.unauthorized);
    // A new socket is refused too, with the token or the cookie.
    const again = open(workflowId, { token: victim.token });
    await waitFor('the new socket to be refused', () => again.closedAt.length > 0);
    expect(again.closedAt[0]?.code).toBe(CloseCodes.unauthorized);
  });
});
