import { describe, expect, it } from 'vitest';
import { fromN8n } from '#shared/interop/n8n/index.ts';
import { items, runNode } from './harness.ts';

/**
 * XML as n8n's Xml.node.ts with xml2js 0.6.2: both modes and every option.
 * The differential family (xml-gen.ts) is the broad proof.
 */

const toJson = async (data: unknown, options: Record<string, unknown> = {}) =>
  (await runNode('xml', { mode: 'xmlToJson', ...options }, items({ data: data }))).main?.map((i) => i.json);

const toXml = async (json: Record<string, unknown>, options: Record<string, unknown> = {}) =>
  (await runNode('xml', { mode: 'jsonToxml', ...options }, items(json))).main?.map((i) => i.json);

const DOC = '<root id="7"><item>a</item><item>b</item><One>x</One></root>';

describe('XML to JSON', () => {
  it.each([
    ['attributes merged, lists only for repeats (n8n defaults)', {}, { root: { id: '7', item: ['a', 'b'], One: 'x' } }],
    ['explicit array', { explicitArray: true }, { root: { id: ['7'], item: ['a', 'b'], One: ['x'] } }],
    [
      'attributes under the attribute key',
      { mergeAttrs: false },
      { root: { $: { id: '7' }, item: ['a', 'b'], One: 'x' } },
    ],
    [
      'another attribute key',
      { mergeAttrs: false, attrkey: '@' },
      { root: { '@': { id: '7' }, item: ['a', 'b'], One: 'x' } },
    ],
    ['attributes ignored', { ignoreAttrs: true }, { root: { item: ['a', 'b'], One: 'x' } }],
    ['tag names lower-cased', { normalizeTags: true }, { root: { id: '7', item: ['a', 'b'], one: 'x' } }],
    ['without the root', { explicitRoot: false }, { id: '7', item: ['a', 'b'], One: 'x' }],
  ])('%s', async (_, options, expected) => {
    expect(await toJson(DOC, options)).toEqual([expected]);
  });

  it('trims and normalizes text, and keys text beside attributes by the character key', async () => {
    expect(await toJson('<r a="1">  x   y  </r>', { trim: true, normalize: true, charkey: '#' })).toEqual([
      { r: { a: '1', '#': 'x y' } },
    ]);
  });

  it('renames names that would reach a prototype', async () => {
    expect(await toJson('<r><__proto__ constructor="1">p</__proto__></r>')).toEqual([
      { r: { sanitized___proto__: { sanitized_constructor: '1', _: 'p' } } },
    ]);
  });

  it('expands no entity the document declares', async () => {
    await expect(toJson('<!DOCTYPE r [<!ENTITY e "boom">]><r>&e;</r>')).rejects.toThrow(/Invalid character entity/);
  });

  it.each([
    ['bad XML', '<a></b>', /Unexpected close tag/],
    ['a missing field', undefined, 'Item has no JSON property called "data"'],
    ['empty text (n8n: a null item)', '  ', 'The XML gives nothing'],
    ['a root holding only text without explicit root (n8n: a text item)', '<a>1</a>', 'The XML gives text'],
    ['a forbidden attribute key', '<a/>', 'The "Attribute Key" option value "__proto__" is not allowed'],
  ])('fails on %s', async (name, data, message) => {
    const options: Record<string, unknown> = name.startsWith('a root') ? { explicitRoot: false } : {};
    if (name.startsWith('a forbidden')) options.attrkey = '__proto__';
    await expect(toJson(data, options)).rejects.toThrow(message);
  });

  it('drops a failed item and goes on when the node continues on errors, as n8n does', async () => {
    const out = await runNode('xml', { mode: 'xmlToJson' }, items({ data: '<a></b>' }, { data: '<b>1</b>' }), {
      node: { onError: 'continueRegularOutput' },
    });
    expect(out.main?.map((i) => i.json)).toEqual([{ b: '1' }]);
  });
});

describe('JSON to XML', () => {
  it('writes the item with an XML declaration, indented, under "root" (one key becomes the root)', async () => {
    expect(await toXml({ a: 1, b: { $: { id: 2 }, _: 'x' } })).toEqual([
      {
        data: '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<root>\n  <a>1</a>\n  <b id="2">x</b>\n</root>',
      },
    ]);
    expect(await toXml({ only: { v: 1 } }, { headless: true })).toEqual([{ data: '<only>\n  <v>1</v>\n</only>' }]);
  });

  it('names the root, wraps text in CDATA when asked, and writes to the named field', async () => {
    expect(
      await toXml({ t: '<&>', u: 'plain' }, { headless: true, cdata: true, rootName: 'doc', dataPropertyName: 'xml' }),
    ).toEqual([{ xml: '<doc>\n  <t><![CDATA[<&>]]></t>\n  <u>plain</u>\n</doc>' }]);
  });
});

describe('XML import from n8n', () => {
  it('flattens the options of either mode', () => {
    const result = fromN8n({
      nodes: [
        {
          id: 'x',
          name: 'X',
          type: 'n8n-nodes-base.xml',
          typeVersion: 1,
          position: [0, 0],
          parameters: { mode: 'jsonToxml', dataPropertyName: 'out', options: { headless: true, rootName: 'doc' } },
        },
      ],
      connections: {},
    });
    expect(result.definition.nodes[0]?.parameters).toEqual({
      mode: 'jsonToxml',
      dataPropertyName: 'out',
      headless: true,
      rootName: 'doc',
    });
    expect(result.warnings).toEqual([]);
  });
});
