import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { restClient } from '../helpers/rest.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';
import { startEngine, stopEngine, waitUntil } from '../helpers/engine-process.ts';

/**
 * Inline children do not count against an engine's concurrency (docs/plans/n8n-daily.md §6.2): on an engine
 * with one slot, a chain of five waiting calls runs to its end (here the depth limit) instead of each parent
 * holding the slot its child waits for.
 */

let t: TestServer;
let engine: ChildProcess | undefined;

beforeAll(async () => {
  t = await startTestServer({ maxSubworkflowDepth: 5 });
  await t.listen();
  engine = await startEngine(t.baseUrl, { args: ['--concurrency', '1'] });
});

afterAll(async () => {
  await stopEngine(engine);
  await t.close();
});

const node = (id: string, name: string, type: string, parameters: Record<string, unknown> = {}, x = 0) => ({
  id,
  name,
  type,
  typeVersion: 1,
  position: { x, y: 0 },
  parameters,
});

describe('inline sub-workflow runs', () => {
  it('a chain of five waiting calls runs on an engine with one slot', async () => {
    const rest = restClient(t.baseUrl);
    const ann = await rest.signup('ann@example.com');
    const imported = await rest.call<{ id: string }>('POST', '/api/workflows/import', {
      as: ann.as,
      body: {
        weft: 1,
        name: 'Deep',
        nodes: [
          node('go', 'Start', 'manualTrigger'),
          node('in', 'Called', 'executeWorkflowTrigger', {}, 0),
          node('again', 'Again', 'executeWorkflow', { workflowId: '={{ $workflow.id }}' }, 200),
        ],
        edges: [
          { source: 'go', target: 'again' },
          { source: 'in', target: 'again' },
        ],
      },
    });
    await rest.call('POST', `/api/workflows/${imported.body.id}/publish`, { as: ann.as });
    const started = await rest.call<{ id: string }>('POST', `/api/workflows/${imported.body.id}/run`, { as: ann.as });
    const root = await waitUntil(async () => {
      const e = await rest.call<{ status: string; error: string | null }>('GET', `/api/executions/${started.body.id}`, {
        as: ann.as,
      });
      return e.body.status === 'queued' || e.body.status === 'running' ? undefined : e.body;
    }, 'the chain to end');
    expect(root.status).toBe('failed');
    expect(root.error).toContain('at most 5 deep');
    // The slot is free again: another run of the engine's one slot goes through.
    const next = await rest.call<{ id: string }>('POST', `/api/workflows/${imported.body.id}/run`, { as: ann.as });
    const again = await waitUntil(async () => {
      const e = await rest.call<{ status: string }>('GET', `/api/executions/${next.body.id}`, { as: ann.as });
      return e.body.status === 'failed' ? e.body : undefined;
    }, 'a second chain to end');
    expect(again.status).toBe('failed');
  });
});
