import { describe, expect, it } from 'vitest';
import { definition, edge, node, run } from './harness.ts';

/**
 * Loops, as n8n-core's WorkflowExecute runs them: items sent back through an
 * IF into a Merge in front of the loop's body. The Merge first waits for its
 * input from below; once nothing else can run it is released with what it
 * has (in a loop a node is not its own ancestor: n8n's getParentNodes). In
 * the legacy v0 order, a later pass fills only the Merge's second input: the
 * node then reads that input, since it came round from below (n8n's
 * prepareConnectionInputData), instead of skipping the run for an empty
 * first input.
 */

const trigger = node('Start', 'manualTrigger');

const loop = (executionOrder: 'v0' | 'v1', back: 'input1' | 'input2') =>
  definition({
    name: `Loop ${executionOrder}`,
    settings: { executionOrder },
    nodes: [
      trigger,
      node('Rows', 'code', { jsCode: 'return [{ a: 0 }];' }),
      node('Merge', 'merge', { mode: 'append' }),
      node('Inc', 'set', { mode: 'raw', jsonOutput: '={{ { a: $json.a + 1 } }}', includeOtherFields: false }),
      node('Under 3?', 'if', { conditions: [{ leftValue: '={{ $json.a }}', operator: 'number:lt', rightValue: '3' }] }),
    ],
    edges: [
      edge('Start', 'Rows'),
      edge('Rows', 'Merge', 'main', back === 'input2' ? 'input1' : 'input2'),
      edge('Merge', 'Inc'),
      edge('Inc', 'Under 3?'),
      edge('Under 3?', 'Merge', 'true', back),
    ],
  });

const passes = async (def: ReturnType<typeof definition>) => {
  const r = await run(def);
  expect(r.status).toBe('succeeded');
  return r.runs.filter((x) => x.name === 'Inc').map((x) => (x.output.main ?? []).map((i) => i.json.a));
};

describe('loops back into a Merge', () => {
  it('v1: the Merge waiting for the loop is released, and runs again for each pass', async () => {
    expect(await passes(loop('v1', 'input2'))).toEqual([[1], [2], [3]]);
  });

  it('v0: a pass that comes round into the second input runs the Merge with its first input empty', async () => {
    expect(await passes(loop('v0', 'input2'))).toEqual([[1], [2], [3]]);
  });

  it('v0: a first input that was delivered empty-handed from outside the loop still skips the run', async () => {
    // The outside rows go to the second input and nothing ever reaches the first: no pass runs at all.
    expect(await passes(loop('v0', 'input1'))).toEqual([]);
  });
});
