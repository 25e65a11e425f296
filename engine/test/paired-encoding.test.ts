import { describe, expect, it } from 'vitest';
import { nodePorts } from '#shared/nodes/ports.ts';
import { decodePaired } from '#shared/runs/paired.ts';
import { StoredLineage } from '#shared/runs/paired-walk.ts';
import type { WorkflowDefinition } from '#shared/schema/definition.ts';
import { pairedItemsOfRun } from '../src/runner/paired-items.ts';
import type { NodeRun, RunResult } from '../src/runner/run-workflow.ts';
import { definition, edge, node, run } from './harness.ts';

/**
 * node_runs.paired (shared/src/runs/paired.ts): what the engine records of
 * each node run's lineage must decode to exactly the pairing the run used,
 * and name the node run that fed each input, through loops and Merge.
 */

const trigger = node('Start', 'manualTrigger');
const seed = (name: string, rows: Record<string, unknown>[]) =>
  node(name, 'code', { jsCode: `return ${JSON.stringify(rows)};` });

const counts = (r: NodeRun): Record<string, number> =>
  Object.fromEntries(Object.entries(r.output).map(([h, items]) => [h, items.length]));

/** Every run's stored pairing decodes to the one the engine computed. */
const expectRoundTrip = (result: RunResult) => {
  for (const r of result.runs) {
    expect(r.paired, `${r.name} #${r.runIndex} has a pairing`).toBeTypeOf('string');
    const decoded = decodePaired(r.paired ?? '', counts(r));
    expect(decoded, `${r.name} #${r.runIndex} decodes`).toBeDefined();
    for (const handle of Object.keys(r.output)) {
      expect(decoded?.outputs[handle], `${r.name} #${r.runIndex} ${handle}`).toEqual([...pairedItemsOfRun(r, handle)]);
    }
  }
};

/** The stored text as JSON, to compare with what it should say. */
const stored = (r: NodeRun | undefined): { out?: unknown; in?: unknown } =>
  JSON.parse(r?.paired ?? '{}') as { out?: unknown; in?: unknown };

/** The run's node runs as the preview reads them from storage, and the walk over them. */
const storedLineageOf = (def: WorkflowDefinition, result: RunResult) => {
  const runs = result.runs.map((r) => {
    const n = def.nodes.find((x) => x.id === r.nodeId);
    return {
      nodeId: r.nodeId,
      name: r.name,
      runIndex: r.runIndex,
      inputHandles: n ? nodePorts(n).inputs.map((p) => p.name) : [],
      output: r.output,
      paired: r.paired,
    };
  });
  return { runs, walk: new StoredLineage(runs) };
};

const only = (result: RunResult, name: string, runIndex = 0): NodeRun => {
  const r = result.runs.find((x) => x.name === name && x.runIndex === runIndex);
  if (!r) throw new Error(`${name} #${runIndex} did not run`);
  return r;
};

describe('paired items as node_runs stores them', () => {
  it('a Merge append pairs its second input as [item, 1], and names both producers', async () => {
    const def = definition({
      name: 'Merge',
      nodes: [
        trigger,
        seed('Left', [{ l: 1 }, { l: 2 }]),
        seed('Right', [{ r: 1 }]),
        node('Merge', 'merge', { mode: 'append' }),
        node('Tag', 'set', { assignments: [{ name: 't', value: 'x', type: 'string' }], includeOtherFields: true }),
      ],
      edges: [
        edge('Start', 'Left'),
        edge('Start', 'Right'),
        edge('Left', 'Merge', 'main', 'input1'),
        edge('Right', 'Merge', 'main', 'input2'),
        edge('Merge', 'Tag'),
      ],
    });
    const result = await run(def);
    expect(result.status).toBe('succeeded');
    expectRoundTrip(result);
    const merge = only(result, 'Merge');
    expect(stored(merge)).toEqual({
      out: { main: [0, 1, [[0, 1]]] },
      in: { input1: [['Left', 0, 'main', 2]], input2: [['Right', 0, 'main', 1]] },
    });
    // Item i of Tag came from item i of Merge: the compact form.
    expect(stored(only(result, 'Tag')).out).toEqual({ main: 'same' });
    // The trigger's item came from outside: no producer.
    expect(stored(only(result, 'Start'))).toEqual({ out: { main: [0] } });
  });

  it('a No-Op beside a loop is not named the producer of the list it handed on (v0, n8n-diff graphs seed 494)', async () => {
    // In v0 the Pass-Through sibling runs between Before and the loop, on the very list Before put out.
    const def = definition({
      name: 'Beside a loop',
      settings: { executionOrder: 'v0' },
      nodes: [
        trigger,
        seed('Rows', [{ a: 1 }, { a: 3 }]),
        node('Before', 'noOp'),
        node('Beside', 'noOp'),
        node('Loop', 'splitInBatches', { batchSize: 1 }),
        node('Body', 'set', { assignments: [{ name: 'b', value: "={{ $('Rows').item.json.a }}", type: 'number' }] }),
      ],
      edges: [
        edge('Start', 'Rows'),
        edge('Rows', 'Before'),
        edge('Before', 'Beside'),
        edge('Before', 'Loop'),
        edge('Loop', 'Body', 'loop'),
        edge('Body', 'Loop'),
      ],
    });
    const result = await run(def);
    expect(result.status).toBe('succeeded');
    expectRoundTrip(result);
    // Both runs of the loop read their set against Before's output, as n8n's do, never against Beside's.
    expect(stored(only(result, 'Loop', 0)).in).toEqual({ main: [['Before', 0, 'main', 2]] });
    expect(JSON.stringify(stored(only(result, 'Loop', 1)))).toContain('"Before",0,"main",2');
    expect(JSON.stringify(result.runs.filter((r) => r.name === 'Loop').map((r) => r.paired))).not.toContain('Beside');
    expect(stored(only(result, 'Beside')).in).toEqual({ main: [['Before', 0, 'main', 2]] });
  });

  it('in a loop, each run of the Merge names which run of the IF fed it', async () => {
    const def = definition({
      name: 'Loop',
      nodes: [
        trigger,
        seed('Rows', [{ a: 0 }, { a: 10 }]),
        node('Merge', 'merge', { mode: 'append' }),
        node('Inc', 'set', { mode: 'raw', jsonOutput: '={{ { a: $json.a + 1 } }}', includeOtherFields: false }),
        node('Under 3?', 'if', {
          conditions: [{ leftValue: '={{ $json.a }}', operator: 'number:lt', rightValue: '3' }],
        }),
      ],
      edges: [
        edge('Start', 'Rows'),
        edge('Rows', 'Merge', 'main', 'input1'),
        edge('Merge', 'Inc'),
        edge('Inc', 'Under 3?'),
        edge('Under 3?', 'Merge', 'true', 'input2'),
      ],
    });
    const result = await run(def);
    expect(result.status).toBe('succeeded');
    expectRoundTrip(result);
    const merges = result.runs.filter((r) => r.name === 'Merge');
    expect(merges.length).toBe(3);
    expect(stored(merges[0]).in).toEqual({ input1: [['Rows', 0, 'main', 2]] });
    // Later passes come round from below: the IF's true output of the run before.
    expect(stored(merges[1]).in).toEqual({ input2: [['Under_3_', 0, 'true', 1]] });
    expect(stored(merges[2]).in).toEqual({ input2: [['Under_3_', 1, 'true', 1]] });
    expect(stored(merges[1]).out).toEqual({ main: [[[0, 1]]] });
    // The IF keeps item 0 of two on its true output and passes item 1 on false.
    const firstIf = only(result, 'Under 3?');
    expect(decodePaired(firstIf.paired ?? '', counts(firstIf))?.outputs).toEqual({
      true: [[{ item: 0 }]],
      false: [[{ item: 1 }]],
    });
  });

  it('one item in, several out: every item pairs to item 0 ("first")', async () => {
    const def = definition({
      name: 'Fan',
      nodes: [
        trigger,
        seed('One', [{ n: 1 }]),
        node('Split', 'splitOut', { fieldToSplitOut: 'xs' }),
        node('Mk', 'code', { jsCode: 'return [{ xs: [1, 2, 3] }];' }),
      ],
      edges: [edge('Start', 'One'), edge('One', 'Mk'), edge('Mk', 'Split')],
    });
    const result = await run(def);
    expect(result.status).toBe('succeeded');
    expectRoundTrip(result);
    expect(stored(only(result, 'Split')).out).toEqual({ main: 'first' });
  });

  it("the stored walk (the expression preview's) finds the item each run's $('X').item found, through IF, Sort, Merge and a loop", async () => {
    const def = definition({
      name: 'Walk',
      nodes: [
        trigger,
        seed('Rows', [{ k: 0 }, { k: 1 }, { k: 2 }, { k: 3 }, { k: 4 }]),
        node('Odd?', 'if', {
          conditions: [{ leftValue: '={{ $json.k % 2 }}', operator: 'number:equals', rightValue: '1' }],
        }),
        node('Sort', 'sort', { sortFields: [{ fieldName: 'k', order: 'descending' }] }),
        node('Merge', 'merge', { mode: 'append' }),
        node('Tag', 'set', {
          assignments: [{ name: 'from', value: "={{ $('Rows').item.json.k }}", type: 'number' }],
          includeOtherFields: true,
        }),
        node('Again?', 'if', {
          conditions: [{ leftValue: '={{ $runIndex }}', operator: 'number:lt', rightValue: '2' }],
        }),
      ],
      edges: [
        edge('Start', 'Rows'),
        edge('Rows', 'Odd?'),
        edge('Odd?', 'Sort', 'true'),
        edge('Sort', 'Merge', 'main', 'input1'),
        edge('Odd?', 'Merge', 'false', 'input2'),
        edge('Merge', 'Tag'),
        edge('Tag', 'Again?'),
        edge('Again?', 'Merge', 'true', 'input2'),
      ],
    });
    const result = await run(def);
    expect(result.error ?? result.status).toBe('succeeded');
    const lineage = storedLineageOf(def, result);
    const tags = result.runs.filter((r) => r.name === 'Tag');
    expect(tags.length).toBeGreaterThan(1);
    for (const tag of tags) {
      const stored = lineage.runs.find((r) => r.name === 'Tag' && r.runIndex === tag.runIndex);
      if (!stored) throw new Error('Tag not stored');
      const out = tag.output.main ?? [];
      expect(out.length).toBeGreaterThan(0);
      out.forEach((item, i) => {
        const found = lineage.walk.fromInput(stored, 'main', i, 'Rows');
        expect(
          'error' in found
            ? found.error
            : (found.run.output[found.output]?.[found.index] as { json: { k: number } }).json.k,
        ).toBe(item.json.from);
      });
    }
  });

  it('decodePaired refuses text that is not a pairing, and gives "__proto__" no prototype to reach', () => {
    expect(decodePaired('nope', {})).toBeUndefined();
    expect(decodePaired('{"out":{"main":[-1]}}', {})).toBeUndefined();
    expect(decodePaired('{"out":{"main":"all"}}', {})).toBeUndefined();
    const hostile = decodePaired('{"out":{"__proto__":[0]}}', { __proto__: 1 });
    expect(Object.getPrototypeOf(hostile?.outputs)).toBeNull();
    expect(({} as Record<string, unknown>).main).toBeUndefined();
  });

  it('a run that does not encode items records no pairing (in-process callers pay nothing)', async () => {
    const def = definition({ name: 'Plain', nodes: [trigger], edges: [] });
    const result = await run(def, { encodeItems: false });
    expect(result.runs[0]?.paired).toBeUndefined();
    expect(result.runs[0]?.origin).toBe('ran');
  });
});
