import { describe, expect, it } from 'vitest';
import { fromN8n } from '#shared/interop/n8n/index.ts';
import { items, runNode } from './harness.ts';

/**
 * HTML as n8n's Html.node.ts 1–1.2 (cheerio 1.1.0, html-to-text 9.0.5):
 * templates, extraction and tables. The differential family (html-gen.ts)
 * is the broad proof.
 */

const DOC =
  '<div id="m"><p class="x">  Hello\n <b>world</b> </p><a href="/1">One</a><a href="/2">Two</a>' +
  '<input name="q" value="s"/><span class="skip">no</span></div>';

const extract = async (rows: Record<string, unknown>[], extra: Record<string, unknown> = {}, data: unknown = DOC) =>
  (
    await runNode('html', { operation: 'extractHtmlContent', extractionValues: rows, ...extra }, items({ data: data }))
  ).main?.map((i) => i.json);

const row = (key: string, cssSelector: string, returnValue: string, extra: Record<string, unknown> = {}) => ({
  key,
  cssSelector,
  returnValue,
  attribute: '',
  skipSelectors: '',
  returnArray: false,
  ...extra,
});

describe('HTML extract', () => {
  it.each([
    ['text as html-to-text writes it (1.2)', row('t', 'p', 'text'), {}, { t: 'Hello world' }],
    ['text content (1.1)', row('t', 'p', 'text'), { n8nVersion: '1.1' }, { t: '  Hello\n world ' }],
    [
      'text content, trimmed and cleaned up',
      row('t', 'p', 'text'),
      { n8nVersion: '1.1', trimValues: true, cleanUpText: true },
      { t: 'Hello world' },
    ],
    ['the first match’s attribute', row('h', 'a', 'attribute', { attribute: 'href' }), {}, { h: '/1' }],
    [
      'every match as a list',
      row('h', 'a', 'attribute', { attribute: 'href', returnArray: true }),
      {},
      { h: ['/1', '/2'] },
    ],
    ['inner HTML', row('h', 'p', 'html'), {}, { h: '  Hello\n <b>world</b> ' }],
    ['a form value', row('v', 'input', 'value'), {}, { v: 's' }],
    ['text skipping selectors (1.2)', row('t', '#m', 'text', { skipSelectors: '.skip, a, p' }), {}, { t: '' }],
    ['nothing for no match', row('t', '.none', 'html'), {}, {}],
  ])('%s', async (_, r, extra, expected) => {
    expect(await extract([r], extra)).toEqual([expected]);
  });

  it('gives one item per document of a list', async () => {
    expect(await extract([row('t', 'b', 'text')], {}, ['<b>1</b>', '<b>2</b>'])).toEqual([{ t: '1' }, { t: '2' }]);
  });

  it('fails on a field that is not there, and on binary data', async () => {
    await expect(extract([row('t', 'p', 'text')], { dataPropertyName: 'gone' })).rejects.toThrow(
      'No property named "gone" exists!',
    );
    await expect(extract([row('t', 'p', 'text')], { sourceData: 'binary' })).rejects.toThrow(/binary/);
  });
});

describe('HTML template', () => {
  it('resolves each {{ }} piece for each item, then puts it in the text', async () => {
    const out = await runNode(
      'html',
      { html: '<p>{{ $json.name }}</p>{{ $json.tags }} {{ $json.gone }}' },
      items({ name: 'Ana', tags: ['a', 'b'] }, { name: 'Bo', tags: [] }),
    );
    expect(out.main?.map((i) => i.json)).toEqual([
      { html: '<p>Ana</p>a,b undefined' },
      { html: '<p>Bo</p> undefined' },
    ]);
  });
});

describe('HTML table', () => {
  it('makes one table of every item, columns from every key, booleans as checkboxes', async () => {
    const out = await runNode(
      'html',
      { operation: 'convertToHtmlTable', customStyling: true, capitalize: true, caption: 'C' },
      items({ first_name: 'Ana', ok: true }, { first_name: 'Bo', n: 1 }),
    );
    expect(out.main?.map((i) => i.json)).toEqual([
      {
        table:
          '<table  ><caption>C</caption><thead  ><tr><th>First Name</th><th>Ok</th><th>N</th></tr></thead><tbody>' +
          '<tr  ><td  >Ana</td><td  ><input type="checkbox" checked="checked"/></td><td  >undefined</td></tr>' +
          '<tr  ><td  >Bo</td><td  >undefined</td><td  >1</td></tr></tbody></table>',
      },
    ]);
  });
});

describe('HTML import from n8n', () => {
  it('flattens the rows and options, and keeps the version', () => {
    const result = fromN8n({
      nodes: [
        {
          id: 'h',
          name: 'H',
          type: 'n8n-nodes-base.html',
          typeVersion: 1.1,
          position: [0, 0],
          parameters: {
            operation: 'extractHtmlContent',
            extractionValues: { values: [{ key: 'k', cssSelector: 'p' }] },
            options: { trimValues: true },
          },
        },
      ],
      connections: {},
    });
    expect(result.definition.nodes[0]?.parameters).toEqual({
      operation: 'extractHtmlContent',
      extractionValues: [
        { key: 'k', cssSelector: 'p', returnValue: 'text', attribute: '', skipSelectors: '', returnArray: false },
      ],
      trimValues: true,
      n8nVersion: '1.1',
    });
    expect(result.warnings).toEqual([]);
  });
});
