import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import type { AuditPageDto } from '#shared/api/audit.ts';
import type { ModeDto } from '#shared/api/modes.ts';
import { usePgDatabases } from '../helpers/pg-databases.ts';
import { startRedis, type ThrowawayRedis } from '../helpers/redis.ts';
import { restClient } from '../helpers/rest.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';

/**
 * The pen's idle release on a cluster (docs/plans/collaboration.md §5.4,
 * §6.2): every instance sweeps, each sweep is one conditional UPDATE, and
 * only the instance whose UPDATE returned the row records `pen.released`,
 * so two instances sweeping the same PostgreSQL every few milliseconds leave
 * exactly one event per release, over several rounds of taking the pen.
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

const IDLE_MS = 150;

const instance = async (databaseUrl: string): Promise<TestServer> => {
  // Sweeps far more often than the idle time, so both instances find the same idle pens.
  const t = await startTestServer({ databaseUrl, redisUrl: redis.url, penIdleMs: IDLE_MS, modeSweepMs: 5 });
  servers.push(t);
  await t.listen();
  return t;
};

it('two instances sweeping one database record each idle release once', async () => {
  const db = await databases.fresh();
  const a = await instance(db.url);
  const b = await instance(db.url);
  const onA = restClient(a.baseUrl);
  const onB = restClient(b.baseUrl);
  const owner = await onA.signup('owner@example.com', 'Olga');
  const workflows: string[] = [];
  for (let i = 0; i < 6; i++) workflows.push(await onA.createWorkflow(owner.as, `Pen ${i}`));
  // Setting pen mode gives the setter the pen; each of these goes idle at about the same time.
  for (const id of workflows) {
    expect((await onA.call('PUT', `/api/workflows/${id}/mode`, { as: owner.as, body: { mode: 'pen' } })).status).toBe(
      200,
    );
  }
  const ROUNDS = 3;
  for (let round = 1; round < ROUNDS; round++) {
    for (const id of workflows) {
      await expect
        .poll(async () => (await onB.call<ModeDto>('GET', `/api/workflows/${id}/mode`, { as: owner.as })).body.pen, {
          timeout: 5_000,
        })
        .toMatchObject({ holder: null });
    }
    // Taken again through the other instance: the next round's release is a new event.
    for (const id of workflows) {
      expect((await onB.call('POST', `/api/workflows/${id}/pen`, { as: owner.as })).status).toBe(200);
    }
  }
  const releases = async (id: string) =>
    (await onA.call<AuditPageDto>('GET', `/api/workflows/${id}/audit?action=pen.released`, { as: owner.as })).body
      .events;
  for (const id of workflows) {
    await expect.poll(async () => (await releases(id)).length, { timeout: 5_000 }).toBe(ROUNDS);
  }
  // Many more sweeps on both instances find nothing more to release or record.
  await new Promise((r) => setTimeout(r, IDLE_MS * 3));
  for (const id of workflows) {
    const events = await releases(id);
    expect(events).toHaveLength(ROUNDS);
    for (const e of events) expect(e).toMatchObject({ actor: null, via: 'system', data: { reason: 'idle' } });
  }
});
