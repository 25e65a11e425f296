import { describe, expect, it } from 'vitest';
import { decodePaired } from '#shared/runs/paired.ts';
import { pairedItemsOfRun } from '../src/runner/paired-items.ts';
import { definition, edge, node, outputsByName, run } from './harness.ts';

/**
 * Pinned data in runs (docs/plans/n8n-daily.md §2.4): a pinned node does not
 * run; its pin is its first output, recorded and reported as 'pinned', and
 * its items pair with the input items by index, as n8n's pinned data does.
 */

const trigger = node('Start', 'manualTrigger');
const seed = (name: string, rows: Record<string, unknown>[]) =>
  node(name, 'code', { jsCode: `return ${JSON.stringify(rows)};` });

describe('pinned nodes', () => {
  it('put out their pin without running: origin pinned on the node run and the event, the items go on', async () => {
    const def = definition({
      name: 'Pinned',
      nodes: [
        trigger,
        seed('Rows', [{ n: 1 }, { n: 2 }, { n: 3 }]),
        node('Boom', 'code', { jsCode: "throw new Error('I ran');" }),
        node('After', 'set', {
          assignments: [
            { name: 'row', value: "={{ $('Rows').item.json.n }}", type: 'number' },
            { name: 'pinned', value: '={{ $json.p }}', type: 'string' },
          ],
        }),
      ],
      edges: [edge('Start', 'Rows'), edge('Rows', 'Boom'), edge('Boom', 'After')],
    });
    const result = await run(def, { pins: { Boom: [{ p: 'a' }, { p: 'b' }] } });
    expect(result.status).toBe('succeeded');
    const boom = result.runs.find((r) => r.name === 'Boom');
    expect(boom).toMatchObject({ status: 'succeeded', origin: 'pinned', attempts: 0 });
    expect(result.runs.find((r) => r.name === 'After')?.origin).toBe('ran');
    expect(result.events.find((e) => e.name === 'Boom' && e.status === 'succeeded')).toMatchObject({
      origin: 'pinned',
      itemsIn: 3,
      itemsOut: { main: 2 },
    });
    expect(result.events.some((e) => e.name === 'After' && e.origin !== undefined)).toBe(false);
    // Pinned item i pairs with input item i: $('Rows').item reads through the pin.
    expect(outputsByName(result).After).toEqual([
      { row: 1, pinned: 'a' },
      { row: 2, pinned: 'b' },
    ]);
    if (!boom) throw new Error('Boom did not run');
    expect(pairedItemsOfRun(boom, 'main')).toEqual([[{ item: 0 }], [{ item: 1 }]]);
    expect(decodePaired(boom.paired ?? '', { main: 2 })?.outputs.main).toEqual([[{ item: 0 }], [{ item: 1 }]]);
  });

  it('a pin longer than the input pairs its extra items with input item 0', async () => {
    const def = definition({
      name: 'Longer',
      nodes: [trigger, seed('One', [{ n: 7 }]), node('P', 'noOp')],
      edges: [edge('Start', 'One'), edge('One', 'P')],
    });
    const result = await run(def, { pins: { P: [{ a: 1 }, { a: 2 }, { a: 3 }] } });
    const p = result.runs.find((r) => r.name === 'P');
    if (!p) throw new Error('P did not run');
    expect(pairedItemsOfRun(p, 'main')).toEqual([[{ item: 0 }], [{ item: 0 }], [{ item: 0 }]]);
  });

  it('a pinned trigger starts the run with its pin, not the trigger items', async () => {
    const def = definition({
      name: 'Hook',
      nodes: [
        node('Webhook', 'webhook', { path: 'in' }),
        node('Read', 'set', { assignments: [{ name: 'who', value: '={{ $json.body.who }}', type: 'string' }] }),
      ],
      edges: [edge('Webhook', 'Read')],
    });
    const result = await run(def, { startNodeId: 'Webhook', pins: { Webhook: [{ body: { who: 'Ana' } }] } });
    expect(result.status).toBe('succeeded');
    expect(outputsByName(result).Read).toEqual([{ who: 'Ana' }]);
    expect(result.runs[0]).toMatchObject({ name: 'Webhook', origin: 'pinned' });
  });

  it('a disabled pinned node passes its input on as any disabled node does (n8n ignores the pin)', async () => {
    const def = definition({
      name: 'Off',
      nodes: [trigger, seed('Rows', [{ n: 1 }]), node('Off', 'set', {}, { disabled: true })],
      edges: [edge('Start', 'Rows'), edge('Rows', 'Off')],
    });
    const result = await run(def, { pins: { Off: [{ pinned: true }] } });
    expect(outputsByName(result).Off).toEqual([{ n: 1 }]);
    expect(result.runs.find((r) => r.name === 'Off')?.origin).toBe('ran');
  });

  it('a pinned node in a loop puts out fresh items on every pass', async () => {
    const def = definition({
      name: 'Loop',
      nodes: [
        trigger,
        node('Merge', 'merge', { mode: 'append' }),
        node('Pinned', 'noOp'),
        node('Count', 'code', {
          mode: 'runOnceForEachItem',
          jsCode: '$json.k = ($json.k ?? 0) + $runIndex + 1; return $json;',
        }),
        node('Again?', 'if', {
          conditions: [{ leftValue: '={{ $runIndex }}', operator: 'number:lt', rightValue: '2' }],
        }),
      ],
      edges: [
        edge('Start', 'Merge', 'main', 'input1'),
        edge('Merge', 'Pinned'),
        edge('Pinned', 'Count'),
        edge('Count', 'Again?'),
        edge('Again?', 'Merge', 'true', 'input2'),
      ],
    });
    const result = await run(def, { pins: { Pinned: [{ x: 1 }] } });
    expect(result.status).toBe('succeeded');
    const counts = result.runs.filter((r) => r.name === 'Count').map((r) => r.output.main?.[0]?.json.k);
    // Each pass starts from the pin again: a shared item would have carried k on.
    expect(counts).toEqual([1, 2, 3]);
    expect(result.runs.filter((r) => r.name === 'Pinned').every((r) => r.origin === 'pinned')).toBe(true);
  });
});
