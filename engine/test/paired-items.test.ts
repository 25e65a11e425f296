import { describe, expect, it } from 'vitest';
import { graphOf } from '../src/runner/graph.ts';
import { pairedItemsOfRun, RunLineage } from '../src/runner/paired-items.ts';
import type { RunResult } from '../src/runner/run-workflow.ts';
import { definition, edge, node, outputsByName, run } from './harness.ts';

/**
 * Paired items as n8n-core's WorkflowExecute assigns them (addPairedItemLineage,
 * assignPairedItems) and as `$('Node').item` walks them back
 * (WorkflowDataProxy's getPairedItem).
 */

const trigger = node('Start', 'manualTrigger');
const seed = (name: string, rows: Record<string, unknown>[]) =>
  node(name, 'code', { jsCode: `return ${JSON.stringify(rows)};` });

const pairingOf = (result: RunResult, name: string, output = 'main') => {
  const r = result.runs.find((x) => x.name === name);
  if (!r) throw new Error(`${name} did not run`);
  return pairedItemsOfRun(r, output);
};

describe('paired items', () => {
  it('a Filter pairs each kept item to the input item it is, so $().item after it reads the right row', async () => {
    const def = definition({
      name: 'Pairs',
      nodes: [
        trigger,
        seed('Users', [
          { name: 'Ann', age: 17 },
          { name: 'Ben', age: 40 },
          { name: 'Cy', age: 52 },
        ]),
        node('Adults', 'filter', {
          conditions: [{ leftValue: '={{ $json.age }}', operator: 'number:gte', rightValue: '18' }],
        }),
        node('Greet', 'set', {
          assignments: [{ name: 'hi', value: "=Hi {{ $('Users').item.json.name }}", type: 'string' }],
        }),
      ],
      edges: [edge('Start', 'Users'), edge('Users', 'Adults'), edge('Adults', 'Greet')],
    });
    const result = await run(def);
    // n8n: the Filter keeps items 1 and 2 of its input; index-based lookup would have said Ann, Ben.
    expect(pairingOf(result, 'Adults')).toEqual([[{ item: 1 }], [{ item: 2 }]]);
    expect(outputsByName(result).Greet).toEqual([{ hi: 'Hi Ben' }, { hi: 'Hi Cy' }]);
  });

  it("$('Webhook').item.json.body reads the request through Set and Code, in expressions and in Code", async () => {
    const def = definition({
      name: 'Hook',
      nodes: [
        node('Webhook', 'webhook', { path: 'in' }),
        node('Shape', 'set', { assignments: [{ name: 'n', value: '={{ $json.body.n * 2 }}', type: 'number' }] }),
        node('Code', 'code', {
          mode: 'runOnceForEachItem',
          jsCode: "return { n: $json.n, from: $('Webhook').item.json.body.who };",
        }),
        node('Out', 'set', {
          assignments: [{ name: 'who', value: "={{ $('Webhook').item.json.body.who }}", type: 'string' }],
          includeOtherFields: true,
        }),
      ],
      edges: [edge('Webhook', 'Shape'), edge('Shape', 'Code'), edge('Code', 'Out')],
    });
    const result = await run(def, { triggerItems: [{ json: { body: { who: 'Ann', n: 2 }, headers: {} } }] });
    expect(outputsByName(result).Out).toEqual([{ n: 4, from: 'Ann', who: 'Ann' }]);
  });

  it('n8n defaults: one output item from several inputs pairs to the first; a changed count pairs nothing and .item fails', async () => {
    const def = definition({
      name: 'Defaults',
      nodes: [
        trigger,
        seed('Rows', [{ n: 1 }, { n: 2 }, { n: 3 }]),
        node('One', 'code', { jsCode: 'return [{ total: $input.all().length }];' }),
        node('Two', 'code', { jsCode: 'return [{ a: 1 }, { a: 2 }];' }),
        node('Read', 'set', {
          assignments: [{ name: 'n', value: "={{ $('Rows').item.json.n }}", type: 'number' }],
        }),
      ],
      edges: [edge('Start', 'Rows'), edge('Rows', 'One'), edge('Rows', 'Two'), edge('Two', 'Read')],
    });
    const result = await run(def);
    expect(pairingOf(result, 'One')).toEqual([[{ item: 0 }]]);
    expect(pairingOf(result, 'Two')).toEqual([undefined, undefined]);
    expect(result.status).toBe('failed');
    expect(result.failedNode).toBe('Read');
    expect(result.error).toMatch(/Paired item data for item from node 'Two' is unavailable/);
  });

  it('Code keeps the pairedItem the code returned; returning $input.all() reversed pairs each to its source', async () => {
    const def = definition({
      name: 'Code pairs',
      nodes: [
        trigger,
        seed('Rows', [{ n: 1 }, { n: 2 }, { n: 3 }]),
        node('Rev', 'code', { jsCode: 'return $input.all().reverse();' }),
        node('Pick', 'code', {
          jsCode: 'return [{ json: { x: 1 }, pairedItem: 2 }, { json: { x: 2 }, pairedItem: { item: 0 } }];',
        }),
        node('Read', 'code', {
          jsCode: "return $input.all().map((it, i) => ({ n: $('Rows').itemMatching(i).json.n }));",
        }),
      ],
      edges: [edge('Start', 'Rows'), edge('Rows', 'Rev'), edge('Rev', 'Pick'), edge('Pick', 'Read')],
    });
    const result = await run(def);
    expect(pairingOf(result, 'Rev')).toEqual([[{ item: 2 }], [{ item: 1 }], [{ item: 0 }]]);
    expect(pairingOf(result, 'Pick')).toEqual([[{ item: 2 }], [{ item: 0 }]]);
    // Pick's item 0 → Rev's item 2 → Rows' item 0; Pick's item 1 → Rev's item 0 → Rows' item 2.
    expect(outputsByName(result).Read).toEqual([{ n: 1 }, { n: 3 }]);
  });

  it('$().item of a node that is not upstream fails, as in n8n (checked before any walk)', () => {
    const def = definition({
      name: 'No path',
      nodes: [trigger, seed('A', [{ n: 1 }]), seed('B', [{ n: 2 }]), node('Read', 'noOp')],
      edges: [edge('Start', 'A'), edge('Start', 'B'), edge('A', 'Read')],
    });
    const lineage = new RunLineage();
    const graph = graphOf(def);
    expect(lineage.isUpstream('A', 'Read', graph)).toBe(true);
    expect(lineage.isUpstream('Start', 'Read', graph)).toBe(true);
    expect(lineage.isUpstream('B', 'Read', graph)).toBe(false);
    const read = lineage.start(def.nodes[3] as (typeof def.nodes)[number], { main: [{ json: {} }] });
    expect(lineage.pairedFrom(read, 'main', 'B', graph)).toEqual([
      { error: "Invalid expression: no path back to referenced node 'B'" },
    ]);
  });
});
