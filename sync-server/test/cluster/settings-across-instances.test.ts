import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { usePgDatabases } from '../helpers/pg-databases.ts';
import { startRedis, type ThrowawayRedis } from '../helpers/redis.ts';
import { restClient } from '../helpers/rest.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';

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
});
