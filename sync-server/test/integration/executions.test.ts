import type { ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { afterEach, beforeEach, describe, expect, it, onTestFinished } from 'vitest';
import { setParameter } from '#shared/schema/write.ts';
import {
  serverAwarenessStateSchema,
  type ExecutionLiveStatus,
  type ServerAwarenessState,
} from '#shared/protocol/live.ts';
import { restClient } from '../helpers/rest.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';
import { connectClient, type YwsClient } from '../helpers/yws-client.ts';
import { startEngine, stopEngine, TEST_ENGINE_TOKEN, waitUntil } from '../helpers/engine-process.ts';
import { rawSql, rawSqlAt } from '../helpers/raw-sql.ts';

/**
 * Runs against the real server and a real engine process (engine/src/main.ts
 * over the /engine WebSocket); a stock y-websocket client in the room sees
 * the run's progress through the server's awareness state.
 */

let t: TestServer;
let engine: ChildProcess | undefined;
const clients: YwsClient[] = [];

interface ExecutionBody {
  status: string;
  mode: string;
  error: string | null;
  nodeRuns: { name: string; output: Record<string, { json: unknown }[]> }[];
}

/** Polls GET /api/executions/:id until the execution has `status`. */
const untilExecution = (
  rest: ReturnType<typeof restClient>,
  as: { cookie?: string },
  id: string,
  status: string,
  timeoutMs?: number,
): Promise<ExecutionBody> =>
  waitUntil(
    async () => {
      const r = await rest.call<ExecutionBody>('GET', `/api/executions/${id}`, { as });
      return r.body.status === status ? r.body : undefined;
    },
    `execution ${id} to be ${status}`,
    timeoutMs,
  );

const trigger = {
  id: 'start',
  name: 'Start',
  type: 'manualTrigger',
  typeVersion: 1,
  position: { x: 0, y: 0 },
  parameters: {},
};
const node = (id: string, name: string, type: string, parameters: Record<string, unknown>, x: number) => ({
  id,
  name,
  type,
  typeVersion: 1,
  position: { x, y: 0 },
  parameters,
});

type RunState = ServerAwarenessState & { execution: ExecutionLiveStatus };

/** What the server published that the shared contract does not take, checked after each test. */
const contractBreaks: string[] = [];

/**
 * Calls `onState` with every server awareness state a client sees, parsed
 * with the contract clients read it with; a state the contract refuses, or
 * with fields it does not know, is a contract break.
 */
const watchServer = (client: YwsClient, onState: (state: ServerAwarenessState) => void) => {
  client.provider.awareness.on('change', () => {
    for (const state of client.provider.awareness.getStates().values()) {
      if ((state as { server?: unknown }).server !== true) continue;
      const parsed = serverAwarenessStateSchema.safeParse(state);
      if (!parsed.success) contractBreaks.push(`${JSON.stringify(state)}: ${parsed.error.message}`);
      else if (!isDeepStrictEqual(parsed.data, state))
        contractBreaks.push(`${JSON.stringify(state)}: fields the contract does not know`);
      else onState(structuredClone(parsed.data));
    }
  });
};

/** Every server awareness state with an execution a client saw, with when it saw it. */
const watchRun = (client: YwsClient) => {
  const seen: { at: number; state: RunState }[] = [];
  watchServer(client, (state) => {
    if (state.execution) seen.push({ at: Date.now(), state: { ...state, execution: state.execution } });
  });
  return seen;
};

beforeEach(async () => {
  // The HTTP Request test calls a server on 127.0.0.1, which an open-sign-up server refuses unless allowed.
  t = await startTestServer({ httpAllow: ['127.0.0.1'] });
  await t.listen();
  engine = await startEngine(t.baseUrl);
});

afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  await stopEngine(engine);
  await t.close();
  expect(contractBreaks.splice(0)).toEqual([]);
});

const setup = async (nodes: unknown[], edges: unknown[], settings: Record<string, unknown> = {}) => {
  const rest = restClient(t.baseUrl);
  const ann = await rest.signup('ann@example.com');
  const imported = await rest.call<{ id: string }>('POST', '/api/workflows/import', {
    body: { weft: 1, name: 'Run', nodes, edges, settings },
    as: ann.as,
  });
  expect(imported.status).toBe(201);
  const workflowId = imported.body.id;
  const watcher = connectClient(t.wsUrl, workflowId, { token: ann.token });
  clients.push(watcher);
  await watcher.synced();
  return { rest, ann, workflowId, watcher };
};

/** A run that prints a line and then waits an hour: started, and its Wait seen running by a watcher. */
const startHourLongRun = async (settings: Record<string, unknown> = {}) => {
  const { rest, ann, workflowId, watcher } = await setup(
    [
      trigger,
      node('say', 'Say', 'code', { jsCode: "console.log('before the wait'); return $input.all();" }, 200),
      node('pause', 'Pause', 'wait', { amount: 1, unit: 'hours' }, 400),
    ],
    [
      { source: 'start', target: 'say' },
      { source: 'say', target: 'pause' },
    ],
    settings,
  );
  const seen = watchRun(watcher);
  const { body } = await rest.call<{ id: string }>('POST', `/api/workflows/${workflowId}/run`, { as: ann.as });
  await waitUntil(
    () => seen.find((s) => s.state.execution.id === body.id && s.state.execution.nodes.pause?.status === 'running'),
    'the Wait to run',
  );
  return { rest, ann, body, seen, workflowId };
};

interface ListedExecution {
  id: string;
  mode: string;
  status: string;
  error: string | null;
  retryOf: string | null;
}

const executionsOf = async (rest: ReturnType<typeof restClient>, as: { cookie?: string }, workflowId: string) =>
  (await rest.call<{ executions: ListedExecution[] }>('GET', `/api/executions?workflowId=${workflowId}`, { as })).body
    .executions;

const logsOf = async (rest: ReturnType<typeof restClient>, as: { cookie?: string }, id: string) =>
  (await rest.call<{ logs: { level: string; message: string }[] }>('GET', `/api/executions/${id}/logs`, { as })).body
    .logs;

describe('executions', () => {
  it('a manual run streams every node transition to a stock y-websocket client and is recorded in SQLite', async () => {
    const { rest, ann, workflowId, watcher } = await setup(
      [
        trigger,
        node('rows', 'Rows', 'code', { jsCode: "console.log('making', 2, 'rows'); return [{ n: 1 }, { n: 7 }];" }, 200),
        node('pause', 'Pause', 'wait', { amount: 0.2, unit: 'seconds' }, 400),
        node(
          'big',
          'Big?',
          'if',
          { conditions: [{ leftValue: '={{ $json.n }}', operator: 'number:gt', rightValue: '5' }] },
          600,
        ),
      ],
      [
        { source: 'start', target: 'rows' },
        { source: 'rows', target: 'pause' },
        { source: 'pause', target: 'big' },
      ],
    );
    const seen = watchRun(watcher);
    const started = await rest.call<{ id: string; status: string }>('POST', `/api/workflows/${workflowId}/run`, {
      as: ann.as,
    });
    expect(started.status).toBe(201);
    const id = started.body.id;
    const done = await untilExecution(rest, ann.as, id, 'succeeded');
    expect(done.nodeRuns.map((r) => r.name)).toEqual(['Start', 'Rows', 'Pause', 'Big?']);
    expect(done.nodeRuns.find((r) => r.name === 'Big?')?.output).toEqual({
      true: [{ json: { n: 7 } }],
      false: [{ json: { n: 1 } }],
    });

    // The watcher saw the Wait node running before it succeeded, and the final state.
    const final = await waitUntil(
      () => seen.find((s) => s.state.execution.id === id && s.state.execution.status === 'succeeded'),
      'the final status',
    );
    expect(final.state.execution.nodes.big).toMatchObject({ status: 'succeeded', itemsOut: { true: 1, false: 1 } });
    const pauseStates = seen
      .filter((s) => s.state.execution.id === id)
      .map((s) => s.state.execution.nodes.pause?.status);
    expect(pauseStates).toContain('running');
    expect(pauseStates.indexOf('running')).toBeLessThan(pauseStates.lastIndexOf('succeeded'));
    // Every stage of the execution reached the room in the shared contract's shape (checked in afterEach).
    const stages = seen.filter((s) => s.state.execution.id === id).map((s) => s.state.execution.status);
    expect([...new Set(stages)]).toEqual(['queued', 'running', 'succeeded']);

    // The log keeps what the Code node printed, and how the run ended.
    const logs = await rest.call<{ logs: { level: string; node?: string; message: string }[] }>(
      'GET',
      `/api/executions/${id}/logs`,
      { as: ann.as },
    );
    expect(logs.body.logs.map(({ level, node, message }) => ({ level, node, message }))).toEqual([
      { level: 'info', node: 'Rows', message: 'making 2 rows' },
      {
        level: 'info',
        node: undefined,
        message: expect.stringMatching(/^Succeeded in \d+ ms \(4 node runs\)$/) as unknown,
      },
    ]);
  });

  it('editing the workflow during a run does not change that run', async () => {
    const { rest, ann, workflowId, watcher } = await setup(
      [
        trigger,
        node('pause', 'Pause', 'wait', { amount: 0.5, unit: 'seconds' }, 200),
        node('say', 'Say', 'set', { assignments: [{ name: 'word', value: 'before', type: 'string' }] }, 400),
      ],
      [
        { source: 'start', target: 'pause' },
        { source: 'pause', target: 'say' },
      ],
    );
    const seen = watchRun(watcher);
    const { body } = await rest.call<{ id: string }>('POST', `/api/workflows/${workflowId}/run`, { as: ann.as });
    await waitUntil(() => seen.find((s) => s.state.execution.nodes.pause?.status === 'running'), 'the Wait to run');
    setParameter(watcher.doc, 'say', 'assignments', [{ name: 'word', value: 'after', type: 'string' }]);
    const done = await untilExecution(rest, ann.as, body.id, 'succeeded');
    expect(done.nodeRuns.find((r) => r.name === 'Say')?.output.main).toEqual([{ json: { word: 'before' } }]);
    // The next run takes the edit.
    const next = await rest.call<{ id: string }>('POST', `/api/workflows/${workflowId}/run`, { as: ann.as });
    const after = await untilExecution(rest, ann.as, next.body.id, 'succeeded');
    expect(after.nodeRuns.find((r) => r.name === 'Say')?.output.main).toEqual([{ json: { word: 'after' } }]);
  });

  it('stop cancels a running Wait within a second', async () => {
    const { rest, ann, body, seen } = await startHourLongRun();
    const stoppedAt = Date.now();
    const stop = await rest.call('POST', `/api/executions/${body.id}/stop`, { as: ann.as });
    expect(stop.status).toBe(202);
    await untilExecution(rest, ann.as, body.id, 'canceled');
    expect(Date.now() - stoppedAt).toBeLessThan(1_000);
    await waitUntil(
      () => seen.find((s) => s.state.execution.id === body.id && s.state.execution.status === 'canceled'),
      'the room to hear of it',
    );
    const logs = await rest.call<{ logs: { level: string; node?: string; message: string }[] }>(
      'GET',
      `/api/executions/${body.id}/logs`,
      { as: ann.as },
    );
    // In time order: the engine's lines arrive at the end, the server's when Stop was pressed.
    expect(logs.body.logs.map((l) => [l.level, l.node, l.message])).toEqual([
      ['info', 'Say', 'before the wait'],
      ['info', undefined, 'ann asked to stop the run'],
      ['error', 'Pause', 'Stopped: someone stopped the run'],
      ['warn', undefined, expect.stringMatching(/^Canceled after \d+ ms \(3 node runs\)$/)],
    ]);
    const again = await rest.call<{ error: { code: string } }>('POST', `/api/executions/${body.id}/stop`, {
      as: ann.as,
    });
    expect(again.status).toBe(409);
  });

  it('killing the engine mid-run marks the execution failed (engine lost) within seconds', async () => {
    const { rest, ann, body, seen, workflowId } = await startHourLongRun();
    const killedAt = Date.now();
    engine?.kill('SIGKILL');
    const failed = await waitUntil(
      async () => {
        const r = await rest.call<{ status: string; error: string }>('GET', `/api/executions/${body.id}`, {
          as: ann.as,
        });
        return r.body.status === 'failed' ? r.body : undefined;
      },
      'the run to fail',
      8_000,
    );
    expect(failed.error).toBe('Engine lost');
    expect(Date.now() - killedAt).toBeLessThan(6_000);
    // The default is to fail: nothing runs it again.
    await new Promise((r) => setTimeout(r, 300));
    expect((await executionsOf(rest, ann.as, workflowId)).map((e) => e.id)).toEqual([body.id]);
    const logs = await rest.call<{ logs: { message: string }[] }>('GET', `/api/executions/${body.id}/logs`, {
      as: ann.as,
    });
    expect(logs.body.logs[0]?.message).toMatch(/was lost/);
    const lost = await waitUntil(
      () => seen.find((s) => s.state.execution.id === body.id && s.state.execution.status === 'failed'),
      'the room to hear of it',
    );
    // The Wait never finished: the room says so rather than leaving it running.
    expect(lost.state.execution).toMatchObject({ error: 'Engine lost', nodes: { pause: { status: 'skipped' } } });
  });

  it('with "retry" on engine loss, a lost run runs once more on the next engine, and a lost retry is not retried', async () => {
    const { rest, ann, body, seen, workflowId } = await startHourLongRun({ onEngineLoss: 'retry' });
    engine?.kill('SIGKILL');
    const retry = await waitUntil(
      async () => (await executionsOf(rest, ann.as, workflowId)).find((e) => e.retryOf === body.id),
      'the retry to be stored',
      8_000,
    );
    expect(retry).toMatchObject({ mode: 'retry', status: 'queued' });
    expect(await untilExecution(rest, ann.as, body.id, 'failed')).toMatchObject({ error: 'Engine lost' });
    expect((await logsOf(rest, ann.as, body.id)).map((l) => l.message)).toContainEqual(
      expect.stringMatching(new RegExp(`^Retried as ${retry.id} `)),
    );

    // The next engine to come takes the retry: the same version from the start.
    engine = await startEngine(t.baseUrl);
    const reached = await waitUntil(
      () => seen.find((s) => s.state.execution.id === retry.id && s.state.execution.nodes.pause?.status === 'running'),
      'the retry to reach its Wait',
    );
    expect(reached.state.execution.nodes.say?.status).toBe('succeeded');

    // Lost again: it fails for good, with the reason, and no third run appears.
    engine.kill('SIGKILL');
    expect(await untilExecution(rest, ann.as, retry.id, 'failed', 8_000)).toMatchObject({ error: 'Engine lost' });
    await waitUntil(
      async () => (await logsOf(rest, ann.as, retry.id)).some((l) => l.message.startsWith('Not retried again')),
      'the retry to say why it is not retried',
    );
    const all = await executionsOf(rest, ann.as, workflowId);
    expect(all.map((e) => [e.id, e.status])).toEqual([
      [retry.id, 'failed'],
      [body.id, 'failed'],
    ]);
  });

  it('a run stopped by a person whose engine is lost before it confirms ends canceled, and is not retried', async () => {
    const { rest, ann, body, workflowId } = await startHourLongRun({ onEngineLoss: 'retry' });
    // Frozen, the engine cannot confirm the stop; then it dies.
    engine?.kill('SIGSTOP');
    expect((await rest.call('POST', `/api/executions/${body.id}/stop`, { as: ann.as })).status).toBe(202);
    engine?.kill('SIGKILL');
    expect(await untilExecution(rest, ann.as, body.id, 'canceled', 8_000)).toMatchObject({ error: 'Canceled' });
    await new Promise((r) => setTimeout(r, 300));
    expect((await executionsOf(rest, ann.as, workflowId)).map((e) => e.id)).toEqual([body.id]);
    expect((await logsOf(rest, ann.as, body.id)).map((l) => l.message)).toContainEqual(
      expect.stringMatching(/was lost: .*\(before it confirmed the stop\)$/),
    );
  });

  it('guards runs and history by role, and rejects bad queries and unknown engines', async () => {
    const { rest, ann, workflowId } = await setup([trigger], []);
    const ben = await rest.signup('ben@example.com');
    expect((await rest.call('POST', `/api/workflows/${workflowId}/run`, { as: ben.as })).status).toBe(403);
    const { body } = await rest.call<{ id: string }>('POST', `/api/workflows/${workflowId}/run`, { as: ann.as });
    expect((await rest.call('GET', `/api/executions/${body.id}`, { as: ben.as })).status).toBe(403);
    expect((await rest.call('GET', '/api/executions/nope', { as: ann.as })).status).toBe(404);
    const bad = await rest.call<{ error: { code: string } }>('GET', '/api/executions?status=sleeping', { as: ann.as });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('bad_request');
    const list = await rest.call<{ executions: { id: string }[] }>('GET', `/api/executions?workflowId=${workflowId}`, {
      as: ann.as,
    });
    expect(list.body.executions.map((e) => e.id)).toEqual([body.id]);
    // An engine with the wrong token is turned away with 4401.
    const WebSocket = (await import('ws')).default;
    const code = await new Promise<number>((resolve) => {
      const ws = new WebSocket(`${t.wsUrl.replace(/\/sync$/, '')}/engine?token=wrong`);
      ws.on('close', (c) => resolve(c));
    });
    expect(code).toBe(4401);
    // A connected engine that sends something unreadable, or talks before its hello, is closed with 4400.
    const closeAfter = (frame: string) =>
      new Promise<number>((resolve) => {
        const ws = new WebSocket(`${t.wsUrl.replace(/\/sync$/, '')}/engine?token=${TEST_ENGINE_TOKEN}`);
        ws.on('open', () => ws.send(frame));
        ws.on('close', (c) => resolve(c));
      });
    expect(await closeAfter('not json')).toBe(4400);
    expect(await closeAfter(JSON.stringify({ type: 'heartbeat' }))).toBe(4400);
    expect(await closeAfter(JSON.stringify([{ type: 'hello', engineId: '', concurrency: 0 }]))).toBe(4400);
    // The real engine is unaffected: runs still go through.
    const after = await rest.call<{ id: string }>('POST', `/api/workflows/${workflowId}/run`, { as: ann.as });
    await untilExecution(rest, ann.as, after.body.id, 'succeeded');
  });
});

describe('triggers', () => {
  const hookFlow = (responseMode: string) => [
    node('hook', 'Hook', 'webhook', { path: 'orders/new', httpMethod: 'POST', responseMode }, 0),
    node(
      'big',
      'Big?',
      'if',
      { conditions: [{ leftValue: '={{ $json.body.total }}', operator: 'number:gt', rightValue: '100' }] },
      200,
    ),
    node(
      'tag',
      'Tag',
      'set',
      { assignments: [{ name: 'tier', value: '=gold for {{ $json.body.customer }}', type: 'string' }] },
      400,
    ),
    node('reply', 'Reply', 'respondToWebhook', { respondWith: 'firstIncomingItem', responseCode: 201 }, 600),
  ];
  const hookEdges = [
    { source: 'hook', target: 'big' },
    { source: 'big', sourceHandle: 'true', target: 'tag' },
    { source: 'tag', target: 'reply' },
  ];

  it('an active workflow answers its webhook over HTTP with its result; deactivated, it does not', async () => {
    const { rest, ann, workflowId, watcher } = await setup(hookFlow('responseNode'), hookEdges);
    const states: ServerAwarenessState[] = [];
    watchServer(watcher, (state) => states.push(state));
    const before = await fetch(`${t.baseUrl}/webhook/orders/new`, {
      method: 'POST',
      body: '{}',
      headers: { 'content-type': 'application/json' },
    });
    expect(before.status).toBe(404);
    expect(((await before.json()) as { error: { code: string } }).error.code).toBe('not_found');
    expect((await rest.call('POST', `/api/workflows/${workflowId}/activate`, { as: ann.as })).status).toBe(409);
    expect((await rest.call('POST', `/api/workflows/${workflowId}/publish`, { as: ann.as })).status).toBe(200);
    expect((await rest.call('POST', `/api/workflows/${workflowId}/activate`, { as: ann.as })).status).toBe(200);
    await waitUntil(
      () => states.find((state) => state.trigger?.active && typeof state.trigger.publishedHash === 'string'),
      'the room to hear it is active',
    );
    const res = await fetch(`${t.baseUrl}/webhook/orders/new`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ total: 250, customer: 'Ann' }),
    });
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({ tier: 'gold for Ann' });
    const list = await rest.call<{ executions: { mode: string; status: string }[] }>(
      'GET',
      `/api/executions?workflowId=${workflowId}`,
      { as: ann.as },
    );
    expect(list.body.executions[0]).toMatchObject({ mode: 'webhook', status: 'succeeded' });
    // The wrong method is not this webhook.
    expect((await fetch(`${t.baseUrl}/webhook/orders/new`)).status).toBe(404);
    expect((await rest.call('POST', `/api/workflows/${workflowId}/deactivate`, { as: ann.as })).status).toBe(200);
    await waitUntil(
      () => (states.at(-1)?.trigger?.active === false ? true : undefined),
      'the room to hear it is inactive',
    );
    expect((await fetch(`${t.baseUrl}/webhook/orders/new`, { method: 'POST', body: '{}' })).status).toBe(404);
    // Active again, then deleted: its webhook goes with it.
    await rest.call('POST', `/api/workflows/${workflowId}/activate`, { as: ann.as });
    expect((await rest.call('DELETE', `/api/workflows/${workflowId}`, { as: ann.as })).status).toBe(204);
    expect((await fetch(`${t.baseUrl}/webhook/orders/new`, { method: 'POST', body: '{}' })).status).toBe(404);
  });

  it('a webhook that answers on receipt answers at once; test webhooks run the document of a listening editor', async () => {
    const { rest, ann, workflowId, watcher } = await setup(hookFlow('onReceived'), hookEdges);
    const states: ServerAwarenessState[] = [];
    watchServer(watcher, (state) => states.push(state));
    // The document is open (setup's watcher), but nobody listens: a stranger cannot run the draft.
    const unheard = await fetch(`${t.baseUrl}/webhook-test/orders/new`, { method: 'POST', body: '{}' });
    expect(unheard.status).toBe(404);
    const listen = await rest.call<{ expiresAt: number; paths: string[] }>(
      'POST',
      `/api/workflows/${workflowId}/test-webhook/listen`,
      { as: ann.as },
    );
    expect(listen.status).toBe(200);
    expect(listen.body.paths).toEqual(['orders/new']);
    expect(listen.body.expiresAt).toBeGreaterThan(Date.now() + 100_000);
    const heard = await waitUntil(
      () => states.find((state) => state.testWebhook?.expiresAt === listen.body.expiresAt),
      'the room to hear who listens',
    );
    expect(heard.testWebhook).toEqual(listen.body);
    const test = await fetch(`${t.baseUrl}/webhook-test/orders/new`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ total: 5 }),
    });
    expect(test.status).toBe(200);
    // n8n's answer as it is; the execution's id rides in a header.
    expect(await test.json()).toEqual({ message: 'Workflow was started' });
    const run = await untilExecution(rest, ann.as, test.headers.get('x-weft-execution-id') ?? '', 'succeeded');
    expect(run.mode).toBe('test');
    const bad = await fetch(`${t.baseUrl}/webhook-test/orders/new`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{not json',
    });
    // n8n's 422 "Failed to parse request body".
    expect(bad.status).toBe(422);
    // Bodies past the limit are refused, whether or not they say their length.
    const huge = await fetch(`${t.baseUrl}/webhook-test/orders/new`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: `{"x":"${'a'.repeat(11 * 1024 * 1024)}"}`,
    });
    expect(huge.status).toBe(413);
    const chunked = await fetch(`${t.baseUrl}/webhook-test/orders/new`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: new ReadableStream({
        start(controller) {
          for (let i = 0; i < 11; i++) controller.enqueue(new TextEncoder().encode('a'.repeat(1024 * 1024)));
          controller.close();
        },
      }),
      duplex: 'half',
    });
    expect(chunked.status).toBe(413);
    // Stop listening: the draft is out of reach again.
    expect((await rest.call('DELETE', `/api/workflows/${workflowId}/test-webhook/listen`, { as: ann.as })).status).toBe(
      204,
    );
    await waitUntil(
      () => (states.length > 0 && !states.at(-1)?.testWebhook ? true : undefined),
      'the room to hear nobody listens',
    );
    expect((await fetch(`${t.baseUrl}/webhook-test/orders/new`, { method: 'POST', body: '{}' })).status).toBe(404);
  });

  it('a schedule fires for an active workflow', async () => {
    const { rest, ann, workflowId } = await setup(
      [
        node('tick', 'Tick', 'scheduleTrigger', { cronExpression: '* * * * * *' }, 0),
        node('noop', 'Noop', 'noOp', {}, 200),
      ],
      [{ source: 'tick', target: 'noop' }],
    );
    await rest.call('POST', `/api/workflows/${workflowId}/publish`, { as: ann.as });
    await rest.call('POST', `/api/workflows/${workflowId}/activate`, { as: ann.as });
    const fired = await waitUntil(
      async () => {
        const r = await rest.call<{ executions: { mode: string; status: string }[] }>(
          'GET',
          `/api/executions?workflowId=${workflowId}&status=succeeded`,
          {
            as: ann.as,
          },
        );
        return r.body.executions.find((e) => e.mode === 'schedule');
      },
      'a scheduled run',
      5_000,
    );
    expect(fired.status).toBe('succeeded');
    await rest.call('POST', `/api/workflows/${workflowId}/deactivate`, { as: ann.as });
  });

  it('activation refuses a schedule n8n refuses: a cron expression that never fires, an interval n8n 1.3+ refuses', async () => {
    // croner would schedule the 31st of February (and never fire); n8n's cron library refuses it on activation.
    const neverFires = node('never', 'Never', 'scheduleTrigger', { cronExpression: '0 0 31 2 *' }, 0);
    const { rest, ann, workflowId } = await setup([neverFires], []);
    const activate = async (id: string) => {
      await rest.call('POST', `/api/workflows/${id}/publish`, { as: ann.as });
      return rest.call<{ error: { code: string; message: string } }>('POST', `/api/workflows/${id}/activate`, {
        as: ann.as,
      });
    };
    const never = await activate(workflowId);
    expect(never.status).toBe(400);
    expect(never.body.error.message).toMatch(
      /Schedule "Never": Invalid cron expression "0 0 31 2 \*" \(it never fires\)/,
    );
    const refused = node('tick', 'Tick', 'scheduleTrigger', { invalidInterval: 'Seconds must be in range 1-59' }, 0);
    const imported = await rest.call<{ id: string }>('POST', '/api/workflows/import', {
      body: { weft: 1, name: 'Interval', nodes: [refused], edges: [] },
      as: ann.as,
    });
    const interval = await activate(imported.body.id);
    expect(interval.status).toBe(400);
    expect(interval.body.error.message).toMatch(/Schedule "Tick": Invalid interval \(Seconds must be in range 1-59\)/);
  });
});

describe('credentials', () => {
  it('an HTTP Request node calls a local server with a credential that is stored encrypted and never read back', async () => {
    const { createServer } = await import('node:http');
    const seen: { auth?: string; url?: string; body: string }[] = [];
    const api = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        seen.push({ auth: req.headers.authorization, url: req.url, body });
        if (req.headers.authorization !== 'Bearer s3cret-token-value') {
          res.writeHead(401).end('no');
          return;
        }
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ ok: true, echo: JSON.parse(body) as unknown }));
      });
    });
    await new Promise<void>((r) => api.listen(0, '127.0.0.1', r));
    const port = (api.address() as { port: number }).port;
    try {
      const rest = restClient(t.baseUrl);
      const ann = await rest.signup('ann@example.com');
      const created = await rest.call<{ id: string; type: string }>('POST', '/api/credentials', {
        body: { name: 'Orders API', type: 'bearer', data: { token: 's3cret-token-value' } },
        as: ann.as,
      });
      expect(created.status).toBe(201);
      expect(JSON.stringify(created.body)).not.toContain('s3cret');
      const listed = await rest.call<{ credentials: unknown[] }>('GET', '/api/credentials', { as: ann.as });
      expect(JSON.stringify(listed.body)).not.toContain('s3cret');
      const bad = await rest.call<{ error: { code: string } }>('POST', '/api/credentials', {
        body: { name: 'x', type: 'bearer', data: {} },
        as: ann.as,
      });
      expect(bad.status).toBe(400);
      // At rest the secret is ciphertext.
      const [raw] = await rawSql<{ data: Buffer }>(t.server, 'select data from credentials');
      expect(raw?.data.toString('latin1')).not.toContain('s3cret');
      expect(raw?.data.length).toBeGreaterThan(16);

      const imported = await rest.call<{ id: string }>('POST', '/api/workflows/import', {
        as: ann.as,
        body: {
          weft: 1,
          name: 'Call',
          nodes: [
            trigger,
            {
              ...node(
                'call',
                'Call',
                'httpRequest',
                {
                  method: 'POST',
                  url: `http://127.0.0.1:${port}/orders`,
                  authentication: 'credential',
                  sendBody: true,
                  contentType: 'json',
                  jsonBody: '={{ JSON.stringify({ at: $workflow.name }) }}',
                },
                200,
              ),
              credentials: { httpAuth: created.body.id },
            },
          ],
          edges: [{ source: 'start', target: 'call' }],
        },
      });
      // Ann lets this workflow use her credential (the editor's picker does it when she chooses it in a node).
      const grant = await rest.call('POST', `/api/credentials/${created.body.id}/grants`, {
        body: { workflowId: imported.body.id },
        as: ann.as,
      });
      expect(grant.status).toBe(201);
      const run = await rest.call<{ id: string }>('POST', `/api/workflows/${imported.body.id}/run`, { as: ann.as });
      const done = await waitUntil(async () => {
        const r = await rest.call<{
          status: string;
          error: string | null;
          nodeRuns: { name: string; output: { main?: { json: unknown }[] } }[];
        }>('GET', `/api/executions/${run.body.id}`, { as: ann.as });
        return r.body.status === 'succeeded' || r.body.status === 'failed' ? r.body : undefined;
      }, 'the request run');
      expect(done.error).toBeNull();
      expect(done.nodeRuns.find((r) => r.name === 'Call')?.output.main).toEqual([
        { json: { ok: true, echo: { at: 'Call' } } },
      ]);
      expect(seen).toEqual([{ auth: 'Bearer s3cret-token-value', url: '/orders', body: '{"at":"Call"}' }]);

      // A deleted credential fails the run clearly (credential-grants.test.ts: one that is not granted).
      expect((await rest.call('DELETE', `/api/credentials/${created.body.id}`, { as: ann.as })).status).toBe(204);
      const again = await rest.call<{ id: string }>('POST', `/api/workflows/${imported.body.id}/run`, { as: ann.as });
      const failed = await untilExecution(rest, ann.as, again.body.id, 'failed');
      expect(failed.error).toMatch(/Node "Call" uses credential .* which does not exist/);
    } finally {
      api.close();
    }
  });
});

/**
 * What a crash mid-run leaves behind: the engine killed, the server gone, the
 * row still saying running. Starts a server on the same folder and logs Ann in.
 */
const restartWithRunLeftRunning = async (executionId: string) => {
  engine?.kill('SIGKILL');
  await t.server.close();
  const dir = t.dataDir;
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  await rawSqlAt(dir, "update executions set status = 'running', finished_at = null, error = null where id = ?", [
    executionId,
  ]);
  t = await startTestServer({}, dir);
  await t.listen();
  const again = restClient(t.baseUrl);
  const login = await again.call('POST', '/api/auth/login', {
    body: { email: 'ann@example.com', password: 'correct horse battery' },
  });
  return { again, as: { cookie: (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '' } };
};

describe('restarts and start nodes', () => {
  it('a run left running by a server that crashed is failed at the next start, not left running', async () => {
    const { rest, ann, workflowId } = await setup(
      [trigger, node('noop', 'Noop', 'noOp', {}, 200)],
      [{ source: 'start', target: 'noop' }],
    );
    const { body } = await rest.call<{ id: string }>('POST', `/api/workflows/${workflowId}/run`, { as: ann.as });
    await untilExecution(rest, ann.as, body.id, 'succeeded');
    const { again, as } = await restartWithRunLeftRunning(body.id);
    const row = await again.call<{ status: string; error: string }>('GET', `/api/executions/${body.id}`, { as });
    expect(row.body).toMatchObject({ status: 'failed', error: 'The server restarted while it ran' });
    const logs = await again.call<{ logs: { message: string }[] }>('GET', `/api/executions/${body.id}/logs`, { as });
    expect(logs.body.logs.map((l) => l.message)).toContain('The server restarted while this execution ran');
  });

  it('a run a crashed server left running is retried at the next start when its workflow says so', async () => {
    const { rest, ann, workflowId } = await setup(
      [trigger, node('noop', 'Noop', 'noOp', {}, 200)],
      [{ source: 'start', target: 'noop' }],
      { onEngineLoss: 'retry' },
    );
    const { body } = await rest.call<{ id: string }>('POST', `/api/workflows/${workflowId}/run`, { as: ann.as });
    await untilExecution(rest, ann.as, body.id, 'succeeded');
    const { again, as } = await restartWithRunLeftRunning(body.id);
    const retry = await waitUntil(
      async () => (await executionsOf(again, as, workflowId)).find((e) => e.retryOf === body.id),
      'the retry to be stored',
    );
    expect(retry).toMatchObject({ mode: 'retry', status: 'queued' });
    expect((await logsOf(again, as, body.id)).map((l) => l.message)).toContainEqual(
      expect.stringMatching(new RegExp(`^Retried as ${retry.id} `)),
    );
    // An engine that comes now runs it through.
    engine = await startEngine(t.baseUrl);
    expect((await untilExecution(again, as, retry.id, 'succeeded')).nodeRuns.map((r) => r.name)).toEqual([
      'Start',
      'Noop',
    ]);
  });

  it('a graceful stop with a run in hand retries it at the next start when its workflow says so', async () => {
    const { body, workflowId } = await startHourLongRun({ onEngineLoss: 'retry' });
    // Stopped while the engine holds the run (a rolling deploy): the run is lost with the server.
    await t.server.close();
    const dir = t.dataDir;
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    await stopEngine(engine);
    t = await startTestServer({}, dir);
    await t.listen();
    const again = restClient(t.baseUrl);
    const login = await again.call('POST', '/api/auth/login', {
      body: { email: 'ann@example.com', password: 'correct horse battery' },
    });
    const as = { cookie: (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '' };
    expect(await untilExecution(again, as, body.id, 'failed')).toMatchObject({ error: 'Engine lost' });
    const retry = (await executionsOf(again, as, workflowId)).find((e) => e.retryOf === body.id);
    expect(retry).toMatchObject({ mode: 'retry', status: 'queued' });
  });

  it('Run starts at the Manual Trigger; a Webhook trigger in the same workflow does not run', async () => {
    const { rest, ann, workflowId } = await setup(
      [
        node('hook', 'Hook', 'webhook', { path: 'also', httpMethod: 'POST' }, 0),
        { ...trigger, position: { x: 0, y: 200 } },
        node('noop', 'Noop', 'noOp', {}, 200),
      ],
      [
        { source: 'hook', target: 'noop' },
        { source: 'start', target: 'noop' },
      ],
    );
    const { body } = await rest.call<{ id: string }>('POST', `/api/workflows/${workflowId}/run`, { as: ann.as });
    const done = await untilExecution(rest, ann.as, body.id, 'succeeded');
    expect(done.nodeRuns.map((r) => r.name)).toEqual(['Start', 'Noop']);
  });
});
