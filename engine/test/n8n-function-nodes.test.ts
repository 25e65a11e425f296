import { describe, expect, it } from 'vitest';
import { fromN8n } from '#shared/interop/n8n/index.ts';
import { items, runNode } from './harness.ts';

/**
 * n8n's legacy Function and Function Item nodes (still in many shared
 * workflows) import as Code nodes and run as they did in n8n.
 */

const importedNode = (type: string, functionCode: string) => {
  const { definition, warnings } = fromN8n({
    nodes: [
      {
        id: 'f',
        name: 'F',
        type: `n8n-nodes-base.${type}`,
        typeVersion: 1,
        position: [0, 0],
        parameters: { functionCode },
      },
    ],
    connections: {},
  });
  const node = definition.nodes[0];
  if (!node) throw new Error('not imported');
  return { node, warnings };
};

describe("n8n's Function and Function Item nodes", () => {
  it('Function runs once over `items` and returns the list', async () => {
    const { node, warnings } = importedNode(
      'function',
      'for (const item of items) item.json.double = item.json.n * 2;\nreturn items;',
    );
    expect(node.type).toBe('code');
    expect(warnings).toEqual([]);
    const out = await runNode(node.type, node.parameters ?? {}, items({ n: 1 }, { n: 2 }));
    expect(out.main?.map((i) => i.json)).toEqual([
      { n: 1, double: 2 },
      { n: 2, double: 4 },
    ]);
  });

  it("Function Item runs per item with `item` being the item's data, and returns it", async () => {
    const { node } = importedNode('functionItem', 'item.seen = true;\nreturn item;');
    expect(node.type).toBe('code');
    const out = await runNode(node.type, node.parameters ?? {}, items({ n: 1 }, { n: 2 }));
    expect(out.main?.map((i) => i.json)).toEqual([
      { n: 1, seen: true },
      { n: 2, seen: true },
    ]);
  });
});
