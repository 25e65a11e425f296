import { describe, expect, it } from 'vitest';
import { definition, edge, node, run } from '../harness.ts';

/**
 * What n8n's expressions know of the node run and of other nodes:
 * `$runIndex` (n8n's WorkflowDataProxy: the run's index among the node's
 * runs in the execution, 0 for the first), `$node["Name"].parameter` and
 * `$('Name').params` (the node's parameters, with the ones n8n's version of
 * the node has and Weft's lacks, such as Manual Trigger's `notice: ''`, as
 * n8n's getNodeParameters fills them in), `.context` (n8n's node context:
 * empty for nodes that keep none).
 */

const trigger = node('Start', 'manualTrigger');
const seed = (name: string, rows: Record<string, unknown>[]) =>
  node(name, 'code', { jsCode: `return ${JSON.stringify(rows)};` });
const raw = (name: string, expression: string) =>
  node(name, 'set', { mode: 'raw', jsonOutput: `={{ ${expression} }}`, includeOtherFields: false });

/** Each run's output items, by node name. */
const runsOf = async (nodes: ReturnType<typeof node>[], edges: ReturnType<typeof edge>[]) => {
  const r = await run(definition({ name: 'Run data', nodes, edges }));
  if (r.error) throw new Error(r.error);
  const out: Record<string, unknown[][]> = {};
  for (const n of r.runs)
    (out[n.name] ??= []).push(
      Object.values(n.output)
        .flat()
        .map((i) => i.json),
    );
  return out;
};

describe('run data in expressions', () => {
  it('$runIndex counts the runs of the node in the execution, from 0 (Code has it too)', async () => {
    // "Out" is fed by two nodes: it runs once for each (n8n's v1 order), so its second run is $runIndex 1.
    const runs = await runsOf(
      [
        trigger,
        seed('A', [{ a: 1 }]),
        seed('B', [{ b: 2 }]),
        raw('Out', '{ run: $runIndex }'),
        node('Code', 'code', { jsCode: 'return [{ run: $runIndex }];' }),
      ],
      [edge('Start', 'A'), edge('Start', 'B'), edge('A', 'Out'), edge('B', 'Out'), edge('Out', 'Code')],
    );
    expect(runs.Out).toEqual([[{ run: 0 }], [{ run: 1 }]]);
    expect(runs.Code).toEqual([[{ run: 0 }], [{ run: 1 }]]);
  });

  it('$node["Name"].parameter and $("Name").params give the node’s parameters; .context is empty', async () => {
    const { Out: [out] = [] } = await runsOf(
      [
        trigger,
        seed('Input', [{ a: 1 }]),
        raw(
          'Out',
          '{ code: $node["Input"].parameter["jsCode"], mode: $("Input").params.mode, missing: $node["Input"].parameter["x"], ' +
            'context: $node["Input"].context, fromContext: $node["Input"].context["x"], start: $node["Start"].parameter }',
        ),
      ],
      [edge('Start', 'Input'), edge('Input', 'Out')],
    );
    expect(out).toEqual([
      { code: 'return [{"a":1}];', mode: 'runOnceForAllItems', context: {}, start: { notice: '' } },
    ]);
  });

  it('a copy each time: changing what .parameter gives changes nothing else', async () => {
    const { Out: [out] = [] } = await runsOf(
      [
        trigger,
        seed('Input', [{ a: 1 }]),
        raw('Out', '{ first: (($node["Input"].parameter.jsCode = "x"), 1), then: $node["Input"].parameter.jsCode }'),
      ],
      [edge('Start', 'Input'), edge('Input', 'Out')],
    );
    expect(out).toEqual([{ first: 1, then: 'return [{"a":1}];' }]);
  });
});
