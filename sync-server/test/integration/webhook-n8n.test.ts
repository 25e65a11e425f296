import type { ChildProcess } from 'node:child_process';
import { deflateSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { restClient } from '../helpers/rest.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';
import { startEngine, stopEngine, waitUntil } from '../helpers/engine-process.ts';

/**
 * An imported n8n Webhook, called over real HTTP, gives the item and the
 * immediate answer n8n 2.41 gives (the differential family `webhook` is the
 * broad proof: engine/test/n8n-diff/webhook-gen.ts). Real server on a temp
 * SQLite file, real engine process.
 */

let t: TestServer;
let engine: ChildProcess | undefined;
let rest: ReturnType<typeof restClient>;
let as: { cookie?: string };

beforeAll(async () => {
  t = await startTestServer();
  await t.listen();
  engine = await startEngine(t.baseUrl);
  rest = restClient(t.baseUrl);
  as = (await rest.signup('ann@example.com')).as;
}, 60_000);

afterAll(async () => {
  await stopEngine(engine);
  await t.close();
});

let serial = 0;

/** Imports an n8n workflow "Webhook" (version, parameters) → "After", published and active; returns its path. */
const hook = async (typeVersion: number, parameters: Record<string, unknown>): Promise<string> => {
  const path = typeof parameters.path === 'string' ? parameters.path : `hook-${++serial}`;
  const imported = await rest.call<{ id: string }>('POST', '/api/workflows/import', {
    body: {
      name: `hook ${path}`,
      nodes: [
        {
          id: 'w',
          name: 'Webhook',
          type: 'n8n-nodes-base.webhook',
          typeVersion,
          position: [0, 0],
          parameters: { path, ...parameters },
          webhookId: 'b3c0ffee-0000-4000-8000-000000000002',
        },
        { id: 'a', name: 'After', type: 'n8n-nodes-base.noOp', typeVersion: 1, position: [220, 0], parameters: {} },
      ],
      connections: { Webhook: { main: [[{ node: 'After', type: 'main', index: 0 }]] } },
    },
    as,
  });
  expect(imported.status).toBe(201);
  expect((await rest.call('POST', `/api/workflows/${imported.body.id}/publish`, { as })).status).toBe(200);
  expect((await rest.call('POST', `/api/workflows/${imported.body.id}/activate`, { as })).status).toBe(200);
  return path.replace(/^\/+/, '');
};

/** The item the Webhook node put out in the run an answer names. */
const itemOf = async (answer: Response): Promise<Record<string, unknown>> => {
  const id = answer.headers.get('x-weft-execution-id');
  expect(id).toBeTruthy();
  const run = await waitUntil(async () => {
    const r = await rest.call<{ status: string; nodeRuns: { name: string; output: { main: { json: unknown }[] } }[] }>(
      'GET',
      `/api/executions/${id ?? ''}`,
      { as },
    );
    return r.body.status === 'succeeded' ? r.body : undefined;
  }, 'the run');
  const json = run.nodeRuns.find((r) => r.name === 'Webhook')?.output.main[0]?.json;
  return json as Record<string, unknown>;
};

const post = (path: string, body: string | Uint8Array, headers: Record<string, string> = {}, query = '') =>
  fetch(`${t.baseUrl}/webhook/${path}${query}`, { method: 'POST', headers, body });

describe('an imported n8n Webhook reads the request as n8n does', () => {
  it('query strings as Express 5 "extended" (qs): repeated keys are lists, brackets nest', async () => {
    const path = await hook(2, { httpMethod: 'POST' });
    const item = await itemOf(await post(path, '', {}, '?a=1&a=2&x[y]=1&list[]=z&e'));
    // Before: the last value of a repeated key, brackets as part of the name.
    expect(item.query).toEqual({ a: ['1', '2'], x: { y: '1' }, list: ['z'], e: '' });
  });

  it("webhookUrl is the node's configured path, not the path the request took", async () => {
    const path = await hook(2, { httpMethod: 'POST', path: '/Orders/New' });
    const item = await itemOf(await post(`${path}?x=1`, ''));
    expect(item.webhookUrl).toBe(`${t.baseUrl}/webhook/Orders/New`);
    expect(item.executionMode).toBe('production');
    expect(item.params).toEqual({});
  });

  it('bodies by content type: form lists, XML through xml2js, JSON falsy values and empty bodies as {} (Webhook 2)', async () => {
    const path = await hook(2, { httpMethod: 'POST' });
    const form = await itemOf(
      await post(path, 'a=1&a=2&u=%C3%BC', { 'content-type': 'application/x-www-form-urlencoded' }),
    );
    expect(form.body).toEqual({ a: ['1', '2'], u: 'ü' });
    const xml = await itemOf(await post(path, '<Root><A>1</A><B x="y">t</B></Root>', { 'content-type': 'text/xml' }));
    expect(xml.body).toEqual({ root: { a: '1', b: { _: 't', $: { x: 'y' } } } });
    expect((await itemOf(await post(path, '0', { 'content-type': 'application/json' }))).body).toEqual({});
    expect((await itemOf(await post(path, '', { 'content-type': 'text/plain' }))).body).toEqual({});
    const upper = await itemOf(await post(path, '{"a":1}', { 'content-type': 'Application/JSON; charset=utf-8' }));
    expect(upper.body).toEqual({ a: 1 });
  });

  it('Webhook 1 leaves out a body it cannot read, and an empty one', async () => {
    const path = await hook(1, { httpMethod: 'POST' });
    const csv = await itemOf(await post(path, 'a,b', { 'content-type': 'text/csv' }));
    expect('body' in csv).toBe(false);
    const empty = await itemOf(await post(path, '', { 'content-type': 'application/json' }));
    expect('body' in empty).toBe(false);
  });

  it('a gzip or deflate body is inflated before it is read, at most to the body limit', async () => {
    const path = await hook(2, { httpMethod: 'POST' });
    const json = { 'content-type': 'application/json' };
    const gzipped = await itemOf(await post(path, gzipSync('{"z":"ü"}'), { ...json, 'content-encoding': 'gzip' }));
    expect(gzipped.body).toEqual({ z: 'ü' });
    const deflated = await itemOf(await post(path, deflateSync('{"d":1}'), { ...json, 'content-encoding': 'deflate' }));
    expect(deflated.body).toEqual({ d: 1 });
    // 11 MB of spaces in 11 kB: inflating stops at the limit.
    const bomb = gzipSync(Buffer.alloc(11 * 1024 * 1024, ' '));
    const refused = await post(path, bomb, { ...json, 'content-encoding': 'gzip' });
    expect(refused.status).toBe(413);
  });

  it('a body its parser refuses is n8n’s 422, and starts no run', async () => {
    const path = await hook(2, { httpMethod: 'POST' });
    const bad = await post(path, '{"a":', { 'content-type': 'application/json' });
    expect(bad.status).toBe(422);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toMatch(
      /^Failed to parse request body: /,
    );
  });
});

describe('"Respond: Immediately" answers as n8n', () => {
  it("n8n's message alone, the execution id in a header", async () => {
    const path = await hook(2, { httpMethod: 'POST' });
    const res = await post(path, '');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ message: 'Workflow was started' });
    await itemOf(res);
  });

  it('the Response Code option of Webhook 2 (a custom code too), the Response Data text, response headers', async () => {
    const path = await hook(2, {
      httpMethod: 'POST',
      options: {
        responseCode: { values: { responseCode: 'customCode', customCode: 418 } },
        responseData: 'Thanks!',
        responseHeaders: { entries: [{ name: 'X-Reply', value: 'yes' }] },
      },
    });
    const res = await post(path, '');
    expect(res.status).toBe(418);
    expect(res.headers.get('x-reply')).toBe('yes');
    expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(await res.text()).toBe('Thanks!');
    const fixed = await hook(2, { httpMethod: 'POST', options: { responseCode: { values: { responseCode: 201 } } } });
    expect((await post(fixed, '')).status).toBe(201);
  });

  it('No Response Body answers empty; Webhook 1 reads its top-level Response Code', async () => {
    const path = await hook(1, { httpMethod: 'POST', responseCode: 202, options: { noResponseBody: true } });
    const res = await post(path, '');
    expect(res.status).toBe(202);
    expect(await res.text()).toBe('');
  });

  it('IP(s) Allowlist and Ignore Bots refuse with 403 and start no run', async () => {
    const elsewhere = await hook(2, { httpMethod: 'POST', options: { ipWhitelist: '10.0.0.1, 192.168.0.0/16' } });
    const refused = await post(elsewhere, '');
    expect(refused.status).toBe(403);
    expect(refused.headers.get('x-weft-execution-id')).toBeNull();
    const local = await hook(2, { httpMethod: 'POST', options: { ipWhitelist: '10.0.0.1, 127.0.0.0/8' } });
    expect((await post(local, '')).status).toBe(200);
    const bots = await hook(2, { httpMethod: 'POST', options: { ignoreBots: true } });
    expect((await post(bots, '', { 'user-agent': 'Googlebot/2.1 (+http://www.google.com/bot.html)' })).status).toBe(
      403,
    );
    const browser = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36';
    expect((await post(bots, '', { 'user-agent': browser })).status).toBe(200);
  });
});

describe('"Respond: When Last Node Finishes" answers as n8n', () => {
  it('the first item, one property of it in the content type set, all items, or nothing; with the response code and headers', async () => {
    const first = await hook(2, {
      httpMethod: 'POST',
      responseMode: 'lastNode',
      options: {
        responseCode: { values: { responseCode: 201 } },
        responsePropertyName: 'query.a',
        responseContentType: 'application/vnd.test+json',
        responseHeaders: { entries: [{ name: 'X-Reply', value: 'yes' }] },
      },
    });
    const res = await post(first, '', {}, '?a=1&a=2');
    expect(res.status).toBe(201);
    expect(res.headers.get('x-reply')).toBe('yes');
    expect(res.headers.get('content-type')).toBe('application/vnd.test+json');
    expect(await res.json()).toEqual(['1', '2']);
    const all = await hook(2, { httpMethod: 'POST', responseMode: 'lastNode', responseData: 'allEntries' });
    const list = (await (await post(all, '{"n":1}', { 'content-type': 'application/json' })).json()) as unknown[];
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ body: { n: 1 } });
    const none = await hook(2, { httpMethod: 'POST', responseMode: 'lastNode', responseData: 'noData' });
    const empty = await post(none, '{"n":1}', { 'content-type': 'application/json' });
    expect(empty.status).toBe(200);
    expect(await empty.text()).toBe('');
  });
});

describe("n8n's path parameters (`users/:id`)", () => {
  /** Imports a one-Webhook n8n workflow and publishes it; the activation's answer. */
  const importHook = async (path: string, httpMethod: string, webhookId: string) => {
    const imported = await rest.call<{ id: string }>('POST', '/api/workflows/import', {
      body: {
        name: `dynamic ${path}`,
        nodes: [
          {
            id: 'w',
            name: 'Webhook',
            type: 'n8n-nodes-base.webhook',
            typeVersion: 2,
            position: [0, 0],
            parameters: { path, httpMethod },
            webhookId,
          },
        ],
        connections: {},
      },
      as,
    });
    expect(imported.status).toBe(201);
    const id = imported.body.id;
    expect((await rest.call('POST', `/api/workflows/${id}/publish`, { as })).status).toBe(200);
    const activated = await rest.call<{ error?: { code: string; message: string } }>(
      'POST',
      `/api/workflows/${id}/activate`,
      { as },
    );
    return { id, activated };
  };

  const call = (prefix: 'webhook' | 'webhook-test', path: string, method = 'POST') =>
    fetch(`${t.baseUrl}/${prefix}/${path}`, { method, ...(method === 'GET' ? {} : { body: '' }) });

  it("match any one segment, decoded, at /webhook/<path> and at n8n's /webhook/<webhookId>/<path>", async () => {
    const { activated } = await importHook('/users/:id', 'POST', 'd0d0cafe-0000-4000-8000-00000000000a');
    expect(activated.status).toBe(200);
    const short = await itemOf(await call('webhook', 'users/a%20b%2Fc'));
    expect(short.params).toEqual({ id: 'a b/c' });
    // n8n's URL for a path with parameters, as its webhookUrl says.
    const long = await itemOf(await call('webhook', 'd0d0cafe-0000-4000-8000-00000000000a/users/123'));
    expect(long.params).toEqual({ id: '123' });
    expect(long.webhookUrl).toBe(`${t.baseUrl}/webhook/d0d0cafe-0000-4000-8000-00000000000a/users/:id`);
    const { activated: two } = await importHook(':org/items/:item', 'GET', 'd0d0cafe-0000-4000-8000-00000000000b');
    expect(two.status).toBe(200);
    const both = await itemOf(await call('webhook', 'acme/items/%C3%BC', 'GET'));
    expect(both.params).toEqual({ org: 'acme', item: 'ü' });
    // One segment, never an empty one, never two.
    expect((await call('webhook', 'users/')).status).toBe(404);
    expect((await call('webhook', 'users/1/2')).status).toBe(404);
    expect((await call('webhook', 'users/%ZZ')).status).toBe(400);
  });

  it('a static path wins over a dynamic one; an overlapping dynamic path is refused at activation', async () => {
    const { activated: dynamic } = await importHook('teams/:id', 'POST', 'd0d0cafe-0000-4000-8000-00000000000c');
    expect(dynamic.status).toBe(200);
    const { activated: fixed } = await importHook('teams/me', 'POST', 'd0d0cafe-0000-4000-8000-00000000000d');
    expect(fixed.status).toBe(200);
    const me = await itemOf(await call('webhook', 'teams/me'));
    expect(me.params).toEqual({});
    expect(me.webhookUrl).toBe(`${t.baseUrl}/webhook/teams/me`);
    expect((await itemOf(await call('webhook', 'teams/you'))).params).toEqual({ id: 'you' });
    const { activated: overlap } = await importHook('teams/:name', 'POST', 'd0d0cafe-0000-4000-8000-00000000000e');
    expect(overlap.status).toBe(409);
    expect(overlap.body.error?.message).toMatch(/already listens on POST \/webhook\/teams\/:id/);
    // Another method is another route.
    expect((await importHook('teams/:name', 'PUT', 'd0d0cafe-0000-4000-8000-00000000000f')).activated.status).toBe(200);
  });

  it('a test event reaches the listening editor at both URLs, with the params', async () => {
    const { id } = await importHook('tests/:n', 'PATCH', 'd0d0cafe-0000-4000-8000-000000000010');
    expect((await rest.call('POST', `/api/workflows/${id}/test-webhook/listen`, { as })).status).toBe(200);
    const short = await itemOf(await call('webhook-test', 'tests/7', 'PATCH'));
    expect(short).toMatchObject({ params: { n: '7' }, executionMode: 'test' });
    const long = await itemOf(await call('webhook-test', 'd0d0cafe-0000-4000-8000-000000000010/tests/8', 'PATCH'));
    expect(long.params).toEqual({ n: '8' });
  });
});
