import { describe, expect, it } from 'vitest';
import { fromN8n } from '#shared/interop/n8n/index.ts';
import { items, runNode } from './harness.ts';

/**
 * n8n's legacy Function and Function Item nodes (still in many shared
 * workflows) import as Code nodes that run as them (`legacy`), and behave as
 * n8n 2.41's Function.node.js and FunctionItem.node.js do (the function and
 * function-item families of the differential harness check the rest).
 */

const importedNode = (type: string, functionCode: string, onError?: 'continueRegularOutput') => {
  const { definition, warnings } = fromN8n({
    nodes: [
      {
        id: 'f',
        name: 'F',
        type: `n8n-nodes-base.${type}`,
        typeVersion: 1,
        position: [0, 0],
        parameters: { functionCode },
        ...(onError ? { onError } : {}),
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

  // n8n's Function (Function.node.js) hands the code deep copies of the items with `index` set beside `json`.
  it('Function: items are copies that know their index and pairing', async () => {
    const { node } = importedNode(
      'function',
      'items[0].json.n = 9; return items.map((it) => ({ json: { index: it.index, keys: Object.keys(it).sort() } }));',
    );
    const input = items({ n: 1 }, { n: 2 });
    const out = await runNode(node.type, node.parameters ?? {}, input);
    expect(out.main?.map((i) => i.json)).toEqual([
      { index: 0, keys: ['index', 'json', 'pairedItem'] },
      { index: 1, keys: ['index', 'json', 'pairedItem'] },
    ]);
    expect(input[0]?.json).toEqual({ n: 1 });
  });

  // Function passes what it returns through n8n's normalizeItems, then only wants a `json` object on each item.
  it('Function: other keys beside json are allowed, plain objects become items, a mix is refused', async () => {
    const run = async (functionCode: string) => {
      const { node } = importedNode('function', functionCode);
      return (await runNode(node.type, node.parameters ?? {}, items({}))).main?.map((i) => i.json);
    };
    expect(await run('return [{ json: { a: 1 }, extra: 2 }];')).toEqual([{ a: 1 }]);
    expect(await run('return { a: 1 };')).toEqual([{ a: 1 }]);
    await expect(run('return [{ a: 1 }, { json: { b: 2 } }];')).rejects.toThrow('Inconsistent item format');
    await expect(run('return [{ json: 5 }];')).rejects.toThrow('The json-property has to be an object!');
  });

  // Function under continueOnFail returns one item { error: error.message }: no error name, no line, Node's wording.
  it('Function going on after a failure: one item with the bare message, as Node words it', async () => {
    const run = async (functionCode: string) => {
      const { node } = importedNode('function', functionCode, 'continueRegularOutput');
      return (await runNode(node.type, node.parameters ?? {}, items({ a: 1 }, { a: 2 }), { node })).main?.map(
        (i) => i.json,
      );
    };
    expect(await run('return 5;')).toEqual([{ error: 'executionData.every is not a function' }]);
    expect(await run('return;')).toEqual([{ error: "Cannot read properties of undefined (reading 'every')" }]);
    expect(await run('return [{ json: { x: $json.missing.deep } }];')).toEqual([
      { error: "Cannot read properties of undefined (reading 'deep')" },
    ]);
  });

  // Function Item (FunctionItem.node.js): `item` is a deep copy of the item's json; $json is the input item's own.
  it("Function Item: item is a copy of the item's data, which the code may replace", async () => {
    const run = async (functionCode: string) => {
      const { node } = importedNode('functionItem', functionCode);
      return (await runNode(node.type, node.parameters ?? {}, items({ n: 1 }))).main?.map((i) => i.json);
    };
    expect(await run('item.x = 1; return { same: item === $json, untouched: $json.x === undefined };')).toEqual([
      { same: false, untouched: true },
    ]);
    expect(await run('item = { replaced: true }; return item;')).toEqual([{ replaced: true }]);
    // What it returns is the item's data as it is: a json key is a field, not the item's data.
    expect(await run('return { json: item };')).toEqual([{ json: { n: 1 } }]);
    expect(await run('return { b: getBinaryData() === undefined };')).toEqual([{ b: true }]);
  });

  // Function Item's own checks: nothing returned is 'No data got returned…', null is Object.keys(null)'s TypeError.
  it('Function Item going on after a failure: the item holds n8n’s message', async () => {
    const { node } = importedNode(
      'functionItem',
      'if (item.n === 1) return; if (item.n === 2) return null; return item;',
      'continueRegularOutput',
    );
    const out = await runNode(node.type, node.parameters ?? {}, items({ n: 1 }, { n: 2 }, { n: 3 }), { node });
    expect(out.main?.map((i) => i.json)).toEqual([
      { error: 'No data got returned. Always an object has to be returned!' },
      { error: 'Cannot convert undefined or null to object' },
      { n: 3 },
    ]);
  });

  it("Function Item returning a non-object fails the item (a documented difference: n8n makes it the item's data)", async () => {
    const { node } = importedNode('functionItem', 'return 5;');
    await expect(runNode(node.type, node.parameters ?? {}, items({}))).rejects.toThrow("Code doesn't return an object");
  });

  // Function's sandbox is n8n's data proxy: $if and $ifEmpty are helpers of expressions only, not defined there.
  it('Function and Function Item have no $if or $ifEmpty, as in n8n', async () => {
    const { node } = importedNode('functionItem', "return { v: $ifEmpty(item.a, 'none') };", 'continueRegularOutput');
    const out = await runNode(node.type, node.parameters ?? {}, items({}), { node });
    expect(out.main?.map((i) => i.json)).toEqual([{ error: '$ifEmpty is not defined' }]);
    const all = importedNode('function', 'return [{ json: { t: typeof $if, j: typeof $jmespath } }];');
    const types = await runNode(all.node.type, all.node.parameters ?? {}, items({}));
    expect(types.main?.map((i) => i.json)).toEqual([{ t: 'undefined', j: 'function' }]);
  });
});
