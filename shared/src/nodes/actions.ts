import { defineNode, MAIN } from './types.ts';

const mainIn = [{ name: MAIN, label: 'Input' }] as const;
const mainOut = [{ name: MAIN, label: 'Output' }] as const;

const nameValueFields = [
  { name: 'name', label: 'Name', kind: 'string', default: '' },
  { name: 'value', label: 'Value', kind: 'string', default: '' },
] as const;

export const httpRequest = defineNode({
  type: 'httpRequest',
  version: 1,
  label: 'HTTP Request',
  description: 'Calls an HTTP API and outputs its response.',
  category: 'action',
  icon: 'globe',
  color: '#0284c7',
  inputs: mainIn,
  outputs: mainOut,
  params: [
    {
      name: 'method',
      label: 'Method',
      kind: 'options',
      default: 'GET',
      options: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'].map((m) => ({ value: m, label: m })),
    },
    {
      name: 'url',
      label: 'URL',
      kind: 'string',
      default: '',
      required: true,
      placeholder: 'https://api.example.com/items',
    },
    {
      name: 'authentication',
      label: 'Authentication',
      kind: 'options',
      default: 'none',
      options: [
        { value: 'none', label: 'None' },
        { value: 'credential', label: 'Use a credential' },
      ],
    },
    { name: 'sendQuery', label: 'Send query parameters', kind: 'boolean', default: false },
    {
      name: 'queryParameters',
      label: 'Query parameters',
      kind: 'list',
      default: [],
      fields: nameValueFields,
      showWhen: { sendQuery: [true] },
      addLabel: 'Add parameter',
    },
    { name: 'sendHeaders', label: 'Send headers', kind: 'boolean', default: false },
    {
      name: 'headerParameters',
      label: 'Headers',
      kind: 'list',
      default: [],
      fields: nameValueFields,
      showWhen: { sendHeaders: [true] },
      addLabel: 'Add header',
    },
    { name: 'sendBody', label: 'Send body', kind: 'boolean', default: false },
    {
      name: 'contentType',
      label: 'Body content type',
      kind: 'options',
      default: 'json',
      showWhen: { sendBody: [true] },
      options: [
        { value: 'json', label: 'JSON' },
        { value: 'form-urlencoded', label: 'Form (urlencoded)' },
        { value: 'raw', label: 'Raw' },
      ],
    },
    {
      name: 'jsonBody',
      label: 'JSON body',
      kind: 'json',
      default: '{}',
      showWhen: { sendBody: [true], contentType: ['json'] },
    },
    {
      name: 'bodyParameters',
      label: 'Form fields',
      kind: 'list',
      default: [],
      fields: nameValueFields,
      showWhen: { sendBody: [true], contentType: ['form-urlencoded'] },
      addLabel: 'Add field',
    },
    {
      name: 'body',
      label: 'Body',
      kind: 'string',
      default: '',
      multiline: true,
      showWhen: { sendBody: [true], contentType: ['raw'] },
    },
    {
      name: 'rawContentType',
      label: 'Content-Type header',
      kind: 'string',
      default: 'text/plain',
      showWhen: { sendBody: [true], contentType: ['raw'] },
    },
    {
      name: 'responseFormat',
      label: 'Response format',
      kind: 'options',
      default: 'autodetect',
      options: [
        { value: 'autodetect', label: 'Autodetect' },
        { value: 'json', label: 'JSON' },
        { value: 'text', label: 'Text' },
      ],
    },
    { name: 'timeout', label: 'Timeout (ms)', kind: 'number', default: 30000, min: 1, max: 3_600_000, integer: true },
  ],
  credentials: [
    {
      name: 'httpAuth',
      label: 'Credential',
      types: ['apiKeyHeader', 'bearer', 'basic'],
      showWhen: { authentication: ['credential'] },
    },
  ],
  keywords: ['api', 'rest', 'fetch', 'curl', 'request'],
});

export const respondToWebhook = defineNode({
  type: 'respondToWebhook',
  version: 1,
  label: 'Respond to Webhook',
  description: 'Sends the HTTP response for a webhook that waits for it.',
  category: 'action',
  icon: 'reply',
  color: '#d97706',
  inputs: mainIn,
  outputs: mainOut,
  params: [
    {
      name: 'respondWith',
      label: 'Respond with',
      kind: 'options',
      default: 'firstIncomingItem',
      options: [
        { value: 'allIncomingItems', label: 'All incoming items' },
        { value: 'firstIncomingItem', label: 'First incoming item' },
        { value: 'json', label: 'JSON' },
        { value: 'text', label: 'Text' },
        { value: 'noData', label: 'No data' },
      ],
    },
    { name: 'responseBody', label: 'Response body', kind: 'json', default: '{}', showWhen: { respondWith: ['json'] } },
    {
      name: 'responseText',
      label: 'Response text',
      kind: 'string',
      default: '',
      multiline: true,
      showWhen: { respondWith: ['text'] },
    },
    { name: 'responseCode', label: 'Response code', kind: 'number', default: 200, min: 100, max: 599, integer: true },
    {
      name: 'headers',
      label: 'Response headers',
      kind: 'list',
      default: [],
      fields: nameValueFields,
      addLabel: 'Add header',
    },
  ],
  keywords: ['http', 'response', 'reply'],
});

export const code = defineNode({
  type: 'code',
  version: 1,
  label: 'Code',
  description: 'Runs JavaScript in a sandbox, once for all items or once per item.',
  category: 'action',
  icon: 'code',
  color: '#ea580c',
  inputs: mainIn,
  outputs: mainOut,
  params: [
    {
      name: 'mode',
      label: 'Mode',
      kind: 'options',
      default: 'runOnceForAllItems',
      options: [
        { value: 'runOnceForAllItems', label: 'Run once for all items' },
        { value: 'runOnceForEachItem', label: 'Run once for each item' },
      ],
    },
    {
      name: 'jsCode',
      label: 'JavaScript',
      kind: 'code',
      language: 'javascript',
      default: '// $input.all() holds the incoming items; return the items to output.\nreturn $input.all();\n',
    },
  ],
  keywords: ['javascript', 'js', 'function', 'script'],
});
