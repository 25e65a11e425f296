'use strict';
// n8n's Webhook node (n8n-nodes-base 2.41) behind a real node:http server, as n8n's webhook server
// hands it a request, for Weft's differential tests (engine/test/n8n-diff/webhook-gen.ts).
//
// Protocol: one JSON line per case on stdin, { "id", "workflow" } (the node named "Under test" is the
// Webhook); the answer { "ref": id, "ok": true, "armed": true } says the server now serves that node.
// The harness then sends one real HTTP request to http://127.0.0.1:<port>/webhook/<path> (the port is
// in the "ready" line); when it is answered, a line { "ref": id, "ok": true, "items", "error" } gives
// the items the node emitted (workflowData, every output) or the error it threw.
//
// What n8n's CLI does before and after webhook() (packages/cli 2.41, not installed here) is
// replicated from its source with the libraries it uses where they are installed:
// - rawBodyReader / parseIncomingMessage (@n8n/backend-network): req.contentType (lower-cased type
//   without parameters), req.encoding (charset, utf-8 by default), req.readRawBody();
// - webhook-helpers.parseRequestBody: version 1 parses every body (unless options.binaryData),
//   later versions only JSON, text/plain, form-urlencoded and XML; body-parser.parseBody: JSON with
//   n8n-workflow's jsonParse (a malformed body is a 422 "Failed to parse request body"), XML with
//   xml2js (n8n's options), form-urlencoded with node:querystring (maxKeys 1000), text as text;
//   an empty body stays unparsed;
// - Express 5 with the 'extended' query parser (n8n PR #15016): qs.parse(query, { allowPrototypes: true });
// - live-webhooks: req.params reset to {}; for a dynamic path (a ":name" segment, served under the
//   node's webhookId), executeWebhook fills them from the request path's elements after the id
//   (Express 5 decodes each segment of the wildcard path);
// - the onReceived answer (webhook-helpers + webhook-request-handler): the response headers option,
//   then responseData ('noData' → no body, text → res.send, else the node's webhookResponse or
//   { message: 'Workflow was started' } → res.json), with the response code.
// multipart/form-data (formidable) is not replicated: the harness sends none. A gzip or deflate body is
// inflated by readRawBody (the parsed types, Raw Body); one stored as binary data stays as sent.
const path = require('path');
process.env.N8N_USER_FOLDER = process.env.N8N_USER_FOLDER || path.join(__dirname, '.n8n-user');
process.env.TZ = process.env.TZ || 'UTC';
const http = require('http');
const readline = require('readline');
const querystring = require('querystring');

const out = process.stdout.write.bind(process.stdout);
for (const level of ['log', 'info', 'debug', 'warn', 'trace']) console[level] = (...args) => console.error(...args);

const qs = require('qs');
const { Parser: XmlParser } = require('xml2js');
const { Workflow, jsonParse, sanitizeXmlName } = require('n8n-workflow');
const { WebhookContext } = require('n8n-core');
const { parseIncomingMessage } = require(path.join(path.dirname(require.resolve('@n8n/backend-network')), 'http/parse-incoming-message.js'));

const nodesDir = path.join(path.dirname(require.resolve('n8n-nodes-base/package.json')), 'dist/nodes');
const { Webhook } = require(path.join(nodesDir, 'Webhook/Webhook.node.js'));
const { NoOp } = require(path.join(nodesDir, 'NoOp/NoOp.node.js'));
const webhookNode = new Webhook();
const noOpNode = new NoOp();
const nodeTypes = {
  getByName: (t) => (t === 'n8n-nodes-base.webhook' ? webhookNode : noOpNode),
  getByNameAndVersion: (t) => (t === 'n8n-nodes-base.webhook' ? webhookNode : noOpNode),
  getKnownTypes: () => ({}),
};

const xmlParser = new XmlParser({
  async: true,
  normalize: true,
  normalizeTags: true,
  explicitArray: false,
  tagNameProcessors: [sanitizeXmlName],
  attrNameProcessors: [sanitizeXmlName],
});

// rawBodyReader's readRawBody: a gzip or deflate body is inflated as it is read.
const zlib = require('zlib');
const readRaw = (req) =>
  new Promise((resolve, reject) => {
    const encoding = req.headers['content-encoding'];
    const stream = encoding === 'gzip' ? req.pipe(zlib.createGunzip()) : encoding === 'deflate' ? req.pipe(zlib.createInflate()) : req;
    const chunks = [];
    stream.on('data', (c) => chunks.push(c));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });

// n8n's UnprocessableRequestError: answered { code: 422, message, hint } by ResponseHelper.sendErrorResponse.
class UnprocessableError extends Error {
  constructor(message, hint) {
    super(message);
    this.hint = hint;
  }
}

const parseBody = async (req) => {
  if (req.contentType?.startsWith('multipart/')) return;
  await req.readRawBody();
  const { rawBody, contentType, encoding } = req;
  if (!rawBody?.length) return;
  try {
    if (contentType === 'application/json') req.body = jsonParse(rawBody.toString(encoding));
    else if (contentType?.endsWith('/xml') || contentType?.endsWith('+xml'))
      req.body = await xmlParser.parseStringPromise(rawBody.toString(encoding));
    else if (contentType === 'application/x-www-form-urlencoded')
      req.body = querystring.parse(rawBody.toString(encoding), undefined, undefined, { maxKeys: 1000 });
    else if (contentType === 'text/plain') req.body = rawBody.toString(encoding);
  } catch (error) {
    throw new UnprocessableError('Failed to parse request body', error.message);
  }
};

const isParsableContentType = (contentType) =>
  !!contentType &&
  (contentType.startsWith('application/json') ||
    contentType.startsWith('text/plain') ||
    contentType.startsWith('application/x-www-form-urlencoded') ||
    contentType.endsWith('/xml') ||
    contentType.endsWith('+xml'));

const parseRequestBody = async (req, node) => {
  const version = node.typeVersion;
  if (version === 1 && node.parameters?.options?.binaryData) return;
  if (req.contentType === 'multipart/form-data') return;
  if (version > 1 && !isParsableContentType(req.contentType)) return;
  await parseBody(req);
};

const plain = (value) => (value === undefined ? null : JSON.parse(JSON.stringify(value)));
const errorOf = (e) => (e ? { message: String(e.message ?? e), description: e.description ?? null } : null);

let current; // { id, workflow }
let port = 0;

const responseHeaderEntries = (node) => {
  const entries = node.parameters?.options?.responseHeaders?.entries;
  return Array.isArray(entries) ? entries : [];
};

const handle = async (req, res) => {
  const c = current;
  if (!c) {
    res.writeHead(404).end();
    return;
  }
  const wf = c.workflow;
  const node = wf.nodes.find((n) => n.name === 'Under test');
  const workflow = new Workflow({
    id: 'diff', nodes: wf.nodes, connections: wf.connections, active: true, nodeTypes,
    staticData: {}, settings: wf.settings || {},
  });
  const wfNode = workflow.getNode('Under test');
  // rawBodyReader
  parseIncomingMessage(req);
  req.readRawBody = async () => {
    if (!req.rawBody) {
      req.rawBody = await readRaw(req);
      req._body = true;
    }
  };
  const url = new URL(req.url, 'http://placeholder');
  const search = req.url.includes('?') ? req.url.slice(req.url.indexOf('?') + 1) : '';
  req.query = search === '' ? {} : qs.parse(search, { allowPrototypes: true });
  req.params = {};
  const nodePath = String(wfNode.parameters.path ?? '').replace(/^\/+|\/+$/g, '');
  if (wfNode.webhookId && (nodePath.startsWith(':') || nodePath.includes('/:'))) {
    const elements = url.pathname.replace(/^\/webhook\//, '').split('/').map(decodeURIComponent).slice(1);
    nodePath.split('/').forEach((ele, index) => {
      if (ele.startsWith(':')) req.params[ele.slice(1)] = elements[index];
    });
  }
  req.ip = req.socket.remoteAddress;
  req.ips = [];
  const base = `http://127.0.0.1:${port}`;
  const additionalData = {
    httpRequest: req, httpResponse: res, executionId: 'diff',
    webhookBaseUrl: `${base}/webhook`, webhookTestBaseUrl: `${base}/webhook-test`,
    webhookWaitingBaseUrl: `${base}/webhook-waiting`, formWaitingBaseUrl: `${base}/form-waiting`,
    restApiUrl: `${base}/rest`, instanceBaseUrl: `${base}/`, variables: {}, credentialsHelper: {},
    currentNodeExecutionIndex: 0,
  };
  const webhookData = {
    httpMethod: req.method, node: 'Under test', path: url.pathname, webhookDescription: webhookNode.description.webhooks[0],
    workflowId: 'diff', isTest: false,
  };
  let result;
  try {
    await parseRequestBody(req, wfNode);
    const context = new WebhookContext(workflow, wfNode, additionalData, 'webhook', webhookData, [], null);
    result = await webhookNode.webhook(context);
  } catch (e) {
    if (!res.headersSent) {
      const status = e instanceof UnprocessableError ? 422 : 500;
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify({ code: status, message: e.message, ...(e.hint ? { hint: e.hint } : {}) }));
    }
    out(JSON.stringify({ ref: c.id, ok: true, items: null, error: errorOf(e) }) + '\n');
    return;
  }
  // No workflowData: the node answered itself (a refused IP or bot) and started no run.
  const items = result.workflowData ? result.workflowData.map((output) => (output ?? []).map((i) => plain(i.json))) : null;
  const binary = (result.workflowData ?? []).map((output) => (output ?? []).map((i) => (i.binary ? Object.keys(i.binary) : null)));
  if (!res.headersSent && result.noWebhookResponse !== true) {
    // The CLI reads the node's parameters as the Workflow resolved them (defaults in, hidden options out).
    const p = wfNode.parameters ?? {};
    const mode = p.responseMode ?? 'onReceived';
    // Only onReceived answers at once; the harness compares the other modes' items only.
    const { getResponseCode, getResponseData } = require(path.join(nodesDir, 'Webhook/utils.js'));
    const code = Number(getResponseCode(p));
    const headers = {};
    for (const { name, value } of responseHeaderEntries(wfNode)) if (name) headers[String(name).toLowerCase()] = String(value ?? '');
    let body;
    if (mode === 'onReceived') {
      const data = getResponseData(p);
      body = data === 'noData' ? undefined : data ? data : result.webhookResponse !== undefined ? result.webhookResponse : { message: 'Workflow was started' };
    } else if (mode === 'lastNode') {
      // The workflow is Webhook → No-Op, so the last node's items are the Webhook's first output
      // (extractWebhookLastNodeResponse; responseData from the resolved parameters, default firstEntryJson).
      const lastItems = (result.workflowData && result.workflowData[0]) || [];
      const data = p.responseData;
      if (data === 'noData') body = undefined;
      else if (data === 'firstEntryJson') {
        if (lastItems.length === 0) {
          res.writeHead(500, { 'content-type': 'application/json; charset=utf-8' });
          res.end(JSON.stringify({ code: 0, message: 'No item to return was found' }));
          out(JSON.stringify({ ref: c.id, ok: true, items, binary, error: null }) + '\n');
          return;
        }
        body = plain(lastItems[0].json);
        const property = p.options?.responsePropertyName;
        if (property !== undefined) body = require('lodash/get')(body, property);
        const type = p.options?.responseContentType;
        if (type) headers['content-type'] = type;
      } else body = lastItems.map((i) => plain(i.json));
    } else {
      body = { message: `(${mode}: not answered by this reference)` };
    }
    for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
    res.statusCode = code;
    if (typeof body === 'string') {
      if (!res.hasHeader('content-type')) res.setHeader('content-type', 'text/html; charset=utf-8');
      res.end(body);
    } else {
      if (!res.hasHeader('content-type')) res.setHeader('content-type', 'application/json; charset=utf-8');
      res.end(body === undefined ? '' : JSON.stringify(body));
    }
  } else if (!res.headersSent) res.end();
  out(JSON.stringify({ ref: c.id, ok: true, items, binary, error: null }) + '\n');
};

const server = http.createServer((req, res) => {
  handle(req, res).catch((e) => {
    if (!res.headersSent) res.writeHead(500).end(String(e.message));
    out(JSON.stringify({ ref: current?.id ?? null, ok: false, error: errorOf(e) }) + '\n');
  });
});

const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
rl.on('line', (line) => {
  if (!line.trim()) return;
  try {
    const msg = JSON.parse(line);
    current = { id: msg.id, workflow: msg.workflow };
    out(JSON.stringify({ ref: msg.id, ok: true, armed: true }) + '\n');
  } catch (e) {
    out(JSON.stringify({ ref: null, ok: false, error: errorOf(e) }) + '\n');
  }
});
rl.on('close', () => server.close(() => process.exit(0)));
server.listen(0, '127.0.0.1', () => {
  port = server.address().port;
  out(JSON.stringify({ ref: 'ready', ok: true, port }) + '\n');
});
