import { describe, expect, it } from 'vitest';
import { fromN8n } from '#shared/interop/n8n/index.ts';
import { items, runNode } from './harness.ts';

/**
 * Rename Keys as n8n's RenameKeys.node.ts: rows read the input item, regular
 * expressions rename at every depth through the 250 ms limit. The
 * differential family (rename-keys-gen.ts) is the broad proof.
 */

const run = async (parameters: Record<string, unknown>, json: Record<string, unknown>) =>
  (await runNode('renameKeys', parameters, items(json))).main?.map((i) => i.json);

const regex = (searchRegex: string, replaceRegex: string, extra: Record<string, unknown> = {}) => ({
  regexReplacement: [{ searchRegex, replaceRegex, caseInsensitive: false, depth: -1, ...extra }],
});

describe('Rename Keys by name', () => {
  it.each([
    ['a top-level key', [{ currentKey: 'a', newKey: 'b' }], { a: 1, c: 2 }, { c: 2, b: 1 }],
    [
      'a dotted key into a new path',
      [{ currentKey: 'm.x', newKey: 'y.z' }],
      { m: { x: 1, k: 2 } },
      { m: { k: 2 }, y: { z: 1 } },
    ],
    ['a bracketed index', [{ currentKey: 'l[0]', newKey: 'first' }], { l: [5, 6] }, { l: [undefined, 6], first: 5 }],
    ['a key written with a dot, read as one key', [{ currentKey: 'a.b', newKey: 'c' }], { 'a.b': 1 }, { c: 1 }],
    ['over an existing key', [{ currentKey: 'a', newKey: 'b' }], { a: 1, b: 2 }, { b: 1 }],
    ['nothing for a missing key', [{ currentKey: 'gone', newKey: 'b' }], { a: 1 }, { a: 1 }],
    [
      'nothing for a blank or unchanged name',
      [
        { currentKey: 'a', newKey: '' },
        { currentKey: 'a', newKey: 'a' },
      ],
      { a: 1 },
      { a: 1 },
    ],
    [
      'each row reading the item as it came in (a swap)',
      [
        { currentKey: 'a', newKey: 'b' },
        { currentKey: 'b', newKey: 'a' },
      ],
      { a: 1, b: 2 },
      { a: 2 },
    ],
  ])('%s', async (_, keys, input, expected) => {
    expect(await run({ keys }, input)).toEqual([expected]);
  });
});

describe('Rename Keys by regular expression', () => {
  it.each([
    ['with captures', regex('^(.)(.*)$', '$2$1'), { ab: 1 }, { ba: 1 }],
    [
      'at every depth, lists entered but not renamed',
      regex('x', 'y'),
      { x: [{ x: 1 }], o: { x: 2 } },
      { y: [{ y: 1 }], o: { y: 2 } },
    ],
    ['only at the top with depth 0', regex('x', 'y', { depth: 0 }), { x: { x: 1 } }, { y: { x: 1 } }],
    ['one level down with depth 1', regex('x', 'y', { depth: 1 }), { x: { x: { x: 1 } } }, { y: { y: { x: 1 } } }],
    ['case insensitive', regex('^name$', 'title', { caseInsensitive: true }), { NAME: 1 }, { title: 1 }],
    ['only the first match without the g flag', regex('a', 'b'), { aaa: 1 }, { baa: 1 }],
  ])('%s', async (_, parameters, input, expected) => {
    expect(await run(parameters, input)).toEqual([expected]);
  });

  it('renames after the key rows, so a renamed key can be renamed again', async () => {
    expect(await run({ keys: [{ currentKey: 'a', newKey: 'xa' }], ...regex('^x', 'z') }, { a: 1 })).toEqual([
      { za: 1 },
    ]);
  });

  it('fails as n8n does when a position of a text inside a list matches (n8n: a TypeError)', async () => {
    await expect(run(regex('\\d', 'n'), { tags: ['ab'] })).rejects.toThrow("Cannot create property 'n' on string 'ab'");
  });

  it('fails on an invalid expression', async () => {
    await expect(run(regex('(', 'x'), { a: 1 })).rejects.toThrow(/Invalid regular expression/);
  });

  it('stops a pattern that backtracks without end after 250 ms', async () => {
    const started = Date.now();
    await expect(run(regex('^(a+)+$', 'x'), { [`${'a'.repeat(40)}!`]: 1 })).rejects.toThrow(
      'Regular expression execution timed out',
    );
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('leaves the input items as they were', async () => {
    const input = { meta: { x: 1 } };
    await run({ keys: [{ currentKey: 'meta', newKey: 'm' }], ...regex('x', 'y') }, input);
    expect(input).toEqual({ meta: { x: 1 } });
  });

  it('keeps an object two rows moved as one object, as n8n does', async () => {
    const out = await run(
      {
        keys: [
          { currentKey: 'meta', newKey: 'm' },
          { currentKey: 'meta', newKey: 'n' },
        ],
        ...regex('a', 'aa'),
      },
      { meta: { a: 1 } },
    );
    // The regex reaches the shared object through m and again through n.
    expect(out).toEqual([{ m: { aaa: 1 }, n: { aaa: 1 } }]);
  });
});

describe('Rename Keys import from n8n', () => {
  it('flattens the key rows and the regular expressions with their options', () => {
    const result = fromN8n({
      nodes: [
        {
          id: 'r',
          name: 'R',
          type: 'n8n-nodes-base.renameKeys',
          typeVersion: 1,
          position: [0, 0],
          parameters: {
            keys: { key: [{ currentKey: 'a', newKey: 'b' }] },
            additionalOptions: {
              regexReplacement: {
                replacements: [{ searchRegex: 'x', replaceRegex: 'y', options: { caseInsensitive: true, depth: 2 } }],
              },
            },
          },
        },
      ],
      connections: {},
    });
    expect(result.definition.nodes[0]?.parameters).toEqual({
      keys: [{ currentKey: 'a', newKey: 'b' }],
      regexReplacement: [{ searchRegex: 'x', replaceRegex: 'y', caseInsensitive: true, depth: 2 }],
    });
    expect(result.warnings).toEqual([]);
  });
});
