import { describe, expect, it } from 'vitest';
import { definition, edge, node, run } from './harness.ts';

/**
 * n8n's `$node["Name"].runIndex` (WorkflowDataProxy's nodeGetter): the index
 * of that node's last run so far, `runData[Name].length - 1` — so -1 for a
 * node that exists but has not run yet, and for the node itself the index of
 * its previous run, since its current run is not recorded until it ends.
 */

const trigger = node('Start', 'manualTrigger');
const seed = (name: string, rows: Record<string, unknown>[]) =>
  node(name, 'code', { jsCode: `return ${JSON.stringify(rows)};` });
const raw = (name: string, expression: string) =>
  node(name, 'set', { mode: 'raw', jsonOutput: `={{ ${expression} }}`, includeOtherFields: false });

const outputsOf = async (nodes: ReturnType<typeof node>[], edges: ReturnType<typeof edge>[]) => {
  const r = await run(definition({ name: 'Run index', nodes, edges }));
  if (r.error) throw new Error(r.error);
  const out: Record<string, unknown[]> = {};
  for (const n of r.runs)
    (out[n.name] ??= []).push(
      ...Object.values(n.output)
        .flat()
        .map((i) => i.json),
    );
  return out;
};

describe('$node["Name"].runIndex', () => {
  it('is the index of the named node’s last run: 0, then 1 after it ran again; -1 before it ran', async () => {
    // "Mid" is fed by A and B, so it runs twice (v1 order, A's branch first); "Out" after each of its runs.
    // "Late" runs after everything (it hangs below B's second child): "Out" sees it not run yet.
    const out = await outputsOf(
      [
        trigger,
        seed('A', [{ a: 1 }]),
        seed('B', [{ b: 2 }]),
        raw('Mid', '{ self: $node["Mid"].runIndex }'),
        raw('Out', '{ mid: $node["Mid"].runIndex, start: $node["Start"].runIndex, late: $node["Late"].runIndex }'),
        node('Code', 'code', { jsCode: 'return [{ mid: $node["Mid"].runIndex }];' }),
        raw('Late', '{ out: $node["Out"].runIndex }'),
      ],
      [
        edge('Start', 'A'),
        edge('Start', 'B'),
        edge('A', 'Mid'),
        edge('B', 'Mid'),
        edge('Mid', 'Out'),
        edge('Out', 'Code'),
        edge('B', 'Late'),
      ],
    );
    expect(out.Mid).toEqual([{ self: -1 }, { self: 0 }]);
    expect(out.Out).toEqual([
      { mid: 0, start: 0, late: -1 },
      { mid: 1, start: 0, late: -1 },
    ]);
    expect(out.Code).toEqual([{ mid: 0 }, { mid: 1 }]);
    expect(out.Late).toEqual([{ out: 1 }]);
  });
});
