import { describe, expect, it } from 'vitest';
import { workflowDefinitionSchema, type WorkflowDefinition } from '#shared/schema/definition.ts';
import { encodePaired } from '#shared/runs/paired.ts';
import type { ExecutionDetail } from '../runs/execution-detail.ts';
import { previewContext, PREVIEW_ITEMS } from './preview-context.ts';

const parsed = workflowDefinitionSchema.parse({
  weft: 1,
  name: 'Orders',
  settings: { timezone: 'Europe/Berlin' },
  nodes: [
    { id: 'go', name: 'Go', type: 'manualTrigger', typeVersion: 1, position: { x: 0, y: 0 } },
    { id: 'big', name: 'Big?', type: 'if', typeVersion: 1, position: { x: 200, y: 0 } },
    { id: 'yes', name: 'Yes', type: 'set', typeVersion: 1, position: { x: 400, y: 0 } },
    { id: 'no', name: 'No', type: 'set', typeVersion: 1, position: { x: 400, y: 200 } },
  ],
  edges: [
    { source: 'go', target: 'big' },
    { source: 'big', sourceHandle: 'true', target: 'yes' },
    { source: 'big', sourceHandle: 'false', target: 'no' },
  ],
});
const definition: WorkflowDefinition = {
  ...parsed,
  edges: parsed.edges.map((e, i) => ({ ...e, id: e.id ?? `e${i}` })),
};

const run = (nodeId: string, name: string, input: unknown[], output: Record<string, unknown[]>, runIndex = 0) => ({
  nodeId,
  name,
  runIndex,
  status: 'succeeded' as const,
  input: { main: input.map((json) => ({ json })) },
  output: Object.fromEntries(Object.entries(output).map(([h, list]) => [h, list.map((json) => ({ json }))])),
  error: null,
  attempts: 1,
});

const detail = (nodeRuns: ExecutionDetail['nodeRuns']): ExecutionDetail => ({
  id: 'ex1',
  status: 'succeeded',
  mode: 'manual',
  error: null,
  createdAt: 0,
  finishedAt: 1,
  nodeRuns,
});

describe('previewContext', () => {
  it('says what is missing when there is no run, or no run of the node or its source', () => {
    expect(previewContext(definition, 'w1', 'yes', undefined, 5)).toEqual({
      reason: 'Run the workflow to see a value.',
    });
    const onlyGo = detail([run('go', 'Go', [], { main: [{}] })]);
    expect(previewContext(definition, 'w1', 'yes', onlyGo, 5)).toEqual({
      reason: 'Run the previous node to see a value.',
    });
    expect(previewContext(definition, 'w1', 'gone', onlyGo, 5)).toEqual({
      reason: 'This node is not in the workflow.',
    });
  });

  it("takes the node's own input of its last run, and every node's first output by name", () => {
    const d = detail([
      run('go', 'Go', [], { main: [{ n: 1 }, { n: 200 }] }),
      run('big', 'Big?', [{ n: 1 }, { n: 200 }], { true: [{ n: 200 }], false: [{ n: 1 }] }),
      run('yes', 'Yes', [{ n: 200 }], { main: [{ n: 200, big: true }] }),
      run('yes', 'Yes', [{ n: 300 }], { main: [{ n: 300, big: true }] }, 1),
    ]);
    const ctx = previewContext(definition, 'w1', 'yes', d, 5);
    expect(ctx).toMatchObject({
      node: 'Yes',
      items: [{ json: { n: 300 } }],
      itemIndex: 0,
      workflow: { id: 'w1', name: 'Orders' },
      execution: { id: 'ex1', mode: 'manual' },
      now: 5,
      timezone: 'Europe/Berlin',
    });
    // IF's first port is "true": $('Big?') reads that one, as the engine's outputOf does.
    expect(ctx).toMatchObject({
      outputs: {
        Go: [{ json: { n: 1 } }, { json: { n: 200 } }],
        'Big?': [{ json: { n: 200 } }],
        Yes: [{ json: { n: 300, big: true } }],
      },
    });
  });

  it("walks $('Name').item back through the run's paired items, not by index", () => {
    // IF sent Go's second item out of "true": Yes's first item descends from Go's item 1, not item 0.
    const stretch = (nodeId: string, output: string, count: number) => [{ nodeId, runIndex: 0, output, count }];
    const d = detail([
      { ...run('go', 'Go', [], { main: [{ n: 1 }, { n: 200 }] }), paired: encodePaired({ outputs: {}, inputs: {} }) },
      {
        ...run('big', 'Big?', [{ n: 1 }, { n: 200 }], { true: [{ n: 200 }], false: [{ n: 1 }] }),
        paired: encodePaired({
          outputs: { true: [[{ item: 1 }]], false: [[{ item: 0 }]] },
          inputs: { main: stretch('go', 'main', 2) },
        }),
      },
      {
        ...run('yes', 'Yes', [{ n: 200 }], { main: [{ n: 200, big: true }] }),
        paired: encodePaired({ outputs: { main: [[{ item: 0 }]] }, inputs: { main: stretch('big', 'true', 1) } }),
      },
    ]);
    const ctx = previewContext(definition, 'w1', 'yes', d, 5);
    expect('paired' in ctx && ctx.paired).toEqual({ 'Big?': [{ index: 0 }], Go: [{ index: 1 }] });
    // No (did not run) previews Big?'s "false" output: its item descends from Go's item 0.
    const no = previewContext(definition, 'w1', 'no', d, 5);
    expect('paired' in no && no.paired).toEqual({ 'Big?': [{ item: { json: { n: 1 } } }], Go: [{ index: 0 }] });
    // A run without a record (older runs): n8n's "unavailable" error, not a guess.
    const bare = detail(d.nodeRuns.map((r) => ({ ...r, paired: null })));
    const old = previewContext(definition, 'w1', 'yes', bare, 5);
    expect('paired' in old && old.paired.Go?.[0]).toEqual({ error: expect.stringContaining('no path back') as string });
  });

  it("says so when $('Name').item pairs past the page of items the detail holds", () => {
    // Go put out 120 items, the detail holds its first 50; IF sent item 80 to "true".
    const stretch = (nodeId: string, output: string, count: number) => [{ nodeId, runIndex: 0, output, count }];
    const page = Array.from({ length: 50 }, (_, i) => ({ n: i }));
    const d = detail([
      {
        ...run('go', 'Go', [], { main: page }),
        outputCounts: { main: 120 },
        paired: encodePaired({ outputs: {}, inputs: {} }),
      },
      {
        ...run('big', 'Big?', page, { true: [{ n: 80 }], false: [] }),
        paired: encodePaired({
          outputs: { true: [[{ item: 80 }]], false: [] },
          inputs: { main: stretch('go', 'main', 120) },
        }),
      },
      {
        ...run('yes', 'Yes', [{ n: 80 }], { main: [{ n: 80 }] }),
        paired: encodePaired({ outputs: { main: [[{ item: 0 }]] }, inputs: { main: stretch('big', 'true', 1) } }),
      },
    ]);
    const ctx = previewContext(definition, 'w1', 'yes', d, 5);
    expect('paired' in ctx && ctx.paired).toEqual({
      'Big?': [{ index: 0 }],
      // The walk finds no item 80 on the page: n8n's "unavailable", no crash and no wrong item.
      Go: [{ error: expect.stringContaining("Paired item data for item from node 'Go' is unavailable") as string }],
    });
  });

  it("previews a node that did not run with what its source put out on the edge's handle", () => {
    const d = detail([
      run('go', 'Go', [], { main: [{ n: 1 }] }),
      run('big', 'Big?', [{ n: 1 }], { true: [], false: [{ n: 1 }] }),
    ]);
    expect(previewContext(definition, 'w1', 'no', d, 5)).toMatchObject({ node: 'No', items: [{ json: { n: 1 } }] });
  });

  it('sends one page of items, and leaves out failed runs and non-object items', () => {
    const many = Array.from({ length: PREVIEW_ITEMS + 30 }, (_, i) => ({ i }));
    const failed = { ...run('big', 'Big?', many, {}), status: 'failed' as const };
    const d = detail([run('go', 'Go', [], { main: many }), failed]);
    const ctx = previewContext(definition, 'w1', 'big', d, 5);
    expect('items' in ctx && ctx.items).toHaveLength(PREVIEW_ITEMS);
    expect('outputs' in ctx && Object.keys(ctx.outputs)).toEqual(['Go']);
    const odd = detail([run('go', 'Go', [], { main: [5, null, [1], { ok: true }] })]);
    expect(previewContext(definition, 'w1', 'big', odd, 5)).toMatchObject({ items: [{ json: { ok: true } }] });
  });
});
