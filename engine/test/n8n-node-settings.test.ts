import { describe, expect, it } from 'vitest';
import type { DefinitionNode } from '#shared/schema/definition.ts';
import { pairedItemsOfRun } from '../src/runner/paired-items.ts';
import { definition, edge, node, run } from './harness.ts';

/**
 * n8n's legacy "v0" execution order and the node settings "Always Output
 * Data" and "Execute Once", as n8n-core's WorkflowExecute runs them (the
 * differential harness's graphs family checks them broadly against n8n).
 */

const trigger = node('Start', 'manualTrigger', {}, { position: { x: 0, y: 0 } });
const rows = (name: string, values: Record<string, unknown>[], extra: Partial<DefinitionNode> = {}) =>
  node(name, 'code', { jsCode: `return ${JSON.stringify(values)};` }, { position: { x: 200, y: 0 }, ...extra });
const gt = (value: number) => ({
  conditions: [{ leftValue: '={{ $json.n }}', operator: 'number:gt', rightValue: String(value) }],
});

const order = (r: Awaited<ReturnType<typeof run>>) => r.runs.map((x) => `${x.name}#${x.runIndex}`);
const json = (r: Awaited<ReturnType<typeof run>>, name: string, handle = 'main') =>
  r.runs.filter((x) => x.name === name).map((x) => (x.output[handle] ?? []).map((i) => i.json));

describe('n8n execution order "v0"', () => {
  const fanOut = (executionOrder: 'v0' | 'v1') =>
    definition({
      name: 'Fan out',
      settings: { executionOrder },
      nodes: [
        trigger,
        rows('Rows', [{ n: 1 }]),
        node('A', 'noOp', {}, { position: { x: 400, y: 0 } }),
        node('B', 'noOp', {}, { position: { x: 400, y: 300 } }),
        node('A2', 'noOp', {}, { position: { x: 600, y: 0 } }),
      ],
      edges: [edge('Start', 'Rows'), edge('Rows', 'A'), edge('Rows', 'B'), edge('A', 'A2')],
    });

  it('runs breadth first in connection order, where v1 runs depth first', async () => {
    // WorkflowExecute: v0 `push`es what is due to the back of the stack; v1 sorts it by position and `unshift`s it.
    expect(order(await run(fanOut('v0')))).toEqual(['Start#0', 'Rows#0', 'A#0', 'B#0', 'A2#0']);
    expect(order(await run(fanOut('v1')))).toEqual(['Start#0', 'Rows#0', 'A#0', 'A2#0', 'B#0']);
  });

  const ifIntoMerge = (executionOrder: 'v0' | 'v1') =>
    definition({
      name: 'IF into Merge',
      settings: { executionOrder },
      nodes: [
        trigger,
        rows('Rows', [{ n: 5 }]),
        node('Big?', 'if', gt(3), { position: { x: 400, y: 0 } }),
        node('Side', 'noOp', {}, { position: { x: 600, y: 300 } }),
        node('Merge', 'merge', { mode: 'append' }, { position: { x: 800, y: 0 } }),
      ],
      edges: [
        edge('Start', 'Rows'),
        edge('Rows', 'Big?'),
        edge('Big?', 'Merge', 'true', 'input1'),
        edge('Big?', 'Side', 'false'),
        edge('Side', 'Merge', 'main', 'input2'),
      ],
    });

  it("runs a Merge's other branch that got nothing with one empty item", async () => {
    // addNodeToBeExecuted, v0 only: when a Merge starts waiting, the highest node that has not run on each
    // other input's branch is put on the stack with `{ json: {} }` (here Side, below IF's empty false output).
    const v0 = await run(ifIntoMerge('v0'));
    expect(order(v0)).toEqual(['Start#0', 'Rows#0', 'Big?#0', 'Side#0', 'Merge#0']);
    expect(json(v0, 'Side')).toEqual([[{}]]);
    expect(json(v0, 'Merge')).toEqual([[{ n: 5 }, {}]]);
    // v1 never runs Side; the Merge runs last with its second input empty.
    const v1 = await run(ifIntoMerge('v1'));
    expect(order(v1)).toEqual(['Start#0', 'Rows#0', 'Big?#0', 'Merge#0']);
  });

  it('does not run a node whose first input is empty, even with items on another', async () => {
    const halfMerge = (executionOrder: 'v0' | 'v1') =>
      definition({
        name: 'Half merge',
        settings: { executionOrder },
        nodes: [
          trigger,
          rows('Rows', [{ n: 1 }]),
          node('None?', 'filter', gt(3), { position: { x: 400, y: 0 } }),
          node('Merge', 'merge', { mode: 'append' }, { position: { x: 600, y: 0 } }),
        ],
        edges: [
          edge('Start', 'Rows'),
          edge('Rows', 'None?'),
          edge('Rows', 'Merge', 'main', 'input2'),
          edge('None?', 'Merge', 'main', 'input1'),
        ],
      });
    // prepareConnectionInputData: v0 reads input 0 only, and an empty one means the node does not run.
    expect(order(await run(halfMerge('v0')))).toEqual(['Start#0', 'Rows#0', 'None?#0']);
    // v1 reads the first input with items.
    expect(json(await run(halfMerge('v1')), 'Merge')).toEqual([[{ n: 1 }]]);
  });

  it('a node that does not run releases no waiting node that turn', async () => {
    const def = definition({
      name: 'Stalled',
      settings: { executionOrder: 'v0' },
      nodes: [
        trigger,
        rows('Rows', [{ n: 1 }]),
        node('Orphan', 'noOp', {}, { position: { x: 200, y: 300 } }),
        node('M2', 'merge', { mode: 'append' }, { position: { x: 400, y: 0 } }),
        node('M3', 'merge', { mode: 'append' }, { position: { x: 400, y: 300 } }),
      ],
      edges: [
        edge('Start', 'Rows'),
        edge('Rows', 'M2', 'main', 'input1'),
        edge('Rows', 'M2', 'main', 'input2'),
        edge('Rows', 'M3', 'main', 'input2'),
        edge('Orphan', 'M2', 'main', 'input1'),
      ],
    });
    // Orphan is forced with `{}` and fills a second M2 entry; M3, released first, does not run (empty input 1),
    // and n8n's loop `continue`s past it before its release step: the queue is empty, the run ends.
    expect(order(await run(def))).toEqual(['Start#0', 'Rows#0', 'Orphan#0', 'M2#0']);
  });

  it("a disabled node's other outputs deliver nothing, not even an empty list to a later input", async () => {
    const def = definition({
      name: 'Disabled IF',
      settings: { executionOrder: 'v0' },
      nodes: [
        trigger,
        rows('Rows', [{ n: 5 }]),
        node('Big?', 'if', gt(3), { position: { x: 400, y: 0 }, disabled: true }),
        node('Side', 'noOp', {}, { position: { x: 400, y: 300 } }),
        node('Side2', 'noOp', {}, { position: { x: 600, y: 300 } }),
        node('Merge', 'merge', { mode: 'append' }, { position: { x: 800, y: 0 } }),
      ],
      edges: [
        edge('Start', 'Rows'),
        edge('Rows', 'Big?'),
        edge('Rows', 'Side'),
        edge('Side', 'Side2'),
        edge('Big?', 'Merge', 'true', 'input1'),
        edge('Big?', 'Merge', 'false', 'input2'),
      ],
    });
    // handleDisabledNode returns `[main[0]]`: IF's false output is missing, so the Merge waits for the end.
    expect(order(await run(def))).toEqual(['Start#0', 'Rows#0', 'Big?#0', 'Side#0', 'Side2#0', 'Merge#0']);
  });
});

describe('node setting "Always Output Data"', () => {
  it('a run without items on its first output puts out one empty item there, paired to every input item', async () => {
    const def = definition({
      name: 'Always',
      nodes: [
        trigger,
        rows('Rows', [{ n: 1 }, { n: 2 }]),
        node('None?', 'filter', gt(3), { alwaysOutputData: true }),
        node('After', 'noOp'),
      ],
      edges: [edge('Start', 'Rows'), edge('Rows', 'None?'), edge('None?', 'After')],
    });
    const r = await run(def);
    // ensureAlwaysOutputData: output 0 becomes [{ json: {}, pairedItem: [{ item: 0 }, { item: 1 }] }], so After runs.
    expect(json(r, 'None?')).toEqual([[{}]]);
    expect(json(r, 'After')).toEqual([[{}]]);
    const filter = r.runs.find((x) => x.name === 'None?');
    expect(filter && pairedItemsOfRun(filter, 'main')).toEqual([[{ item: 0 }, { item: 1 }]]);
  });

  it('a disabled node passes its first input on, even empty, and then puts out the empty item', async () => {
    const def = (alwaysOutputData: boolean) =>
      definition({
        name: 'Disabled Merge',
        nodes: [
          trigger,
          rows('Rows', [{ n: 1 }]),
          node('Merge', 'merge', { mode: 'append' }, { disabled: true, alwaysOutputData }),
        ],
        edges: [edge('Start', 'Rows'), edge('Rows', 'Merge', 'main', 'input2')],
      });
    // handleDisabledNode returns `[main[0]]` (here empty), and ensureAlwaysOutputData runs after it.
    expect(json(await run(def(false)), 'Merge')).toEqual([[]]);
    expect(json(await run(def(true)), 'Merge')).toEqual([[{}]]);
  });

  it('only the first output gets the empty item; the others keep theirs', async () => {
    const def = definition({
      name: 'Always IF',
      nodes: [trigger, rows('Rows', [{ n: 1 }]), node('Big?', 'if', gt(3), { alwaysOutputData: true })],
      edges: [edge('Start', 'Rows'), edge('Rows', 'Big?')],
    });
    const r = await run(def);
    // n8n checks nodeSuccessData[0][0] only: IF's true output gets `{}` though false has the item.
    expect(json(r, 'Big?', 'true')).toEqual([[{}]]);
    expect(json(r, 'Big?', 'false')).toEqual([[{ n: 1 }]]);
  });
});

describe('node setting "Execute Once"', () => {
  it('the node works on the first input item only', async () => {
    const def = definition({
      name: 'Once',
      nodes: [
        trigger,
        rows('Rows', [{ n: 1 }, { n: 2 }, { n: 3 }]),
        node(
          'Double',
          'code',
          { mode: 'runOnceForEachItem', jsCode: 'return { json: { d: $json.n * 2 } };' },
          { executeOnce: true },
        ),
        node('Skipped', 'noOp', {}, { executeOnce: true, disabled: true }),
      ],
      edges: [edge('Start', 'Rows'), edge('Rows', 'Double'), edge('Rows', 'Skipped')],
    });
    const r = await run(def);
    // handleExecuteOnce: every input is cut to `input.slice(0, 1)` before the node runs.
    expect(json(r, 'Double')).toEqual([[{ d: 2 }]]);
    const double = r.runs.find((x) => x.name === 'Double');
    expect(double && pairedItemsOfRun(double, 'main')).toEqual([[{ item: 0 }]]);
    // A disabled node returns before handleExecuteOnce: it passes every item on.
    expect(json(r, 'Skipped')).toEqual([[{ n: 1 }, { n: 2 }, { n: 3 }]]);
  });

  it('its expressions still read the whole input through $input, for the first item', async () => {
    const def = definition({
      name: 'Once, reading all',
      nodes: [
        trigger,
        rows('Rows', [{ n: 1 }, { n: 2 }, { n: 3 }]),
        node(
          'Count',
          'set',
          {
            assignments: [
              { name: 'all', value: '={{ $input.all().length }}', type: 'number' },
              { name: 'last', value: '={{ $input.last().json.n }}', type: 'number' },
              { name: 'legacy', value: '={{ $items().length }}', type: 'number' },
              { name: 'n', value: '={{ $json.n }}', type: 'number' },
            ],
          },
          { executeOnce: true },
        ),
      ],
      edges: [edge('Start', 'Rows'), edge('Rows', 'Count')],
    });
    // n8n takes the expressions' connectionInputData before handleExecuteOnce cuts the node's input.
    expect(json(await run(def), 'Count')).toEqual([[{ all: 3, last: 3, legacy: 3, n: 1 }]]);
  });
});
