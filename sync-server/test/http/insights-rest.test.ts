import { describe, expect, it } from 'vitest';
import type { InsightsDto } from '#shared/api/insights.ts';
import { waitUntil } from '../helpers/engine-process.ts';
import type { Caller } from '../helpers/rest.ts';
import { serverWithEngine } from '../helpers/workflow-runs.ts';

/**
 * GET /api/insights over real runs (docs/plans/home-insights.md §4): webhook runs of a real engine end, the finish
 * transaction adds them to the rollups, and each caller reads the numbers of what they may read, no more.
 */

const s = serverWithEngine();

const node = (id: string, type: string, parameters: Record<string, unknown>, x: number) => ({
  id,
  name: id === 'check' ? 'Check order' : id,
  type,
  typeVersion: 1,
  position: { x, y: 0 },
  parameters,
});

/** A webhook that answers when the run ends; its Code node throws for `{ "fail": true }`. */
const hookWorkflow = (name: string, path: string, minutesSavedPerRun?: number) => ({
  weft: 1,
  name,
  settings: minutesSavedPerRun === undefined ? {} : { minutesSavedPerRun },
  nodes: [
    node('hook', 'webhook', { path, httpMethod: 'POST', responseMode: 'lastNode' }, 0),
    node(
      'check',
      'code',
      { jsCode: "if ($input.first().json.body.fail) throw new Error('declined'); return $input.all();" },
      200,
    ),
  ],
  edges: [{ source: 'hook', target: 'check' }],
});

const activeHook = async (as: Caller, body: ReturnType<typeof hookWorkflow>, path: string): Promise<string> => {
  const imported = await s.rest.call<{ id: string }>('POST', '/api/workflows/import', { body, as });
  expect(imported.status).toBe(201);
  const id = imported.body.id;
  expect((await s.rest.call('POST', `/api/workflows/${id}/publish`, { as })).status).toBe(200);
  expect((await s.rest.call('POST', `/api/workflows/${id}/activate`, { as })).status).toBe(200);
  await waitUntil(
    async () => ((await call(path, { probe: true })).status !== 404 ? true : undefined),
    `/webhook/${path} to listen`,
  );
  return id;
};

const call = (path: string, body: Record<string, unknown>) =>
  fetch(`${s.t.baseUrl}/webhook/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

const insights = (query: string, as: Caller) => s.rest.call<InsightsDto>('GET', `/api/insights${query}`, { as });

describe('GET /api/insights', () => {
  it('counts real runs by status, with failure rate, durations, time saved, failing nodes and webhook latency, for what each caller may read', async () => {
    const admin = await s.rest.signup('admin@example.com', 'Admin');
    const ann = await s.rest.signup('ann@example.com', 'Ann');
    const bob = await s.rest.signup('bob@example.com', 'Bob');
    const orders = await activeHook(ann.as, hookWorkflow('Orders', 'orders', 4), 'orders');
    const secret = await activeHook(bob.as, hookWorkflow('Bob secret payroll', 'payroll'), 'payroll');
    // The probes above ran once each (they do not fail): 1 succeeded run per workflow so far.
    for (const fail of [false, false, true, false, true]) await call('orders', { fail });
    for (const fail of [true, true, true]) await call('payroll', { fail });

    // Ann: her workflow's 6 runs, 2 failed, 4 minutes saved each; Bob's nowhere.
    const mine = await waitUntil(async () => {
      const res = await insights('?range=24h', ann.as);
      return res.body.webhookLatency.responses === 6 ? res : undefined;
    }, 'the latencies to be written');
    expect(mine.status).toBe(200);
    const a = mine.body;
    expect(a.range).toBe('24h');
    expect(a.bucket).toBe('hour');
    expect(a.to - a.from).toBe(24 * 3_600_000);
    expect(a.series).toHaveLength(24);
    expect(a.totals).toMatchObject({ runs: 6, succeeded: 4, failed: 2, canceled: 0, minutesSaved: 24 });
    expect(a.totals.failureRate).toBeCloseTo(2 / 6);
    const summed = a.series.reduce((n, b) => ({ s: n.s + b.succeeded, f: n.f + b.failed }), { s: 0, f: 0 });
    expect(summed).toEqual({ s: 4, f: 2 });
    expect(a.totals.durationP50Ms).toBeGreaterThanOrEqual(0);
    expect(a.totals.durationP95Ms).toBeGreaterThanOrEqual(a.totals.durationP50Ms ?? 0);
    expect(a.topFailingNodes).toEqual([
      {
        workflowId: orders,
        workflowName: 'Orders',
        nodeId: 'check',
        nodeName: 'Check order',
        nodeType: 'code',
        failures: 2,
      },
    ]);
    expect(a.webhookLatency.p50Ms).not.toBeNull();
    expect(a.byWorkflow.map((w) => [w.workflowId, w.runs, w.failed, w.minutesSaved])).toEqual([[orders, 6, 2, 24]]);
    const text = JSON.stringify(a);
    expect(text).not.toContain(secret);
    expect(text).not.toContain('payroll');

    // The admin reads everything; a workflow narrows it.
    const all = await waitUntil(async () => {
      const res = await insights('?range=7d', admin.as);
      return res.body.webhookLatency.responses === 10 ? res : undefined;
    }, 'every latency to be written');
    expect(all.body.bucket).toBe('day');
    expect(all.body.totals).toMatchObject({ runs: 10, succeeded: 5, failed: 5 });
    expect(all.body.byWorkflow.map((w) => w.workflowId)).toEqual([orders, secret]);
    const one = await insights(`?range=30d&workflowId=${secret}`, admin.as);
    expect(one.body.totals).toMatchObject({ runs: 4, failed: 3, minutesSaved: 0 });
    expect(one.body.series.length).toBeGreaterThanOrEqual(30);

    // A member reads a shared workflow's numbers while, and only while, a member.
    await s.rest.addMember(ann.as, orders, bob, 'viewer');
    const shared = await insights('?range=24h', bob.as);
    expect(shared.body.byWorkflow.map((w) => w.workflowId).sort()).toEqual([orders, secret].sort());
    expect((await insights(`?workflowId=${orders}`, bob.as)).body.totals.runs).toBe(6);
    expect(
      (await s.rest.call('DELETE', `/api/workflows/${orders}/members/${bob.user.id}`, { as: ann.as })).status,
    ).toBe(204);
    expect((await insights(`?workflowId=${orders}`, bob.as)).status).toBe(403);
    const after = await insights('?range=24h', bob.as);
    expect(after.body.totals.runs).toBe(4);
    expect(JSON.stringify(after.body)).not.toContain(orders);

    // A custom range: the hours asked for, whole.
    const now = Date.now();
    const custom = await insights(`?from=${now - 2 * 3_600_000}&to=${now}`, ann.as);
    expect(custom.body.range).toBe('custom');
    expect(custom.body.totals.runs).toBe(6);
    expect(
      (await insights(`?from=${now - 3_600_000 * 24 * 10}&to=${now - 3_600_000 * 24 * 9}`, ann.as)).body.totals.runs,
    ).toBe(0);
  });

  it('refuses another person’s workflow, a missing one and bad ranges', async () => {
    await s.rest.signup('admin@example.com', 'Admin');
    const ann = await s.rest.signup('ann@example.com', 'Ann');
    const bob = await s.rest.signup('bob@example.com', 'Bob');
    const bobs = await s.rest.createWorkflow(bob.as, 'Bob only');
    const other = await insights(`?workflowId=${bobs}`, ann.as);
    expect(other.status).toBe(403);
    expect(JSON.stringify(other.body)).not.toContain('Bob only');
    expect((await insights('?workflowId=nope', ann.as)).status).toBe(404);
    for (const bad of [
      '?range=1y',
      '?from=5',
      '?from=10&to=5',
      `?from=0&to=${401 * 86_400_000}`,
      '?range=24h&from=1&to=2',
      '?workflowId=..%2Fx',
      '?from=abc&to=1',
    ]) {
      const res = await insights(bad, ann.as);
      expect(res.status, bad).toBe(400);
      expect(res.body).toMatchObject({ error: { code: 'bad_request' } });
    }
    expect((await s.rest.call('GET', '/api/insights')).status).toBe(401);
  });
});
