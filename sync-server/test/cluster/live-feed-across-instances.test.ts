import type { ChildProcess } from 'node:child_process';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createId } from '#shared/ids.ts';
import type { LiveExecutions, LivePresence } from '#shared/protocol/live-feed.ts';
import { startEngine, stopEngine } from '../helpers/engine-process.ts';
import { usePgDatabases } from '../helpers/pg-databases.ts';
import { startRedis, type ThrowawayRedis } from '../helpers/redis.ts';
import { restClient } from '../helpers/rest.ts';
import { openSse, type SseClient, type SseEvent } from '../helpers/sse-client.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';
import { connectClient, type YwsClient } from '../helpers/yws-client.ts';

/**
 * The live feed of a cluster (docs/plans/home-insights.md §1): whole
 * instances on one PostgreSQL and one Redis. Someone opening a workflow
 * through one instance shows on a feed served by another, a run executed
 * beside one instance reaches a feed on another, and the presence of an
 * instance that stops goes with it.
 */

const databases = usePgDatabases();
let redis: ThrowawayRedis;
const servers: TestServer[] = [];
const engines: ChildProcess[] = [];
const clients: YwsClient[] = [];
const feeds: SseClient[] = [];

beforeAll(async () => {
  redis = await startRedis();
});
afterEach(async () => {
  for (const f of feeds.splice(0)) f.close();
  for (const c of clients.splice(0)) c.destroy();
  await Promise.all(engines.splice(0).map((e) => stopEngine(e)));
  for (const s of servers.splice(0).reverse()) await s.close();
});
afterAll(async () => {
  await redis.stop();
});

const presenceOf = (workflowId: string, names: string[]) => (e: SseEvent) =>
  e.event === 'presence' &&
  (e.data as LivePresence).workflowId === workflowId &&
  JSON.stringify((e.data as LivePresence).users.map((u) => u.name)) === JSON.stringify(names);

describe('the live feed across instances', () => {
  it('carries presence and runs from one instance to the feeds of another', async () => {
    const db = await databases.fresh();
    const redisPrefix = `t${createId(8)}`;
    for (let i = 0; i < 2; i++) {
      const t = await startTestServer({ databaseUrl: db.url, redisUrl: redis.url, redisPrefix });
      servers.push(t);
      await t.listen();
    }
    const [a, b] = servers as [TestServer, TestServer];
    engines.push(await startEngine(a.baseUrl));
    const restA = restClient(a.baseUrl);
    const ann = await restA.signup('ann-cluster-feed@example.com', 'Ann');
    const ben = await restA.signup('ben-cluster-feed@example.com', 'Ben');
    const imported = await restA.call<{ id: string }>('POST', '/api/workflows/import', {
      as: ann.as,
      body: {
        weft: 1,
        name: 'Across',
        nodes: [{ id: 'go', name: 'Go', type: 'manualTrigger', typeVersion: 1, position: { x: 0, y: 0 } }],
        edges: [],
      },
    });
    expect(imported.status).toBe(201);
    const workflowId = imported.body.id;
    await restA.addMember(ann.as, workflowId, ben, 'viewer');

    // Ben's feed is served by instance B; Ann opens the workflow through instance A.
    const benFeed = await openSse(`${b.baseUrl}/api/live`, { authorization: `Bearer ${ben.token}` });
    feeds.push(benFeed);
    await benFeed.next((e) => e.event === 'ready', 'ready');
    const annClient = connectClient(a.wsUrl, workflowId, { token: ann.token });
    clients.push(annClient);
    await annClient.synced();
    await benFeed.next(presenceOf(workflowId, ['Ann']), 'Ann, seen from the other instance');

    // A run made and executed beside A reaches the feed on B, through to its end.
    const run = await restA.call<{ id: string }>('POST', `/api/workflows/${workflowId}/run`, { as: ann.as });
    expect(run.status).toBe(201);
    await benFeed.next(
      (e) =>
        e.event === 'executions' &&
        (e.data as LiveExecutions).executions.some((x) => x.id === run.body.id && x.status === 'succeeded'),
      'the run, seen from the other instance',
    );

    // A feed opened on B later starts with A's presence in its snapshot.
    const late = await openSse(`${b.baseUrl}/api/live`, { authorization: `Bearer ${ben.token}` });
    feeds.push(late);
    const ready = await late.next((e) => e.event === 'ready', 'ready');
    expect(late.events.slice(0, late.events.indexOf(ready)).some(presenceOf(workflowId, ['Ann']))).toBe(true);

    // Instance A stops: its people leave the other instance's feeds.
    annClient.destroy();
    clients.splice(0);
    await Promise.all(engines.splice(0).map((e) => stopEngine(e)));
    await a.close();
    servers.splice(servers.indexOf(a), 1);
    await benFeed.next(presenceOf(workflowId, []), 'Ann gone with her instance');
  }, 120_000);
});
