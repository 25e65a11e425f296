import type { Family } from './differ.ts';
import { FIELDS, itemSet, scalar } from './items.ts';
import type { NodeCase, Params } from './node-case.ts';
import { Rng } from './rng.ts';

/**
 * Respond to Webhook 1 to 1.5 behind a Webhook (and, now and then, behind a
 * Manual Trigger, which 1.1 and later refuse): every way to respond (all
 * items, the first item, JSON, text, no data, a redirect), a
 * response code, headers, the field to put the items in, the response output
 * branch (1.3, and 1.4 on when asked) and streaming (1.5), as literals and
 * expressions, over the item sets. The comparison covers the node's outputs
 * and the answer it hands the webhook server (status, headers, body): the
 * reference's `(webhook response)` pseudo-node.
 */

const VERSIONS = [1, 1.1, 1.2, 1.3, 1.4, 1.5];
/** Binary File and JWT are not here: Weft refuses them at import (a warning names them; see the importer's tests). */
const RESPOND_WITH = ['allIncomingItems', 'firstIncomingItem', 'json', 'text', 'noData', 'redirect'];

const jsonBodies = [
  '{"a": 1, "b": "two"}',
  '{\n  "myField": "value"\n}',
  '[1, "two", null]',
  '"just text"',
  '42',
  '',
  '{"a": ',
  '={{ $json }}',
  '={{ JSON.stringify($json) }}',
  '={{ { "n": $json.a, "all": $input.all().length } }}',
  '={ "name": "{{ $json.name }}" }',
  '={{ $json.a }}',
];

const textBodies = [
  'hello',
  '',
  'Grüße ✓',
  '<p>html</p>',
  '=Hi {{ $json.name }}',
  '={{ $json.a }}',
  '={{ $json }}',
  '={{ $input.all().length }}',
];

const redirectUrls = [
  'https://example.com/next',
  'http://127.0.0.1:9/path?x=1',
  '=https://example.com/{{ $json.name }}',
  '={{ "https://example.com/" + $itemIndex }}',
  'not a url',
];

const headerNames = ['x-custom', 'X-Mixed-Case', 'content-type', 'Content-Type', 'cache-control', 'x-custom', ''];
const headerValues = [
  'v',
  '',
  'text/plain',
  'application/xml; charset=utf-8',
  'no-store',
  '={{ $json.name }}',
  '={{ $json.a }}',
  '=id-{{ $itemIndex }}',
];

const responseCode = (rng: Rng): unknown =>
  rng.pick([200, 201, 202, 204, 301, 400, 404, 418, 500, 503, '={{ 200 + 1 }}', '={{ $json.a }}']);

export const respondParameters = (rng: Rng, version: number): Params => {
  const respondWith = rng.pick(RESPOND_WITH);
  const p: Params = {};
  // The default (first item) is often left out of n8n's JSON.
  if (respondWith !== 'firstIncomingItem' || rng.chance(0.5)) p.respondWith = respondWith;
  if (respondWith === 'json' && rng.chance(0.9)) p.responseBody = rng.pick(jsonBodies);
  if (respondWith === 'text' && rng.chance(0.9)) p.responseBody = rng.pick(textBodies);
  if (respondWith === 'redirect') p.redirectURL = rng.pick(redirectUrls);
  if (version >= 1.4 && rng.chance(0.4)) p.enableResponseOutput = rng.chance(0.7);
  const options: Params = {};
  if (rng.chance(0.4)) options.responseCode = responseCode(rng);
  if (rng.chance(0.4))
    options.responseHeaders = {
      entries: Array.from({ length: 1 + rng.int(3) }, () => ({
        name: rng.pick(headerNames),
        value: rng.pick(headerValues),
      })),
    };
  if ((respondWith === 'allIncomingItems' || respondWith === 'firstIncomingItem') && rng.chance(0.4))
    options.responseKey = rng.pick(['data', 'result.items', '', '={{ "key" + $itemIndex }}', 'a[0]']);
  if (version >= 1.5 && rng.chance(0.2)) options.enableStreaming = rng.chance(0.5);
  p.options = options;
  return p;
};

export const respondCase = (seed: number): NodeCase => {
  const rng = new Rng(seed);
  const typeVersion = rng.pick(VERSIONS);
  const parameters = respondParameters(rng, typeVersion);
  const items = rng.chance(0.8) ? itemSet(rng) : [{ name: scalar(rng), a: scalar(rng) }];
  // Mostly from a Webhook, as the node is used; from a Manual Trigger 1.1+ fails ("No Webhook node found").
  const webhookStart = rng.chance(0.85);
  return {
    family: 'respondToWebhook',
    seed,
    type: 'respondToWebhook',
    typeVersion,
    parameters,
    items,
    ...(webhookStart ? { webhookStart } : {}),
  };
};

const shrinkRespond = (p: Params): Params[] => {
  const out: Params[] = [];
  const options = (p.options ?? {}) as Params;
  for (const k of Object.keys(options))
    out.push({ ...p, options: Object.fromEntries(Object.entries(options).filter(([key]) => key !== k)) });
  const headers = (options.responseHeaders as { entries?: Params[] } | undefined)?.entries;
  if (headers && headers.length > 1)
    headers.forEach((_, i) =>
      out.push({ ...p, options: { ...options, responseHeaders: { entries: headers.filter((__, j) => j !== i) } } }),
    );
  if ('enableResponseOutput' in p)
    out.push(Object.fromEntries(Object.entries(p).filter(([k]) => k !== 'enableResponseOutput')));
  return out;
};

export const respondFamily: Family = {
  name: 'respondToWebhook',
  generate: respondCase,
  shrink: shrinkRespond,
  key: (c) => {
    const p = c.parameters;
    const options = (p.options ?? {}) as Params;
    return [
      `respond ${JSON.stringify(p.respondWith ?? 'firstIncomingItem')}`,
      c.webhookStart ? '' : 'no webhook',
      ...Object.keys(options).sort(),
      p.enableResponseOutput === true ? 'response output' : '',
    ]
      .filter(Boolean)
      .join(' ');
  },
  coverage: () => ({
    'type versions': VERSIONS.map(String),
    'respond with': RESPOND_WITH,
    'item fields': [...FIELDS],
  }),
};
