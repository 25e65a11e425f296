import { describe, expect, it } from 'vitest';
import { fromN8n } from '#shared/interop/n8n/index.ts';
import { items, runNode } from './harness.ts';

/**
 * Sort, Limit, Aggregate, Split Out and Remove Duplicates giving n8n's
 * outputs (n8n 2.41's node sources), one concrete case per behaviour the
 * differential harness found; the harness (npm run test:n8n-diff) is the
 * broad proof.
 */

const jsons = async (type: string, params: Record<string, unknown>, input: Record<string, unknown>[]) =>
  (await runNode(type, params, items(...input))).main?.map((i) => i.json);

describe('Sort as n8n sorts', () => {
  it('compares text lower-cased by code unit, not by locale; equal text keeps its order', async () => {
    // n8n: `_a.toLowerCase()` then lodash isEqual / lt (plain `<`), not localeCompare.
    const out = await jsons('sort', { sortFields: [{ fieldName: 'n', order: 'ascending' }] }, [
      { n: 'b' },
      { n: 'A' },
      { n: 'é' },
      { n: 'a' },
      { n: 'Z' },
    ]);
    expect(out).toEqual([{ n: 'A' }, { n: 'a' }, { n: 'b' }, { n: 'Z' }, { n: 'é' }]);
  });

  it('compares numbers written as text with numbers through lodash lt', async () => {
    const out = await jsons('sort', { sortFields: [{ fieldName: 'n', order: 'ascending' }] }, [
      { n: '10' },
      { n: 9 },
      { n: ' 2 ' },
    ]);
    expect(out).toEqual([{ n: ' 2 ' }, { n: 9 }, { n: '10' }]);
  });

  it('reads dotted paths and refuses a field no item has', async () => {
    const out = await jsons('sort', { sortFields: [{ fieldName: 'm.k', order: 'descending' }] }, [
      { m: { k: 1 } },
      { m: { k: 3 } },
    ]);
    expect(out).toEqual([{ m: { k: 3 } }, { m: { k: 1 } }]);
    await expect(
      jsons('sort', { sortFields: [{ fieldName: 'gone', order: 'ascending' }] }, [{ a: 1 }]),
    ).rejects.toThrow(/Couldn't find the field 'gone'/);
  });

  it("runs n8n's default sort code, which assigns a variable it never declares (sloppy mode in n8n)", async () => {
    const code =
      "fieldName = 'a';\nif (a.json[fieldName] < b.json[fieldName]) {\nreturn -1;\n}\nif (a.json[fieldName] > b.json[fieldName]) {\nreturn 1;\n}\nreturn 0;";
    const out = await jsons('sort', { type: 'code', code }, [{ a: 2 }, { a: 1 }, { a: 3 }]);
    expect(out).toEqual([{ a: 1 }, { a: 2 }, { a: 3 }]);
  });

  it('declares for-in targets too, and leaves declared names alone', async () => {
    const code = 'let n = 0; for (k in a.json) n++; for (k in b.json) n--; return n;';
    const out = await jsons('sort', { type: 'code', code }, [{ a: 1, b: 2 }, { a: 1 }, {}]);
    expect(out).toEqual([{}, { a: 1 }, { a: 1, b: 2 }]);
  });

  it('refuses sort code without a return, as n8n does', async () => {
    await expect(jsons('sort', { type: 'code', code: 'a.json.a - b.json.a;' }, [{ a: 1 }])).rejects.toThrow(
      /doesn't return/,
    );
  });
});

describe('Limit as n8n limits', () => {
  it('keeps everything when more are allowed than there are; slices otherwise', async () => {
    expect(await jsons('limit', { maxItems: 5, keep: 'lastItems' }, [{ i: 1 }, { i: 2 }])).toEqual([
      { i: 1 },
      { i: 2 },
    ]);
    expect(await jsons('limit', { maxItems: 0, keep: 'firstItems' }, [{ i: 1 }])).toEqual([]);
  });
});

describe('Aggregate as n8n aggregates', () => {
  it('names a dotted field by its last part, leaves nulls out, merges lists, keeps missing values on request', async () => {
    const input = [{ m: { k: [1, null] } }, { m: { k: null } }, {}];
    expect(await jsons('aggregate', { fieldsToAggregate: [{ fieldToAggregate: 'm.k' }] }, input)).toEqual([
      { k: [[1]] },
    ]);
    expect(
      await jsons('aggregate', { fieldsToAggregate: [{ fieldToAggregate: 'm.k' }], mergeLists: true }, input),
    ).toEqual([{ k: [1] }]);
    const kept = await jsons(
      'aggregate',
      { fieldsToAggregate: [{ fieldToAggregate: 'm.k' }], keepMissing: true },
      input,
    );
    expect(JSON.parse(JSON.stringify(kept))).toEqual([{ k: [[1, null], null, null] }]);
  });

  it('writes a renamed output as a path and refuses the same output twice', async () => {
    const rows = [{ fieldToAggregate: 'a', renameField: true, outputFieldName: 'x.y' }];
    expect(await jsons('aggregate', { fieldsToAggregate: rows }, [{ a: 1 }, { a: 2 }])).toEqual([{ x: { y: [1, 2] } }]);
    await expect(jsons('aggregate', { fieldsToAggregate: [...rows, ...rows] }, [{ a: 1 }])).rejects.toThrow(
      /used more than once/,
    );
  });

  it('drops items left empty when collecting only some fields of whole items', async () => {
    const out = await jsons(
      'aggregate',
      { aggregate: 'aggregateAllItemData', destinationFieldName: '', include: 'specifiedFields', fieldsToInclude: 'a' },
      [{ a: 1, b: 2 }, { b: 3 }],
    );
    expect(out).toEqual([{ '': [{ a: 1 }] }]);
  });
});

describe('Split Out as n8n splits', () => {
  it('splits an object into its values, a single value into one item', async () => {
    expect(await jsons('splitOut', { fieldToSplitOut: 'm' }, [{ m: { x: 1, y: { z: 2 } } }])).toEqual([
      { m: 1 },
      { z: 2 },
    ]);
    expect(await jsons('splitOut', { fieldToSplitOut: 's' }, [{ s: 'one' }])).toEqual([{ s: 'one' }]);
  });

  it('splits several fields side by side, with a destination name each', async () => {
    const out = await jsons(
      'splitOut',
      { fieldToSplitOut: 'a, b', destinationFieldName: 'x,y', include: 'allOtherFields' },
      [{ a: [1, 2], b: ['p'], c: true }],
    );
    expect(out).toEqual([
      { c: true, x: 1, y: 'p' },
      { c: true, x: 2 },
    ]);
  });

  it('Item Lists 2 refuses a missing field where Split Out gives nothing', async () => {
    expect(await jsons('splitOut', { fieldToSplitOut: 'gone' }, [{ a: 1 }])).toEqual([]);
    await expect(jsons('splitOut', { fieldToSplitOut: 'gone', n8nVersion: 'itemLists2' }, [{ a: 1 }])).rejects.toThrow(
      /Couldn't find the field 'gone'/,
    );
  });
});

describe('Remove Duplicates as n8n removes them', () => {
  it('compares all fields with keys in any order, nested ones by their leaves', async () => {
    const out = await jsons('removeDuplicates', { compare: 'allFields' }, [
      { a: 1, m: { x: 1, y: 2 } },
      { m: { y: 2, x: 1 }, a: 1 },
      { a: 2, m: { x: 1, y: 2 } },
    ]);
    expect(out).toEqual([
      { a: 1, m: { x: 1, y: 2 } },
      { a: 2, m: { x: 1, y: 2 } },
    ]);
  });

  it('fails on a compared field some item lacks, or of another type (nulls aside since 1.1)', async () => {
    await expect(jsons('removeDuplicates', { compare: 'allFields' }, [{ a: 1 }, { b: 1 }])).rejects.toThrow(
      /'a' field is missing/,
    );
    const mixed = [{ a: 1 }, { a: null }, { a: 1 }];
    expect(await jsons('removeDuplicates', { compare: 'selectedFields', fieldsToCompare: 'a' }, mixed)).toEqual([
      { a: 1 },
      { a: null },
    ]);
    await expect(
      jsons('removeDuplicates', { compare: 'selectedFields', fieldsToCompare: 'a', typeCheck: 'withNulls' }, mixed),
    ).rejects.toThrow(/isn't always the same type/);
  });

  it('keeps only the compared fields, nested as they were', async () => {
    const out = await jsons(
      'removeDuplicates',
      { compare: 'selectedFields', fieldsToCompare: 'm.x', removeOtherFields: true },
      [
        { m: { x: 1, y: 2 }, b: 1 },
        { m: { x: 1, y: 3 }, b: 2 },
      ],
    );
    expect(out).toEqual([{ m: { x: 1 } }]);
  });

  it('refuses the operations that need a history kept between runs', async () => {
    await expect(
      jsons('removeDuplicates', { operation: 'removeItemsSeenInPreviousExecutions' }, [{ a: 1 }]),
    ).rejects.toThrow(/not supported/);
  });
});

describe("n8n's Item Lists node imports as the node of its operation", () => {
  const importOne = (typeVersion: number, parameters: Record<string, unknown>) => {
    const { definition, warnings } = fromN8n({
      nodes: [{ id: 'n1', name: 'L', type: 'n8n-nodes-base.itemLists', typeVersion, position: [0, 0], parameters }],
      connections: {},
    });
    return { node: definition.nodes[0], warnings: warnings.map((w) => w.message) };
  };

  it('maps each operation, carrying its version’s rules', () => {
    expect(importOne(3.1, { operation: 'sort', type: 'random' }).node).toMatchObject({ type: 'sort' });
    expect(importOne(2, { fieldToSplitOut: 'tags' }).node).toMatchObject({
      type: 'splitOut',
      parameters: { fieldToSplitOut: 'tags', n8nVersion: 'itemLists2' },
    });
    expect(
      importOne(3.1, { operation: 'removeDuplicates', compare: 'selectedFields', fieldsToCompare: 'a' }).node,
    ).toMatchObject({ type: 'removeDuplicates', parameters: { typeCheck: 'sortByType', fieldsToCompare: 'a' } });
    expect(
      importOne(2, {
        operation: 'aggregateItems',
        aggregate: 'aggregateAllItemData',
        include: 'specifiedFields',
        fieldsToInclude: { fields: [{ fieldName: 'a' }, { fieldName: 'b' }] },
      }).node,
    ).toMatchObject({ type: 'aggregate', parameters: { fieldsToInclude: 'a,b' } });
  });

  it('drops Remove Duplicates options beside "all fields", as n8n does with options it hides', () => {
    const { definition } = fromN8n({
      nodes: [
        {
          id: 'n1',
          name: 'D',
          type: 'n8n-nodes-base.removeDuplicates',
          typeVersion: 2,
          position: [0, 0],
          parameters: { compare: 'allFields', options: { disableDotNotation: true, removeOtherFields: true } },
        },
      ],
      connections: {},
    });
    expect(definition.nodes[0]?.parameters).not.toHaveProperty('disableDotNotation');
    expect(definition.nodes[0]?.parameters).not.toHaveProperty('removeOtherFields');
  });

  it('keeps summarize as an unsupported node, and names binaries it cannot carry', () => {
    expect(importOne(3, { operation: 'summarize' }).node?.type).toBe('n8n-nodes-base.itemLists');
    const { warnings } = importOne(3, {
      operation: 'concatenateItems',
      aggregate: 'aggregateAllItemData',
      options: { includeBinaries: true },
    });
    expect(warnings.join(' ')).toMatch(/includeBinaries/);
  });
});
