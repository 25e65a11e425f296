import { describe, expect, it } from 'vitest';
import { fromN8n } from '#shared/interop/n8n/from-n8n.ts';
import { items, runNode } from './harness.ts';

/** Merge as n8n's Merge v2/v3 gives it (n8n-nodes-base Merge/v3/actions/mode, Merge/v2/MergeV2.node.js). */

const merge = async (parameters: Record<string, unknown>, one: object[], two: object[]) => {
  const out = await runNode('merge', parameters, [], {
    inputs: {
      input1: items(...(one as Record<string, unknown>[])),
      input2: items(...(two as Record<string, unknown>[])),
    },
  });
  return (out.main ?? []).map((i) => i.json);
};

/** The Weft parameters an n8n Merge node of this version and these parameters imports as. */
const imported = (typeVersion: number, parameters: Record<string, unknown>) => {
  const { definition } = fromN8n({
    nodes: [{ id: 'm', name: 'Merge', type: 'n8n-nodes-base.merge', typeVersion, position: [0, 0], parameters }],
    connections: {},
  });
  return definition.nodes[0]?.parameters ?? {};
};

describe('Merge (n8n)', () => {
  it('v3 by position with one input empty gives nothing; v2 hands on the other input', async () => {
    const v3 = imported(3, { mode: 'combine', combineBy: 'combineByPosition', options: {} });
    expect(await merge(v3, [], [{ a: 1 }])).toEqual([]);
    const v2 = imported(2.1, { mode: 'combine', combinationMode: 'mergeByPosition', options: {} });
    expect(await merge(v2, [], [{ a: 1 }])).toEqual([{ a: 1 }]);
  });

  it('v3 by position with suffixes keeps input 2’s own fields too (its preferred input is taken before renaming)', async () => {
    const p = imported(3.2, {
      mode: 'combine',
      combineBy: 'combineByPosition',
      options: { clashHandling: { values: { resolveClash: 'addSuffix' } } },
    });
    expect(await merge(p, [{ a: 1 }], [{ a: 2 }])).toEqual([{ a_1: 1, a_2: 2, a: 2 }]);
  });

  it('deep merge joins nested objects and arrays index by index; minimize empty fields keeps values over null and ""', async () => {
    const p = imported(3, {
      mode: 'combine',
      combineBy: 'combineAll',
      options: { clashHandling: { values: { resolveClash: 'preferLast', overrideEmpty: true } } },
    });
    expect(await merge(p, [{ o: { x: 1, l: [1, 2] }, s: 'kept' }], [{ o: { y: 2, l: [3] }, s: '' }])).toEqual([
      { o: { x: 1, y: 2, l: [3, 2] }, s: 'kept' },
    ]);
  });

  it('keep non-matches from both inputs marks each item’s input in `_source`', async () => {
    const p = imported(3, {
      mode: 'combine',
      combineBy: 'combineByFields',
      fieldsToMatchString: 'id',
      joinMode: 'keepNonMatches',
      outputDataFrom: 'both',
    });
    expect(await merge(p, [{ id: 1 }, { id: 2 }], [{ id: 2 }, { id: 3 }])).toEqual([
      { id: 1, _source: 'input1' },
      { id: 3, _source: 'input2' },
    ]);
  });

  it('fuzzy compare matches 1 and "1"; enrich input 2 prefers input 1’s values by default', async () => {
    const p = imported(3, {
      mode: 'combine',
      combineBy: 'combineByFields',
      fieldsToMatchString: 'id',
      joinMode: 'enrichInput2',
      options: { fuzzyCompare: true },
    });
    expect(await merge(p, [{ id: 1, v: 'one' }], [{ id: '1', v: 'two' }, { id: 5 }])).toEqual([
      { id: 1, v: 'one' },
      { id: 5 },
    ]);
  });

  it('v2.0 requires each match field in some item of its input', async () => {
    const p = imported(2, {
      mode: 'combine',
      combinationMode: 'mergeByFields',
      mergeByFields: { values: [{ field1: 'id', field2: 'id' }] },
      joinMode: 'keepEverything',
    });
    await expect(merge(p, [{ x: 1 }], [{ id: 1 }])).rejects.toThrow("Field 'id' is not present");
    expect(await merge({ ...p, compat: 'v2.1' }, [{ x: 1 }], [{ id: 1 }])).toEqual([{ x: 1 }, { id: 1 }]);
  });

  it('v1 merge by key compares keys as text, drops input 1 items without a key, and fills blanks only when asked', async () => {
    const p = imported(1, { mode: 'mergeByKey', propertyName1: 'id', propertyName2: 'id', overwrite: 'blank' });
    expect(
      await merge(
        p,
        [{ id: 1, v: '' }, { x: 1 }, { id: 2, v: 'kept' }],
        [
          { id: '1', v: 'one' },
          { id: '2', v: 'two' },
        ],
      ),
    ).toEqual([
      { id: 1, v: 'one' },
      { id: 2, v: 'kept' },
    ]);
    const remove = imported(1, { mode: 'removeKeyMatches', propertyName1: 'id', propertyName2: 'id' });
    expect(await merge(remove, [{ id: 1 }, { x: 1 }, { id: 3 }], [{ id: 1 }])).toEqual([{ x: 1 }, { id: 3 }]);
  });

  it('v1 merge by index: a left join keeps input 1’s length', async () => {
    const p = imported(1, { mode: 'mergeByIndex' });
    expect(await merge(p, [{ a: 1 }, { a: 2 }], [{ b: 1 }, { b: 2 }, { b: 3 }])).toEqual([
      { a: 1, b: 1 },
      { a: 2, b: 2 },
    ]);
  });

  it('"first match only" counts only where n8n shows it: keeping non-matches, every match is one', async () => {
    const p = imported(3, {
      mode: 'combine',
      combineBy: 'combineByFields',
      fieldsToMatchString: 'id',
      joinMode: 'keepNonMatches',
      outputDataFrom: 'input2',
      options: { multipleMatches: 'first' },
    });
    expect(await merge(p, [{ id: 1 }], [{ id: 1, n: 1 }, { id: 1, n: 2 }, { id: 2 }])).toEqual([{ id: 2 }]);
  });
});
