import { describe, expect, it } from 'vitest';
import { fromN8n } from '#shared/interop/n8n/index.ts';
import { items, runNode } from './harness.ts';

/**
 * Markdown as n8n's Markdown.node.ts (showdown 2.1.0, node-html-markdown
 * 1.2.0): both directions with n8n's option mapping. The differential family
 * (markdown-gen.ts) is the broad proof.
 */

const run = async (parameters: Record<string, unknown>, json: Record<string, unknown> = { keep: 1 }) =>
  (await runNode('markdown', parameters, items(json))).main?.map((i) => i.json);

describe('HTML to Markdown', () => {
  it.each([
    ['defaults', {}, '# T\n\n* a\n* b\n\n**x** _y_'],
    [
      'another bullet and delimiters',
      { bulletMarker: '-', strongDelimiter: '__', emDelimiter: '*' },
      '# T\n\n- a\n- b\n\n__x__ *y*',
    ],
    [
      'a text replacement (its first match)',
      { textReplace: [{ pattern: 'a', replacement: 'A' }] },
      '# T\n\n* A\n* b\n\n**x** _y_',
    ],
  ])('%s', async (_, options, expected) => {
    const out = await run({
      mode: 'htmlToMarkdown',
      html: '<h1>T</h1><ul><li>a</li><li>b</li></ul><p><b>x</b> <i>y</i></p>',
      ...options,
    });
    expect(out).toEqual([{ keep: 1, data: expected }]);
  });

  it('writes to a path inside a copy of the item', async () => {
    const input = { meta: { a: 1 } };
    expect(await run({ mode: 'htmlToMarkdown', html: '<b>b</b>', destinationKey: 'meta.md' }, input)).toEqual([
      { meta: { a: 1, md: '**b**' } },
    ]);
    expect(input).toEqual({ meta: { a: 1 } });
  });

  it('indents code blocks when n8n hands node-html-markdown its "fence" value', async () => {
    const out = await run({ mode: 'htmlToMarkdown', html: '<pre><code>x = 1\n</code></pre>', codeBlockStyle: 'fence' });
    expect(out).toEqual([{ keep: 1, data: '    x = 1\n    ' }]);
  });
});

describe('Markdown to HTML', () => {
  it.each([
    ['defaults (header ids on)', {}, '<h1 id="title">Title</h1>\n<p>~~a~~ b</p>'],
    ['strikethrough', { strikethrough: true }, '<h1 id="title">Title</h1>\n<p><del>a</del> b</p>'],
    [
      'no header ids, headers from level 2',
      { noHeaderId: true, headerLevelStart: 2 },
      '<h2>Title</h2>\n<p>~~a~~ b</p>',
    ],
    [
      'a header id prefix (showdown drops its "-")',
      { prefixHeaderId: 'x-' },
      '<h1 id="xtitle">Title</h1>\n<p>~~a~~ b</p>',
    ],
  ])('%s', async (_, options, expected) => {
    expect(await run({ mode: 'markdownToHtml', markdown: '# Title\n\n~~a~~ b', ...options })).toEqual([
      { keep: 1, data: expected },
    ]);
  });
});

describe('Markdown import from n8n', () => {
  it('flattens both modes’ options and the escape pairs', () => {
    const result = fromN8n({
      nodes: [
        {
          id: 'm',
          name: 'M',
          type: 'n8n-nodes-base.markdown',
          typeVersion: 1,
          position: [0, 0],
          parameters: {
            html: '<b>x</b>',
            options: {
              bulletMarker: '-',
              globalEscape: { value: { pattern: '*', replacement: '\\*' } },
              textReplace: { values: [{ pattern: 'a', replacement: 'b' }] },
            },
          },
        },
      ],
      connections: {},
    });
    expect(result.definition.nodes[0]?.parameters).toEqual({
      html: '<b>x</b>',
      bulletMarker: '-',
      textReplace: [{ pattern: 'a', replacement: 'b' }],
      globalEscapePattern: '*',
      globalEscapeReplacement: '\\*',
    });
    expect(result.warnings).toEqual([]);
  });
});
