import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { restClient } from '../helpers/rest.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';
import { startEngine, stopEngine, waitUntil } from '../helpers/engine-process.ts';

/**
 * GET /api/executions/{id}/items: one page of a node run's items, read
 * through a real engine's run, for a member only, with every bad request
 * answered by a clear error.
 */

let t: TestServer;
let engine: ChildProcess | undefined;

beforeAll(async () => {
  t = await startTestServer();
  await t.listen();
  engine = await startEngine(t.baseUrl);
});

afterAll(async () => {
  if (engine) await stopEngine(engine);
  await t.close();
});

interface Page {
  handles: { name: string; count: number }[];
  handle: string | null;
  total: number;
  offset: number;
  items: { json: { i?: number } }[];
}

describe('execution items', () => {
  it('pages through a run of 120 items; refuses strangers, unknown runs and handles, and bad paging', async () => {
    const rest = restClient(t.baseUrl);
    const ann = await rest.signup('ann-items@example.com');
    const eve = await rest.signup('eve-items@example.com');
    const imported = await rest.call<{ id: string }>('POST', '/api/workflows/import', {
      as: ann.as,
      body: {
        weft: 1,
        name: 'Many items',
        nodes: [
          { id: 'go', name: 'Go', type: 'manualTrigger', typeVersion: 1, position: { x: 0, y: 0 } },
          {
            id: 'many',
            name: 'Many',
            type: 'code',
            typeVersion: 1,
            position: { x: 200, y: 0 },
            parameters: { jsCode: 'return Array.from({ length: 120 }, (_, i) => ({ json: { i } }));' },
          },
        ],
        edges: [{ source: 'go', target: 'many' }],
      },
    });
    expect(imported.status).toBe(201);
    const started = await rest.call<{ id: string }>('POST', `/api/workflows/${imported.body.id}/run`, { as: ann.as });
    const id = started.body.id;
    await waitUntil(async () => {
      const r = await rest.call<{ status: string }>('GET', `/api/executions/${id}`, { as: ann.as });
      return r.body.status === 'succeeded' ? true : undefined;
    }, 'the run to succeed');

    const page = (query: string, as = ann.as) => rest.call<Page>('GET', `/api/executions/${id}/items?${query}`, { as });
    const first = await page('node=many');
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      handles: [{ name: 'main', count: 120 }],
      handle: 'main',
      total: 120,
      offset: 0,
    });
    expect(first.body.items.map((i) => i.json.i)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    const last = await page('node=many&offset=100&limit=50');
    expect(last.body.items.map((i) => i.json.i)).toEqual(Array.from({ length: 20 }, (_, i) => 100 + i));
    expect((await page('node=many&offset=500')).body).toMatchObject({ total: 120, items: [] });
    expect((await page('node=many&side=input')).body).toMatchObject({
      handles: [{ name: 'main', count: 1 }],
      total: 1,
    });

    // The detail with ?items=N: each handle's first N items and every handle's total, for the inspector.
    interface Detail {
      nodeRuns: {
        nodeId: string;
        input: Record<string, unknown[]>;
        output: Record<string, { json: { i: number } }[]>;
        inputCounts?: Record<string, number>;
        outputCounts?: Record<string, number>;
      }[];
    }
    const detail = async (query: string) =>
      (await rest.call<Detail>('GET', `/api/executions/${id}${query}`, { as: ann.as })).body.nodeRuns.find(
        (r) => r.nodeId === 'many',
      );
    const firstPage = await detail('?items=50');
    expect(firstPage?.output.main?.map((i) => i.json.i)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(firstPage).toMatchObject({ outputCounts: { main: 120 }, inputCounts: { main: 1 } });
    expect((await detail('?items=0'))?.output).toEqual({ main: [] });
    // Without it, every item (scripts read the whole run), and no counts.
    const whole = await detail('');
    expect(whole?.output.main).toHaveLength(120);
    expect(whole?.outputCounts).toBeUndefined();
    for (const bad of ['?items=-1', '?items=10001', '?items=many']) {
      expect((await rest.call('GET', `/api/executions/${id}${bad}`, { as: ann.as })).status, bad).toBe(400);
    }

    // Another account may not read it; a run, node or handle that does not exist is a 404 saying which.
    expect((await page('node=many', eve.as)).status).toBe(403);
    const noRun = await page('node=many&run=3');
    expect(noRun.status).toBe(404);
    expect(noRun.body).toMatchObject({ error: { code: 'not_found' } });
    expect((await page('node=ghost')).status).toBe(404);
    // Names of Object's own methods are not handles.
    for (const handle of ['toString', '__proto__', 'constructor']) {
      const res = await page(`node=many&handle=${handle}`);
      expect(res.status, handle).toBe(404);
    }
    for (const bad of [
      'node=many&limit=0',
      'node=many&limit=201',
      'node=many&offset=-1',
      'node=many&side=both',
      'side=input',
    ]) {
      const res = await page(bad);
      expect(res.status, bad).toBe(400);
      expect(res.body).toMatchObject({
        error: { code: expect.any(String) as string, message: expect.any(String) as string },
      });
    }
  });
});
