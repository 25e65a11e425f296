import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverAwarenessStateSchema } from '#shared/protocol/live.ts';
import { pinNode, setParameter } from '#shared/schema/index.ts';
import { restClient, type Caller } from '../helpers/rest.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';
import { connectClient, waitFor, type YwsClient } from '../helpers/yws-client.ts';
import { startEngine, stopEngine, waitUntil } from '../helpers/engine-process.ts';

/**
 * Partial runs through the server with a real engine process
 * (docs/plans/n8n-daily.md §3.4): a run with a `base` reuses the outputs of
 * the nodes that did not change, `toHere` stops at its node, `step` runs one
 * node on its parents' outputs or pins, bad requests are refused with their
 * codes, and reuse past the cap is dropped and logged. Runs on both dialects.
 */

/** Small enough that the "Big" workflow's outputs pass it, large enough for the chain's. */
const MAX_REUSE_BYTES = 8 * 1024;

let t: TestServer;
let engine: ChildProcess | undefined;
const clients: YwsClient[] = [];

interface NodeRunBody {
  name: string;
  origin?: string;
  output: Record<string, { json: Record<string, unknown> }[]>;
}
interface ExecutionBody {
  id: string;
  status: string;
  baseExecutionId: string | null;
  scope: string | null;
  destination: string | null;
  fingerprints: Record<string, string> | null;
  nodeRuns: NodeRunBody[];
}

beforeAll(async () => {
  t = await startTestServer({ maxReuseBytes: MAX_REUSE_BYTES });
  await t.listen();
  engine = await startEngine(t.baseUrl);
});

afterAll(async () => {
  for (const c of clients) c.destroy();
  await stopEngine(engine);
  await t.close();
});

const node = (id: string, name: string, type: string, parameters: Record<string, unknown>, x: number) => ({
  id,
  name,
  type,
  typeVersion: 1,
  position: { x, y: 0 },
  parameters,
});
const assign = (name: string, value: string) => ({ assignments: [{ name, value, type: 'string' }] });

const rest = () => restClient(t.baseUrl);

const importFlow = async (as: Caller, name: string, nodes: unknown[], edges: { source: string; target: string }[]) => {
  const imported = await rest().call<{ id: string }>('POST', '/api/workflows/import', {
    as,
    body: { weft: 1, name, nodes, edges },
  });
  expect(imported.status).toBe(201);
  return imported.body.id;
};

const finished = (as: Caller, id: string) =>
  waitUntil(async () => {
    const r = await rest().call<ExecutionBody>('GET', `/api/executions/${id}`, { as });
    return r.body.status === 'succeeded' || r.body.status === 'failed' ? r.body : undefined;
  }, `execution ${id} to finish`);

const runBody = (as: Caller, workflowId: string, body?: Record<string, unknown>) =>
  rest().call<ExecutionBody & { error?: { code: string; message: string } }>(
    'POST',
    `/api/workflows/${workflowId}/run`,
    { as, ...(body ? { body } : {}) },
  );

const outputOf = (e: ExecutionBody, name: string) =>
  e.nodeRuns.find((r) => r.name === name)?.output.main?.map((i) => i.json);
const origins = (e: ExecutionBody) => Object.fromEntries(e.nodeRuns.map((r) => [r.name, r.origin]));

describe('partial runs', () => {
  let ann: Awaited<ReturnType<ReturnType<typeof rest>['signup']>>;
  let workflowId = '';
  let client: YwsClient;
  let base: ExecutionBody;

  beforeAll(async () => {
    ann = await rest().signup('ann@example.com');
    workflowId = await importFlow(
      ann.as,
      'Chain',
      [
        node('start', 'Start', 'manualTrigger', {}, 0),
        node(
          'a',
          'A',
          'code',
          { jsCode: 'return [{ json: { i: 0, r: Math.random() } }, { json: { i: 1, r: Math.random() } }];' },
          200,
        ),
        node('b', 'B', 'set', assign('r', '={{ $json.r }}'), 400),
        node('c', 'C', 'set', assign('c', 'one'), 600),
        node('d', 'D', 'set', assign('d', "={{ $json.c + '-' + $('A').item.json.i }}"), 800),
      ],
      [
        { source: 'start', target: 'a' },
        { source: 'a', target: 'b' },
        { source: 'b', target: 'c' },
        { source: 'c', target: 'd' },
      ],
    );
    client = connectClient(t.wsUrl, workflowId, { token: ann.token });
    clients.push(client);
    await client.synced();
    await waitFor('the nodes', () => client.doc.getMap('nodes').size === 5);
    const started = await runBody(ann.as, workflowId);
    expect(started.status).toBe(201);
    base = await finished(ann.as, started.body.id);
    expect(base.status).toBe('succeeded');
  });

  it('re-runs the changed node and what follows, reuses the rest, live and stored; a retry replays the reuse', async () => {
    expect(base.fingerprints && Object.keys(base.fingerprints).sort()).toEqual(['a', 'b', 'c', 'd', 'start']);
    expect(base).toMatchObject({ baseExecutionId: null, scope: null, destination: null });
    setParameter(client.doc, 'c', 'assignments', assign('c', 'two').assignments);
    // The edit must have reached the server before the run reads the document.
    const partial = await waitUntil(async () => {
      const started = await runBody(ann.as, workflowId, { base: base.id });
      expect(started.status).toBe(201);
      const done = await finished(ann.as, started.body.id);
      return outputOf(done, 'C')?.[0]?.c === 'two' ? done : undefined;
    }, 'a run with the edit');
    expect(partial.status).toBe('succeeded');
    expect(partial).toMatchObject({ baseExecutionId: base.id, scope: 'all', destination: null });
    expect(origins(partial)).toEqual({ Start: 'reused', A: 'reused', B: 'reused', C: 'ran', D: 'ran' });
    // A did not run again: its random numbers are the base's.
    expect(outputOf(partial, 'A')).toEqual(outputOf(base, 'A'));
    // $('A').item in D walked back through the reused nodes' stored lineage.
    expect(outputOf(partial, 'D')).toEqual([{ d: 'two-0' }, { d: 'two-1' }]);
    // Everyone in the room saw A marked reused, and the run marked as built on the base.
    const live = () => {
      for (const state of client.provider.awareness.getStates().values()) {
        const parsed = serverAwarenessStateSchema.safeParse(state);
        if (parsed.success && parsed.data.execution?.id === partial.id) return parsed.data.execution;
      }
      return undefined;
    };
    await waitFor('the live status of the partial run', () => live()?.nodes.a?.status === 'succeeded');
    expect(live()?.nodes.a?.origin).toBe('reused');
    expect(live()).toMatchObject({ scope: 'all', base: base.id });

    // The partial run is itself a base: nothing changed, everything is reused.
    const again = await finished(ann.as, (await runBody(ann.as, workflowId, { base: partial.id })).body.id);
    expect(new Set(Object.values(origins(again)))).toEqual(new Set(['reused']));
    expect(outputOf(again, 'D')).toEqual(outputOf(partial, 'D'));

    // A retry replays the same job, its reuse included.
    const retried = await rest().call<{ id: string }>('POST', `/api/executions/${partial.id}/retry`, { as: ann.as });
    expect(retried.status).toBe(201);
    const retry = await finished(ann.as, retried.body.id);
    expect(retry).toMatchObject({ baseExecutionId: base.id, scope: 'all' });
    expect(origins(retry)).toEqual(origins(partial));
    expect(outputOf(retry, 'A')).toEqual(outputOf(base, 'A'));
  });

  it('toHere stops at its node; step runs one node on a pinned parent', async () => {
    const toHere = await runBody(ann.as, workflowId, { scope: 'toHere', destination: 'c', base: base.id });
    expect(toHere.status).toBe(201);
    const done = await finished(ann.as, toHere.body.id);
    expect(done).toMatchObject({ status: 'succeeded', scope: 'toHere', destination: 'c' });
    expect(done.nodeRuns.map((r) => r.name)).not.toContain('D');
    expect(origins(done)).toMatchObject({ A: 'reused', C: 'ran' });

    pinNode(client.doc, 'b', [{ r: 'pinned 0' }, { r: 'pinned 1' }], { by: ann.user.id, source: 'typed' });
    const step = await waitUntil(async () => {
      const started = await runBody(ann.as, workflowId, { scope: 'step', destination: 'd', base: done.id });
      expect(started.status).toBe(201);
      const ended = await finished(ann.as, started.body.id);
      return origins(ended).B === 'pinned' ? ended : undefined;
    }, 'a step with the pin');
    expect(step.nodeRuns.find((r) => r.name === 'D')).toMatchObject({ error: null });
    expect(step.status).toBe('succeeded');
    expect(step.nodeRuns.filter((r) => r.origin === 'ran').map((r) => r.name)).toEqual(['D']);
    expect(origins(step)).toMatchObject({ Start: 'reused', A: 'reused', B: 'pinned', C: 'reused', D: 'ran' });
    // $('A').item walks back through reused C, pinned B (item i pairs with its input item i) to reused A.
    expect(outputOf(step, 'D')).toEqual([{ d: 'two-0' }, { d: 'two-1' }]);
  });

  it('refuses what cannot be planned, and a base that is not this workflow’s', async () => {
    const noInput = await runBody(ann.as, workflowId, { scope: 'step', destination: 'd' });
    expect(noInput.status).toBe(400);
    expect(noInput.body.error?.code).toBe('step_needs_input');
    const nowhere = await runBody(ann.as, workflowId, { scope: 'toHere', destination: 'nope', base: base.id });
    expect(nowhere.status).toBe(400);
    expect(nowhere.body.error?.code).toBe('unknown_destination');
    const missing = await runBody(ann.as, workflowId, { scope: 'step' });
    expect(missing.body.error?.code).toBe('unknown_destination');
    const unknown = await runBody(ann.as, workflowId, { base: 'no-such-execution' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error?.code).toBe('unknown_base');
    const withItems = await runBody(ann.as, workflowId, { base: base.id, items: [{ json: { new: true } }] });
    expect(withItems.status).toBe(400);
    expect(withItems.body.error?.code).toBe('bad_request');
    const bad = await runBody(ann.as, workflowId, { scope: 'sideways' });
    expect(bad.status).toBe(400);

    const other = await importFlow(ann.as, 'Other', [node('s', 'Start', 'manualTrigger', {}, 0)], []);
    const otherRun = await finished(ann.as, (await runBody(ann.as, other)).body.id);
    const foreign = await runBody(ann.as, workflowId, { base: otherRun.id });
    expect(foreign.status).toBe(400);
    expect(foreign.body.error?.code).toBe('unknown_base');
    // Ben is not a member: the base check never tells him anything about Ann's runs.
    const ben = await rest().signup('ben@example.com');
    expect((await runBody(ben.as, workflowId, { base: base.id })).status).toBe(403);
  });

  it('past the reuse cap, runs everything again and says so in the log', async () => {
    const big = await importFlow(
      ann.as,
      'Big',
      [
        node('s', 'Start', 'manualTrigger', {}, 0),
        node(
          'rows',
          'Rows',
          'code',
          {
            jsCode:
              "return Array.from({ length: 200 }, (_, i) => ({ json: { i, pad: 'x'.repeat(60), r: Math.random() } }));",
          },
          200,
        ),
        node('tag', 'Tag', 'set', assign('t', 'one'), 400),
      ],
      [
        { source: 's', target: 'rows' },
        { source: 'rows', target: 'tag' },
      ],
    );
    const first = await finished(ann.as, (await runBody(ann.as, big)).body.id);
    expect(first.status).toBe('succeeded');
    const second = await runBody(ann.as, big, { base: first.id });
    expect(second.status).toBe(201);
    expect(second.body.baseExecutionId).toBeNull();
    const done = await finished(ann.as, second.body.id);
    expect(done.status).toBe('succeeded');
    expect(new Set(Object.values(origins(done)))).toEqual(new Set(['ran']));
    expect(outputOf(done, 'Rows')).not.toEqual(outputOf(first, 'Rows'));
    const logs = await rest().call<{ logs: { level: string; message: string }[] }>(
      'GET',
      `/api/executions/${done.id}/logs`,
      { as: ann.as },
    );
    expect(logs.body.logs.find((l) => l.level === 'warn')?.message).toMatch(/WEFT_MAX_REUSE_BYTES/);
  });
  it('a retry whose base was deleted since runs everything and says why', async () => {
    const partial = await finished(ann.as, (await runBody(ann.as, workflowId, { base: base.id })).body.id);
    expect(partial.baseExecutionId).toBe(base.id);
    expect((await rest().call('DELETE', `/api/executions/${base.id}`, { as: ann.as })).status).toBe(204);
    const retried = await rest().call<{ id: string }>('POST', `/api/executions/${partial.id}/retry`, { as: ann.as });
    const retry = await finished(ann.as, retried.body.id);
    expect(retry.status).toBe('succeeded');
    // B's pin (from the step above) still stands in; nothing is reused.
    expect(origins(retry)).toEqual({ Start: 'ran', A: 'ran', B: 'pinned', C: 'ran', D: 'ran' });
    const logs = await rest().call<{ logs: { level: string; message: string }[] }>(
      'GET',
      `/api/executions/${retry.id}/logs`,
      { as: ann.as },
    );
    expect(logs.body.logs.find((l) => l.level === 'warn')?.message).toMatch(/has been deleted: nothing is reused/);
  });
});
