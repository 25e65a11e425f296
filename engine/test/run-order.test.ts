import { describe, expect, it } from 'vitest';
import { pairedItemsOfRun } from '../src/runner/paired-items.ts';
import { definition, edge, node, run } from './harness.ts';

/**
 * n8n's v1 execution order (n8n-core WorkflowExecute), which imported
 * workflows rely on: every delivery is its own run of the target, targets due
 * run top-most first, a Merge waits for both inputs or runs with what it has
 * once nothing else can run.
 */

const trigger = node('Start', 'manualTrigger');
const rows = (name: string, values: Record<string, unknown>[], y = 0) =>
  node(name, 'code', { jsCode: `return ${JSON.stringify(values)};` }, { position: { x: 200, y } });

const runsOf = (r: Awaited<ReturnType<typeof run>>) =>
  r.runs.map((x) => `${x.name}#${x.runIndex}:${JSON.stringify((x.output.main ?? []).map((i) => i.json))}`);

describe('run order (n8n v1)', () => {
  it('a node fed by both outputs of an IF runs once per branch, the false branch first', async () => {
    const def = definition({
      name: 'Fan-in',
      nodes: [
        trigger,
        rows('Rows', [{ n: 1 }, { n: 5 }]),
        node('Big?', 'if', { conditions: [{ leftValue: '={{ $json.n }}', operator: 'number:gt', rightValue: '3' }] }),
        node('After', 'noOp'),
      ],
      edges: [
        edge('Start', 'Rows'),
        edge('Rows', 'Big?'),
        edge('Big?', 'After', 'true'),
        edge('Big?', 'After', 'false'),
      ],
    });
    const r = await run(def);
    expect(r.status).toBe('succeeded');
    // Both deliveries are due at one position; n8n puts each at the front of its stack in turn, so the last (false) runs first.
    expect(runsOf(r).filter((x) => x.startsWith('After'))).toEqual(['After#0:[{"n":1}]', 'After#1:[{"n":5}]']);
  });

  it('two branches into one input: the node runs for each, in depth-first order', async () => {
    const def = definition({
      name: 'Two branches',
      nodes: [
        trigger,
        rows('Rows', [{ n: 1 }]),
        node('Mid', 'noOp', {}, { position: { x: 400, y: 0 } }),
        node('End', 'noOp', {}, { position: { x: 600, y: 0 } }),
      ],
      edges: [edge('Start', 'Rows'), edge('Rows', 'Mid'), edge('Rows', 'End'), edge('Mid', 'End')],
    });
    const r = await run(def);
    // Mid's branch (with End's second run) before End's own delivery: n8n sorts the due targets by position.
    expect(r.runs.map((x) => `${x.name}#${x.runIndex}`)).toEqual(['Start#0', 'Rows#0', 'Mid#0', 'End#0', 'End#1']);
  });

  it('a Merge with one input that never gets items runs last, with that input empty', async () => {
    const def = definition({
      name: 'Half merge',
      nodes: [
        trigger,
        rows('Rows', [{ n: 1 }]),
        node('None?', 'filter', {
          conditions: [{ leftValue: '={{ $json.n }}', operator: 'number:gt', rightValue: '3' }],
        }),
        node('Merge', 'merge', { mode: 'append' }, { position: { x: 600, y: 0 } }),
        node('Side', 'noOp', {}, { position: { x: 600, y: 300 } }),
      ],
      edges: [
        edge('Start', 'Rows'),
        edge('Rows', 'None?'),
        edge('Rows', 'Merge', 'main', 'input2'),
        edge('None?', 'Merge', 'main', 'input1'),
        edge('Rows', 'Side'),
      ],
    });
    const r = await run(def);
    const order = r.runs.map((x) => x.name);
    expect(order.indexOf('Merge')).toBe(order.length - 1);
    expect(runsOf(r).at(-1)).toBe('Merge#0:[{"n":1}]');
  });

  it('a Merge choosing a branch never runs when one input gets no items (n8n requiredInputs)', async () => {
    const def = definition({
      name: 'Choose',
      nodes: [
        trigger,
        rows('Rows', [{ n: 1 }]),
        node('None?', 'filter', {
          conditions: [{ leftValue: '={{ $json.n }}', operator: 'number:gt', rightValue: '3' }],
        }),
        node('Merge', 'merge', { mode: 'chooseBranch', useDataOfInput: 'input2' }),
      ],
      edges: [
        edge('Start', 'Rows'),
        edge('Rows', 'None?'),
        edge('Rows', 'Merge', 'main', 'input2'),
        edge('None?', 'Merge', 'main', 'input1'),
      ],
    });
    const r = await run(def);
    expect(r.status).toBe('succeeded');
    expect(r.runs.map((x) => x.name)).not.toContain('Merge');
  });
});

describe('continuing after items fail (n8n continueOnFail)', () => {
  const failing = (onError: 'continueRegularOutput' | 'continueErrorOutput') =>
    definition({
      name: 'Fails on some',
      nodes: [
        trigger,
        rows('Rows', [{ n: 1 }, { n: 2 }, { n: 3 }]),
        node(
          'Check',
          'code',
          {
            mode: 'runOnceForEachItem',
            jsCode: "if ($json.n === 2) throw new Error('two'); return { json: { ok: $json.n } };",
          },
          { onError },
        ),
      ],
      edges: [edge('Start', 'Rows'), edge('Rows', 'Check')],
    });

  it('on the regular output, a failed item is { error } in its own place', async () => {
    const r = await run(failing('continueRegularOutput'));
    const out = (r.runs.find((x) => x.name === 'Check')?.output.main ?? []).map((i) => i.json);
    expect(out).toHaveLength(3);
    expect(out[0]).toEqual({ ok: 1 });
    expect(Object.keys(out[1] ?? {})).toEqual(['error']);
    expect(out[2]).toEqual({ ok: 3 });
  });

  it('on the error output, a failed item is its input item with the error', async () => {
    const r = await run(failing('continueErrorOutput'));
    const output = r.runs.find((x) => x.name === 'Check')?.output ?? {};
    expect((output.main ?? []).map((i) => i.json)).toEqual([{ ok: 1 }, { ok: 3 }]);
    expect((output.error ?? []).map((i) => i.json.n)).toEqual([2]);
  });
});

describe('Merge pairing (n8n addPairedItemLineage)', () => {
  it('one item arriving on both inputs pairs to input 1 and to input 2 in an append', async () => {
    const def = definition({
      name: 'Same item twice',
      nodes: [trigger, rows('Rows', [{ n: 1 }]), node('Merge', 'merge', { mode: 'append' })],
      edges: [edge('Start', 'Rows'), edge('Rows', 'Merge', 'main', 'input1'), edge('Rows', 'Merge', 'main', 'input2')],
    });
    const r = await run(def);
    const merge = r.runs.find((x) => x.name === 'Merge');
    if (!merge) throw new Error('Merge did not run');
    expect(pairedItemsOfRun(merge, 'main')).toEqual([[{ item: 0 }], [{ item: 0, input: 1 }]]);
  });
});
