import type { ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import type { SyncServerConfig } from '../../src/server.ts';
import { restClient } from '../helpers/rest.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';
import { startEngine, stopEngine as stopProcess } from '../helpers/engine-process.ts';

/**
 * One workflow cannot take the engine from everyone else: a real server and
 * a real engine process (engine/src/main.ts over /engine). An endless loop,
 * a result or a job too large for one frame each fail their own execution
 * while another workflow's run on the same engine succeeds; the server's
 * budgets and network policy reach the engine with every job.
 */

let t: TestServer | undefined;
let engine: ChildProcess | undefined;
const extra: Server[] = [];

/** A server with `config` and one engine; both stopped after the test. */
const start = async (config: Partial<SyncServerConfig> = {}) => {
  t = await startTestServer(config);
  await t.listen();
  engine = await startEngine(t.baseUrl);
  const server = t;
  const rest = restClient(server.baseUrl);
  const ann = await rest.signup('ann@example.com');
  return { server, rest, ann };
};

const stopEngine = async () => {
  const child = engine;
  engine = undefined;
  await stopProcess(child);
};

afterEach(async () => {
  for (const s of extra.splice(0)) s.close();
  await stopEngine();
  await t?.close();
  t = undefined;
});

const waitUntil = async <T>(fn: () => Promise<T | undefined>, what: string, timeoutMs = 20_000): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
};

interface Execution {
  status: string;
  error: string | null;
  nodeRuns: { name: string; status: string; output: Record<string, { json: Record<string, unknown> }[]> }[];
}

type Ctx = Awaited<ReturnType<typeof start>>;

const node = (id: string, type: string, parameters: Record<string, unknown> = {}, x = 0) => ({
  id,
  name: id,
  type,
  typeVersion: 1,
  position: { x, y: 0 },
  parameters,
});
const chain = (...ids: string[]) => ids.slice(1).map((id, i) => ({ source: ids[i] as string, target: id }));

const importWorkflow = async ({ rest, ann }: Ctx, name: string, nodes: unknown[], edges: unknown[]) => {
  const r = await rest.call<{ id: string }>('POST', '/api/workflows/import', {
    body: { weft: 1, name, nodes, edges },
    as: ann.as,
  });
  expect(r.status).toBe(201);
  return r.body.id;
};

const runWorkflow = async ({ rest, ann }: Ctx, workflowId: string) => {
  const r = await rest.call<{ id: string }>('POST', `/api/workflows/${workflowId}/run`, { as: ann.as });
  expect(r.status).toBe(201);
  return r.body.id;
};

/** The execution once it has ended. */
const ended = ({ rest, ann }: Ctx, id: string, timeoutMs?: number) =>
  waitUntil(
    async () => {
      const r = await rest.call<Execution>('GET', `/api/executions/${id}`, { as: ann.as });
      return ['succeeded', 'failed', 'canceled'].includes(r.body.status) ? r.body : undefined;
    },
    `execution ${id} to end`,
    timeoutMs,
  );

/** Start → Wait 0.5 s → Set: a run that needs timers to fire and the engine to stay connected. */
const patientWorkflow = (ctx: Ctx) =>
  importWorkflow(
    ctx,
    'Patient',
    [
      node('Start', 'manualTrigger'),
      node('Pause', 'wait', { amount: 0.5, unit: 'seconds' }, 200),
      node('Say', 'set', { assignments: [{ name: 'word', value: 'done', type: 'string' }] }, 400),
    ],
    chain('Start', 'Pause', 'Say'),
  );

const expectPatientSucceeded = (run: Execution) => {
  expect(run.error).toBeNull();
  expect(run.status).toBe('succeeded');
  expect(run.nodeRuns.find((r) => r.name === 'Say')?.output.main).toEqual([{ json: { word: 'done' } }]);
};

describe('a workflow cannot take the engine from other users', () => {
  it('an A → B → A loop of No-Op nodes fails with "too many node runs" while another run on the same engine succeeds', async () => {
    const ctx = await start();
    const loop = await importWorkflow(
      ctx,
      'Loop',
      [node('Start', 'manualTrigger'), node('A', 'noOp', {}, 200), node('B', 'noOp', {}, 400)],
      [...chain('Start', 'A', 'B'), { source: 'B', target: 'A' }],
    );
    const patient = await patientWorkflow(ctx);
    const patientRun = await runWorkflow(ctx, patient);
    const loopRun = await runWorkflow(ctx, loop);

    const looped = await ended(ctx, loopRun);
    expect(looped.status).toBe('failed');
    expect(looped.error).toMatch(/^Too many node runs: the execution reached its limit of 10,000/);
    expect(looped.error).toMatch(/"A" \(5,000 runs\), "B" \(4,999 runs\)/);
    expectPatientSucceeded(await ended(ctx, patientRun));
    // The engine was never dropped: it is still there and takes the next run.
    expect(ctx.server.server.engines.engineCount).toBe(1);
    expectPatientSucceeded(await ended(ctx, await runWorkflow(ctx, patient)));
  });

  it("the server's budgets reach the engine with the job (WEFT_MAX_ITEMS_PER_NODE)", async () => {
    const ctx = await start({ maxItemsPerNode: 10 });
    const many = await importWorkflow(
      ctx,
      'Many',
      [
        node('Start', 'manualTrigger'),
        node('Rows', 'code', { jsCode: 'return Array.from({ length: 20 }, (_, i) => ({ json: { i } }));' }, 200),
      ],
      chain('Start', 'Rows'),
    );
    const run = await ended(ctx, await runWorkflow(ctx, many));
    expect(run.status).toBe('failed');
    expect(run.error).toBe('Node "Rows" failed: it put out 20 items, more than the 10 one node run may');
  });

  it('a result too large for one frame fails only its own execution ("output too large"), not the engine', async () => {
    // Budgets raised past the frame, so the frame limit itself is what the run meets.
    const ctx = await start({ maxBytesPerNode: 64 * 1048576, maxBytesPerExecution: 1024 * 1048576 });
    const huge = await importWorkflow(
      ctx,
      'Huge',
      [
        node('Start', 'manualTrigger'),
        node('Big', 'code', { jsCode: "return [{ json: { text: 'x'.repeat(12000000) } }];" }, 200),
        node('P1', 'noOp', {}, 400),
        node('P2', 'noOp', {}, 600),
        node('P3', 'noOp', {}, 800),
      ],
      chain('Start', 'Big', 'P1', 'P2', 'P3'),
    );
    const patient = await patientWorkflow(ctx);
    const patientRun = await runWorkflow(ctx, patient);
    const hugeRun = await runWorkflow(ctx, huge);

    const big = await ended(ctx, hugeRun, 60_000);
    expect(big.status).toBe('failed');
    expect(big.error).toMatch(/^Output too large: the execution's result is \d+(\.\d)? MB, more than the 64 MB/);
    // Its node runs are kept, without their items.
    expect(big.nodeRuns.map((r) => r.name)).toEqual(['Start', 'Big', 'P1', 'P2', 'P3']);
    expectPatientSucceeded(await ended(ctx, patientRun));
    expect(ctx.server.server.engines.engineCount).toBe(1);
  });

  it('a job too large for one frame fails before it is sent, and the engine goes on', async () => {
    const ctx = await start();
    const patient = await patientWorkflow(ctx);
    // Trigger items past the frame limit (a retry or trigger could carry them): 65 MB of text.
    const row = await ctx.server.server.executions.run(patient, null, {
      triggerItems: [{ json: { text: 'x'.repeat(65 * 1048576) } }],
    });
    const failed = await ended(ctx, row.id);
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatch(
      /^Could not start the run: the job is 65(\.\d)? MB, more than the 64 MB an engine accepts in one message/,
    );
    expect(ctx.server.server.engines.engineCount).toBe(1);
    expectPatientSucceeded(await ended(ctx, await runWorkflow(ctx, patient)));
  });
});

describe("outbound requests follow the server's network policy", () => {
  const localApi = async () => {
    let calls = 0;
    const api = createServer((_req, res) => {
      calls++;
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
    extra.push(api);
    await new Promise<void>((r) => api.listen(0, '127.0.0.1', r));
    return { url: `http://127.0.0.1:${(api.address() as { port: number }).port}/`, calls: () => calls };
  };

  const callOnce = async (ctx: Ctx, url: string) => {
    const wf = await importWorkflow(
      ctx,
      'Call',
      [node('Start', 'manualTrigger'), node('Call', 'httpRequest', { url }, 200)],
      chain('Start', 'Call'),
    );
    return ended(ctx, await runWorkflow(ctx, wf));
  };

  it('with open sign-up (the default), HTTP Request cannot reach the server’s own network', async () => {
    const api = await localApi();
    const ctx = await start();
    const run = await callOnce(ctx, api.url);
    expect(run.status).toBe('failed');
    expect(run.error).toMatch(
      /^Node "Call" failed: GET http:\/\/127\.0\.0\.1:\d+\/ was refused: 127\.0\.0\.1 is a loopback/,
    );
    expect(api.calls()).toBe(0);
  });

  it('with closed sign-up it can, unless WEFT_HTTP_PRIVATE=block', async () => {
    const api = await localApi();
    const ctx = await start({ signup: 'closed' });
    const run = await callOnce(ctx, api.url);
    expect(run.status).toBe('succeeded');
    expect(api.calls()).toBe(1);
    await stopEngine();
    await t?.close();
    t = undefined;
    const blocked = await start({ signup: 'closed', httpPrivate: 'block' });
    expect((await callOnce(blocked, api.url)).error).toMatch(/was refused: 127\.0\.0\.1 is a loopback address/);
    expect(api.calls()).toBe(1);
  });
});
