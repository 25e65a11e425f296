import { describe, expect, it } from 'vitest';
import type { Caller } from '../helpers/rest.ts';
import { waitUntil } from '../helpers/engine-process.ts';
import { edge, importWorkflow, node as namedNode, serverWithEngine, type Rest } from '../helpers/workflow-runs.ts';

/**
 * Error workflows (docs/plans/n8n-daily.md §7) with the real server and a
 * real engine process: a failure starts the named workflow's run once, with
 * n8n's item; manual runs only when the setting says so; an error run that
 * fails starts nothing; what stops an error run is a line in the failed run's
 * log; a run lost with its engine fires too.
 */

const env = serverWithEngine({ publicUrl: 'https://weft.example.com' });

interface Execution {
  id: string;
  mode: string;
  status: string;
  error: string | null;
  nodeRuns: { name: string; output: Record<string, { json: unknown }[]> }[];
}

/** A node named after its id ('stop' → 'Stop'). */
const node = (id: string, type: string, parameters: Record<string, unknown> = {}, x = 0) =>
  namedNode(id, `${id.slice(0, 1).toUpperCase()}${id.slice(1)}`, type, parameters, x);

const create = (
  rest: Rest,
  as: Caller,
  name: string,
  nodes: unknown[],
  edges: [string, string][],
  settings: Record<string, unknown> = {},
): Promise<string> =>
  importWorkflow(rest, as, { name, nodes, edges: edges.map(([source, target]) => edge(source, target)), settings });

const publish = async (rest: Rest, as: Caller, id: string, activate = false) => {
  expect((await rest.call('POST', `/api/workflows/${id}/publish`, { as })).status).toBe(200);
  if (activate) expect((await rest.call('POST', `/api/workflows/${id}/activate`, { as })).status).toBe(200);
};

/** An error workflow: Error Trigger → No Operation, published. */
const errorWorkflow = async (rest: Rest, as: Caller, name = 'On failure') => {
  const id = await create(
    rest,
    as,
    name,
    [node('caught', 'errorTrigger'), node('note', 'noOp', {}, 200)],
    [['caught', 'note']],
  );
  await publish(rest, as, id);
  return id;
};

const executionsOf = async (rest: Rest, as: Caller, workflowId: string) =>
  (
    await rest.call<{ executions: { id: string; mode: string; status: string }[] }>(
      'GET',
      `/api/executions?workflowId=${workflowId}`,
      { as },
    )
  ).body.executions;

const execution = async (rest: Rest, as: Caller, id: string) =>
  (await rest.call<Execution>('GET', `/api/executions/${id}`, { as })).body;

const logsOf = async (rest: Rest, as: Caller, id: string) =>
  (await rest.call<{ logs: { level: string; message: string }[] }>('GET', `/api/executions/${id}/logs`, { as })).body
    .logs;

/** Waits until the workflow has a finished run of mode `error`, and answers it with its node runs. */
const errorRunOf = async (rest: Rest, as: Caller, workflowId: string, timeoutMs = 10_000) => {
  const listed = await waitUntil(
    async () =>
      (await executionsOf(rest, as, workflowId)).find(
        (e) => e.mode === 'error' && (e.status === 'succeeded' || e.status === 'failed'),
      ),
    'the error run to finish',
    timeoutMs,
  );
  return execution(rest, as, listed.id);
};

const manualRun = async (rest: Rest, as: Caller, workflowId: string) => {
  const r = await rest.call<{ id: string }>('POST', `/api/workflows/${workflowId}/run`, { as });
  expect(r.status).toBe(201);
  return waitUntil(async () => {
    const e = await execution(rest, as, r.body.id);
    return e.status === 'failed' ? e : undefined;
  }, 'the run to fail');
};

const failing = (settings: Record<string, unknown>) => ({
  nodes: [node('start', 'manualTrigger'), node('stop', 'stopAndError', { errorMessage: 'Nope' }, 200)],
  edges: [['start', 'stop']] as [string, string][],
  settings,
});

describe('error workflows', () => {
  it('a webhook run that fails starts the error workflow once, with n8n’s item and Weft’s node and item', async () => {
    const rest = env.rest;
    const ann = await rest.signup('ann@example.com');
    const target = await errorWorkflow(rest, ann.as);
    const failingId = await create(
      rest,
      ann.as,
      'Orders',
      [
        node('hook', 'webhook', { path: 'orders/fail', httpMethod: 'POST' }),
        node('stop', 'stopAndError', { errorMessage: '={{ "Order " + $json.body.order + " failed" }}' }, 200),
      ],
      [['hook', 'stop']],
      { errorWorkflow: target },
    );
    await publish(rest, ann.as, failingId, true);
    const res = await fetch(`${env.t.baseUrl}/webhook/orders/fail`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ order: 7 }),
    });
    expect(res.status).toBe(200);

    const run = await errorRunOf(rest, ann.as, target);
    expect(run.status).toBe('succeeded');
    const [failed] = await executionsOf(rest, ann.as, failingId);
    expect(failed).toMatchObject({ mode: 'webhook', status: 'failed' });
    const item = run.nodeRuns.find((r) => r.name === 'Caught')?.output.main?.[0]?.json;
    expect(item).toEqual({
      execution: {
        id: failed?.id,
        url: `https://weft.example.com/w/${failingId}?execution=${failed?.id}`,
        error: {
          message: 'Order 7 failed',
          stack: 'Node "Stop" failed: Order 7 failed',
          node: { id: 'stop', name: 'Stop', type: 'stopAndError' },
        },
        lastNodeExecuted: 'Stop',
        mode: 'webhook',
        item: expect.objectContaining({ body: { order: 7 } }) as unknown,
      },
      workflow: { id: failingId, name: 'Orders' },
    });
    // The node after the trigger had the same item: the run went on from it.
    expect(run.nodeRuns.find((r) => r.name === 'Note')?.output.main?.[0]?.json).toEqual(item);
    expect((await logsOf(rest, ann.as, failed?.id ?? '')).map((l) => l.message)).toContainEqual(
      `The error workflow ${target} runs as execution ${run.id}`,
    );
    // Once: nothing else starts later.
    await new Promise((r) => setTimeout(r, 300));
    expect((await executionsOf(rest, ann.as, target)).map((e) => e.id)).toEqual([run.id]);
  });

  it('a schedule run that fails starts the error workflow, once per failed tick', async () => {
    const rest = env.rest;
    const ann = await rest.signup('ann@example.com');
    const target = await errorWorkflow(rest, ann.as);
    const id = await create(
      rest,
      ann.as,
      'Ticks',
      [
        node('tick', 'scheduleTrigger', { cronExpression: '* * * * * *' }),
        node('stop', 'stopAndError', { errorMessage: 'tick refused' }, 200),
      ],
      [['tick', 'stop']],
      { errorWorkflow: target },
    );
    await publish(rest, ann.as, id, true);
    const run = await errorRunOf(rest, ann.as, target);
    expect((await rest.call('POST', `/api/workflows/${id}/deactivate`, { as: ann.as })).status).toBe(200);
    const item = run.nodeRuns[0]?.output.main?.[0]?.json as { execution: { id: string; mode: string } };
    expect(item.execution).toMatchObject({ mode: 'schedule', error: { message: 'tick refused' } });
    // Every failed tick has its own error run, and no error run is of a tick that did not fail.
    await new Promise((r) => setTimeout(r, 1_500));
    const failedTicks = (await executionsOf(rest, ann.as, id)).filter((e) => e.status === 'failed').map((e) => e.id);
    const errorRuns = await executionsOf(rest, ann.as, target);
    const of = await Promise.all(
      errorRuns.map(async (e) => {
        const detail = await waitUntil(async () => {
          const d = await execution(rest, ann.as, e.id);
          return d.status === 'succeeded' ? d : undefined;
        }, 'the error run to finish');
        return (detail.nodeRuns[0]?.output.main?.[0]?.json as { execution: { id: string } }).execution.id;
      }),
    );
    expect(of.sort()).toEqual(failedTicks.sort());
  });

  it('a manual run fires only with "also after manual runs"', async () => {
    const rest = env.rest;
    const ann = await rest.signup('ann@example.com');
    const target = await errorWorkflow(rest, ann.as);
    const quiet = failing({ errorWorkflow: target });
    const quietId = await create(rest, ann.as, 'Quiet', quiet.nodes, quiet.edges, quiet.settings);
    const loud = failing({ errorWorkflow: target, errorWorkflowOnManual: true });
    const loudId = await create(rest, ann.as, 'Loud', loud.nodes, loud.edges, loud.settings);

    const quietRun = await manualRun(rest, ann.as, quietId);
    const loudRun = await manualRun(rest, ann.as, loudId);
    const run = await errorRunOf(rest, ann.as, target);
    const item = run.nodeRuns[0]?.output.main?.[0]?.json as { execution: { id: string; mode: string } };
    expect(item.execution).toMatchObject({ id: loudRun.id, mode: 'manual' });
    await new Promise((r) => setTimeout(r, 300));
    expect((await executionsOf(rest, ann.as, target)).map((e) => e.id)).toEqual([run.id]);
    expect((await logsOf(rest, ann.as, quietRun.id)).map((l) => l.message).join('\n')).not.toMatch(/error workflow/);
  });

  it('an error workflow that fails starts nothing, not even itself', async () => {
    const rest = env.rest;
    const ann = await rest.signup('ann@example.com');
    // Its own error workflow, and its failure is an error run: no second run.
    const selfish = await create(
      rest,
      ann.as,
      'Fails too',
      [node('caught', 'errorTrigger'), node('stop', 'stopAndError', { errorMessage: 'again' }, 200)],
      [['caught', 'stop']],
    );
    await publish(rest, ann.as, selfish);
    const source = failing({ errorWorkflow: selfish, errorWorkflowOnManual: true });
    const sourceId = await create(rest, ann.as, 'Source', source.nodes, source.edges, source.settings);
    await manualRun(rest, ann.as, sourceId);
    const run = await errorRunOf(rest, ann.as, selfish);
    expect(run).toMatchObject({ mode: 'error', status: 'failed', error: 'Node "Stop" failed: again' });
    await new Promise((r) => setTimeout(r, 500));
    expect((await executionsOf(rest, ann.as, selfish)).map((e) => e.id)).toEqual([run.id]);
  });

  it('a workflow with its own Error Trigger and no error workflow set is its own, for production runs', async () => {
    const rest = env.rest;
    const ann = await rest.signup('ann@example.com');
    const id = await create(
      rest,
      ann.as,
      'Self',
      [
        node('hook', 'webhook', { path: 'self/fail', httpMethod: 'POST' }),
        node('stop', 'stopAndError', { errorMessage: 'down' }, 200),
        { ...node('caught', 'errorTrigger'), position: { x: 0, y: 200 } },
      ],
      [['hook', 'stop']],
    );
    await publish(rest, ann.as, id, true);
    // A manual run of it does not (n8n neither).
    await manualRun(rest, ann.as, id).catch(() => undefined);
    expect((await fetch(`${env.t.baseUrl}/webhook/self/fail`, { method: 'POST', body: '{}' })).status).toBe(200);
    const run = await errorRunOf(rest, ann.as, id);
    expect(run.nodeRuns.map((r) => r.name)).toEqual(['Caught']);
    const item = run.nodeRuns[0]?.output.main?.[0]?.json as { execution: { mode: string; error: { message: string } } };
    expect(item.execution).toMatchObject({ mode: 'webhook', error: { message: 'down' } });
    await new Promise((r) => setTimeout(r, 300));
    expect((await executionsOf(rest, ann.as, id)).filter((e) => e.mode === 'error')).toHaveLength(1);
  });

  it('an error workflow never published, gone, or that the owner cannot run: a line in the failed run’s log, no run', async () => {
    const rest = env.rest;
    // Ann is the instance admin (the first account); Ben is not.
    const ann = await rest.signup('ann@example.com');
    const ben = await rest.signup('ben@example.com');
    const unpublished = await create(rest, ann.as, 'Draft', [node('caught', 'errorTrigger')], []);
    const annsOwn = await errorWorkflow(rest, ann.as, 'Ann’s');
    const cases: [Caller, string, RegExp][] = [
      [ann.as, unpublished, /did not run: it was never published$/],
      [ann.as, 'no-such-workflow', /did not run: there is no such workflow/],
      [ben.as, annsOwn, /did not run: none of this workflow's owners can run it$/],
    ];
    for (const [as, target, line] of cases) {
      const wf = failing({ errorWorkflow: target, errorWorkflowOnManual: true });
      const id = await create(rest, as, 'Failing', wf.nodes, wf.edges, wf.settings);
      const failed = await manualRun(rest, as, id);
      const logs = await logsOf(rest, as, failed.id);
      expect(logs.find((l) => line.test(l.message))).toMatchObject({ level: 'warn' });
    }
    await new Promise((r) => setTimeout(r, 300));
    expect(await executionsOf(rest, ann.as, unpublished)).toEqual([]);
    expect(await executionsOf(rest, ann.as, annsOwn)).toEqual([]);
  });

  it('a run lost with its engine fires too, and its error run waits for the next engine', async () => {
    const rest = env.rest;
    const ann = await rest.signup('ann@example.com');
    const target = await errorWorkflow(rest, ann.as);
    const id = await create(
      rest,
      ann.as,
      'Long',
      [node('start', 'manualTrigger'), node('pause', 'wait', { amount: 1, unit: 'hours' }, 200)],
      [['start', 'pause']],
      { errorWorkflow: target, errorWorkflowOnManual: true },
    );
    const started = await rest.call<{ id: string }>('POST', `/api/workflows/${id}/run`, { as: ann.as });
    await waitUntil(
      async () => ((await execution(rest, ann.as, started.body.id)).status === 'running' ? true : undefined),
      'the run to start',
    );
    await new Promise((r) => setTimeout(r, 300));
    env.engine?.kill('SIGKILL');
    const queued = await waitUntil(
      async () => (await executionsOf(rest, ann.as, target)).find((e) => e.mode === 'error'),
      'the error run to be stored',
      8_000,
    );
    expect(queued.status).toBe('queued');
    await env.addEngine();
    const run = await errorRunOf(rest, ann.as, target);
    const item = run.nodeRuns[0]?.output.main?.[0]?.json as { execution: Record<string, unknown> };
    expect(item.execution).toMatchObject({
      id: started.body.id,
      error: { message: 'Engine lost', node: null },
      item: null,
    });
  });

  it('a lost run the workflow retries waits for its retry: the retry, lost too, fires', async () => {
    const rest = env.rest;
    const ann = await rest.signup('ann@example.com');
    const target = await errorWorkflow(rest, ann.as);
    const id = await create(
      rest,
      ann.as,
      'Retried',
      [node('start', 'manualTrigger'), node('pause', 'wait', { amount: 1, unit: 'hours' }, 200)],
      [['start', 'pause']],
      { errorWorkflow: target, errorWorkflowOnManual: true, onEngineLoss: 'retry' },
    );
    const untilRunning = (runId: string) =>
      waitUntil(
        async () => ((await execution(rest, ann.as, runId)).status === 'running' ? true : undefined),
        'the run to start',
      );
    const first = await rest.call<{ id: string }>('POST', `/api/workflows/${id}/run`, { as: ann.as });
    await untilRunning(first.body.id);
    await new Promise((r) => setTimeout(r, 300));
    env.engine?.kill('SIGKILL');
    await waitUntil(
      async () =>
        (await logsOf(rest, ann.as, first.body.id)).some((l) => /this lost run is retried/.test(l.message))
          ? true
          : undefined,
      'the lost run to say it waits for its retry',
      8_000,
    );
    const retry = await waitUntil(
      async () => (await executionsOf(rest, ann.as, id)).find((e) => e.mode === 'retry'),
      'the retry to be stored',
      8_000,
    );
    expect(await executionsOf(rest, ann.as, target)).toEqual([]);

    const second = await env.addEngine();
    await untilRunning(retry.id);
    await new Promise((r) => setTimeout(r, 300));
    second.kill('SIGKILL');
    await waitUntil(
      async () => (await executionsOf(rest, ann.as, target)).find((e) => e.mode === 'error'),
      'the error run of the lost retry to be stored',
      8_000,
    );
    await env.addEngine();
    const run = await errorRunOf(rest, ann.as, target);
    const item = run.nodeRuns[0]?.output.main?.[0]?.json as { execution: Record<string, unknown> };
    expect(item.execution).toMatchObject({ id: retry.id, retryOf: first.body.id, mode: 'retry' });
    expect((await executionsOf(rest, ann.as, target)).map((e) => e.id)).toEqual([run.id]);
  });
});
