import { request as httpRequest } from 'node:http';
import { isDeepStrictEqual } from 'node:util';
import { deflateSync, gzipSync } from 'node:zlib';
import type { CaseDiff, Family } from './differ.ts';
import { unexcused, WEBHOOK_ANSWER_NODE, WEBHOOK_BODY_BESIDE_BINARY } from './exceptions.ts';
import { caseWorkflow, type NodeCase, type Params, type WebhookRequestSpec } from './node-case.ts';
import type { Divergence } from './outcome.ts';
import type { N8nReference } from './reference.ts';
import { Rng } from './rng.ts';
import { N8nWebhookReference } from './webhook-reference.ts';
import { WeftWebhookServer } from './weft-webhook-server.ts';

/**
 * The Webhook trigger 1, 1.1, 2 and 2.1: the same real HTTP request (method,
 * path — static, or with n8n's path parameters at n8n's
 * `/webhook/<webhookId>/<path>` with each `:name` filled —, query strings with repeated and bracketed keys, headers in mixed
 * case and repeated, bodies of each content type — JSON, text, form, XML,
 * other, none — empty, unicode and malformed) goes to n8n's Webhook node
 * behind a node:http server parsing it as n8n's webhook server does
 * (webhook-reference.ts) and to Weft's real sync server with the imported
 * workflow published and active (weft-webhook-server.ts). Compared: each
 * field of the item the node emits (headers, params, query, body,
 * webhookUrl, executionMode, and the rest), whether it failed, and for
 * "Respond: Immediately" the answer (status, content type, body, the
 * configured response headers).
 *
 * Two things legitimately differ between two servers and are normalized,
 * nothing else: the `host` request header is the server's own
 * `127.0.0.1:<port>` (each side's is replaced by `<host>`), and the origin of
 * `webhookUrl` is each server's own (replaced by `<origin>`).
 */

const VERSIONS = [1, 1.1, 2, 2.1];
const METHODS = ['GET', 'POST', 'POST', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD'];
const PATHS = ['in', 'orders/new', 'with-dash_under.dot', 'Mixed/Case', 'deep/a/b/c'];
/** n8n's path parameters: n8n serves these only under the node's webhook id (node-case.ts gives every Webhook this one). */
const DYNAMIC_PATHS = ['users/:id', ':org/items/:item', 'a/:x/b', ':only'];
const WEBHOOK_ID = 'b3c0ffee-0000-4000-8000-000000000001';
/** What a `:name` segment is sent as: plain, %-escaped (decoded into params), unicode, punctuation. */
const SEGMENTS = ['123', 'Acme', 'caf%C3%A9', 'a%20b', 'x.y-z_~', '%F0%9F%8E%89', 'A+B', '0'];
const QUERIES = [
  '',
  'a=1',
  'a=1&a=2',
  'a=1&a=2&a=3',
  'x[y]=1&x[z]=2',
  'list[]=1&list[]=2',
  'e',
  'e=',
  'u=%C3%BC%E2%9C%93',
  'q=a+b%20c',
  'Name=Mixed&name=lower',
  'n=1&m=true&z=null',
  'bad=%ZZ',
  'a.b=1',
];

const HEADER_SETS: Record<string, string | string[]>[] = [
  {},
  { 'X-Custom-Header': 'Value' },
  { 'x-lower': 'v', 'X-UPPER': 'V' },
  { 'X-Repeated': ['one', 'two'] },
  { 'User-Agent': 'curl/8.0', Accept: 'application/json' },
  { 'X-Empty': '' },
  { 'X-Unicode-Value': 'caf\u00e9' },
  { 'User-Agent': 'Googlebot/2.1 (+http://www.google.com/bot.html)' },
  { Cookie: 'session=abc; theme=dark', Authorization: 'Bearer t0ken', 'X-Kept': 'yes' },
];

interface BodyKind {
  contentType?: string;
  bodies: string[];
}

const BODY_KINDS: BodyKind[] = [
  {
    contentType: 'application/json',
    bodies: [
      '{"a":1,"b":"two"}',
      '{"nested":{"list":[1,{"x":null}]},"n":"5"}',
      '[1,2,3]',
      '"text"',
      '42',
      '{"u":"Grüße ✓ 🎉"}',
      '',
      '{"a":',
      'not json',
      '{"a":1}{"b":2}',
      '  {"spaced": true}  ',
    ],
  },
  { contentType: 'application/json; charset=utf-8', bodies: ['{"a":1}', ''] },
  { contentType: 'Application/JSON', bodies: ['{"a":1}'] },
  { contentType: 'application/vnd.api+json', bodies: ['{"a":1}'] },
  { contentType: 'text/plain', bodies: ['hello', '', 'Grüße ✓', '{"a":1}', 'line1\nline2'] },
  { contentType: 'text/plain; charset=utf-8', bodies: ['hello'] },
  {
    contentType: 'application/x-www-form-urlencoded',
    bodies: ['a=1&b=two', 'a=1&a=2', 'x[y]=1', 'u=%C3%BC&space=a+b', '', 'flag', 'bad=%ZZ'],
  },
  {
    contentType: 'application/xml',
    bodies: ['<root><a>1</a><B>two</B></root>', '<r><i>1</i><i>2</i></r>', '<r a="1">t</r>', '<bad'],
  },
  { contentType: 'text/xml', bodies: ['<Root><Item>x</Item></Root>'] },
  { contentType: 'text/csv', bodies: ['a,b\n1,2'] },
  { contentType: 'application/octet-stream', bodies: ['raw bytes'] },
  { bodies: ['no content type', ''] },
];

const requestFor = (rng: Rng, method: string, path: string): WebhookRequestSpec => {
  const headers: Record<string, string | string[]> = { ...rng.pick(HEADER_SETS) };
  let body = '';
  if (method !== 'GET' && method !== 'HEAD') {
    const kind = rng.pick(BODY_KINDS);
    body = rng.pick(kind.bodies);
    if (kind.contentType) headers['Content-Type'] = kind.contentType;
  } else if (rng.chance(0.2)) headers['Content-Type'] = 'application/json';
  const spec: WebhookRequestSpec = { method, path, query: rng.pick(QUERIES), headers, body };
  if (body !== '' && rng.chance(0.1)) {
    spec.contentEncoding = rng.pick(['gzip', 'deflate'] as const);
    headers['Content-Encoding'] = spec.contentEncoding;
  }
  return spec;
};

const responseCodeFor = (rng: Rng, version: number, p: Params, options: Params): void => {
  if (!rng.chance(0.4)) return;
  const code = rng.pick([200, 201, 202, 204, 400, 404, 500]);
  if (version < 2) p.responseCode = code;
  else
    options.responseCode = {
      values: rng.chance(0.2)
        ? { responseCode: 'customCode', customCode: rng.pick([299, 418, 503]) }
        : { responseCode: code },
    };
};

export const webhookCase = (seed: number): NodeCase => {
  const rng = new Rng(seed);
  const typeVersion = rng.pick(VERSIONS);
  const method = rng.pick(METHODS);
  const dynamic = rng.chance(0.3);
  const path = dynamic ? rng.pick(DYNAMIC_PATHS) : rng.pick(PATHS);
  // A dynamic path is called at n8n's URL for it: the webhook id, then the path with each ":name" filled.
  const sent = dynamic
    ? [WEBHOOK_ID, ...path.split('/').map((part) => (part.startsWith(':') ? rng.pick(SEGMENTS) : part))].join('/')
    : path;
  const parameters: Params = { path };
  // GET is the node's default: often left out of n8n's JSON.
  if (method !== 'GET' || rng.chance(0.5)) parameters.httpMethod = method;
  const options: Params = {};
  const mode = rng.pick(['onReceived', 'onReceived', 'onReceived', 'lastNode']);
  if (mode !== 'onReceived' || rng.chance(0.5)) parameters.responseMode = mode;
  responseCodeFor(rng, typeVersion, parameters, options);
  if (mode === 'lastNode') {
    if (rng.chance(0.6)) parameters.responseData = rng.pick(['firstEntryJson', 'allEntries', 'noData']);
    if (rng.chance(0.3))
      options.responsePropertyName = rng.pick(['headers', 'query', 'body', 'missing', 'query.a', 'webhookUrl']);
    if (rng.chance(0.2)) options.responseContentType = rng.pick(['application/xml', 'text/plain', 'application/json']);
  }
  if (mode === 'onReceived') {
    if (rng.chance(0.25)) options.responseData = rng.pick(['', 'Thanks!', '{"ok":true}', 'Grüße']);
    if (rng.chance(0.15)) options.noResponseBody = rng.chance(0.7);
  }
  if (rng.chance(0.25))
    options.responseHeaders = {
      entries: [{ name: rng.pick(['X-Reply', 'x-trace', 'Cache-Control']), value: rng.pick(['yes', 'no-cache', '']) }],
    };
  if (rng.chance(0.15)) options.rawBody = true;
  if (rng.chance(0.1)) options.ignoreBots = true;
  if (rng.chance(0.1)) options.ipWhitelist = rng.pick(['127.0.0.1', '10.0.0.1', '127.0.0.0/8', '']);
  parameters.options = options;
  return {
    family: 'webhook',
    seed,
    type: 'webhook',
    typeVersion,
    parameters,
    items: [],
    triggerUnderTest: true,
    request: requestFor(rng, method, sent),
  };
};

/** Sends the request to one server; resolves to its answer. */
const send = (
  origin: string,
  spec: WebhookRequestSpec,
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> =>
  new Promise((resolve, reject) => {
    const url = new URL(origin);
    const text = Buffer.from(spec.body, 'utf8');
    const payload =
      spec.contentEncoding === 'gzip' ? gzipSync(text) : spec.contentEncoding === 'deflate' ? deflateSync(text) : text;
    const req = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        method: spec.method,
        path: `/webhook/${spec.path}${spec.query ? `?${spec.query}` : ''}`,
        headers: payload.length === 0 ? spec.headers : { ...spec.headers, 'Content-Length': payload.length },
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload.length === 0 ? undefined : payload);
  });

/** `host` and the origin of `webhookUrl` are each server's own: replaced by placeholders, nothing else. */
const normalizeItem = (item: unknown, origin: string): unknown => {
  if (!item || typeof item !== 'object' || Array.isArray(item)) return item;
  const json = { ...(item as Record<string, unknown>) };
  const host = new URL(origin).host;
  const headers = json.headers;
  if (headers && typeof headers === 'object' && !Array.isArray(headers)) {
    const h = { ...(headers as Record<string, unknown>) };
    if (h.host === host) h.host = '<host>';
    json.headers = h;
  }
  if (typeof json.webhookUrl === 'string' && json.webhookUrl.startsWith(origin))
    json.webhookUrl = `<origin>${json.webhookUrl.slice(origin.length)}`;
  return json;
};

const answerShape = (
  answer: { status: number; headers: Record<string, string | string[] | undefined>; body: string },
  configured: string[],
  started: boolean,
  host: string,
): Record<string, unknown> => {
  const type = answer.headers['content-type'];
  const mainType = typeof type === 'string' ? (type.split(';')[0] ?? '').trim() : null;
  // The last node's item names the server it reached (host header, webhookUrl): its own host:port, normalized.
  const text = answer.body.split(host).join('<host>');
  let body: unknown = text;
  if (text !== '') {
    try {
      body = JSON.parse(text) as unknown;
    } catch {
      body = text;
    }
  }
  const contentType = answer.body === '' ? '(no body)' : mainType;
  // An error the server gives itself: its content type and body together (one documented difference).
  if (answer.status >= 400 && !started) return { status: answer.status, error: { contentType, body } };
  return {
    status: answer.status,
    contentType,
    body,
    headers: Object.fromEntries(configured.map((name) => [name, answer.headers[name] ?? null])),
  };
};

let n8nServer: N8nWebhookReference | undefined;
let weftServer: WeftWebhookServer | undefined;

export const diffWebhookCase = async (_reference: N8nReference, c: NodeCase): Promise<CaseDiff> => {
  if (!n8nServer || !weftServer || !c.request)
    throw new Error('the webhook family needs its servers: call setup() first');
  const workflow = caseWorkflow(c);
  const spec = c.request;
  const { emitted } = await n8nServer.arm(workflow);
  const n8nAnswer = await send(n8nServer.origin, spec);
  const n8n = await emitted;
  const armed = await weftServer.arm(workflow);
  if (!armed.ok)
    return {
      divergences: [{ node: '(workflow)', what: 'Weft could not import it', n8n: 'ran', weft: armed.reason }],
      warnings: [],
    };
  const weftAnswer = await send(weftServer.origin, spec);
  const weft = await weftServer.emitted();
  const found: Divergence[] = [];
  if ((n8n.items === null) !== (weft.items === null)) {
    found.push({
      node: 'Under test',
      what: 'error vs no error',
      n8n: n8n.items ?? n8n.error,
      weft: weft.items ?? weft.error,
    });
  } else if (n8n.items && weft.items) {
    const a = n8n.items.map((out) => out.map((i) => normalizeItem(i, n8nServer?.origin ?? '')));
    const b = weft.items.map((out) => out.map((i) => normalizeItem(i, weftServer?.origin ?? '')));
    const first = (x: unknown[][]) => (x[0]?.[0] ?? {}) as Record<string, unknown>;
    if (a.length === 1 && b.length === 1 && a[0]?.length === 1 && b[0]?.length === 1) {
      const ia = first(a);
      const ib = first(b);
      const inBinary = Array.isArray(n8n.binary[0]?.[0]);
      for (const key of [...new Set([...Object.keys(ia), ...Object.keys(ib)])]) {
        if (isDeepStrictEqual(ia[key], ib[key])) continue;
        const what = key === 'body' && inBinary ? WEBHOOK_BODY_BESIDE_BINARY : `item ${key}`;
        found.push({ node: 'Under test', output: 0, what, n8n: ia[key], weft: ib[key] });
      }
    } else if (!isDeepStrictEqual(a, b)) found.push({ node: 'Under test', what: 'output items', n8n: a, weft: b });
  }
  const mode = (c.parameters.responseMode as string | undefined) ?? 'onReceived';
  if (mode === 'onReceived' || mode === 'lastNode' || n8n.items === null) {
    const options = (c.parameters.options ?? {}) as Params;
    const entries = ((options.responseHeaders as { entries?: { name: string }[] } | undefined)?.entries ?? []).map(
      (e) => e.name.toLowerCase(),
    );
    // Once the run started, a status ≥ 400 is the workflow's own (responseCode), not a server error.
    const started = n8n.items !== null;
    const sa = answerShape(n8nAnswer, entries, started, new URL(n8nServer.origin).host);
    const sb = answerShape(weftAnswer, entries, started, new URL(weftServer.origin).host);
    // The last node's answer echoes the item: where the item differs only as documented (and excused there),
    // its body and so its content type (text or JSON) differ likewise: compared only where the items are the same.
    const itemsDiffer = found.some((d) => d.node === 'Under test');
    for (const key of Object.keys(sa)) {
      if ((key === 'body' || key === 'contentType') && mode === 'lastNode' && itemsDiffer) continue;
      if (!isDeepStrictEqual(sa[key], sb[key]))
        found.push({ node: WEBHOOK_ANSWER_NODE, what: `answer ${key}`, n8n: sa[key], weft: sb[key] });
    }
  }
  return { divergences: unexcused(found, workflow), warnings: [] };
};

const shrinkWebhook = (p: Params): Params[] => {
  const out: Params[] = [];
  const options = (p.options ?? {}) as Params;
  for (const k of Object.keys(options))
    out.push({ ...p, options: Object.fromEntries(Object.entries(options).filter(([key]) => key !== k)) });
  for (const k of ['responseCode', 'responseMode'])
    if (k in p) out.push(Object.fromEntries(Object.entries(p).filter(([key]) => key !== k)));
  return out;
};

const contentTypeOf = (c: NodeCase): string => {
  const h = c.request?.headers ?? {};
  const v = h['Content-Type'];
  return typeof v === 'string' ? v : 'none';
};

export const webhookFamily: Family = {
  name: 'webhook',
  generate: webhookCase,
  shrink: shrinkWebhook,
  diff: diffWebhookCase,
  key: (c) => {
    const options = (c.parameters.options ?? {}) as Params;
    return [
      c.request?.method ?? '',
      contentTypeOf(c),
      (c.parameters.responseMode as string | undefined) ?? 'onReceived',
      ...Object.keys(options).sort(),
    ].join(' ');
  },
  coverage: () => ({
    'type versions': VERSIONS.map(String),
    methods: [...new Set(METHODS)],
    paths: [...PATHS, ...DYNAMIC_PATHS],
    'content types': BODY_KINDS.map((k) => k.contentType ?? '(none)'),
    'query strings': QUERIES.map((q) => (q === '' ? '(none)' : q)),
    'response modes': ['onReceived', 'lastNode'],
    'last node answers': ['firstEntryJson', 'allEntries', 'noData', 'responsePropertyName', 'responseContentType'],
  }),
  setup: async () => {
    n8nServer = new N8nWebhookReference();
    weftServer = new WeftWebhookServer();
    await weftServer.start();
    return async () => {
      await n8nServer?.close();
      await weftServer?.close();
      n8nServer = undefined;
      weftServer = undefined;
    };
  },
};
