import WebSocket from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { restClient } from '../helpers/rest.ts';
import { TEST_ENGINE_TOKEN, waitUntil } from '../helpers/engine-process.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';
import { tempDir } from '../helpers/temp-dir.ts';
import type { SyncServerConfig } from '../../src/server.ts';

/**
 * Queueing and hand-over with the stores behind async ports: a run is stored
 * before an engine hears of it, a slot is taken before the job is built, and
 * the per-workflow queue cap holds for callers that arrive together. A
 * scripted engine over the real /engine socket counts what it is handed.
 */

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const start = async (overrides: Partial<SyncServerConfig>, dataDir?: string) => {
  const t: TestServer = await startTestServer(overrides, dataDir);
  await t.listen();
  cleanups.push(() => t.close());
  const rest = restClient(t.baseUrl);
  const ann = await rest.signup('ann@example.com');
  const { body } = await rest.call<{ id: string }>('POST', '/api/workflows/import', {
    body: {
      weft: 1,
      name: 'Busy',
      nodes: [
        { id: 'start', name: 'Start', type: 'manualTrigger', typeVersion: 1, position: { x: 0, y: 0 }, parameters: {} },
      ],
      edges: [],
    },
    as: ann.as,
  });
  const run = () => rest.call<{ id: string; status: string }>('POST', `/api/workflows/${body.id}/run`, { as: ann.as });
  return { t, rest, ann, run };
};

/** An engine that takes jobs, heartbeats, and ends a run only when told to. */
const scriptedEngine = async (t: TestServer, concurrency: number) => {
  const socket = new WebSocket(`${t.baseUrl.replace(/^http/, 'ws')}/engine`, {
    headers: { authorization: `Bearer ${TEST_ENGINE_TOKEN}` },
  });
  cleanups.push(() => socket.terminate());
  const jobs: string[] = [];
  const running = new Set<string>();
  let mostAtOnce = 0;
  socket.on('message', (data: Buffer) => {
    const message = JSON.parse(data.toString()) as { type: string; job?: { executionId: string } };
    if (message.type === 'run' && message.job) {
      jobs.push(message.job.executionId);
      running.add(message.job.executionId);
      mostAtOnce = Math.max(mostAtOnce, running.size);
    }
  });
  await new Promise((resolve) => socket.on('open', resolve));
  socket.send(JSON.stringify({ type: 'hello', engineId: 'scripted', concurrency }));
  const beat = setInterval(() => socket.send(JSON.stringify({ type: 'heartbeat' })), 500);
  cleanups.push(() => clearInterval(beat));
  return {
    jobs,
    mostAtOnce: () => mostAtOnce,
    finish: (id: string) => {
      running.delete(id);
      socket.send(
        JSON.stringify({
          type: 'finished',
          executionId: id,
          result: { status: 'succeeded', runs: [], lastOutput: [] },
        }),
      );
    },
  };
};

describe('hand-over', () => {
  it('runs started together fill exactly the free slots, each run is handed out once, and a freed slot takes the next', async () => {
    const { t, rest, ann, run } = await start({ maxRunningPerWorkflow: 10, maxQueuedPerWorkflow: 100 });
    const engine = await scriptedEngine(t, 2);
    await waitUntil(() => (t.server.engines.engineCount === 1 ? true : undefined), 'the engine to join');
    const started = await Promise.all(Array.from({ length: 6 }, () => run()));
    expect(started.map((r) => r.status)).toEqual([201, 201, 201, 201, 201, 201]);
    const ids = started.map((r) => r.body.id);
    await waitUntil(() => (engine.jobs.length === 2 ? true : undefined), 'two jobs');
    // Nothing more arrives while both slots are taken.
    await new Promise((r) => setTimeout(r, 300));
    expect(engine.jobs).toHaveLength(2);
    for (let handed = 2; handed < 6; handed++) {
      engine.finish(engine.jobs[handed - 2] as string);
      await waitUntil(() => (engine.jobs.length === handed + 1 ? true : undefined), `job ${handed + 1}`);
    }
    engine.finish(engine.jobs[4] as string);
    engine.finish(engine.jobs[5] as string);
    expect(engine.mostAtOnce()).toBe(2);
    expect([...engine.jobs].sort()).toEqual([...ids].sort());
    for (const id of ids) {
      const done = await waitUntil(async () => {
        const r = await rest.call<{ status: string }>('GET', `/api/executions/${id}`, { as: ann.as });
        return r.body.status === 'succeeded' ? r.body : undefined;
      }, `run ${id} to be recorded`);
      expect(done.status).toBe('succeeded');
    }
  });

  it('the per-workflow queue cap holds for callers that arrive at the same moment', async () => {
    const { t, rest, ann, run } = await start({ maxQueuedPerWorkflow: 3 });
    const answers = await Promise.all(Array.from({ length: 8 }, () => run()));
    expect(answers.filter((a) => a.status === 201)).toHaveLength(3);
    expect(answers.filter((a) => a.status === 429)).toHaveLength(5);
    const listed = await rest.call<{ executions: { status: string }[] }>('GET', '/api/executions', { as: ann.as });
    expect(listed.body.executions.map((e) => e.status)).toEqual(['queued', 'queued', 'queued']);
    // Stopping one frees its place in the line.
    const first = answers.find((a) => a.status === 201)?.body.id as string;
    expect((await rest.call('POST', `/api/executions/${first}/stop`, { as: ann.as })).status).toBe(202);
    expect((await run()).status).toBe(201);
    expect((await run()).status).toBe(429);
    expect(t.server.engines.engineCount).toBe(0);
  });

  it('a run queued when the server stopped is handed out after the restart, once', async () => {
    const dir = tempDir();
    cleanups.push(() => dir.remove());
    const { t, run } = await start({}, dir.path);
    const queued = await run();
    expect(queued.status).toBe(201);
    await t.close();
    const again = await startTestServer({}, dir.path);
    await again.listen();
    cleanups.push(() => again.close());
    const engine = await scriptedEngine(again, 4);
    await waitUntil(() => (engine.jobs.length === 1 ? true : undefined), 'the queued run');
    await new Promise((r) => setTimeout(r, 300));
    expect(engine.jobs).toEqual([queued.body.id]);
  });
});
