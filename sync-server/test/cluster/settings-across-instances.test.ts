import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { usePgDatabases } from '../helpers/pg-databases.ts';
import { startRedis, type ThrowawayRedis } from '../helpers/redis.ts';
import { restClient } from '../helpers/rest.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';
import { openSse } from '../helpers/sse-client.ts';
import { connectClient, waitFor } from '../helpers/yws-client.ts';
import { CloseCodes } from '#shared/protocol/close-codes.ts';

/**
 * Instance settings in a cluster: two instances on one PostgreSQL and one
 * Redis; an admin closes sign-up on A, and B refuses sign-ups too within a
 * second (PostgreSQL NOTIFY), without a restart; opening it again on B reaches A.
 */

const databases = usePgDatabases();
let redis: ThrowawayRedis;
const servers: TestServer[] = [];

beforeAll(async () => {
  redis = await startRedis();
});
afterEach(async () => {
  for (const s of servers.splice(0).reverse()) await s.close();
});
afterAll(async () => {
  await redis.stop();
});

const instance = async (databaseUrl: string): Promise<TestServer> => {
  const t = await startTestServer({ databaseUrl, redisUrl: redis.url, authLimitPerAddress: 10_000 });
  servers.push(t);
  await t.listen();
  return t;
};

describe('settings across instances', () => {
  it('a change on one instance is in force on the other within seconds', async () => {
    const db = await databases.fresh();
    const a = await instance(db.url);
    const b = await instance(db.url);
    const onA = restClient(a.baseUrl);
    const onB = restClient(b.baseUrl);
    const admin = await onA.signup('admin@example.com');
    const signUp = (rest: typeof onA, email: string) =>
      rest.call('POST', '/api/auth/signup', { body: { email, password: 'correct horse battery', name: 'X' } });

    expect((await onA.call('PATCH', '/api/admin/settings', { body: { signup: 'closed' }, as: admin.as })).status).toBe(
      200,
    );
    expect((await signUp(onA, 'one@example.com')).status).toBe(403);
    await expect
      .poll(async () => (await signUp(onB, 'two@example.com')).status, { timeout: 2_000, interval: 100 })
      .toBe(403);
    expect((await onB.call('GET', '/api/admin/settings', { as: { token: admin.token } })).body).toMatchObject({
      signup: 'closed',
    });

    expect(
      (await onB.call('PATCH', '/api/admin/settings', { body: { signup: 'open' }, as: { token: admin.token } })).status,
    ).toBe(200);
    await expect
      .poll(async () => (await signUp(onA, 'three@example.com')).status, { timeout: 2_000, interval: 100 })
      .toBe(201);
  });

  it('an admin role taken away on one instance closes what it opened on the other (socket and live feed)', async () => {
    const db = await databases.fresh();
    const a = await instance(db.url);
    const b = await instance(db.url);
    const onA = restClient(a.baseUrl);
    const admin = await onA.signup('admin-role@example.com');
    const vera = await onA.signup('vera-role@example.com');
    const foreign = await onA.createWorkflow(admin.as, 'Not hers');
    expect((await onA.call('POST', `/api/admin/users/${vera.user.id}/admin`, { as: admin.as })).status).toBe(200);

    // As an admin, through instance B: the workflow she is no member of, and a feed that reads everything.
    const socket = connectClient(b.wsUrl, foreign, { token: vera.token });
    await socket.synced();
    const feed = await openSse(`${b.baseUrl}/api/live`, { authorization: `Bearer ${vera.token}` });
    await feed.next((e) => e.event === 'ready', 'ready');

    expect((await onA.call('DELETE', `/api/admin/users/${vera.user.id}/admin`, { as: admin.as })).status).toBe(200);
    await waitFor('the foreign socket on B to close', () => socket.closes.length > 0, 3000);
    expect(socket.closes[0]?.code).toBe(CloseCodes.forbidden);
    // Her feed on B no longer reads the workflow: its runs do not reach her.
    const seen = feed.events.length;
    expect((await onA.call('POST', `/api/workflows/${foreign}/run`, { as: admin.as })).status).toBe(201);
    await new Promise((r) => setTimeout(r, 1000));
    expect(JSON.stringify(feed.events.slice(seen))).not.toContain(foreign);
    socket.destroy();
    feed.close();
  });
});
