import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromN8n } from '#shared/interop/n8n/index.ts';
import type { JsonObject } from '#shared/runs/items.ts';
import { allowLoopback, items, runNode } from './harness.ts';

/**
 * HTTP Request 1 and 2 imported from n8n, against a real server on
 * 127.0.0.1: what n8n's HttpRequestV1/V2 (n8n-nodes-base 2.41, through its
 * legacy request client) send and make of the answers. Found by the
 * httpRequest family of the n8n differential tests.
 */

let server: Server;
let base = '';
const received: { method: string; url: string; type: string | undefined; body: string; headers: JsonObject }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const headers: JsonObject = {};
      for (const [k, v] of Object.entries(req.headers)) if (k.startsWith('x-') && typeof v === 'string') headers[k] = v;
      received.push({ method: req.method ?? '', url: req.url ?? '', type: req.headers['content-type'], body, headers });
      const path = (req.url ?? '').split('?')[0];
      if (path === '/list') res.writeHead(200, { 'content-type': 'application/json' }).end('[{"a":1},{"a":2}]');
      else if (path === '/json-as-text') res.writeHead(200, { 'content-type': 'text/plain' }).end('{"served":"text"}');
      else if (path === '/bad-json') res.writeHead(200, { 'content-type': 'application/json' }).end('{"oops": ');
      else if (path === '/redirect') res.writeHead(302, { location: '/landed' }).end();
      else res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(() => server.close());

const last = () => received[received.length - 1];

const imported = (parameters: Record<string, unknown>, typeVersion = 1) =>
  fromN8n({
    name: 'w',
    nodes: [{ id: 'h', name: 'H', type: 'n8n-nodes-base.httpRequest', typeVersion, position: [0, 0], parameters }],
    connections: {},
  });

/** Imports an n8n HTTP Request node of version 1 (or 2) and runs it on the items. */
const run = async (parameters: Record<string, unknown>, input = items({}), typeVersion = 1) => {
  const { definition } = imported(parameters, typeVersion);
  const out = await runNode('httpRequest', definition.nodes[0]?.parameters ?? {}, input, { network: allowLoopback });
  return out.main?.map((i) => i.json);
};

describe('HTTP Request 1 and 2 from n8n: the request', () => {
  it('joins a repeated query name in a list only after text, and lowercases header names (last one wins)', async () => {
    await run({
      requestMethod: 'GET',
      url: `${base}/echo`,
      queryParametersUi: {
        parameter: [
          { name: 'q', value: 'a' },
          { name: 'q', value: 'b' },
          { name: 'n', value: '={{ 5 }}' },
          { name: 'n', value: 'replaced' },
        ],
      },
      headerParametersUi: {
        parameter: [
          { name: 'X-Trace', value: '1' },
          { name: 'x-trace', value: '2' },
        ],
      },
    });
    // n8n 1–2 (computeNewValue): text then text makes a list; a number is replaced by the next value.
    expect(decodeURIComponent(last()?.url ?? '')).toBe('/echo?q[0]=a&q[1]=b&n=replaced');
    expect(last()?.headers).toEqual({ 'x-trace': '2' });
  });

  it('sends body fields as they are named (no nesting), on DELETE too, and an empty field list as {}', async () => {
    await run({
      requestMethod: 'DELETE',
      url: `${base}/echo`,
      bodyParametersUi: {
        parameter: [
          { name: 'a.b', value: '1' },
          { name: 'a.b', value: '2' },
        ],
      },
    });
    expect(last()).toMatchObject({ method: 'DELETE', type: 'application/json', body: '{"a.b":"2"}' });
    await run({ requestMethod: 'POST', url: `${base}/echo`, bodyParametersUi: { parameter: [] } });
    expect(last()).toMatchObject({ type: 'application/json', body: '{}' });
    // n8n hides (and drops) the body of a GET.
    await run({
      requestMethod: 'GET',
      url: `${base}/echo`,
      bodyParametersUi: { parameter: [{ name: 'k', value: 'v' }] },
    });
    expect(last()).toMatchObject({ method: 'GET', type: undefined, body: '' });
  });

  it('takes an object from an expression in a JSON field, leaves an empty one out, and sends JSON text as JSON', async () => {
    await run({
      requestMethod: 'POST',
      url: `${base}/echo`,
      jsonParameters: true,
      queryParametersJson: '={{ { "i": $itemIndex } }}',
      headerParametersJson: '',
      bodyParametersJson: '"just text"',
    });
    expect(last()).toMatchObject({ url: '/echo?i=0', type: 'application/json', body: '"just text"', headers: {} });
  });

  it.each([
    ['queryParametersJson', 'null'],
    ['headerParametersJson', '={{ null }}'],
    ['queryParametersJson', '={{ $json.missing }}'],
    ['headerParametersJson', '={{ 5 }}'],
    ['headerParametersJson', '"text"'],
  ])('fails on a JSON field %s of %j, as n8n 1–2 do', async (name, value) => {
    await expect(
      run({ requestMethod: 'GET', url: `${base}/echo`, jsonParameters: true, [name]: value }),
    ).rejects.toThrow(/null|number|string|not valid JSON/);
  });

  it.each(['null', '{"q": '])(
    'does not fail on a query JSON of %j with the raw body type, which n8n 1–2 leave unparsed',
    async (query) => {
      const out = await run({
        requestMethod: 'PATCH',
        url: `${base}/echo`,
        responseFormat: 'file',
        jsonParameters: true,
        queryParametersJson: query,
        options: { bodyContentType: 'raw' },
      });
      expect(out).toEqual([{}]);
    },
  );

  it('sends a JSON query that is a list by its indices', async () => {
    await run({ requestMethod: 'GET', url: `${base}/echo`, jsonParameters: true, queryParametersJson: '["a", "b"]' });
    expect(last()?.url).toBe('/echo?0=a&1=b');
  });

  it('writes a JSON body as a form for "Form Urlencoded", and any body as a form under that content type header', async () => {
    await run({
      requestMethod: 'PUT',
      url: `${base}/echo`,
      jsonParameters: true,
      bodyParametersJson: '{"a": [1, 2], "b": "x y"}',
      options: { bodyContentType: 'form-urlencoded', bodyContentCustomMimeType: 'text/plain' },
    });
    // The form's content type wins over the MIME type of its own.
    expect(last()).toMatchObject({ type: 'application/x-www-form-urlencoded', body: 'a%5B0%5D=1&a%5B1%5D=2&b=x%20y' });
    await run({
      requestMethod: 'POST',
      url: `${base}/echo`,
      headerParametersUi: { parameter: [{ name: 'Content-Type', value: 'application/x-www-form-urlencoded' }] },
      bodyParametersUi: { parameter: [{ name: 'k', value: 'v' }] },
    });
    expect(last()).toMatchObject({ type: 'application/x-www-form-urlencoded', body: 'k=v' });
  });

  it('writes the body by the content type given first (a header field), and sends the MIME type given after it', async () => {
    await run({
      requestMethod: 'POST',
      url: `${base}/echo`,
      headerParametersUi: { parameter: [{ name: 'content-type', value: 'application/x-www-form-urlencoded' }] },
      bodyParametersUi: { parameter: [{ name: 'a', value: '={{ [1, 2] }}' }] },
      options: {
        bodyContentType: 'form-urlencoded',
        bodyContentCustomMimeType: 'application/xml',
        useQueryString: true,
      },
    });
    expect(last()).toMatchObject({ type: 'application/xml', body: 'a=1&a=2' });
  });

  it('sends the MIME type of its own as the content type, body or not', async () => {
    await run({
      requestMethod: 'POST',
      url: `${base}/echo`,
      options: { bodyContentCustomMimeType: 'application/xml' },
    });
    expect(last()).toMatchObject({ type: 'application/xml', body: '' });
  });

  it('follows a redirect for GET only, unless told to follow all; a redirect not followed fails', async () => {
    expect(await run({ requestMethod: 'GET', url: `${base}/redirect` })).toEqual([{ ok: true }]);
    expect(last()?.url).toBe('/landed');
    await expect(run({ requestMethod: 'POST', url: `${base}/redirect` })).rejects.toThrow('302');
    await expect(
      run({ requestMethod: 'GET', url: `${base}/redirect`, options: { followRedirect: false } }),
    ).rejects.toThrow('302');
    expect(
      await run({ requestMethod: 'POST', url: `${base}/redirect`, options: { followAllRedirects: true } }),
    ).toEqual([{ ok: true }]);
  });

  it('pauses between batches', async () => {
    const started = Date.now();
    await run(
      { requestMethod: 'GET', url: `${base}/echo`, options: { batchSize: 1, batchInterval: 60 } },
      items({}, {}, {}),
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(115);
  });
});

describe('HTTP Request 1 and 2 from n8n: the answer', () => {
  it('keeps a JSON list in one item unless "Split Into Items"', async () => {
    expect(await run({ requestMethod: 'GET', url: `${base}/list` })).toEqual([{ data: [{ a: 1 }, { a: 2 }] }]);
    expect(await run({ requestMethod: 'GET', url: `${base}/list`, options: { splitIntoItems: true } })).toEqual([
      { a: 1 },
      { a: 2 },
    ]);
  });

  it('puts an answer that is JSON in the "String" field as JSON, whatever its content type', async () => {
    expect(
      await run({
        requestMethod: 'GET',
        url: `${base}/json-as-text`,
        responseFormat: 'string',
        dataPropertyName: 'out',
      }),
    ).toEqual([{ out: { served: 'text' } }]);
  });

  it('fails on an answer that is not JSON, asked for JSON, even with its status errors ignored', async () => {
    await expect(
      run({ requestMethod: 'GET', url: `${base}/bad-json`, options: { ignoreResponseCode: true } }),
    ).rejects.toThrow('not valid JSON');
  });

  it('passes the input item on for a "File" answer (Weft keeps no file), or the status with "Full Response"', async () => {
    expect(await run({ requestMethod: 'GET', url: `${base}/echo`, responseFormat: 'file' }, items({ id: 7 }))).toEqual([
      { id: 7 },
    ]);
    const [full] =
      (await run({
        requestMethod: 'GET',
        url: `${base}/echo`,
        responseFormat: 'file',
        options: { fullResponse: true },
      })) ?? [];
    expect(full).toMatchObject({
      statusCode: 200,
      statusMessage: 'OK',
      headers: { 'content-type': 'application/json' },
    });
    expect(full).not.toHaveProperty('body');
  });

  it('behaves the same as version 2 with no credential', async () => {
    expect(await run({ requestMethod: 'GET', url: `${base}/list`, authentication: 'none' }, items({}), 2)).toEqual([
      { data: [{ a: 1 }, { a: 2 }] },
    ]);
  });
});

describe('HTTP Request 4 from n8n: batching', () => {
  it('pauses between batches as "Batching" says', async () => {
    const { definition } = fromN8n({
      name: 'w',
      nodes: [
        {
          id: 'h',
          name: 'H',
          type: 'n8n-nodes-base.httpRequest',
          typeVersion: 4.2,
          position: [0, 0],
          parameters: { url: `${base}/echo`, options: { batching: { batch: { batchSize: 2, batchInterval: 80 } } } },
        },
      ],
      connections: {},
    });
    const started = Date.now();
    const params = definition.nodes[0]?.parameters ?? {};
    await runNode('httpRequest', params, items({}, {}, {}), { network: allowLoopback });
    // Items 0 and 1, a pause, item 2.
    expect(Date.now() - started).toBeGreaterThanOrEqual(75);
    expect(params).toMatchObject({ batchSize: 2, batchInterval: 80 });
  });
});

describe('HTTP Request 1 and 2 from n8n: what Weft does not carry over', () => {
  it('names each parameter it cannot support, and why', () => {
    const { warnings } = imported({
      requestMethod: 'POST',
      url: 'https://example.com',
      authentication: 'headerAuth',
      allowUnauthorizedCerts: true,
      responseFormat: 'file',
      jsonParameters: true,
      sendBinaryData: true,
      binaryPropertyName: 'data',
      options: { proxy: 'http://proxy:3128' },
    });
    const text = warnings.map((w) => w.message).join('\n');
    for (const named of [
      '(authentication)',
      '(allowUnauthorizedCerts)',
      '(responseFormat)',
      '(sendBinaryData)',
      '(options.proxy)',
    ])
      expect(text).toContain(named);
    expect(text).not.toContain('not carried over');
  });

  it("says nothing of what n8n hides and drops itself (a GET's body, JSON fields when fields are used)", () => {
    const { warnings } = imported({
      requestMethod: 'GET',
      url: 'https://example.com',
      bodyParametersUi: { parameter: [{ name: 'k', value: 'v' }] },
      queryParametersJson: '{"a": 1}',
      dataPropertyName: 'out',
      options: { bodyContentType: 'form-urlencoded' },
    });
    expect(warnings).toEqual([]);
  });

  it('times out after an hour unless told otherwise, as n8n 1–2', () => {
    const params = (options: Record<string, unknown>) =>
      imported({ requestMethod: 'GET', url: 'https://example.com', options }).definition.nodes[0]?.parameters;
    expect(params({})?.timeout).toBe(3_600_000);
    expect(params({ timeout: 2500 })?.timeout).toBe(2500);
  });
});
