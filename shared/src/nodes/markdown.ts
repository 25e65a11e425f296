import { defineNode, MAIN, type ParamSpec } from './types.ts';

const toHtml = { mode: ['markdownToHtml'] } as const;
const toMarkdown = { mode: ['htmlToMarkdown'] } as const;

/**
 * showdown's options as n8n's Markdown node offers them. Each default is
 * showdown's own, so an option left at it is as good as unset (n8n sets only
 * the options a person added); prefixHeaderId's "" stands for unset.
 */
export const showdownOptions: readonly { name: string; label: string; default: boolean | string | number }[] = [
  { name: 'openLinksInNewWindow', label: 'Open links in new window', default: false },
  { name: 'simplifiedAutoLink', label: 'Automatic links', default: false },
  { name: 'backslashEscapesHTMLTags', label: 'Backslash escapes HTML tags', default: false },
  { name: 'completeHTMLDocument', label: 'Complete HTML document', default: false },
  { name: 'customizedHeaderId', label: 'Customized header ID', default: false },
  { name: 'emoji', label: 'Emoji support', default: false },
  { name: 'encodeEmails', label: 'Encode emails', default: true },
  { name: 'excludeTrailingPunctuationFromURLs', label: 'Exclude trailing punctuation from URLs', default: false },
  { name: 'ghCodeBlocks', label: 'GitHub code blocks', default: true },
  { name: 'ghCompatibleHeaderId', label: 'GitHub compatible header IDs', default: false },
  { name: 'ghMentionsLink', label: 'GitHub mention link', default: 'https://github.com/{u}' },
  { name: 'ghMentions', label: 'GitHub mentions', default: false },
  { name: 'tasklists', label: 'GitHub task lists', default: false },
  { name: 'headerLevelStart', label: 'Header level start', default: 1 },
  { name: 'requireSpaceBeforeHeadingText', label: 'Mandatory space before header', default: false },
  { name: 'literalMidWordAsterisks', label: 'Middle word asterisks', default: false },
  { name: 'literalMidWordUnderscores', label: 'Middle word underscores', default: false },
  { name: 'noHeaderId', label: 'No header ID', default: false },
  { name: 'parseImgDimensions', label: 'Parse image dimensions', default: false },
  { name: 'prefixHeaderId', label: 'Prefix header ID', default: '' },
  { name: 'rawHeaderId', label: 'Raw header ID', default: false },
  { name: 'rawPrefixHeaderId', label: 'Raw prefix header ID', default: false },
  { name: 'simpleLineBreaks', label: 'Simple line breaks', default: false },
  { name: 'smartIndentationFix', label: 'Smart indentation fix', default: false },
  { name: 'disableForced4SpacesIndentedSublists', label: 'Spaces indented sublists', default: false },
  { name: 'splitAdjacentBlockquotes', label: 'Split adjacent blockquotes', default: false },
  { name: 'strikethrough', label: 'Strikethrough', default: false },
  { name: 'tablesHeaderId', label: 'Tables header ID', default: false },
  { name: 'tables', label: 'Tables support', default: false },
];

const showdownParams = showdownOptions.map((o): ParamSpec => {
  if (typeof o.default === 'boolean')
    return { name: o.name, label: o.label, kind: 'boolean', default: o.default, showWhen: toHtml };
  if (typeof o.default === 'number')
    return { name: o.name, label: o.label, kind: 'number', default: o.default, integer: true, showWhen: toHtml };
  return { name: o.name, label: o.label, kind: 'string', default: o.default, showWhen: toHtml };
});

export const markdown = defineNode({
  type: 'markdown',
  version: 1,
  label: 'Markdown',
  description: 'Converts Markdown to HTML, or HTML to Markdown, into a field of each item.',
  category: 'transform',
  icon: 'file-text',
  color: '#4f46e5',
  inputs: [{ name: MAIN, label: 'Input' }],
  outputs: [{ name: MAIN, label: 'Output' }],
  params: [
    {
      name: 'mode',
      label: 'Mode',
      kind: 'options',
      default: 'htmlToMarkdown',
      options: [
        { value: 'markdownToHtml', label: 'Markdown to HTML' },
        { value: 'htmlToMarkdown', label: 'HTML to Markdown' },
      ],
    },
    { name: 'html', label: 'HTML', kind: 'string', multiline: true, default: '', showWhen: toMarkdown },
    { name: 'markdown', label: 'Markdown', kind: 'string', multiline: true, default: '', showWhen: toHtml },
    {
      name: 'destinationKey',
      label: 'Destination key',
      description: 'The field the result is written to; dotted names reach inside objects.',
      kind: 'string',
      default: 'data',
      required: true,
    },
    { name: 'bulletMarker', label: 'Bullet marker', kind: 'string', default: '*', showWhen: toMarkdown },
    { name: 'codeFence', label: 'Code fence', kind: 'string', default: '```', showWhen: toMarkdown },
    { name: 'emDelimiter', label: 'Italic delimiter', kind: 'string', default: '_', showWhen: toMarkdown },
    { name: 'strongDelimiter', label: 'Bold delimiter', kind: 'string', default: '**', showWhen: toMarkdown },
    {
      name: 'codeBlockStyle',
      label: 'Code block style',
      kind: 'options',
      default: '',
      showWhen: toMarkdown,
      options: [
        { value: '', label: 'Default (fenced)' },
        { value: 'fence', label: 'Fence', description: 'As n8n passes it on: node-html-markdown then indents' },
        { value: 'indented', label: 'Indented' },
      ],
    },
    {
      name: 'maxConsecutiveNewlines',
      label: 'Max consecutive new lines',
      kind: 'number',
      default: 3,
      integer: true,
      showWhen: toMarkdown,
    },
    {
      name: 'ignore',
      label: 'Elements to ignore',
      description: 'Comma-separated tag names whose content is left out.',
      kind: 'string',
      default: '',
      showWhen: toMarkdown,
    },
    {
      name: 'blockElements',
      label: 'Block elements',
      description: 'Comma-separated tag names written as blocks.',
      kind: 'string',
      default: '',
      showWhen: toMarkdown,
    },
    { name: 'keepDataImages', label: 'Keep data images', kind: 'boolean', default: false, showWhen: toMarkdown },
    {
      name: 'useLinkReferenceDefinitions',
      label: 'Link reference definitions',
      kind: 'boolean',
      default: false,
      showWhen: toMarkdown,
    },
    {
      name: 'textReplace',
      label: 'Text replacements',
      description: 'Each pattern (its first match, as written) in the text is replaced.',
      kind: 'list',
      default: [],
      showWhen: toMarkdown,
      fields: [
        { name: 'pattern', label: 'Pattern', kind: 'string', default: '' },
        { name: 'replacement', label: 'Replacement', kind: 'string', default: '' },
      ],
      addLabel: 'Add replacement',
    },
    {
      name: 'lineStartEscapePattern',
      label: 'Line start escape pattern',
      kind: 'string',
      default: '',
      showWhen: toMarkdown,
    },
    {
      name: 'lineStartEscapeReplacement',
      label: 'Line start escape replacement',
      kind: 'string',
      default: '',
      showWhen: toMarkdown,
    },
    { name: 'globalEscapePattern', label: 'Global escape pattern', kind: 'string', default: '', showWhen: toMarkdown },
    {
      name: 'globalEscapeReplacement',
      label: 'Global escape replacement',
      kind: 'string',
      default: '',
      showWhen: toMarkdown,
    },
    ...showdownParams,
  ],
  keywords: ['markdown', 'md', 'html', 'convert'],
});
