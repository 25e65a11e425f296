import type { ChildProcess } from 'node:child_process';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createId } from '#shared/ids.ts';
import { startEngine, stopEngine, waitUntil } from '../helpers/engine-process.ts';
import { usePgDatabases } from '../helpers/pg-databases.ts';
import { startRedis, type ThrowawayRedis } from '../helpers/redis.ts';
import { restClient, type Caller } from '../helpers/rest.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';
import { connectClient, waitFor, type YwsClient } from '../helpers/yws-client.ts';

/**
 * Triggers of a cluster behave as one server's (docs/plans/scale-out.md §6.6,
 * §6.7): whole instances on one PostgreSQL and one Redis, each with a real
 * engine attached (a run is executed beside the instance that created it).
 * A webhook activated through one instance is answered by the others, a path
 * is taken once whichever instances race for it, a schedule fires once per
 * tick however many instances there are (and while one leaves), and "Listen
 * for test event" pressed through one instance hears the event sent to another.
 */

const databases = usePgDatabases();
let redis: ThrowawayRedis;
const servers: TestServer[] = [];
const engines: ChildProcess[] = [];
const clients: YwsClient[] = [];

beforeAll(async () => {
  redis = await startRedis();
});
afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  await Promise.all(engines.splice(0).map((e) => stopEngine(e)));
  for (const s of servers.splice(0).reverse()) await s.close();
});
afterAll(async () => {
  await redis.stop();
});

/** `n` instances on a fresh database, one engine each, a Redis prefix of their own; an owner signed up on the first. */
const cluster = async (n: number, { engines: withEngines = true } = {}) => {
  const db = await databases.fresh();
  const redisPrefix = `t${createId(8)}`;
  const instances: TestServer[] = [];
  for (let i = 0; i < n; i++) {
    const t = await startTestServer({ databaseUrl: db.url, redisUrl: redis.url, redisPrefix });
    servers.push(t);
    await t.listen();
    instances.push(t);
  }
  if (withEngines) engines.push(...(await Promise.all(instances.map((t) => startEngine(t.baseUrl)))));
  const rest = instances.map((t) => restClient(t.baseUrl));
  const owner = await (rest[0] as ReturnType<typeof restClient>).signup('owner@example.com');
  return { db, redisPrefix, instances, rest, owner };
};

const node = (id: string, type: string, parameters: Record<string, unknown>, x = 0) => ({
  id,
  name: id,
  type,
  typeVersion: 1,
  position: { x, y: 0 },
  parameters,
});

/** Webhook → Set, answering with the Set node's output (so the answer proves a run). */
const hookFlow = (path: string, responseMode = 'lastNode') => ({
  weft: 1,
  name: `Hook ${path}`,
  nodes: [
    node('hook', 'webhook', { path, httpMethod: 'POST', responseMode }),
    node('tag', 'set', { assignments: [{ name: 'seen', value: '={{ $json.body.n }}', type: 'string' }] }, 200),
  ],
  edges: [{ source: 'hook', target: 'tag' }],
});

const importFlow = async (rest: ReturnType<typeof restClient>, as: Caller, flow: unknown): Promise<string> => {
  const res = await rest.call<{ id: string }>('POST', '/api/workflows/import', { body: flow, as });
  expect(res.status).toBe(201);
  return res.body.id;
};

const post = (t: TestServer, path: string, n: number) =>
  fetch(`${t.baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ n }),
  });

describe('production webhooks across instances', () => {
  it('activated through A, answered by B at once; deactivated through A, gone from B at once', async () => {
    const { instances, rest, owner } = await cluster(2);
    const [a, b] = instances as [TestServer, TestServer];
    const [onA] = rest as [ReturnType<typeof restClient>];
    const path = `orders-${createId(6)}`;
    const id = await importFlow(onA, owner.as, hookFlow(path));
    expect((await post(b, `/webhook/${path}`, 0)).status).toBe(404);
    expect((await onA.call('POST', `/api/workflows/${id}/publish`, { as: owner.as })).status).toBe(200);
    expect((await onA.call('POST', `/api/workflows/${id}/activate`, { as: owner.as })).status).toBe(200);
    const activatedAt = Date.now();
    // B learns of it by NOTIFY, or by re-reading on the miss: either way within about a second.
    const first = await waitUntil(
      async () => {
        const res = await post(b, `/webhook/${path}`, 1);
        return res.status === 404 ? undefined : res;
      },
      'B to answer the webhook',
      3_000,
    );
    expect(Date.now() - activatedAt).toBeLessThan(1_500);
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ seen: '1' });
    // Every hit on either instance is a run.
    for (const [i, t] of [a, b, b, a].entries()) {
      const res = await post(t, `/webhook/${path}`, 10 + i);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ seen: String(10 + i) });
    }
    expect((await onA.call('POST', `/api/workflows/${id}/deactivate`, { as: owner.as })).status).toBe(200);
    const deactivatedAt = Date.now();
    // A hit is served from B's copy: only the news (NOTIFY) takes it away this fast.
    await waitUntil(
      async () => ((await post(b, `/webhook/${path}`, 2)).status === 404 ? true : undefined),
      'B to stop answering',
      3_000,
    );
    expect(Date.now() - deactivatedAt).toBeLessThan(1_000);
    expect((await post(a, `/webhook/${path}`, 3)).status).toBe(404);
    // Active again through B, then deleted through A: gone from B too.
    expect((await rest[1]?.call('POST', `/api/workflows/${id}/activate`, { as: owner.as }))?.status).toBe(200);
    expect((await post(a, `/webhook/${path}`, 4)).status).toBe(200);
    expect((await onA.call('DELETE', `/api/workflows/${id}`, { as: owner.as })).status).toBe(204);
    await waitUntil(
      async () => ((await post(b, `/webhook/${path}`, 5)).status === 404 ? true : undefined),
      'B to forget the deleted workflow',
      2_000,
    );
  }, 30_000);

  it('two workflows activating one path at once through A and B: exactly one wins, the other hears today’s 409', async () => {
    const { instances, rest, owner } = await cluster(2);
    const [onA, onB] = rest as [ReturnType<typeof restClient>, ReturnType<typeof restClient>];
    for (let round = 0; round < 4; round++) {
      const path = `race-${round}-${createId(6)}`;
      const one = await importFlow(onA, owner.as, hookFlow(path));
      const two = await importFlow(onA, owner.as, hookFlow(path));
      for (const id of [one, two])
        expect((await onA.call('POST', `/api/workflows/${id}/publish`, { as: owner.as })).status).toBe(200);
      const results = await Promise.all([
        onA.call<{ error?: { message: string } }>('POST', `/api/workflows/${one}/activate`, { as: owner.as }),
        onB.call<{ error?: { message: string } }>('POST', `/api/workflows/${two}/activate`, { as: owner.as }),
      ]);
      expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
      const lost = results.find((r) => r.status === 409);
      expect(lost?.body.error?.message).toBe(`Another active workflow already listens on POST /webhook/${path}`);
      const winner = results[0].status === 200 ? one : two;
      // Both instances answer with the winner's run, and only the winner is active.
      for (const t of instances) expect((await post(t, `/webhook/${path}`, round)).status).toBe(200);
      const active = await Promise.all(
        [one, two].map(
          async (id) =>
            (await onA.call<{ active: boolean }>('GET', `/api/workflows/${id}`, { as: owner.as })).body.active,
        ),
      );
      expect(active).toEqual([winner === one, winner === two]);
    }
  }, 30_000);
});

describe('schedules across instances', () => {
  it('a once-a-second schedule on three instances fires once per tick, also while one leaves and another joins', async () => {
    const { db, redisPrefix, instances, rest, owner } = await cluster(3);
    const [onA] = rest as [ReturnType<typeof restClient>];
    const a = instances[0] as TestServer;
    const id = await importFlow(onA, owner.as, {
      weft: 1,
      name: 'Every second',
      nodes: [node('tick', 'scheduleTrigger', { cronExpression: '* * * * * *' })],
      edges: [],
    });
    expect((await onA.call('POST', `/api/workflows/${id}/publish`, { as: owner.as })).status).toBe(200);
    expect((await onA.call('POST', `/api/workflows/${id}/activate`, { as: owner.as })).status).toBe(200);
    const activatedAt = Date.now();
    await new Promise((r) => setTimeout(r, 4_000));
    // The third instance leaves mid-way (its worker finishes what it holds and stops taking ticks),
    // and a new one joins: starting, it writes the active schedules again while they tick.
    const leaving = servers.splice(servers.indexOf(instances[2] as TestServer), 1)[0] as TestServer;
    await stopEngine(engines.pop());
    await leaving.close();
    const joining = await startTestServer({ databaseUrl: db.url, redisUrl: redis.url, redisPrefix });
    servers.push(joining);
    await joining.listen();
    engines.push(await startEngine(joining.baseUrl));
    await new Promise((r) => setTimeout(r, Math.max(0, activatedAt + 10_000 - Date.now())));
    expect((await onA.call('POST', `/api/workflows/${id}/deactivate`, { as: owner.as })).status).toBe(200);
    const deactivatedAt = Date.now();
    // A tick taken just before the deactivation may still be creating its row.
    await new Promise((r) => setTimeout(r, 500));
    const rows = await a.server.storage.executions.list({ workflowIds: [id], limit: 1_000 });
    const keys = rows.map((r) => r.triggerKey);
    const ticks = keys.map((k) => Number(k?.split(':').at(-1)));
    console.log(`schedule: ${rows.length} executions over ${deactivatedAt - activatedAt} ms`);
    // One execution per tick: every run names its tick, no tick twice, no two runs in one second.
    expect(rows.every((r) => r.mode === 'schedule')).toBe(true);
    expect(keys.every((k) => k?.startsWith(`schedule:${id}:tick:`))).toBe(true);
    expect(new Set(keys).size).toBe(rows.length);
    expect(new Set(ticks.map((t) => Math.floor(t / 1000))).size).toBe(rows.length);
    expect(ticks.every((t) => t % 1000 === 0)).toBe(true);
    // And the ticks kept coming: at most a couple lost to the instance leaving.
    const seconds = (deactivatedAt - activatedAt) / 1000;
    expect(rows.length).toBeLessThanOrEqual(Math.ceil(seconds) + 1);
    expect(rows.length).toBeGreaterThanOrEqual(Math.floor(seconds) - 2);
    // Nothing fires after the deactivation.
    await new Promise((r) => setTimeout(r, 1_500));
    expect((await a.server.storage.executions.list({ workflowIds: [id], limit: 1_000 })).length).toBe(rows.length);
  }, 30_000);
});

describe('triggers while Redis is away', () => {
  it('webhooks still activate; a schedule is refused and stays inactive, and activates once Redis is back', async () => {
    const { instances, rest, owner } = await cluster(1, { engines: false });
    const [onA] = rest as [ReturnType<typeof restClient>];
    const hook = await importFlow(onA, owner.as, hookFlow(`away-${createId(6)}`, 'onReceived'));
    const tick = await importFlow(onA, owner.as, {
      weft: 1,
      name: 'Hourly',
      nodes: [node('tick', 'scheduleTrigger', { cronExpression: '0 * * * *' })],
      edges: [],
    });
    for (const id of [hook, tick])
      expect((await onA.call('POST', `/api/workflows/${id}/publish`, { as: owner.as })).status).toBe(200);
    await redis.kill();
    try {
      expect((await onA.call('POST', `/api/workflows/${hook}/activate`, { as: owner.as })).status).toBe(200);
      const asked = Date.now();
      const refused = await onA.call('POST', `/api/workflows/${tick}/activate`, { as: owner.as });
      console.log(`refused after ${Date.now() - asked} ms`);
      expect(refused.status).toBeGreaterThanOrEqual(500);
      const row = await (instances[0] as TestServer).server.storage.workflows.get(tick);
      expect(row?.active).toBe(false);
      expect((await onA.call('POST', `/api/workflows/${hook}/deactivate`, { as: owner.as })).status).toBe(200);
    } finally {
      await redis.restart();
    }
    const back = Date.now();
    await waitUntil(
      async () =>
        (await onA.call('POST', `/api/workflows/${tick}/activate`, { as: owner.as })).status === 200 ? true : undefined,
      'the schedule to activate with Redis back',
      10_000,
    );
    console.log(`activated ${Date.now() - back} ms after Redis came back`);
  }, 30_000);
});

describe('test webhooks across instances', () => {
  it('“Listen” pressed through A: editors on B see it, the test event sent to B runs, stop through B ends it on A', async () => {
    const { instances, rest, owner } = await cluster(2);
    const [a, b] = instances as [TestServer, TestServer];
    const [onA, onB] = rest as [ReturnType<typeof restClient>, ReturnType<typeof restClient>];
    const path = `draft-${createId(6)}`;
    const id = await importFlow(onA, owner.as, hookFlow(path, 'onReceived'));
    const watcher = connectClient(b.wsUrl, id, { token: owner.token });
    clients.push(watcher);
    await watcher.synced();
    /** The listening B's server shows its editors; undefined when nobody listens. */
    const listening = () => {
      for (const state of watcher.provider.awareness.getStates().values()) {
        const s = state as { server?: boolean; testWebhook?: { expiresAt: number } };
        if (s.server) return s.testWebhook;
      }
      return undefined;
    };
    expect((await post(b, `/webhook-test/${path}`, 0)).status).toBe(404);
    const listen = await onA.call<{ expiresAt: number; paths: string[] }>(
      'POST',
      `/api/workflows/${id}/test-webhook/listen`,
      { as: owner.as },
    );
    expect(listen.status).toBe(200);
    expect(listen.body.paths).toEqual([path]);
    await waitFor('B’s editors to see the listening', () => listening()?.expiresAt === listen.body.expiresAt, 3_000);
    const test = await post(b, `/webhook-test/${path}`, 7);
    expect(test.status).toBe(200);
    const executionId = test.headers.get('x-weft-execution-id') ?? '';
    const run = await waitUntil(
      async () => {
        const e = await b.server.storage.executions.get(executionId);
        return e?.status === 'succeeded' ? e : undefined;
      },
      'the test run to succeed',
      10_000,
    );
    expect(run).toMatchObject({ mode: 'test', createdBy: owner.user.id });
    // Another workflow cannot take the path while it is listened on, through either instance.
    const other = await importFlow(onA, owner.as, hookFlow(path, 'onReceived'));
    const refused = await onB.call<{ error: { message: string } }>(
      'POST',
      `/api/workflows/${other}/test-webhook/listen`,
      {
        as: owner.as,
      },
    );
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toBe(
      `Another workflow is listening for test events on POST /webhook-test/${path}`,
    );
    expect((await onB.call('DELETE', `/api/workflows/${id}/test-webhook/listen`, { as: owner.as })).status).toBe(204);
    expect((await post(a, `/webhook-test/${path}`, 8)).status).toBe(404);
    await waitFor('B’s editors to see it stopped', () => listening() === undefined, 3_000);
    // Free now for the other workflow, through A.
    expect((await onA.call('POST', `/api/workflows/${other}/test-webhook/listen`, { as: owner.as })).status).toBe(200);
  }, 30_000);
});
