import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allowLoopback, items, runNode } from './harness.ts';

/** HTTP Request against a real HTTP server on 127.0.0.1: what it sends, what it makes of answers, and its errors. */

let server: Server;
let base = '';
/** A port nothing listens on (taken, then let go). */
let closedPort = 0;
const received: { method: string; url: string; headers: IncomingMessage['headers']; body: string }[] = [];
/** What the endless body sent before the reader hung up (or it ran out, at 64 MB). */
let streamed: Promise<number> = Promise.resolve(0);

/** A body of 64 MB in 64 kB chunks, written only as fast as the reader takes it. */
const streamEndless = (res: ServerResponse) => {
  const chunk = Buffer.alloc(64 * 1024, 'x');
  let sent = 0;
  streamed = new Promise((resolve) => res.once('close', () => resolve(sent)));
  res.writeHead(200, { 'content-type': 'text/plain' });
  const pump = () => {
    while (sent < 64 * 1048576 && !res.destroyed) {
      sent += chunk.length;
      if (!res.write(chunk)) {
        res.once('drain', pump);
        return;
      }
    }
    res.end();
  };
  pump();
};

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      const path = (req.url ?? '').split('?')[0];
      if (path === '/list') res.writeHead(200, { 'content-type': 'application/json' }).end('[{"a":1},{"a":2},3]');
      else if (path === '/text') res.writeHead(200, { 'content-type': 'text/plain' }).end('plain words');
      else if (path === '/missing') res.writeHead(404, { 'content-type': 'text/plain' }).end('no such thing');
      else if (path === '/slow') setTimeout(() => res.writeHead(200).end('{}'), 2_000);
      else if (path === '/endless') streamEndless(res);
      else if (path === '/declared-huge')
        res.writeHead(200, { 'content-type': 'text/plain', 'content-length': String(17 * 1048576) }).end();
      else if (path === '/empty-json') res.writeHead(200, { 'content-type': 'application/json' }).end('');
      else if (path === '/broken') res.writeHead(200, { 'content-type': 'application/json' }).end('{nope');
      else res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: true }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  closedPort = (probe.address() as { port: number }).port;
  await new Promise((r) => probe.close(r));
});
afterAll(() => server.close());

const last = () => received[received.length - 1];

/** HTTP Request against the local test server: these tests opt in to loopback addresses, which the engine refuses by default. */
const http = (params: Record<string, unknown>, input = items({}), extra: Parameters<typeof runNode>[3] = {}) =>
  runNode('httpRequest', params, input, { network: allowLoopback, ...extra });

describe('HTTP Request', () => {
  it('sends query parameters, headers and a JSON body from expressions, one request per item', async () => {
    const out = await http(
      {
        method: 'POST',
        url: `${base}/echo`,
        sendQuery: true,
        queryParameters: [{ name: 'id', value: '={{ $json.id }}' }],
        sendHeaders: true,
        headerParameters: [{ name: 'X-Trace', value: 'abc' }],
        sendBody: true,
        contentType: 'json',
        jsonBody: '={{ JSON.stringify({ id: $json.id }) }}',
      },
      items({ id: 1 }, { id: 2 }),
    );
    expect(out.main?.map((i) => i.json)).toEqual([{ ok: true }, { ok: true }]);
    const two = received.slice(-2);
    expect(two.map((r) => r.url)).toEqual(['/echo?id=1', '/echo?id=2']);
    expect(two.map((r) => r.body)).toEqual(['{"id":1}', '{"id":2}']);
    expect(last()?.headers['x-trace']).toBe('abc');
    expect(last()?.headers['content-type']).toBe('application/json');
  });

  it('sends a form body and a raw body', async () => {
    await http(
      {
        method: 'PUT',
        url: `${base}/f`,
        sendBody: true,
        contentType: 'form-urlencoded',
        bodyParameters: [{ name: 'a', value: 'x y' }],
      },
      items({}),
    );
    // As n8n's client encodes a form (qs): a space is %20.
    expect(last()).toMatchObject({ method: 'PUT', body: 'a=x%20y' });
    expect(last()?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    await http(
      {
        method: 'POST',
        url: `${base}/r`,
        sendBody: true,
        contentType: 'raw',
        body: '<x/>',
        rawContentType: 'application/xml',
      },
      items({}),
    );
    expect(last()).toMatchObject({ body: '<x/>' });
    expect(last()?.headers['content-type']).toBe('application/xml');
  });

  it('builds the request as n8n 4.x does: qs encoding, JSON fields nested by dotted names, a body on GET, undefined left out', async () => {
    await http(
      {
        method: 'GET',
        url: `${base}/q?fixed=1`,
        sendQuery: true,
        specifyQuery: 'json',
        jsonQuery: '{"list": [1, 2], "a b": "x y"}',
        sendHeaders: true,
        headerParameters: [
          { name: 'X-Gone', value: '={{ $json.missing }}' },
          { name: 'X-Twice', value: 'first' },
          { name: 'X-Twice', value: 'second' },
        ],
        repeatedNames: 'last',
        sendBody: true,
        contentType: 'json',
        specifyBody: 'keypair',
        jsonBodyFields: [
          { name: 'user.name', value: 'Ada' },
          { name: 'gone', value: '={{ $json.missing }}' },
        ],
      },
      items({}),
    );
    // qs with indices, %20 for spaces, after the URL's own query.
    expect(last()?.url).toBe('/q?fixed=1&list%5B0%5D=1&list%5B1%5D=2&a%20b=x%20y');
    expect(last()?.headers['x-gone']).toBeUndefined();
    expect(last()?.headers['x-twice']).toBe('second');
    expect(last()).toMatchObject({ method: 'GET', body: '{"user":{"name":"Ada"}}' });
  });

  it('repeated names make a list from 4.3 on, where a first value left undefined does not count (n8n)', async () => {
    await http(
      {
        method: 'GET',
        url: `${base}/q`,
        sendQuery: true,
        queryParameters: [
          { name: 'q', value: '={{ $json.missing }}' },
          { name: 'q', value: 'x' },
          { name: 'r', value: '1' },
          { name: 'r', value: '2' },
        ],
        repeatedNames: 'list',
      },
      items({}),
    );
    expect(last()?.url).toBe('/q?q=x&r%5B0%5D=1&r%5B1%5D=2');
  });

  it("sends a header given as a list one line per value, as n8n's client does (an empty last value stays)", async () => {
    await http(
      {
        method: 'GET',
        url: `${base}/q`,
        sendHeaders: true,
        headerParameters: [
          { name: 'X-List', value: 'false' },
          { name: 'X-List', value: '={{ $json.meta }}' },
        ],
        repeatedNames: 'list',
      },
      items({ meta: [] }),
    );
    // Two lines, joined by the receiving Node server: "false" and "" read "false, " (one joined line reads "false,").
    expect(last()?.headers['x-list']).toBe('false, ');
  });

  it('writes a list within a header list joined by commas, null as "null" (as n8n 4.x sends it)', async () => {
    await http(
      {
        method: 'GET',
        url: `${base}/q`,
        sendHeaders: true,
        headerParameters: [{ name: 'X-Nested', value: '={{ $json.b }}' }],
      },
      items({ b: [[null, true], [], 'x'] }),
    );
    expect(last()?.headers['x-nested']).toBe('null,true, , x');
  });

  it("sends no header whose value is false, and no default of that name (n8n's axios drops false headers)", async () => {
    await http(
      {
        method: 'POST',
        url: `${base}/q`,
        sendHeaders: true,
        headerParameters: [
          { name: 'X-Flag', value: '={{ $json.off }}' },
          { name: 'Content-Type', value: '={{ $json.off }}' },
          { name: 'X-Kept', value: '={{ $json.on }}' },
        ],
        sendBody: true,
        contentType: 'json',
        specifyBody: 'keypair',
        jsonBodyFields: [{ name: 'a', value: '1' }],
      },
      items({ off: false, on: true }),
    );
    expect(last()?.headers['x-flag']).toBeUndefined();
    expect(last()?.headers['content-type']).toBeUndefined();
    expect(last()?.headers['x-kept']).toBe('true');
  });

  it('reads answers as n8n does: an empty JSON answer is {}, "full response" adds headers and status', async () => {
    const full = await http({ url: `${base}/text`, fullResponse: true, responseFormat: 'text' }, items({}));
    expect(full.main?.[0]?.json).toMatchObject({ data: 'plain words', statusCode: 200, statusMessage: 'OK' });
    expect((full.main?.[0]?.json.headers as Record<string, string>)['content-type']).toBe('text/plain');
    const missing = await http({ url: `${base}/missing`, neverError: true }, items({}));
    expect(missing.main?.map((i) => i.json)).toEqual([{ data: 'no such thing' }]);
    const empty = await http({ url: `${base}/empty-json` }, items({}));
    expect(empty.main?.map((i) => i.json)).toEqual([{}]);
  });

  it('turns a JSON list into items and text into { data }', async () => {
    const list = await http({ url: `${base}/list` }, items({}));
    expect(list.main?.map((i) => i.json)).toEqual([{ a: 1 }, { a: 2 }, { data: 3 }]);
    const text = await http({ url: `${base}/text` }, items({}));
    expect(text.main?.map((i) => i.json)).toEqual([{ data: 'plain words' }]);
  });

  it.each([
    [{ url: `not a url` }, /"not a url" is not a URL/],
    [{ url: 'file:///etc/passwd' }, /is not a URL that starts with http:\/\/ or https:\/\//],
    [{ url: '/missing' }, /GET http:\/\/127\.0\.0\.1:\d+\/missing answered 404 Not Found: no such thing/],
    [{ url: '/broken' }, /\/broken: the response body is not valid JSON/],
    [{ url: '/slow', timeout: 200 }, /no answer within 200 ms/],
    [
      { url: '/x', sendBody: true, method: 'POST', jsonBody: '{bad' },
      /the value in the "JSON Body" field is not valid JSON/,
    ],
    [{ url: '/x', authentication: 'credential' }, /choose a credential for this request/],
    [{ url: 'closed' }, /GET http:\/\/127\.0\.0\.1:\d+\/ failed: .*ECONNREFUSED/],
  ])('%j fails with a clear error', async (params, error) => {
    const url =
      params.url === 'closed'
        ? `http://127.0.0.1:${closedPort}/`
        : params.url.startsWith('/')
          ? `${base}${params.url}`
          : params.url;
    await expect(http({ ...params, url }, items({}))).rejects.toThrow(error);
  });

  it('stops reading a body past 16 MB and closes the transfer, instead of reading it all first', async () => {
    await expect(http({ url: `${base}/endless` })).rejects.toThrow(
      /^the response is larger than 16 MB, the most one request may read$/,
    );
    // The server stopped soon after 16 MB: what was in flight, not the 64 MB it had to send.
    expect(await streamed).toBeLessThan(24 * 1048576);
  });

  it('a declared length past the limit fails before reading', async () => {
    await expect(http({ url: `${base}/declared-huge` })).rejects.toThrow(/the response is larger than 16 MB/);
  });

  it('what a node may put out makes the limit smaller (the bodies of all its items together)', async () => {
    await expect(http({ url: `${base}/endless` }, items({}), { maxOutputBytes: 100_000 })).rejects.toThrow(
      /the response is larger than 100000 bytes, what is left of the data this node may put out/,
    );
    expect(await streamed).toBeLessThan(8 * 1048576);
    await expect(http({ url: `${base}/text` }, items({}, {}, {}), { maxOutputBytes: 25 })).rejects.toThrow(
      /larger than 3 bytes, what is left/,
    );
  });
});
