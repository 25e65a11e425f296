import { describe, expect, it } from 'vitest';
import { fromN8n } from '#shared/interop/n8n/index.ts';
import type { RunResult } from '../src/runner/run-workflow.ts';
import { definition, edge, node, run } from './harness.ts';

/**
 * Loop Over Items as n8n's SplitInBatchesV3: batches on "loop" round by round,
 * everything that came back on "done", its queue kept in the execution's node
 * state, and `$('X').item` pairing through it to where the set came from. The
 * differential family (loop-over-items-gen.ts) is the broad proof.
 */

const trigger = node('Start', 'manualTrigger');
const seed = (rows: Record<string, unknown>[]) => node('Seed', 'code', { jsCode: `return ${JSON.stringify(rows)};` });
const tag = (name: string, value: string) =>
  node(name, 'set', { assignments: [{ name, value, type: 'string' }], includeOtherFields: true });

const loopFlow = (batchSize: unknown, rows: Record<string, unknown>[], extra: Record<string, unknown> = {}) =>
  definition({
    name: 'Loop',
    nodes: [
      trigger,
      seed(rows),
      node('Loop', 'splitInBatches', { batchSize, ...extra }),
      tag('Body', "={{ $('Seed').item.json.k + '-' + $runIndex }}"),
      tag('After', "={{ $('Seed').item.json.k }}"),
    ],
    edges: [
      edge('Start', 'Seed'),
      edge('Seed', 'Loop'),
      edge('Loop', 'Body', 'loop'),
      edge('Body', 'Loop'),
      edge('Loop', 'After', 'done'),
    ],
  });

const runsOf = (result: RunResult, name: string) => result.runs.filter((r) => r.name === name);
const jsons = (list: { json: Record<string, unknown> }[] | undefined) => (list ?? []).map((i) => i.json);

describe('Loop Over Items', () => {
  it('hands on batches round by round, then everything that came back on "done", once', async () => {
    const rows = [0, 1, 2, 3, 4].map((k) => ({ k: `r${k}` }));
    const result = await run(loopFlow(2, rows));
    expect(result.error ?? result.status).toBe('succeeded');
    const loops = runsOf(result, 'Loop');
    expect(loops.map((r) => jsons(r.output.loop).map((j) => j.k))).toEqual([['r0', 'r1'], ['r2', 'r3'], ['r4'], []]);
    expect(loops.map((r) => r.output.done?.length ?? 0)).toEqual([0, 0, 0, 5]);
    // Body ran once per batch; "$('Seed').item" found each item's own row in every round.
    expect(runsOf(result, 'Body').map((r) => jsons(r.output.main).map((j) => j.Body))).toEqual([
      ['r0-0', 'r1-0'],
      ['r2-1', 'r3-1'],
      ['r4-2'],
    ]);
    const after = runsOf(result, 'After');
    expect(after).toHaveLength(1);
    expect(jsons(after[0]?.output.main).map((j) => [j.k, j.After])).toEqual(rows.map((r) => [r.k, r.k]));
  });

  it('a batch size larger than the set hands it on at once; an empty set goes straight to an empty "done"', async () => {
    const whole = await run(loopFlow(10, [{ k: 'a' }, { k: 'b' }]));
    expect(runsOf(whole, 'Loop').map((r) => [r.output.loop?.length ?? 0, r.output.done?.length ?? 0])).toEqual([
      [2, 0],
      [0, 2],
    ]);
    const empty = await run(loopFlow(3, []));
    expect(empty.status).toBe('succeeded');
    expect(runsOf(empty, 'Body')).toHaveLength(0);
    expect(runsOf(empty, 'After')).toHaveLength(0);
  });

  it('its state belongs to one execution: the same workflow run twice loops the same way', async () => {
    const def = loopFlow(1, [{ k: 'x' }, { k: 'y' }]);
    const first = await run(def);
    const second = await run(def);
    expect(runsOf(second, 'Loop').length).toBe(runsOf(first, 'Loop').length);
    expect(jsons(runsOf(second, 'After')[0]?.output.main)).toEqual(jsons(runsOf(first, 'After')[0]?.output.main));
  });

  it('a batch size that is not a number of at least 1 fails the node with a clear message', async () => {
    for (const bad of ['={{ 0 }}', '={{ -2 }}', '={{ "many" }}']) {
      const result = await run(loopFlow(bad, [{ k: 'a' }]));
      expect(result.status).toBe('failed');
      expect(result.error).toContain('"Batch size" must be a number of at least 1');
    }
  });

  it('"Reset" starts the set again each time items arrive: a loop inside a loop', async () => {
    const def = definition({
      name: 'Nested',
      nodes: [
        trigger,
        node('Outer rows', 'code', { jsCode: 'return [{ o: 1 }, { o: 2 }];' }),
        node('Outer', 'splitInBatches', { batchSize: 1 }),
        node('Inner rows', 'code', {
          jsCode: 'return [{ i: "a", fresh: true }, { i: "b", fresh: true }, { i: "c", fresh: true }];',
        }),
        // Reset when the items come from Inner rows (a new set), not when they come back from Work.
        node('Inner', 'splitInBatches', { batchSize: 2, reset: '={{ $json.fresh === true }}' }),
        node('Work', 'set', {
          assignments: [{ name: 'fresh', value: '={{ false }}', type: 'boolean' }],
          includeOtherFields: true,
        }),
        node('Inner done', 'noOp'),
      ],
      edges: [
        edge('Start', 'Outer rows'),
        edge('Outer rows', 'Outer'),
        edge('Outer', 'Inner rows', 'loop'),
        edge('Inner rows', 'Inner'),
        edge('Inner', 'Work', 'loop'),
        edge('Work', 'Inner'),
        edge('Inner', 'Inner done', 'done'),
        edge('Inner done', 'Outer'),
      ],
    });
    const result = await run(def);
    expect(result.error ?? result.status).toBe('succeeded');
    // Each outer round starts a new inner set: a, b then c, twice.
    expect(runsOf(result, 'Work').map((r) => jsons(r.output.main).map((j) => j.i))).toEqual([
      ['a', 'b'],
      ['c'],
      ['a', 'b'],
      ['c'],
    ]);
    expect(runsOf(result, 'Inner done').map((r) => r.output.main?.length)).toEqual([3, 3]);
  });

  it("imports n8n's Loop Over Items 3 with its batch size and Reset; Split In Batches 1–2 are kept but named", () => {
    const { definition: imported, warnings } = fromN8n({
      name: 'Loops',
      nodes: [
        {
          id: 'l3',
          name: 'Loop Over Items',
          type: 'n8n-nodes-base.splitInBatches',
          typeVersion: 3,
          position: [0, 0],
          parameters: { batchSize: 5, options: { reset: true } },
        },
        {
          id: 'l2',
          name: 'Split In Batches',
          type: 'n8n-nodes-base.splitInBatches',
          typeVersion: 2,
          position: [200, 0],
          parameters: { batchSize: 10 },
        },
      ],
      connections: {},
    });
    const loop3 = imported.nodes.find((n) => n.name === 'Loop Over Items');
    expect(loop3?.type).toBe('splitInBatches');
    expect(loop3?.parameters).toEqual({ batchSize: 5, reset: true });
    expect(imported.nodes.find((n) => n.name === 'Split In Batches')?.type).toBe('n8n-nodes-base.splitInBatches');
    expect(warnings.map((w) => w.message).join('\n')).toContain(
      'Split In Batches 2 (one output, ended with "noItemsLeft")',
    );
  });
});
