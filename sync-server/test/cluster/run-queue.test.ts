import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startEngine, stopEngine, waitUntil } from '../helpers/engine-process.ts';
import { usePgDatabases } from '../helpers/pg-databases.ts';
import { rawSql } from '../helpers/raw-sql.ts';
import { startRedis, type ThrowawayRedis } from '../helpers/redis.ts';
import { restClient, type Caller } from '../helpers/rest.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';
import { childrenOf, killHard } from '../helpers/process-tree.ts';
import { spawnServer } from '../helpers/spawn-server.ts';
import { tempDir } from '../helpers/temp-dir.ts';

/**
 * The cluster's run queue (docs/plans/scale-out.md §6.1–§6.5): two whole
 * instances on one PostgreSQL and one Redis, with real engines attached to
 * one or both. Runs started on one instance run on the other's engines, each
 * exactly once; answers, stops and engine losses cross instances.
 */

const databases = usePgDatabases();
let redis: ThrowawayRedis;
const servers: TestServer[] = [];
const engines: ChildProcess[] = [];
const cleanups: (() => void)[] = [];

beforeAll(async () => {
  redis = await startRedis();
});
afterEach(async () => {
  for (const fn of cleanups.splice(0)) fn();
  await Promise.all(engines.splice(0).map((e) => stopEngine(e)));
  for (const s of servers.splice(0).reverse()) await s.close();
});
afterAll(async () => {
  await redis.stop();
});

const node = (id: string, type: string, x: number, parameters: Record<string, unknown> = {}) => ({
  id,
  name: id,
  type,
  typeVersion: 1,
  position: { x, y: 0 },
  parameters,
});

/** Two instances on a fresh database and their own Redis prefix; an owner signed up on A. */
const cluster = async (overrides: { maxRunningPerWorkflow?: number; maxQueuedPerWorkflow?: number } = {}) => {
  const db = await databases.fresh();
  // Each test its own key space: jobs of one test never reach another's instances.
  const redisPrefix = `t${randomBytes(4).toString('hex')}`;
  const start = async () => {
    const t = await startTestServer({ databaseUrl: db.url, redisUrl: redis.url, redisPrefix, ...overrides });
    servers.push(t);
    await t.listen();
    return t;
  };
  const a = await start();
  const b = await start();
  const onA = restClient(a.baseUrl);
  const owner = await onA.signup('owner@example.com');
  return { db, redisPrefix, a, b, onA, onB: restClient(b.baseUrl), owner };
};

const attachEngine = async (t: TestServer, concurrency = 4): Promise<ChildProcess> => {
  const before = t.server.engines.engineCount;
  const engine = await startEngine(t.baseUrl, { args: ['--concurrency', String(concurrency)] });
  engines.push(engine);
  await waitUntil(() => (t.server.engines.engineCount > before ? true : undefined), 'the engine to join');
  return engine;
};

const importWorkflow = async (
  rest: ReturnType<typeof restClient>,
  as: Caller,
  nodes: ReturnType<typeof node>[],
  edges: { source: string; target: string }[],
): Promise<string> => {
  const imported = await rest.call<{ id: string }>('POST', '/api/workflows/import', {
    body: { weft: 1, name: 'Cluster', nodes, edges },
    as,
  });
  expect(imported.status).toBe(201);
  return imported.body.id;
};

const setNode = node('set', 'set', 200, {
  assignments: [{ name: 'answer', value: '={{ 6 * 7 }}', type: 'number' }],
});

interface ExecutionDto {
  id: string;
  status: string;
  error?: string;
}

const statusOf = async (rest: ReturnType<typeof restClient>, as: Caller, id: string): Promise<ExecutionDto> =>
  (await rest.call<ExecutionDto>('GET', `/api/executions/${id}`, { as })).body;

const settled = (rest: ReturnType<typeof restClient>, as: Caller, id: string, timeoutMs = 15_000) =>
  waitUntil(
    async () => {
      const row = await statusOf(rest, as, id);
      return row.status === 'queued' || row.status === 'running' ? undefined : row;
    },
    `execution ${id} to end`,
    timeoutMs,
  );

describe('runs across instances (BullMQ)', () => {
  it('a run started through A with engines only on B runs there, and A reads it succeeded', async () => {
    const { a, b, onA, owner } = await cluster();
    await attachEngine(b);
    expect(a.server.engines.engineCount).toBe(0);
    const workflowId = await importWorkflow(
      onA,
      owner.as,
      [node('start', 'manualTrigger', 0), setNode],
      [{ source: 'start', target: 'set' }],
    );
    const run = await onA.call<ExecutionDto>('POST', `/api/workflows/${workflowId}/run`, { as: owner.as });
    expect(run.status).toBe(201);
    const done = await settled(onA, owner.as, run.body.id);
    expect(done.status).toBe('succeeded');
    const [row] = await rawSql<{ instance_id: string; engine_id: string }>(
      a.server,
      'select instance_id, engine_id from executions where id = ?',
      [run.body.id],
    );
    expect(row?.instance_id).toBe(b.server.instanceId);
    expect(await rawSql(a.server, 'select * from job_outbox')).toEqual([]);
    // A waiter that missed the answer on the reply channel (here: it came after the end) reads it back.
    const late = await a.server.runs.waitFor(run.body.id, 5_000);
    expect(late).toMatchObject({ status: 'succeeded', lastOutput: [{ json: { answer: 42 } }] });
  }, 30_000);

  it("a webhook hit on A (responseMode lastNode) answers with the output of B's engine", async () => {
    const { a, b, onA, owner } = await cluster();
    await attachEngine(b);
    const path = `hook-${randomBytes(3).toString('hex')}`;
    const workflowId = await importWorkflow(
      onA,
      owner.as,
      [node('hook', 'webhook', 0, { path, httpMethod: 'POST', responseMode: 'lastNode' }), setNode],
      [{ source: 'hook', target: 'set' }],
    );
    expect((await onA.call('POST', `/api/workflows/${workflowId}/publish`, { as: owner.as })).status).toBe(200);
    expect((await onA.call('POST', `/api/workflows/${workflowId}/activate`, { as: owner.as })).status).toBe(200);
    for (let i = 0; i < 5; i++) {
      const answer = await fetch(`${a.baseUrl}/webhook/${path}`, { method: 'POST', body: JSON.stringify({ i }) });
      expect(answer.status).toBe(200);
      expect(await answer.json()).toMatchObject({ answer: 42 });
    }
    // Respond to Webhook: the status and body the node chose come back through A too.
    const replyPath = `reply-${randomBytes(3).toString('hex')}`;
    const replying = await importWorkflow(
      onA,
      owner.as,
      [
        node('hook', 'webhook', 0, { path: replyPath, httpMethod: 'POST', responseMode: 'responseNode' }),
        setNode,
        node('reply', 'respondToWebhook', 400, { respondWith: 'firstIncomingItem', responseCode: 201 }),
      ],
      [
        { source: 'hook', target: 'set' },
        { source: 'set', target: 'reply' },
      ],
    );
    expect((await onA.call('POST', `/api/workflows/${replying}/publish`, { as: owner.as })).status).toBe(200);
    expect((await onA.call('POST', `/api/workflows/${replying}/activate`, { as: owner.as })).status).toBe(200);
    const replied = await fetch(`${a.baseUrl}/webhook/${replyPath}`, { method: 'POST', body: '{}' });
    expect(replied.status).toBe(201);
    expect(await replied.json()).toEqual({ answer: 42 });
    const ran = await rawSql<{ instance_id: string; n: number }>(
      a.server,
      'select instance_id, count(*) as n from executions group by instance_id',
    );
    expect(ran).toEqual([{ instance_id: b.server.instanceId, n: 6 }]);
  }, 30_000);

  it('200 runs started at once through both instances each run exactly once', async () => {
    const { a, b, onA, onB, owner } = await cluster();
    await Promise.all([attachEngine(a, 8), attachEngine(b, 8)]);
    const workflowIds = await Promise.all(
      [0, 1, 2, 3].map(() =>
        importWorkflow(
          onA,
          owner.as,
          [node('start', 'manualTrigger', 0), setNode],
          [{ source: 'start', target: 'set' }],
        ),
      ),
    );
    const started = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        (i % 2 === 0 ? onA : onB).call<ExecutionDto>('POST', `/api/workflows/${workflowIds[i % 4] ?? ''}/run`, {
          as: owner.as,
        }),
      ),
    );
    expect(started.map((r) => r.status)).toEqual(started.map(() => 201));
    await waitUntil(
      async () => {
        const [left] = await rawSql<{ n: number }>(
          a.server,
          "select count(*) as n from executions where status in ('queued', 'running')",
        );
        return left?.n === 0 ? true : undefined;
      },
      'every run to end',
      25_000,
    );
    const rows = await rawSql<{ status: string; n: number }>(
      a.server,
      'select status, count(*) as n from executions group by status',
    );
    expect(rows).toEqual([{ status: 'succeeded', n: 200 }]);
    // One set of node runs each: Start and Set, once.
    const perRun = await rawSql<{ n: number; runs: number | string }>(
      a.server,
      'select n, count(*) as runs from (select execution_id, count(*) as n from node_runs group by execution_id) s group by n',
    );
    expect(perRun.map((r) => ({ n: r.n, runs: Number(r.runs) }))).toEqual([{ n: 2, runs: 200 }]);
    expect(await rawSql(a.server, 'select * from job_outbox')).toEqual([]);
    // Both instances' engines took runs.
    const byInstance = await rawSql<{ instance_id: string }>(a.server, 'select distinct instance_id from executions');
    expect(byInstance.map((r) => r.instance_id).sort()).toEqual([a.server.instanceId, b.server.instanceId].sort());
  }, 40_000);

  it("a stop asked on A cancels a run on B's engine within a second or so", async () => {
    const { b, onA, owner } = await cluster();
    await attachEngine(b);
    const workflowId = await importWorkflow(
      onA,
      owner.as,
      [node('start', 'manualTrigger', 0), node('pause', 'wait', 200, { amount: 20, unit: 'seconds' })],
      [{ source: 'start', target: 'pause' }],
    );
    const run = await onA.call<ExecutionDto>('POST', `/api/workflows/${workflowId}/run`, { as: owner.as });
    await waitUntil(
      async () => ((await statusOf(onA, owner.as, run.body.id)).status === 'running' ? true : undefined),
      'the run to start on B',
    );
    const asked = Date.now();
    expect((await onA.call('POST', `/api/executions/${run.body.id}/stop`, { as: owner.as })).status).toBe(202);
    const done = await settled(onA, owner.as, run.body.id, 5_000);
    expect(done.status).toBe('canceled');
    expect(Date.now() - asked).toBeLessThan(2_000);
  }, 30_000);

  it("a workflow deleted through A stops its run on B's engine, whose slot takes the next run", async () => {
    const { b, onA, owner } = await cluster();
    await attachEngine(b, 1);
    const doomed = await importWorkflow(
      onA,
      owner.as,
      [node('start', 'manualTrigger', 0), node('pause', 'wait', 200, { amount: 60, unit: 'seconds' })],
      [{ source: 'start', target: 'pause' }],
    );
    const run = await onA.call<ExecutionDto>('POST', `/api/workflows/${doomed}/run`, { as: owner.as });
    await waitUntil(
      async () => ((await statusOf(onA, owner.as, run.body.id)).status === 'running' ? true : undefined),
      'the run to start on B',
    );
    const other = await importWorkflow(
      onA,
      owner.as,
      [node('start', 'manualTrigger', 0), setNode],
      [{ source: 'start', target: 'set' }],
    );
    const next = await onA.call<ExecutionDto>('POST', `/api/workflows/${other}/run`, { as: owner.as });
    expect((await onA.call('DELETE', `/api/workflows/${doomed}`, { as: owner.as })).status).toBe(204);
    // B's only slot was held by the deleted workflow's 60 s wait: the next run gets it once that was canceled.
    expect((await settled(onA, owner.as, next.body.id, 10_000)).status).toBe('succeeded');
  }, 30_000);

  it('a queued run stopped on B never runs', async () => {
    const { a, onA, onB, owner } = await cluster();
    // No engine anywhere yet: the run waits in the queue.
    const workflowId = await importWorkflow(
      onA,
      owner.as,
      [node('start', 'manualTrigger', 0), setNode],
      [{ source: 'start', target: 'set' }],
    );
    const run = await onA.call<ExecutionDto>('POST', `/api/workflows/${workflowId}/run`, { as: owner.as });
    expect((await onB.call('POST', `/api/executions/${run.body.id}/stop`, { as: owner.as })).status).toBe(202);
    expect((await statusOf(onA, owner.as, run.body.id)).status).toBe('canceled');
    await attachEngine(a);
    // A second run goes through, so the worker did take jobs; the canceled one stayed without node runs.
    const next = await onA.call<ExecutionDto>('POST', `/api/workflows/${workflowId}/run`, { as: owner.as });
    expect((await settled(onA, owner.as, next.body.id)).status).toBe('succeeded');
    expect(await rawSql(a.server, 'select * from node_runs where execution_id = ?', [run.body.id])).toEqual([]);
  }, 30_000);

  it('an engine killed mid-run fails its run clearly', async () => {
    const { b, onA, owner } = await cluster();
    const engine = await attachEngine(b);
    const workflowId = await importWorkflow(
      onA,
      owner.as,
      [node('start', 'manualTrigger', 0), node('pause', 'wait', 200, { amount: 20, unit: 'seconds' })],
      [{ source: 'start', target: 'pause' }],
    );
    const run = await onA.call<ExecutionDto>('POST', `/api/workflows/${workflowId}/run`, { as: owner.as });
    await waitUntil(
      async () => ((await statusOf(onA, owner.as, run.body.id)).status === 'running' ? true : undefined),
      'the run to start on B',
    );
    engine.kill('SIGKILL');
    const done = await settled(onA, owner.as, run.body.id, 10_000);
    expect(done).toMatchObject({ status: 'failed', error: 'Engine lost' });
  }, 30_000);

  it('an instance killed mid-run (SIGKILL) leaves no run running: another instance fails it within ~15 s', async () => {
    const { db, redisPrefix, a, onA, owner } = await cluster();
    // B as a real process with its own engine child, on the same database, Redis and key space.
    const dir = tempDir();
    cleanups.push(() => dir.remove());
    const b = await spawnServer(dir.path, {
      env: {
        DATABASE_URL: db.url,
        REDIS_URL: redis.url,
        WEFT_REDIS_PREFIX: redisPrefix,
        WEFT_ENCRYPTION_KEY: '07'.repeat(32),
      },
    });
    const pid = b.child.pid;
    cleanups.push(() => {
      for (const child of pid === undefined ? [] : childrenOf(pid)) killHard(child.pid);
      killHard(pid);
    });
    const workflowId = await importWorkflow(
      onA,
      owner.as,
      [node('start', 'manualTrigger', 0), node('pause', 'wait', 200, { amount: 60, unit: 'seconds' })],
      [{ source: 'start', target: 'pause' }],
    );
    const run = await onA.call<ExecutionDto>('POST', `/api/workflows/${workflowId}/run`, { as: owner.as });
    await waitUntil(
      async () => ((await statusOf(onA, owner.as, run.body.id)).status === 'running' ? true : undefined),
      "the run to start on B's engine",
      15_000,
    );
    const [held] = await rawSql<{ instance_id: string }>(a.server, 'select instance_id from executions where id = ?', [
      run.body.id,
    ]);
    expect(held?.instance_id).not.toBe(a.server.instanceId);
    // The whole tree at once: the server cannot end anything, its engine cannot report.
    const tree = pid === undefined ? [] : childrenOf(pid);
    killHard(pid);
    for (const child of tree) killHard(child.pid);
    await b.exited;
    const killed = Date.now();
    const done = await settled(onA, owner.as, run.body.id, 25_000);
    expect(done.status).toBe('failed');
    expect(done.error).toMatch(/^Engine lost: server instance .* stopped$/);
    expect(Date.now() - killed).toBeLessThan(20_000);
    const [left] = await rawSql<{ n: number }>(
      a.server,
      "select count(*) as n from executions where status in ('queued', 'running')",
    );
    expect(left?.n).toBe(0);
  }, 45_000);

  it('a queued run whose job Redis lost is added again and runs', async () => {
    const { a, b, onA, owner } = await cluster();
    await attachEngine(b);
    const workflowId = await importWorkflow(
      onA,
      owner.as,
      [node('start', 'manualTrigger', 0), setNode],
      [{ source: 'start', target: 'set' }],
    );
    const first = await onA.call<ExecutionDto>('POST', `/api/workflows/${workflowId}/run`, { as: owner.as });
    expect((await settled(onA, owner.as, first.body.id)).status).toBe('succeeded');
    const row = await a.server.storage.executions.get(first.body.id);
    // A row committed long ago with neither an outbox entry nor a job: what a Redis that lost its data leaves.
    await a.server.storage.executions.createQueued({
      id: 'lost-job',
      workflowId,
      versionHash: row?.versionHash ?? '',
      mode: 'manual',
      createdBy: owner.user.id,
      createdAt: Date.now() - 60_000,
      startNodeId: 'start',
      triggerItems: null,
      retryOf: null,
    });
    expect((await settled(onA, owner.as, 'lost-job', 15_000)).status).toBe('succeeded');
  }, 30_000);

  it('one workflow never has more runs running across instances than its cap; the rest wait and run', async () => {
    const { a, b, onA, onB, owner } = await cluster({ maxRunningPerWorkflow: 2 });
    await Promise.all([attachEngine(a), attachEngine(b)]);
    const workflowId = await importWorkflow(
      onA,
      owner.as,
      [node('start', 'manualTrigger', 0), node('pause', 'wait', 200, { amount: 1, unit: 'seconds' })],
      [{ source: 'start', target: 'pause' }],
    );
    const runs = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        (i % 2 === 0 ? onA : onB).call<ExecutionDto>('POST', `/api/workflows/${workflowId}/run`, { as: owner.as }),
      ),
    );
    let most = 0;
    await waitUntil(
      async () => {
        const rows = await rawSql<{ status: string; n: number | string }>(
          a.server,
          'select status, count(*) as n from executions group by status',
        );
        const count = (status: string) => Number(rows.find((r) => r.status === status)?.n ?? 0);
        most = Math.max(most, count('running'));
        return count('succeeded') === runs.length ? true : undefined;
      },
      'every run to succeed',
      25_000,
    );
    expect(most).toBe(2);
    // Runs overlapped on both instances' engines, two at a time.
    const [span] = await rawSql<{ first: number; last: number }>(
      a.server,
      'select min(finished_at) as first, max(finished_at) as last from executions',
    );
    expect(Number(span?.last) - Number(span?.first)).toBeGreaterThanOrEqual(1_500);
  }, 40_000);

  it('without a configured cap, a workflow takes at most half of the cluster’s engine slots', async () => {
    const { a, b, onA, onB, owner } = await cluster();
    await Promise.all([attachEngine(a, 1), attachEngine(b, 1)]);
    const workflowId = await importWorkflow(
      onA,
      owner.as,
      [node('start', 'manualTrigger', 0), node('pause', 'wait', 200, { amount: 1, unit: 'seconds' })],
      [{ source: 'start', target: 'pause' }],
    );
    await Promise.all(
      Array.from({ length: 3 }, (_, i) =>
        (i % 2 === 0 ? onA : onB).call('POST', `/api/workflows/${workflowId}/run`, { as: owner.as }),
      ),
    );
    let most = 0;
    await waitUntil(
      async () => {
        const rows = await rawSql<{ status: string; n: number | string }>(
          a.server,
          'select status, count(*) as n from executions group by status',
        );
        const count = (status: string) => Number(rows.find((r) => r.status === status)?.n ?? 0);
        most = Math.max(most, count('running'));
        return count('succeeded') === 3 ? true : undefined;
      },
      'every run to succeed',
      25_000,
    );
    expect(most).toBe(1);
  }, 40_000);

  it('the per-workflow queue cap counts runs waiting from every instance', async () => {
    const { onA, onB, owner } = await cluster({ maxQueuedPerWorkflow: 3 });
    // No engine anywhere: every run waits.
    const workflowId = await importWorkflow(
      onA,
      owner.as,
      [node('start', 'manualTrigger', 0), setNode],
      [{ source: 'start', target: 'set' }],
    );
    for (let i = 0; i < 3; i++) {
      expect((await onA.call('POST', `/api/workflows/${workflowId}/run`, { as: owner.as })).status).toBe(201);
    }
    // B counts the cluster's queued runs once a second.
    await new Promise((r) => setTimeout(r, 1_500));
    const refused = await onB.call('POST', `/api/workflows/${workflowId}/run`, { as: owner.as });
    expect(refused.status).toBe(429);
  }, 30_000);
});
