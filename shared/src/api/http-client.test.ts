import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError, createApiClient } from './http-client.ts';
import { apiRoutes } from './routes/index.ts';

/**
 * The client against a real HTTP server on 127.0.0.1 that answers what each
 * test sets: what it sends (method, URL, headers, body) and what it makes
 * of answers, documented or not. Against Weft itself it runs in
 * sync-server/test/integration/api-conformance.test.ts.
 */

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

let server: Server;
let baseUrl: string;
let answer: { status: number; body?: string; headers?: Record<string, string> } = { status: 200 };
const seen: Seen[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
      });
      res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
      res.end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

const workflow = {
  id: 'w1',
  name: 'One',
  role: 'owner',
  createdAt: 1,
  updatedAt: 2,
  active: false,
  publishedHash: null,
};

const lastSeen = (): Seen => {
  const last = seen[seen.length - 1];
  if (!last) throw new Error('the server saw nothing');
  return last;
};

describe('createApiClient', () => {
  it('builds the URL from the path and query, sends the token and the JSON body, parses the answer', async () => {
    const api = createApiClient({ baseUrl: `${baseUrl}/`, token: 'wt_secret' });
    answer = { status: 200, body: JSON.stringify({ ...workflow, extra: 'ignored by the client' }) };
    const got = await api.call(apiRoutes.updateWorkflow, { params: { id: 'a b/c' }, body: { name: 'Two' } });
    expect(got).toEqual(workflow);
    expect(lastSeen()).toMatchObject({
      method: 'PATCH',
      url: '/api/workflows/a%20b%2Fc',
      headers: { authorization: 'Bearer wt_secret', 'content-type': 'application/json' },
      body: '{"name":"Two"}',
    });

    answer = { status: 200, body: JSON.stringify({ executions: [], nextCursor: null }) };
    await api.call(apiRoutes.listExecutions, { query: { status: 'failed', limit: 5, workflowId: undefined } });
    expect(lastSeen().url).toBe('/api/executions?status=failed&limit=5');
  });

  it('sends an optional body only when given, and answers undefined for 204', async () => {
    const api = createApiClient({ baseUrl });
    answer = {
      status: 201,
      body: JSON.stringify({
        id: 'e1',
        workflowId: 'w1',
        versionHash: 'h',
        mode: 'manual',
        status: 'queued',
        error: null,
        retryOf: null,
        createdAt: 1,
        startedAt: null,
        finishedAt: null,
        baseExecutionId: null,
        scope: null,
        destination: null,
      }),
    };
    await api.call(apiRoutes.runWorkflow, { params: { id: 'w1' } });
    expect(lastSeen().headers['content-type']).toBeUndefined();
    expect(lastSeen().body).toBe('');
    await api.call(apiRoutes.runWorkflow, { params: { id: 'w1' }, body: { items: [{ json: { a: 1 } }] } });
    expect(lastSeen().body).toBe('{"items":[{"json":{"a":1}}]}');

    answer = { status: 204 };
    expect(await api.request(apiRoutes.deleteWorkflow, { params: { id: 'w1' } })).toEqual({
      status: 204,
      body: undefined,
    });
  });

  it('tells which success it was when a route has several', async () => {
    const api = createApiClient({ baseUrl });
    answer = {
      status: 202,
      body: JSON.stringify({
        invitation: { id: 'i1', workflowId: 'w1', email: 'a@b.co', role: 'viewer', createdAt: 1 },
      }),
    };
    const res = await api.request(apiRoutes.addMember, {
      params: { id: 'w1' },
      body: { email: 'a@b.co', role: 'viewer' },
    });
    expect(res.status).toBe(202);
    if (res.status === 202) expect(res.body.invitation.id).toBe('i1');
  });

  it("throws the server's error as an ApiError with its status, code, message, issues and Retry-After", async () => {
    const api = createApiClient({ baseUrl });
    answer = {
      status: 400,
      body: JSON.stringify({
        error: {
          code: 'validation_failed',
          message: 'name: must not be empty',
          issues: [{ path: ['name'], message: 'name: must not be empty', severity: 'error' }],
        },
      }),
    };
    const err = await api.call(apiRoutes.createWorkflow, { body: { name: '' } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({
      status: 400,
      code: 'validation_failed',
      message: 'name: must not be empty',
      issues: [{ path: ['name'] }],
    });

    answer = {
      status: 429,
      headers: { 'retry-after': '5' },
      body: JSON.stringify({ error: { code: 'too_many_requests', message: 'later' } }),
    };
    await expect(api.call(apiRoutes.runWorkflow, { params: { id: 'w1' } })).rejects.toMatchObject({
      status: 429,
      code: 'too_many_requests',
      retryAfterSeconds: 5,
    });
  });

  it('refuses answers the contract does not describe: wrong shape, undocumented status, not JSON', async () => {
    const api = createApiClient({ baseUrl });
    answer = { status: 200, body: JSON.stringify({ workflows: [{ id: 1 }] }) };
    await expect(api.call(apiRoutes.listWorkflows)).rejects.toMatchObject({ code: 'bad_response', status: 200 });
    answer = { status: 202, body: JSON.stringify({ workflows: [] }) };
    await expect(api.call(apiRoutes.listWorkflows)).rejects.toMatchObject({ code: 'bad_response', status: 202 });
    answer = { status: 200, body: '<html>' };
    await expect(api.call(apiRoutes.listWorkflows)).rejects.toMatchObject({ code: 'bad_response' });
    answer = { status: 502, body: 'Bad gateway', headers: { 'content-type': 'text/plain' } };
    await expect(api.call(apiRoutes.listWorkflows)).rejects.toMatchObject({ code: 'bad_response', status: 502 });
  });

  it('reports a server that does not answer as network_error (status 0)', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const api = createApiClient({ baseUrl: `http://127.0.0.1:${port}` });
    await expect(api.call(apiRoutes.me)).rejects.toMatchObject({ code: 'network_error', status: 0 });
  });
});
