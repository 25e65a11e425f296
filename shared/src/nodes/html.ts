import { htmlPlaceholder } from './html-placeholder.ts';
import { defineNode, MAIN } from './types.ts';

const extract = { operation: ['extractHtmlContent'] } as const;
const table = { operation: ['convertToHtmlTable'] } as const;

export const html = defineNode({
  type: 'html',
  version: 1,
  label: 'HTML',
  description: 'Fills an HTML template, extracts content from HTML by CSS selector, or turns items into a table.',
  category: 'transform',
  icon: 'file-code',
  color: '#4f46e5',
  inputs: [{ name: MAIN, label: 'Input' }],
  outputs: [{ name: MAIN, label: 'Output' }],
  params: [
    {
      name: 'operation',
      label: 'Operation',
      kind: 'options',
      default: 'generateHtmlTemplate',
      options: [
        { value: 'generateHtmlTemplate', label: 'Generate HTML template' },
        { value: 'extractHtmlContent', label: 'Extract HTML content' },
        { value: 'convertToHtmlTable', label: 'Convert to HTML table' },
      ],
    },
    {
      name: 'html',
      label: 'HTML',
      description: 'Each {{ }} in it is an expression, resolved for each item.',
      kind: 'string',
      multiline: true,
      default: htmlPlaceholder,
      showWhen: { operation: ['generateHtmlTemplate'] },
    },
    {
      name: 'sourceData',
      label: 'Source data',
      kind: 'options',
      default: 'json',
      showWhen: extract,
      options: [
        { value: 'json', label: 'JSON' },
        { value: 'binary', label: 'Binary', description: 'Not yet: Weft items hold no binary data' },
      ],
    },
    {
      name: 'dataPropertyName',
      label: 'Field holding the HTML',
      description: 'A field holding a list extracts from each of its entries.',
      kind: 'string',
      default: 'data',
      showWhen: extract,
    },
    {
      name: 'extractionValues',
      label: 'Extraction values',
      kind: 'list',
      default: [
        { key: '', cssSelector: '', returnValue: 'text', attribute: '', skipSelectors: '', returnArray: false },
      ],
      showWhen: extract,
      fields: [
        { name: 'key', label: 'Key', kind: 'string', default: '' },
        { name: 'cssSelector', label: 'CSS selector', kind: 'string', default: '', placeholder: '.price' },
        {
          name: 'returnValue',
          label: 'Return value',
          kind: 'options',
          default: 'text',
          options: [
            { value: 'attribute', label: 'Attribute' },
            { value: 'html', label: 'HTML' },
            { value: 'text', label: 'Text' },
            { value: 'value', label: 'Value', description: 'Of an input, select or textarea' },
          ],
        },
        { name: 'attribute', label: 'Attribute', kind: 'string', default: '', placeholder: 'class' },
        {
          name: 'skipSelectors',
          label: 'Skip selectors (text)',
          kind: 'string',
          default: '',
          placeholder: 'e.g. img, .className, #ItemId',
        },
        { name: 'returnArray', label: 'Return a list', kind: 'boolean', default: false },
      ],
      addLabel: 'Add value',
    },
    // Off unless set, as in n8n: its options default on only once a person adds them.
    { name: 'trimValues', label: 'Trim values', kind: 'boolean', default: false, showWhen: extract },
    {
      name: 'cleanUpText',
      label: 'Clean up text',
      description: 'Line breaks removed, runs of white space made one space.',
      kind: 'boolean',
      default: false,
      showWhen: extract,
    },
    {
      name: 'capitalize',
      label: 'Capitalize headers',
      description: '"first_name" becomes "First Name".',
      kind: 'boolean',
      default: false,
      showWhen: table,
    },
    { name: 'customStyling', label: 'Custom styling', kind: 'boolean', default: false, showWhen: table },
    { name: 'caption', label: 'Caption', kind: 'string', default: '', showWhen: table },
    { name: 'tableAttributes', label: 'Table attributes', kind: 'string', default: '', showWhen: table },
    { name: 'headerAttributes', label: 'Header attributes', kind: 'string', default: '', showWhen: table },
    { name: 'rowAttributes', label: 'Row attributes', kind: 'string', default: '', showWhen: table },
    { name: 'cellAttributes', label: 'Cell attributes', kind: 'string', default: '', showWhen: table },
    {
      name: 'n8nVersion',
      label: 'Behave as',
      description: 'Imported n8n HTML nodes keep their version’s rules.',
      kind: 'options',
      default: '1.2',
      options: [
        { value: '1.2', label: 'HTML (n8n 1.2)', description: 'Text as html-to-text writes it' },
        { value: '1.1', label: 'n8n 1.1', description: 'Text as the elements’ text content' },
        { value: '1', label: 'n8n 1', description: 'The HTML field is one key, never a path' },
      ],
    },
  ],
  keywords: ['html', 'scrape', 'css selector', 'template', 'table'],
});
