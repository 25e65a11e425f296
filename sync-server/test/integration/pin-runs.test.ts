import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverAwarenessStateSchema } from '#shared/protocol/live.ts';
import { pinNode } from '#shared/schema/index.ts';
import { restClient } from '../helpers/rest.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';
import { connectClient, waitFor, type YwsClient } from '../helpers/yws-client.ts';
import { startEngine, stopEngine, waitUntil } from '../helpers/engine-process.ts';

/**
 * Pins in runs, with the real server and a real engine process
 * (docs/plans/n8n-daily.md §2.4): a manual run reads the live document's pins
 * and starts at a pinned Webhook without waiting for a request; a retry
 * replays the pins its run used, not today's; a production run uses none.
 */

let t: TestServer;
let engine: ChildProcess | undefined;
let client: YwsClient | undefined;

interface NodeRunBody {
  name: string;
  origin?: string;
  paired?: string | null;
  output: Record<string, { json: Record<string, unknown> }[]>;
}
interface ExecutionBody {
  id: string;
  status: string;
  mode: string;
  nodeRuns: NodeRunBody[];
}

beforeAll(async () => {
  t = await startTestServer();
  await t.listen();
  engine = await startEngine(t.baseUrl);
});

afterAll(async () => {
  client?.destroy();
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

describe('pins in runs', () => {
  it('manual runs use the live pins and start at a pinned Webhook; a retry replays its pins; production ignores them', async () => {
    const rest = restClient(t.baseUrl);
    const ann = await rest.signup('ann@example.com');
    const imported = await rest.call<{ id: string }>('POST', '/api/workflows/import', {
      as: ann.as,
      body: {
        weft: 1,
        name: 'Pinned hook',
        nodes: [
          node('hook', 'Hook', 'webhook', { path: 'pins/in', httpMethod: 'POST' }, 0),
          node(
            'tag',
            'Tag',
            'set',
            { assignments: [{ name: 'who', value: '={{ $json.body.who }}', type: 'string' }] },
            200,
          ),
        ],
        edges: [{ source: 'hook', target: 'tag' }],
      },
    });
    expect(imported.status).toBe(201);
    const workflowId = imported.body.id;
    client = connectClient(t.wsUrl, workflowId, { token: ann.token });
    await client.synced();
    const doc = client.doc;
    await waitFor('the nodes', () => doc.getMap('nodes').size === 2);
    pinNode(doc, 'hook', [{ body: { who: 'Pinned Ana' } }], { by: ann.user.id, source: 'typed' });

    const until = (id: string, status = 'succeeded') =>
      waitUntil(async () => {
        const r = await rest.call<ExecutionBody>('GET', `/api/executions/${id}`, { as: ann.as });
        return r.body.status === status ? r.body : undefined;
      }, `execution ${id} to be ${status}`);
    const tagOf = (e: ExecutionBody) => e.nodeRuns.find((r) => r.name === 'Tag')?.output.main?.[0]?.json.who;
    const originOf = (e: ExecutionBody, name: string) => e.nodeRuns.find((r) => r.name === name)?.origin;

    // The pin must have reached the server before the run reads it.
    const first = await waitUntil(async () => {
      const started = await rest.call<{ id: string }>('POST', `/api/workflows/${workflowId}/run`, { as: ann.as });
      const done = await until(started.body.id);
      return tagOf(done) === 'Pinned Ana' ? done : undefined;
    }, 'a manual run to use the pin');
    expect(first.mode).toBe('manual');
    // Everyone in the room sees the pinned node marked as such in the live status, not as run.
    const liveHook = () => {
      for (const state of client?.provider.awareness.getStates().values() ?? []) {
        const parsed = serverAwarenessStateSchema.safeParse(state);
        if (parsed.success && parsed.data.execution?.id === first.id) return parsed.data.execution.nodes.hook;
      }
      return undefined;
    };
    await waitFor('the live status of the pinned run', () => liveHook()?.status === 'succeeded');
    expect(liveHook()?.origin).toBe('pinned');
    expect(first.nodeRuns.map((r) => [r.name, r.origin])).toEqual([
      ['Hook', 'pinned'],
      ['Tag', 'ran'],
    ]);
    // Execution detail carries each run's paired items as stored (shared/src/runs/paired.ts).
    expect(first.nodeRuns.map((r) => (r.paired ? (JSON.parse(r.paired) as { out: unknown }).out : null))).toEqual([
      { main: [0] },
      { main: [0] },
    ]);

    // Today's pin differs; the retry runs with the one its run used.
    pinNode(doc, 'hook', [{ body: { who: 'Pinned Ben' } }], { by: ann.user.id, source: 'typed' });
    await waitUntil(async () => {
      const started = await rest.call<{ id: string }>('POST', `/api/workflows/${workflowId}/run`, { as: ann.as });
      return tagOf(await until(started.body.id)) === 'Pinned Ben' ? true : undefined;
    }, 'a manual run to use the new pin');
    const retried = await rest.call<{ id: string }>('POST', `/api/executions/${first.id}/retry`, { as: ann.as });
    expect(retried.status).toBe(201);
    const retry = await until(retried.body.id);
    expect(retry.mode).toBe('retry');
    expect(tagOf(retry)).toBe('Pinned Ana');
    expect(originOf(retry, 'Hook')).toBe('pinned');

    // Production: the request's data, the pin ignored.
    expect((await rest.call('POST', `/api/workflows/${workflowId}/publish`, { as: ann.as })).status).toBe(200);
    expect((await rest.call('POST', `/api/workflows/${workflowId}/activate`, { as: ann.as })).status).toBe(200);
    await waitUntil(async () => {
      const res = await fetch(`${t.baseUrl}/webhook/pins/in`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ who: 'Real Cy' }),
      });
      return res.status === 200 ? true : undefined;
    }, 'the webhook to answer');
    const production = await waitUntil(async () => {
      const r = await rest.call<{ executions: { id: string; mode: string; status: string }[] }>(
        'GET',
        `/api/executions?workflowId=${workflowId}`,
        { as: ann.as },
      );
      return r.body.executions.find((e) => e.mode === 'webhook' && e.status === 'succeeded');
    }, 'the production run');
    const done = await until(production.id);
    expect(tagOf(done)).toBe('Real Cy');
    expect(originOf(done, 'Hook')).toBe('ran');
  });
});
