import { describe, expect, it } from 'vitest';
import { edge, importWorkflow, node, runToEnd, serverWithEngine } from '../helpers/workflow-runs.ts';

/**
 * Inline children do not count against an engine's concurrency (docs/plans/n8n-daily.md §6.2): on an engine
 * with one slot, a chain of five waiting calls runs to its end (here the depth limit) instead of each parent
 * holding the slot its child waits for.
 */

const env = serverWithEngine({ maxSubworkflowDepth: 5 }, { per: 'all', engineArgs: ['--concurrency', '1'] });

describe('inline sub-workflow runs', () => {
  it('a chain of five waiting calls runs on an engine with one slot', async () => {
    const rest = env.rest;
    const ann = await rest.signup('ann@example.com');
    const id = await importWorkflow(rest, ann.as, {
      name: 'Deep',
      nodes: [
        node('go', 'Start', 'manualTrigger'),
        node('in', 'Called', 'executeWorkflowTrigger', {}, 0),
        node('again', 'Again', 'executeWorkflow', { workflowId: '={{ $workflow.id }}' }, 200),
      ],
      edges: [edge('go', 'again'), edge('in', 'again')],
    });
    await rest.call('POST', `/api/workflows/${id}/publish`, { as: ann.as });
    const root = await runToEnd(rest, ann.as, id);
    expect(root.status).toBe('failed');
    expect(root.error).toContain('at most 5 deep');
    // The slot is free again: another run of the engine's one slot goes through.
    const again = await runToEnd(rest, ann.as, id);
    expect(again.status).toBe('failed');
  });
});
