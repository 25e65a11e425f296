import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The external API both engines call in the HTTP Request family: a real HTTP
 * server on 127.0.0.1. `/echo` answers with what a workflow author controls
 * (method, path, query, content type, the `x-` headers, the body as text) and
 * leaves out what each engine adds on its own (user agent, connection,
 * content length, accept), which are not the workflow's behaviour. The other
 * paths give each kind of answer a node must handle.
 */

interface Answer {
  status: number;
  body?: unknown;
  type?: string;
  location?: string;
}

const JSON_TYPE = 'application/json; charset=utf-8';

const echo = (req: IncomingMessage, body: string) => {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const headers: Record<string, string> = {};
  // Sorted: the order of different headers means nothing in HTTP, and the engines' clients differ in it.
  for (const [name, value] of Object.entries(req.headers).sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (name.startsWith('x-') && typeof value === 'string') headers[name] = value;
  }
  return {
    method: req.method ?? '',
    path: url.pathname,
    query: url.search,
    contentType: req.headers['content-type'] ?? null,
    headers,
    body,
  };
};

const answerTo = (req: IncomingMessage, body: string): Answer => {
  const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
  const status = /^\/status\/(\d{3})$/.exec(path);
  if (status) return { status: Number(status[1]), body: { message: `status ${status[1]}`, request: echo(req, body) } };
  switch (path) {
    case '/array':
      return {
        status: 200,
        body: [
          { id: 1, name: 'first' },
          { id: 2, name: 'second' },
        ],
      };
    case '/scalar':
      return { status: 200, body: '5' };
    case '/list-of-scalars':
      return { status: 200, body: [1, 'two', null] };
    case '/text':
      return { status: 200, body: 'plain text ✓', type: 'text/plain; charset=utf-8' };
    case '/json-as-text':
      return { status: 200, body: { served: 'as text' }, type: 'text/plain; charset=utf-8' };
    case '/html':
      return { status: 200, body: '<p>hello</p>', type: 'text/html; charset=utf-8' };
    case '/bad-json':
      return { status: 200, body: '{"oops": ' };
    case '/empty':
      return { status: 204 };
    case '/redirect':
      return { status: 302, location: '/echo/redirected' };
    default:
      return { status: 200, body: echo(req, body) };
  }
};

const send = (res: ServerResponse, a: Answer): void => {
  // Both engines see the same headers: no date (it moves between the two calls), no keep-alive.
  res.sendDate = false;
  res.setHeader('connection', 'close');
  if (a.location !== undefined) res.writeHead(a.status, { location: a.location });
  else if (a.body === undefined) res.writeHead(a.status);
  else res.writeHead(a.status, { 'content-type': a.type ?? JSON_TYPE });
  res.end(a.body === undefined ? undefined : typeof a.body === 'string' ? a.body : JSON.stringify(a.body));
};

export interface EchoServer {
  url: string;
  close(): Promise<void>;
}

export const startEchoServer = async (): Promise<EchoServer> => {
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('error', () => res.destroy());
    req.on('end', () => {
      send(res, answerTo(req, Buffer.concat(chunks).toString('utf8')));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};
