import { describe, expect, it } from 'vitest';
import { fromN8n } from '#shared/interop/n8n/index.ts';
import type { JsonObject } from '#shared/runs/items.ts';
import { items, runNode } from './harness.ts';

/**
 * Compare Datasets as n8n's (CompareDatasets/GenericFunctions.ts): two
 * inputs, four outputs, each resolution, fuzzy compare and skipped fields.
 * The differential family (compare-datasets-gen.ts) is the broad proof.
 */

const A = [
  { id: 1, name: 'Ana', city: 'Lyon' },
  { id: 2, name: 'Bo', city: 'Oslo' },
  { id: 3, name: 'Cy', city: 'Rome' },
];
const B = [
  { id: 2, name: 'Bo', city: 'Oslo' },
  { id: 3, name: 'Cy', city: 'Pisa' },
  { id: 4, name: 'Di', city: 'Kiel' },
];

type Outputs = Record<'inAOnly' | 'same' | 'different' | 'inBOnly', JsonObject[]>;

const compare = async (
  parameters: Record<string, unknown>,
  a: JsonObject[] = A,
  b: JsonObject[] = B,
): Promise<Outputs> => {
  const inputs = { inputA: items(...a), inputB: items(...b) };
  const out = await runNode(
    'compareDatasets',
    { mergeByFields: [{ field1: 'id', field2: 'id' }], ...parameters },
    inputs.inputA,
    { inputs },
  );
  const json = (name: string) => (out[name] ?? []).map((i) => i.json);
  return { inAOnly: json('inAOnly'), same: json('same'), different: json('different'), inBOnly: json('inBOnly') };
};

describe('Compare Datasets outputs', () => {
  it('sorts pairs into A only, same, different and B only', async () => {
    const out = await compare({ resolve: 'preferInput2' });
    expect(out).toEqual({ inAOnly: [A[0]], same: [A[1]], different: [B[1]], inBOnly: [B[2]] });
  });

  it.each([
    ['input A version', { resolve: 'preferInput1' }, [A[2]]],
    ['input B version', { resolve: 'preferInput2' }, [B[1]]],
    [
      'a mix: B with the city from A',
      { resolve: 'mix', preferWhenMix: 'input2', exceptWhenMix: 'city' },
      [{ id: 3, name: 'Cy', city: 'Rome' }],
    ],
    [
      'both versions (2.x): keys, same fields and each difference',
      { resolve: 'includeBoth' },
      [{ keys: { id: 3 }, same: { id: 3, name: 'Cy' }, different: { city: { inputA: 'Rome', inputB: 'Pisa' } } }],
    ],
    [
      'both versions in 1: named input1 and input2',
      { resolve: 'includeBoth', n8nVersion: '1' },
      [{ keys: { id: 3 }, same: { id: 3, name: 'Cy' }, different: { city: { input1: 'Rome', input2: 'Pisa' } } }],
    ],
  ])('resolves a difference with %s', async (_, parameters, different) => {
    expect((await compare(parameters)).different).toEqual(different);
  });

  it('leaves the input items as they were when mixing', async () => {
    const a = [{ id: 3, city: 'Rome' }];
    const b = [{ id: 3, city: 'Pisa' }];
    await compare({ resolve: 'mix', preferWhenMix: 'input1', exceptWhenMix: 'city' }, a, b);
    expect(a).toEqual([{ id: 3, city: 'Rome' }]);
  });

  it('drops items with no fields, and pairs every B match with "all matches"', async () => {
    const out = await compare(
      { resolve: 'preferInput2', multipleMatches: 'all' },
      [{ id: 1, v: 1 }, {}],
      [{ id: 1, v: 2 }, { id: 1, v: 1 }, {}],
    );
    expect(out).toEqual({ inAOnly: [], same: [{ id: 1, v: 1 }], different: [{ id: 1, v: 2 }], inBOnly: [] });
  });
});

describe('Compare Datasets comparing', () => {
  it('tells 3 and "3" apart unless fuzzy, and null and 0 apart in fuzzy 1', async () => {
    const a = [{ id: 1, n: 3, z: null }];
    const b = [{ id: 1, n: '3', z: 0 }];
    expect((await compare({ resolve: 'preferInput1' }, a, b)).same).toEqual([]);
    expect((await compare({ resolve: 'preferInput1', fuzzyCompare: true }, a, b)).same).toEqual(a);
    expect((await compare({ resolve: 'preferInput1', fuzzyCompare: true, n8nVersion: '1' }, a, b)).same).toEqual([]);
  });

  it('leaves skipped fields out of the comparison, and lists them under "skipped"', async () => {
    const a = [{ id: 1, at: 'mon', m: { x: 1, y: 1 } }];
    const b = [{ id: 1, at: 'tue', m: { x: 2, y: 1 } }];
    expect((await compare({ skipFields: 'at, m.x' }, a, b)).same).toEqual(a);
    const both = await compare({ skipFields: 'at' }, a, b);
    expect(both.different).toEqual([
      {
        keys: { id: 1 },
        same: { id: 1 },
        different: { m: { inputA: { x: 1, y: 1 }, inputB: { x: 2, y: 1 } } },
        skipped: { at: { inputA: 'mon', inputB: 'tue' } },
      },
    ]);
  });

  it('refuses a dotted skipped field with dot notation off', async () => {
    await expect(compare({ skipFields: 'm.x', disableDotNotation: true })).rejects.toThrow(/contains dot/);
  });

  it('refuses a pair with one field blank, and before 2.2 a field no item has', async () => {
    await expect(compare({ mergeByFields: [{ field1: 'id', field2: '' }] })).rejects.toThrow(/both fields/);
    await expect(compare({ mergeByFields: [{ field1: 'gone', field2: 'id' }], n8nVersion: '2.1' })).rejects.toThrow(
      "Field 'gone' is not present in any of items in 'Input A'",
    );
    expect((await compare({ mergeByFields: [{ field1: 'gone', field2: 'id' }] })).inAOnly).toEqual(A);
  });
});

describe('Compare Datasets import from n8n', () => {
  const imported = (typeVersion: number, parameters: Record<string, unknown>) =>
    fromN8n({
      nodes: [
        { id: 'c', name: 'C', type: 'n8n-nodes-base.compareDatasets', typeVersion, position: [0, 0], parameters },
      ],
      connections: {},
    });

  it('keeps version 1 and 2 defaults and version 1 fuzzy compare among the options', () => {
    const v1 = imported(1, {
      mergeByFields: { values: [{ field1: 'a', field2: 'b' }] },
      options: { fuzzyCompare: true },
    });
    expect(v1.definition.nodes[0]?.parameters).toEqual({
      mergeByFields: [{ field1: 'a', field2: 'b' }],
      resolve: 'preferInput2',
      fuzzyCompare: true,
      n8nVersion: '1',
    });
    expect(v1.warnings).toEqual([]);
    const v22 = imported(2.2, { options: { skipFields: 'x' } });
    expect(v22.definition.nodes[0]?.parameters).toMatchObject({
      resolve: 'includeBoth',
      skipFields: 'x',
      n8nVersion: '2.3',
    });
  });
});
