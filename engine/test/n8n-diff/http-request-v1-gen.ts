import { FIELDS, scalar } from './items.ts';
import type { Params } from './node-case.ts';
import type { Rng } from './rng.ts';

/**
 * HTTP Request version 1 and 2 (the same request and answer; only their
 * credential choices differ, and those are not generated: "None"): every
 * method; query, headers and body as fields or as JSON; body content types
 * JSON, form-urlencoded and raw (with or without a MIME type of its own);
 * answers read as JSON (split into items or not), as a string in a chosen
 * field or as a file, in full or not; redirects followed for GET/HEAD, for
 * every method or not at all; status errors ignored or not; query lists
 * repeated; batching; values as literals, expressions and templates.
 */

export const V1_PATHS = [
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

const rows = (rng: Rng, names: readonly string[], min = 1): Params[] =>
  Array.from({ length: min + rng.int(3) }, () => ({ name: rng.pick(names), value: valueText(rng) }));

export const httpRequestV1Parameters = (rng: Rng, base: string): Params => {
  const path = rng.pick(V1_PATHS);
  const query = rng.chance(0.2) ? '?fixed=1&x=%20' : '';
  const requestMethod = rng.pick(['GET', 'GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']);
  const p: Params = {
    requestMethod,
    url: rng.chance(0.15) ? `=${base}${path}/{{ $itemIndex }}${query}` : `${base}${path}${query}`,
  };
  // A URL n8n refuses: empty, not http(s), or not text.
  if (rng.chance(0.04)) p.url = rng.pick(['', 'ftp://127.0.0.1/x', '={{ $json.a }}', '={{ 5 }}']);
  // Without effect on http:// (Weft names it on import: it always checks certificates).
  if (rng.chance(0.05)) p.allowUnauthorizedCerts = true;
  const responseFormat = rng.pick(['json', 'json', 'string', 'file']);
  if (responseFormat !== 'json' || rng.chance(0.3)) p.responseFormat = responseFormat;
  if (responseFormat !== 'json' && rng.chance(0.4)) p.dataPropertyName = rng.pick(['body', 'out', 'data']);
  const json = rng.chance(0.35);
  if (json) p.jsonParameters = true;
  const options: Params = {};
  const withBody = ['PATCH', 'POST', 'PUT'].includes(requestMethod);
  if (withBody && rng.chance(0.6))
    options.bodyContentType = rng.pick(['json', 'form-urlencoded', 'raw', 'form-urlencoded']);
  if (withBody && rng.chance(0.15))
    options.bodyContentCustomMimeType = rng.pick([
      'text/plain',
      'application/json',
      'application/xml',
      'application/x-www-form-urlencoded',
    ]);
  if (json) {
    if (rng.chance(0.4))
      p.queryParametersJson = rng.pick([
        '{"q": "1", "list": [1, 2]}',
        '={{ { "i": $itemIndex } }}',
        '{"q": ',
        '',
        '[1, 2]',
        '5',
        'null',
        '={{ $json.meta }}',
      ]);
    if (rng.chance(0.4))
      p.headerParametersJson = rng.pick([
        '{"x-json": "1"}',
        '={{ { "x-item": String($itemIndex) } }}',
        'nope',
        '',
        '{"X-Upper": "u"}',
        '={{ $json.meta }}',
      ]);
    if (rng.chance(0.6))
      p.bodyParametersJson = rng.pick([
        '{"a": 1, "b": "two"}',
        '={{ JSON.stringify({ item: $json }) }}',
        '={{ { "n": $itemIndex } }}',
        '[1, 2]',
        '{}',
        '{"a": ',
        '',
        'a=1&b=2',
        '<a>1</a>',
        '={{ $json.meta }}',
        'null',
      ]);
  } else {
    if (rng.chance(0.4)) p.queryParametersUi = { parameter: rows(rng, ['q', 'page', 'q', 'a b']) };
    if (rng.chance(0.4)) {
      const headers = rows(rng, ['x-a', 'X-Mixed-Case', 'x-b']);
      // A content type of one's own, as fields: it decides how some bodies are written.
      if (rng.chance(0.25))
        headers.push({
          name: rng.pick(['content-type', 'Content-Type']),
          value: rng.pick(['application/x-www-form-urlencoded', 'text/plain', 'application/json']),
        });
      p.headerParametersUi = { parameter: headers };
    }
    if (rng.chance(0.5)) p.bodyParametersUi = { parameter: rows(rng, ['k', 'nested.k', 'k2'], 0) };
  }
  if (rng.chance(0.3)) options.fullResponse = true;
  if (rng.chance(0.25)) options.ignoreResponseCode = true;
  if (rng.chance(0.15)) options.followRedirect = rng.chance(0.5);
  if (rng.chance(0.15)) options.followAllRedirects = rng.chance(0.7);
  if (rng.chance(0.2)) options.useQueryString = rng.chance(0.7);
  if (responseFormat === 'json' && rng.chance(0.35)) options.splitIntoItems = rng.chance(0.8);
  if (rng.chance(0.1)) options.timeout = rng.pick([5000, 20000]);
  if (rng.chance(0.1)) {
    options.batchSize = rng.pick([0, 1, 2]);
    options.batchInterval = rng.pick([0, 5]);
  }
  p.options = options;
  return p;
};
