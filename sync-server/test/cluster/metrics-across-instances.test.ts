import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { waitUntil } from '../helpers/engine-process.ts';
import { usePgDatabases } from '../helpers/pg-databases.ts';
import { parseMetrics } from '../helpers/prometheus.ts';
import { startRedis, type ThrowawayRedis } from '../helpers/redis.ts';
import { restClient } from '../helpers/rest.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';

/**
 * Metrics of two instances on one PostgreSQL and one Redis (the BullMQ queue):
 * each reports the whole queue, and a run's end is counted once, by the
 * instance that ended it.
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

const read = async (t: TestServer) => parseMetrics(await t.server.metrics.text());
const gauge = async (t: TestServer, name: string) => Number((await read(t)).get(name)?.metrics[0]?.value);
const ended = async (t: TestServer, labels: { status: string; mode: string }) =>
  Number(
    (await read(t))
      .get('weft_executions_total')
      ?.metrics.find((m) => m.labels?.status === labels.status && m.labels.mode === labels.mode)?.value ?? 0,
  );

describe('metrics in a cluster', () => {
  it('every instance reports the queued run; its cancel is counted once across the cluster', async () => {
    const db = await databases.fresh();
    const redisPrefix = `t${randomBytes(4).toString('hex')}`;
    for (let i = 0; i < 2; i++) {
      const t = await startTestServer({ databaseUrl: db.url, redisUrl: redis.url, redisPrefix });
      servers.push(t);
      await t.listen();
    }
    const [a, b] = servers as [TestServer, TestServer];
    const onA = restClient(a.baseUrl);
    const owner = await onA.signup('owner@example.com');
    const imported = await onA.call<{ id: string }>('POST', '/api/workflows/import', {
      body: {
        weft: 1,
        name: 'Waits',
        nodes: [
          {
            id: 'start',
            name: 'start',
            type: 'manualTrigger',
            typeVersion: 1,
            position: { x: 0, y: 0 },
            parameters: {},
          },
        ],
        edges: [],
      },
      as: owner.as,
    });
    expect(imported.status).toBe(201);
    // No engine anywhere: the run waits.
    const run = await onA.call<{ id: string }>('POST', `/api/workflows/${imported.body.id}/run`, { as: owner.as });
    expect(run.status).toBe(201);
    for (const t of [a, b]) {
      await waitUntil(
        async () => ((await gauge(t, 'weft_queued_executions')) === 1 ? true : undefined),
        'each instance to count the queued run',
      );
      expect(await gauge(t, 'weft_engines')).toBe(0);
    }

    expect((await onA.call('POST', `/api/executions/${run.body.id}/stop`, { as: owner.as })).status).toBe(202);
    const canceled = { status: 'canceled', mode: 'manual' };
    await waitUntil(
      async () => ((await ended(a, canceled)) + (await ended(b, canceled)) === 1 ? true : undefined),
      'the cancel to be counted',
    );
    for (const t of [a, b]) {
      await waitUntil(
        async () => ((await gauge(t, 'weft_queued_executions')) === 0 ? true : undefined),
        'the queue to be empty everywhere',
      );
    }
    // Counted once: not again by the other instance a little later.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect((await ended(a, canceled)) + (await ended(b, canceled))).toBe(1);
  });
});
