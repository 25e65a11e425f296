import type { Family } from './differ.ts';
import { startEchoServer, type EchoServer } from './http-echo-server.ts';
import { itemSet, scalar, FIELDS } from './items.ts';
import type { NodeCase, Params } from './node-case.ts';
import { Rng } from './rng.ts';
import { httpRequestV1Parameters } from './http-request-v1-gen.ts';

/**
 * HTTP Request version 1 to 4.5 (1 and 2: http-request-v1-gen.ts) against a real server on 127.0.0.1
 * (http-echo-server.ts), which both engines call: every method; query,
 * headers and body as fields or JSON (body as JSON, form-urlencoded fields or
 * one string, raw text with its content type); answers of every kind (an
 * object, a list, a bare value, text, HTML, invalid JSON, no content, a
 * redirect, 404 and 500) read as autodetect, JSON or text, in full or not,
 * with "never error"; values as literals, expressions and templates; zero to
 * several items (one request each).
 */

let server: EchoServer | undefined;
const base = (): string => {
  if (!server) throw new Error('the HTTP Request family needs its server: call setup() first');
  return server.url;
};

const paths = [
  '/echo',
  '/echo/a b',
  '/array',
  '/scalar',
  '/list-of-scalars',
  '/text',
  '/json-as-text',
  '/html',
  '/bad-json',
  '/empty',
  '/redirect',
  '/status/404',
  '/status/500',
];

/** A literal, an expression or a template, in the shapes people write them. */
const valueText = (rng: Rng): string => {
  switch (rng.int(5)) {
    case 0:
      return `={{ $json.${rng.pick([...FIELDS, 'missing'])} }}`;
    case 1:
      return `=id-{{ $itemIndex }}`;
    case 2:
      return rng.pick(['', 'x y', 'ä&=?', '0', 'true']);
    default: {
      const v = scalar(rng);
      return typeof v === 'string' ? v : JSON.stringify(v);
    }
  }
};

const rows = (rng: Rng, names: readonly string[]): Params[] =>
  Array.from({ length: 1 + rng.int(3) }, () => ({ name: rng.pick(names), value: valueText(rng) }));

const jsonText = (rng: Rng): string =>
  rng.pick([
    '{"a": 1, "b": "two"}',
    '={{ JSON.stringify({ item: $json }) }}',
    '={{ { "n": $itemIndex } }}',
    '[1, 2]',
    '{}',
    '{"a": ',
    '',
  ]);

export const httpRequestParameters = (rng: Rng, version: number): Params => {
  const path = rng.pick(paths);
  const query = rng.chance(0.2) ? '?fixed=1&x=%20' : '';
  const p: Params = {
    method: rng.pick(['GET', 'GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD']),
    url: rng.chance(0.15) ? `=${base()}${path}/{{ $itemIndex }}${query}` : `${base()}${path}${query}`,
  };
  if (rng.chance(0.4)) {
    p.sendQuery = true;
    if (rng.chance(0.3)) {
      p.specifyQuery = 'json';
      p.jsonQuery = rng.pick(['{"q": "1", "list": [1, 2]}', '={{ { "i": $itemIndex } }}', '{"q": ']);
    } else p.queryParameters = { parameters: rows(rng, ['q', 'page', 'q', 'a b']) };
  }
  if (rng.chance(0.4)) {
    p.sendHeaders = true;
    if (rng.chance(0.3)) {
      p.specifyHeaders = 'json';
      p.jsonHeaders = rng.pick(['{"x-json": "1"}', '={{ { "x-item": String($itemIndex) } }}', 'nope']);
    } else p.headerParameters = { parameters: rows(rng, ['x-a', 'X-Mixed-Case', 'x-b']) };
  }
  if (rng.chance(0.5)) {
    p.sendBody = true;
    const contentType = rng.pick(['json', 'json', 'form-urlencoded', 'raw']);
    p.contentType = contentType;
    if (contentType === 'json') {
      if (rng.chance(0.4)) {
        p.specifyBody = 'json';
        p.jsonBody = jsonText(rng);
      } else p.bodyParameters = { parameters: rows(rng, ['k', 'nested.k', 'k2']) };
    } else if (contentType === 'form-urlencoded') {
      if (rng.chance(0.3)) {
        p.specifyBody = 'string';
        p.body = rng.pick(['a=1&b=2', '={{ "i=" + $itemIndex }}', '']);
      } else p.bodyParameters = { parameters: rows(rng, ['k', 'k2', 'a b']) };
    } else {
      p.rawContentType = rng.pick(['text/plain', 'application/xml', 'application/json']);
      p.body = rng.pick(['<a>1</a>', 'hello', '={{ JSON.stringify($json) }}', '']);
    }
  }
  const options: Params = {};
  if (rng.chance(0.5)) {
    const response: Params = {};
    if (rng.chance(0.6)) response.responseFormat = rng.pick(['autodetect', 'json', 'text']);
    if (response.responseFormat === 'text' && rng.chance(0.5)) response.outputPropertyName = 'body';
    if (rng.chance(0.3)) response.fullResponse = true;
    if (rng.chance(0.3)) response.neverError = true;
    options.response = { response };
  }
  if (rng.chance(0.2)) options.redirect = { redirect: { followRedirects: rng.chance(0.5) } };
  if (p.sendQuery === true && rng.chance(0.3))
    options.queryParameterArrays = rng.pick(['repeat', 'brackets', 'indices']);
  if (version >= 4.2 && rng.chance(0.2)) options.lowercaseHeaders = rng.chance(0.5);
  p.options = options;
  return p;
};

export const httpRequestCase = (seed: number): NodeCase => {
  const rng = new Rng(seed);
  const typeVersion = rng.pick([1, 2, 3, 4, 4.1, 4.2, 4.3, 4.4, 4.5]);
  const parameters = typeVersion < 3 ? httpRequestV1Parameters(rng, base()) : httpRequestParameters(rng, typeVersion);
  // Items are requests: at most a few, but now and then a long list for 1–2 (n8n sends those all at once).
  const set = itemSet(rng);
  const items = typeVersion < 3 && rng.chance(0.3) ? set : set.slice(0, 3);
  return { family: 'httpRequest', seed, type: 'httpRequest', typeVersion, parameters, items };
};

/** Fewer query/header/body parts and options. */
const shrinkHttp = (p: Params): Params[] => {
  const out: Params[] = [];
  const without = (o: Params, keys: readonly string[]): Params =>
    Object.fromEntries(Object.entries(o).filter(([k]) => !keys.includes(k)));
  for (const [flag, ...parts] of [
    ['sendQuery', 'specifyQuery', 'jsonQuery', 'queryParameters'],
    ['sendHeaders', 'specifyHeaders', 'jsonHeaders', 'headerParameters'],
    ['sendBody', 'contentType', 'specifyBody', 'jsonBody', 'bodyParameters', 'body', 'rawContentType'],
  ] as const) {
    if (p[flag] === true) out.push(without(p, [flag, ...parts]));
  }
  // Version 1 and 2: each part on its own.
  for (const k of [
    'queryParametersUi',
    'headerParametersUi',
    'bodyParametersUi',
    'queryParametersJson',
    'headerParametersJson',
    'bodyParametersJson',
    'responseFormat',
    'dataPropertyName',
  ]) {
    if (k in p) out.push(without(p, [k]));
  }
  const options = (p.options ?? {}) as Params;
  for (const k of Object.keys(options)) out.push({ ...p, options: without(options, [k]) });
  return out;
};

export const httpRequestFamily: Family = {
  name: 'httpRequest',
  generate: httpRequestCase,
  shrink: shrinkHttp,
  key: (c) => {
    const p = c.parameters;
    const url = typeof p.url === 'string' ? p.url : '';
    const path = /127\.0\.0\.1:\d+(\/[a-z-]+(?:\/\d+)?)/.exec(url)?.[1] ?? '?';
    const response = ((p.options as Params | undefined)?.response as Params | undefined)?.response as
      Params | undefined;
    if (c.typeVersion < 3) {
      const o = (p.options ?? {}) as Params;
      return [
        `http v1 ${String(p.requestMethod)} ${path}`,
        `format ${typeof p.responseFormat === 'string' ? p.responseFormat : 'json'}`,
        p.jsonParameters === true ? 'json' : 'ui',
        ...['bodyContentType', 'fullResponse', 'ignoreResponseCode', 'splitIntoItems']
          .filter((k) => k in o)
          .map((k) => `${k}=${JSON.stringify(o[k])}`),
      ].join(' ');
    }
    const parts = [
      `http ${String(p.method)} ${path}`,
      p.sendBody === true ? `body ${String(p.contentType)}/${JSON.stringify(p.specifyBody ?? 'keypair')}` : '',
      p.sendQuery === true ? `query ${JSON.stringify(p.specifyQuery ?? 'keypair')}` : '',
      p.sendHeaders === true ? `headers ${JSON.stringify(p.specifyHeaders ?? 'keypair')}` : '',
      response ? `response ${JSON.stringify(response)}` : '',
    ];
    return parts.filter(Boolean).join(' ');
  },
  setup: async () => {
    server = await startEchoServer();
    return async () => {
      await server?.close();
      server = undefined;
    };
  },
};
