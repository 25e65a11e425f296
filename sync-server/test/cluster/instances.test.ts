import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CloseCodes } from '#shared/protocol/close-codes.ts';
import { EncryptionKeyMismatchError } from '../../src/credentials/cipher.ts';
import { InstanceConflictError } from '../../src/db/pg-session.ts';
import { usePgDatabases } from '../helpers/pg-databases.ts';
import { startRedis, type ThrowawayRedis } from '../helpers/redis.ts';
import { restClient } from '../helpers/rest.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';
import { connectClient, waitFor, type YwsClient } from '../helpers/yws-client.ts';

/**
 * Whole servers as a cluster (docs/plans/scale-out.md §5, §5.11, §7): two
 * instances with their own data directories on one PostgreSQL (DATABASE_URL)
 * and one Redis (REDIS_URL). An account made on one signs in on the other,
 * stock clients on different instances edit one workflow together, and access
 * taken away on one instance — or by a write to the database no instance
 * made, as `weft user disable` does — closes sockets on every instance.
 */

const databases = usePgDatabases();
let redis: ThrowawayRedis;
const servers: TestServer[] = [];
const clients: YwsClient[] = [];

beforeAll(async () => {
  redis = await startRedis();
});
afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  for (const s of servers.splice(0).reverse()) await s.close();
});
afterAll(async () => {
  await redis.stop();
});

const instance = async (
  databaseUrl: string,
  cluster = true,
  overrides: Parameters<typeof startTestServer>[0] = {},
): Promise<TestServer> => {
  const t = await startTestServer({ databaseUrl, ...(cluster ? { redisUrl: redis.url } : {}), ...overrides });
  servers.push(t);
  await t.listen();
  return t;
};

const open = (t: TestServer, workflowId: string, token: string) => {
  const client = connectClient(t.wsUrl, workflowId, { token });
  clients.push(client);
  return client;
};

/** Two instances on one fresh database, an owner and an editor of one workflow (made on A). */
const cluster = async () => {
  const db = await databases.fresh();
  const a = await instance(db.url);
  const b = await instance(db.url);
  const onA = restClient(a.baseUrl);
  const owner = await onA.signup('owner@example.com');
  const editor = await onA.signup('editor@example.com');
  const workflowId = await onA.createWorkflow(owner.as, 'Shared');
  await onA.addMember(owner.as, workflowId, editor, 'editor');
  return { db, a, b, onA, onB: restClient(b.baseUrl), owner, editor, workflowId };
};

describe('instances on one PostgreSQL and one Redis', () => {
  it('share accounts and workflows, and stock clients on different instances edit one document', async () => {
    const { a, b, onB, owner, editor, workflowId } = await cluster();
    // Signed up on A, the token works on B, and B lists the workflow made on A.
    const listed = await onB.call<{ workflows: { id: string }[] }>('GET', '/api/workflows', {
      as: { token: owner.token },
    });
    expect(listed.status).toBe(200);
    expect(listed.body.workflows.map((w) => w.id)).toContain(workflowId);

    const onA = open(a, workflowId, owner.token);
    const onBClient = open(b, workflowId, editor.token);
    await Promise.all([onA.synced(), onBClient.synced()]);
    onA.doc.getMap('meta').set('from', 'a');
    onBClient.doc.getMap('meta').set('also', 'b');
    await waitFor('both edits on both instances', () =>
      [onA, onBClient].every(
        (c) => c.doc.getMap('meta').get('from') === 'a' && c.doc.getMap('meta').get('also') === 'b',
      ),
    );
    // A newcomer on B after both rooms unloaded reads both edits from PostgreSQL.
    onA.destroy();
    onBClient.destroy();
    await new Promise((r) => setTimeout(r, 300));
    const late = open(b, workflowId, owner.token);
    await late.synced();
    expect(late.doc.getMap('meta').toJSON()).toMatchObject({ from: 'a', also: 'b' });
  });

  it('a workflow activated through one instance shows as active to a stock client on the other', async () => {
    const { b, onA, owner, editor, workflowId } = await cluster();
    const watcher = open(b, workflowId, editor.token);
    await watcher.synced();
    const hook = {
      weft: 1,
      name: 'Hook',
      nodes: [
        {
          id: 'hook',
          name: 'Hook',
          type: 'webhook',
          typeVersion: 1,
          position: { x: 0, y: 0 },
          parameters: { path: `p-${workflowId}`, httpMethod: 'POST' },
        },
      ],
      edges: [],
    };
    const imported = await onA.call<{ id: string }>('POST', '/api/workflows/import', { body: hook, as: owner.as });
    expect(imported.status).toBe(201);
    const other = open(b, imported.body.id, owner.token);
    await other.synced();
    expect((await onA.call('POST', `/api/workflows/${imported.body.id}/publish`, { as: owner.as })).status).toBe(200);
    expect((await onA.call('POST', `/api/workflows/${imported.body.id}/activate`, { as: owner.as })).status).toBe(200);
    const serverTrigger = () => {
      for (const state of other.provider.awareness.getStates().values()) {
        const s = state as { server?: boolean; trigger?: { active: boolean } };
        if (s.server) return s.trigger;
      }
      return undefined;
    };
    await waitFor('B to show the trigger active', () => serverTrigger()?.active === true, 3000);
  });

  it('access taken away on one instance closes the socket on the other within 1 s', async () => {
    const { b, onA, owner, editor, workflowId } = await cluster();
    const socket = open(b, workflowId, editor.token);
    await socket.synced();
    const started = Date.now();
    const removed = await onA.call('DELETE', `/api/workflows/${workflowId}/members/${editor.user.id}`, {
      as: owner.as,
    });
    expect(removed.status).toBe(204);
    await waitFor('the close on B', () => socket.closes.some((c) => c.code === CloseCodes.forbidden), 2000);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('a write no instance made (an admin command disabling a user) closes that user’s sockets on every instance', async () => {
    const { db, a, b, editor, workflowId } = await cluster();
    const onA = open(a, workflowId, editor.token);
    const onB = open(b, workflowId, editor.token);
    await Promise.all([onA.synced(), onB.synced()]);
    const outside = await db.open();
    const started = Date.now();
    await outside.pool.query('update users set disabled_at = $1 where id = $2', [Date.now(), editor.user.id]);
    await waitFor('both sockets closed', () =>
      [onA, onB].every((c) => c.closes.some((x) => x.code === CloseCodes.unauthorized)),
    );
    expect(Date.now() - started).toBeLessThan(1000);
  });
});

describe('limits on guessing are the cluster’s, not each instance’s', () => {
  it('failed log-ins spread over two instances lock the account after the limit, counted once', async () => {
    const db = await databases.fresh();
    // A prefix of this test's own: the counts live in the shared Redis.
    const limits = { loginLimitPerAccount: 3, redisPrefix: `limits${Date.now()}` };
    const a = await instance(db.url, true, limits);
    const b = await instance(db.url, true, limits);
    await restClient(a.baseUrl).signup('ann@example.com', 'Ann', 'right password 1');
    const login = (t: TestServer, password: string) =>
      restClient(t.baseUrl).call('POST', '/api/auth/login', { body: { email: 'ann@example.com', password } });
    expect((await login(a, 'guess 1')).status).toBe(401);
    expect((await login(b, 'guess 2')).status).toBe(401);
    expect((await login(a, 'guess 3')).status).toBe(401);
    // Alone, each instance would have counted 2 and 1 and let these through.
    expect((await login(b, 'right password 1')).status).toBe(429);
    expect((await login(a, 'right password 1')).status).toBe(429);
  });
});

describe('every instance of a cluster has the same credential key', () => {
  it('an instance started with another key is refused before it serves, even while no credential exists yet', async () => {
    const db = await databases.fresh();
    await instance(db.url);
    await expect(
      startTestServer({ databaseUrl: db.url, redisUrl: redis.url, encryptionKey: Buffer.alloc(32, 9) }),
    ).rejects.toThrow(EncryptionKeyMismatchError);
    // The refused one left nothing behind: an instance with the right key still joins.
    await instance(db.url);
  });
});

describe('an instance without REDIS_URL uses its PostgreSQL database alone', () => {
  it('a second lone instance is refused, and so is a cluster instance beside a lone one', async () => {
    const db = await databases.fresh();
    await instance(db.url, false);
    await expect(startTestServer({ databaseUrl: db.url })).rejects.toThrow(InstanceConflictError);
    await expect(startTestServer({ databaseUrl: db.url, redisUrl: redis.url })).rejects.toThrow(
      /uses this database alone; set REDIS_URL on every instance/,
    );
  });

  it('a lone instance is refused beside a cluster', async () => {
    const db = await databases.fresh();
    await instance(db.url);
    await instance(db.url);
    await expect(startTestServer({ databaseUrl: db.url })).rejects.toThrow(/another Weft uses this database/);
  });
});
