import { describe, expect, it } from 'vitest';
import { definition, edge, node, run } from './harness.ts';

/**
 * n8n 2.41's WorkflowDataProxy on another node's parameters: `$('Name').params`
 * is `workflow.getNode(Name).parameters` whether the node has run or not (only
 * its data needs a run: "Node 'Name' hasn't been executed"), `isExecuted` is
 * false until it has; `$node["Name"].parameter` (nodeParameterGetter) works a
 * top-level parameter written as an expression out for the item being
 * processed, while `.params` gives its text.
 */

const trigger = node('Start', 'manualTrigger');
const seed = (name: string, rows: Record<string, unknown>[]) =>
  node(name, 'code', { jsCode: `return ${JSON.stringify(rows)};` });
const raw = (name: string, expression: string) =>
  node(name, 'set', { mode: 'raw', jsonOutput: `={{ ${expression} }}`, includeOtherFields: false });

const outputsOf = async (nodes: ReturnType<typeof node>[], edges: ReturnType<typeof edge>[]) => {
  const r = await run(definition({ name: 'Parameters', nodes, edges }));
  const out: Record<string, unknown> = {};
  for (const n of r.runs)
    out[n.name] =
      n.status === 'failed'
        ? { error: n.error }
        : Object.values(n.output)
            .flat()
            .map((i) => i.json);
  return out;
};

describe("another node's parameters", () => {
  it('$("Name").params answers for a node that has not run (and isExecuted is false); its data throws', async () => {
    const out = await outputsOf(
      [
        trigger,
        seed('A', [{ a: 1 }]),
        raw('Read', '{ limit: $("Later").params.maxItems, ran: $("Later").isExecuted, self: $("Read").params.mode }'),
        raw('Data', '{ x: $("Later").first().json }'),
        node('Later', 'limit', { maxItems: 3 }),
      ],
      [edge('Start', 'A'), edge('A', 'Read'), edge('Read', 'Data'), edge('Data', 'Later')],
    );
    expect(out.Read).toEqual([{ limit: 3, ran: false, self: 'raw' }]);
    expect(out.Data).toEqual({ error: expect.stringMatching(/Node 'Later' hasn't been executed/) as unknown });
  });

  it('$node["Name"].parameter works a top-level expression out for the item being processed; .params and the whole object keep its text', async () => {
    const out = await outputsOf(
      [
        trigger,
        seed('A', [{ a: 1 }, { a: 2 }]),
        node('Lim', 'limit', { maxItems: '={{ $json.a + 4 }}', keep: '=last{{ "Items" }}' }),
        raw(
          'Read',
          '{ per: $node["Lim"].parameter.maxItems, keep: $node["Lim"].parameter.keep, text: $("Lim").params.maxItems, whole: $node["Lim"].parameter.maxItems === JSON.parse(JSON.stringify($node["Lim"].parameter)).maxItems }',
        ),
        node('Code', 'code', { jsCode: 'return [{ json: { m: $node["Lim"].parameter.maxItems } }];' }),
      ],
      [edge('Start', 'A'), edge('A', 'Lim'), edge('Lim', 'Read'), edge('Read', 'Code')],
    );
    expect(out.Read).toEqual([
      { per: 5, keep: 'lastItems', text: '={{ $json.a + 4 }}', whole: false },
      { per: 6, keep: 'lastItems', text: '={{ $json.a + 4 }}', whole: false },
    ]);
    // Code reads it with its own first item (a Set's output has no `a`).
    expect(out.Code).toEqual([{ m: null }]);
  });
});
