import type { ChildProcess } from 'node:child_process';
import WebSocket from 'ws';
import { EngineCloseCodes } from '#shared/protocol/engine.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { restClient } from '../helpers/rest.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';
import { startEngine, stopEngine, TEST_ENGINE_TOKEN, waitUntil } from '../helpers/engine-process.ts';

/**
 * Custom execution data end to end: an Execution Data node in a real engine's
 * run saves values, the server stores them with the execution
 * (`executions.custom_data`), the detail and the list show them, and
 * `GET /api/executions?custom=key:value` finds runs by them (repeatable, every
 * pair must match, exactly) — on SQLite and, in the sync-server-pg project,
 * PostgreSQL.
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

interface Execution {
  id: string;
  status: string;
  customData?: Record<string, string> | null;
}

describe('custom execution data', () => {
  it('is stored with the run, shown in its detail and list, and filters the list', async () => {
    const rest = restClient(t.baseUrl);
    const ann = await rest.signup('ann-custom@example.com');
    const eve = await rest.signup('eve-custom@example.com');
    const imported = await rest.call<{ id: string }>('POST', '/api/workflows/import', {
      as: ann.as,
      body: {
        weft: 1,
        name: 'Orders',
        nodes: [
          { id: 'go', name: 'Go', type: 'manualTrigger', typeVersion: 1, position: { x: 0, y: 0 } },
          {
            id: 'save',
            name: 'Save',
            type: 'executionData',
            typeVersion: 1,
            position: { x: 200, y: 0 },
            parameters: {
              dataToSave: [
                { key: 'customer', value: '={{ $json.customer }}' },
                { key: 'region', value: '={{ $json.region }}' },
                // 日本 and a colon in the value: the filter splits at the first colon only.
                { key: '日本', value: '={{ "a:b " + $json.region }}' },
              ],
            },
          },
          {
            id: 'code',
            name: 'Code',
            type: 'code',
            typeVersion: 1,
            position: { x: 400, y: 0 },
            parameters: {
              jsCode: "$execution.customData.set('total', $input.first().json.total);\nreturn $input.all();",
            },
          },
        ],
        edges: [
          { source: 'go', target: 'save' },
          { source: 'save', target: 'code' },
        ],
      },
    });
    expect(imported.status).toBe(201);
    const workflowId = imported.body.id;

    const runWith = async (json: Record<string, unknown>): Promise<string> => {
      const started = await rest.call<{ id: string }>('POST', `/api/workflows/${workflowId}/run`, {
        as: ann.as,
        body: { items: [{ json }] },
      });
      expect(started.status).toBe(201);
      const id = started.body.id;
      await waitUntil(async () => {
        const r = await rest.call<Execution>('GET', `/api/executions/${id}`, { as: ann.as });
        return r.body.status === 'succeeded' || r.body.status === 'failed' ? true : undefined;
      }, 'the run to end');
      return id;
    };
    const acme = await runWith({ customer: 'acme', region: 'eu', total: 12.5 });
    const bolt = await runWith({ customer: 'bolt', region: 'eu', total: 3 });
    const crux = await runWith({ customer: 'crux', region: 'us', total: 40 });

    const detail = await rest.call<Execution>('GET', `/api/executions/${acme}`, { as: ann.as });
    expect(detail.body.status).toBe('succeeded');
    expect(detail.body.customData).toEqual({ customer: 'acme', region: 'eu', 日本: 'a:b eu', total: '12.5' });

    const list = async (query: string, as = ann.as) =>
      rest.call<{ executions: Execution[] }>('GET', `/api/executions?workflowId=${workflowId}&${query}`, { as });
    const ids = async (query: string) => {
      const res = await list(query);
      expect(res.status, query).toBe(200);
      return res.body.executions.map((e) => e.id);
    };
    expect((await list('')).body.executions.find((e) => e.id === bolt)?.customData).toMatchObject({ customer: 'bolt' });
    expect(await ids('custom=region:eu')).toEqual([bolt, acme]);
    expect(await ids('custom=region:us')).toEqual([crux]);
    expect(await ids('custom=region:eu&custom=customer:acme')).toEqual([acme]);
    expect(await ids('custom=region:us&custom=customer:acme')).toEqual([]);
    expect(await ids('custom=total:12.5')).toEqual([acme]);
    // Exact: no prefix, case or type loosening.
    expect(await ids('custom=region:e')).toEqual([]);
    expect(await ids('custom=region:EU')).toEqual([]);
    expect(await ids('custom=total:12.50')).toEqual([]);
    expect(await ids(`custom=${encodeURIComponent('日本:a:b us')}`)).toEqual([crux]);
    expect(await ids('custom=missing:x')).toEqual([]);
    // Without a workflowId: every workflow the caller can read; another account sees none of these.
    const all = await rest.call<{ executions: Execution[] }>('GET', '/api/executions?custom=customer:bolt', {
      as: ann.as,
    });
    expect(all.body.executions.map((e) => e.id)).toEqual([bolt]);
    const stranger = await rest.call<{ executions: Execution[] }>('GET', '/api/executions?custom=customer:bolt', {
      as: eve.as,
    });
    expect(stranger.body.executions).toEqual([]);

    // Hostile filters are a 400 naming the problem, never SQL.
    for (const bad of [
      'custom=region',
      'custom=:eu',
      `custom=${encodeURIComponent("a' or 1=1 --:x")}`,
      `custom=${encodeURIComponent('a.b:x')}`,
      `custom=${encodeURIComponent('$.region:eu')}`,
      Array.from({ length: 11 }, (_, i) => `custom=k${i}:v`).join('&'),
    ]) {
      const res = await list(bad);
      expect(res.status, bad).toBe(400);
      expect(res.body).toMatchObject({
        error: { code: 'bad_request', message: expect.stringContaining('custom') as string },
      });
    }
  });
});

describe('custom data from a hostile engine', () => {
  it.each([
    ['eleven keys', Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`k${i}`, 'v']))],
    ['a key that is SQL', { "a'); drop table executions; --": 'x' }],
    ['a value over 512 characters', { a: 'v'.repeat(513) }],
    ['a value that is not text', { a: { nested: true } }],
  ])('%s: the engine is refused and nothing of it is stored', async (_, customData) => {
    const own = await startTestServer();
    await own.listen();
    try {
      const rest = restClient(own.baseUrl);
      const ann = await rest.signup('ann-hostile-custom@example.com');
      const imported = await rest.call<{ id: string }>('POST', '/api/workflows/import', {
        as: ann.as,
        body: {
          weft: 1,
          name: 'Hostile',
          nodes: [{ id: 'go', name: 'Go', type: 'manualTrigger', typeVersion: 1, position: { x: 0, y: 0 } }],
          edges: [],
        },
      });
      const engine = new WebSocket(`${own.wsUrl.replace(/\/sync$/, '')}/engine?token=${TEST_ENGINE_TOKEN}`);
      const closed = new Promise<number>((resolve) => engine.on('close', (code) => resolve(code)));
      engine.on('message', (data: Buffer) => {
        const message = JSON.parse(data.toString()) as { type: string; job?: { executionId: string } };
        if (message.type !== 'run' || !message.job) return;
        const result = { status: 'succeeded', runs: [], lastOutput: [], customData };
        engine.send(JSON.stringify({ type: 'finished', executionId: message.job.executionId, result }));
      });
      await new Promise((resolve) => engine.on('open', resolve));
      engine.send(JSON.stringify({ type: 'hello', engineId: 'hostile-custom', concurrency: 1 }));
      const started = await rest.call<{ id: string }>('POST', `/api/workflows/${imported.body.id}/run`, { as: ann.as });
      expect(await closed).toBe(EngineCloseCodes.badMessage);
      // The run is the lost engine's: failed, with no custom data; the server goes on answering.
      const ended = await waitUntil(async () => {
        const r = await rest.call<Execution>('GET', `/api/executions/${started.body.id}`, { as: ann.as });
        return r.body.status === 'queued' || r.body.status === 'running' ? undefined : r.body;
      }, 'the run to end');
      expect(ended.status).toBe('failed');
      expect(ended.customData).toBeNull();
    } finally {
      await own.close();
    }
  });
});
