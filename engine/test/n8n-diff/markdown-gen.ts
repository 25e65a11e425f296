import type { Family } from './differ.ts';
import { listItems, shrinkParams } from './item-list-params.ts';
import type { NodeCase, Params } from './node-case.ts';
import { Rng } from './rng.ts';

/**
 * Markdown 1, both directions: HTML with headings, lists, code, links,
 * images (data images too), tables and entities through node-html-markdown
 * with each option (markers, fences, code block styles, ignored and block
 * elements, escapes and replacements); Markdown with headings, lists, task
 * lists, tables, mentions, emoji and links through showdown with each option.
 * The text comes from an expression over the item or is written in.
 */

const HTMLS = [
  '<h1>Title</h1><p>Some <b>bold</b> and <i>italic</i> text.</p>',
  '<ul><li>one</li><li>two<ul><li>nested</li></ul></li></ul><ol><li>first</li></ol>',
  '<pre><code class="language-js">const a = 1;\n</code></pre><p>inline <code>x</code></p>',
  '<a href="https://example.com">link</a> <img src="data:image/png;base64,AAAA" alt="d"/> <img src="i.png"/>',
  '<table><tr><th>A</th></tr><tr><td>1</td></tr></table>',
  '<p>a &amp; b &lt; c</p><p>+ starts *with* marks_</p>',
  '<div>block<span>inline</span></div><section>s</section><script>x()</script>',
  '<p>line one<br>line two</p>\n\n\n\n<p>after gaps</p>',
  '',
  'plain # text',
];

const MARKDOWNS = [
  '# Title\n\nSome **bold** and _italic_ text.',
  '- one\n- two\n  - nested\n\n1. first',
  '```js\nconst a = 1;\n```\n\nand `inline`',
  '| a | b |\n|---|---|\n| 1 | 2 |',
  '- [x] done\n- [ ] open',
  'Hi @someone :smile: ~~gone~~ www.example.com mail@example.com',
  '#NoSpace\n## Spaced\n\nsome_mid_word_underscores and a*b*c',
  '![img](i.png =100x80)\n> quote\n\n> another',
  '',
  'line one\nline two',
];

const htmlOptions = (rng: Rng): Params => {
  const o: Params = {};
  if (rng.chance(0.2)) o.bulletMarker = rng.pick(['-', '+', '*', '']);
  if (rng.chance(0.2)) o.codeFence = rng.pick(['~~~', '```', '']);
  if (rng.chance(0.2)) o.emDelimiter = rng.pick(['*', '_']);
  if (rng.chance(0.2)) o.strongDelimiter = rng.pick(['__', '**']);
  if (rng.chance(0.2)) o.codeBlockStyle = rng.pick(['fence', 'indented']);
  if (rng.chance(0.2)) o.maxConsecutiveNewlines = rng.pick([0, 1, 2, 5]);
  if (rng.chance(0.15)) o.ignore = rng.pick(['script', 'b, i', 'span']);
  if (rng.chance(0.15)) o.blockElements = rng.pick(['span', 'div, section']);
  if (rng.chance(0.15)) o.keepDataImages = rng.chance(0.7);
  if (rng.chance(0.15)) o.useLinkReferenceDefinitions = rng.chance(0.7);
  if (rng.chance(0.15))
    o.textReplace = { values: [{ pattern: rng.pick(['a', 'Title', 'o']), replacement: rng.pick(['A', '', '$&$&']) }] };
  if (rng.chance(0.1)) o.lineStartEscape = { value: { pattern: '+', replacement: '\\+' } };
  if (rng.chance(0.1)) o.globalEscape = { value: { pattern: rng.pick(['*', '_']), replacement: '\\*' } };
  return o;
};

const SHOWDOWN = [
  'openLinksInNewWindow',
  'simplifiedAutoLink',
  'backslashEscapesHTMLTags',
  'completeHTMLDocument',
  'customizedHeaderId',
  'emoji',
  'encodeEmails',
  'excludeTrailingPunctuationFromURLs',
  'ghCodeBlocks',
  'ghCompatibleHeaderId',
  'ghMentions',
  'tasklists',
  'requireSpaceBeforeHeadingText',
  'literalMidWordAsterisks',
  'literalMidWordUnderscores',
  'noHeaderId',
  'parseImgDimensions',
  'rawHeaderId',
  'rawPrefixHeaderId',
  'simpleLineBreaks',
  'smartIndentationFix',
  'disableForced4SpacesIndentedSublists',
  'splitAdjacentBlockquotes',
  'strikethrough',
  'tablesHeaderId',
  'tables',
];

const markdownOptions = (rng: Rng): Params => {
  const o: Params = {};
  for (const name of SHOWDOWN) if (rng.chance(0.12)) o[name] = rng.chance(0.7);
  if (rng.chance(0.1)) o.headerLevelStart = rng.pick([1, 2, 3]);
  if (rng.chance(0.1)) o.prefixHeaderId = rng.pick(['section', 'x-', '']);
  if (rng.chance(0.1)) o.ghMentionsLink = 'https://example.com/{u}';
  return o;
};

export const markdownCase = (seed: number): NodeCase => {
  const rng = new Rng(seed);
  const toHtml = rng.chance(0.5);
  const items = listItems(rng).slice(0, 3);
  const source = rng.chance(0.8)
    ? rng.pick(toHtml ? MARKDOWNS : HTMLS)
    : '={{ "<b>" + $json.name + "</b> *" + $json.a + "*" }}';
  const parameters: Params = toHtml
    ? { mode: 'markdownToHtml', markdown: source, options: markdownOptions(rng) }
    : { mode: 'htmlToMarkdown', html: source, options: htmlOptions(rng) };
  if (rng.chance(0.3)) parameters.destinationKey = rng.pick(['out', 'a', 'x.y', 'meta.md', 'tags[0]']);
  if (!toHtml && rng.chance(0.2)) delete parameters.mode;
  return {
    family: 'markdown',
    seed,
    type: 'markdown',
    typeVersion: 1,
    parameters,
    items: items.length > 0 ? items : [{}],
  };
};

export const markdownFamily: Family = {
  name: 'markdown',
  generate: markdownCase,
  shrink: shrinkParams,
  key: (c) =>
    [
      'markdown',
      typeof c.parameters.mode === 'string' ? c.parameters.mode : 'htmlToMarkdown',
      ...Object.keys(c.parameters.options ?? {}).sort(),
    ].join(' '),
};
