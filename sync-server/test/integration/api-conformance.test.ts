import type { ChildProcess } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiRoutes } from '#shared/api/routes/index.ts';
import { honoPath } from '#shared/api/contract.ts';
import { ApiError, createApiClient } from '#shared/api/http-client.ts';
import { API_DOCS_PAGES } from '../../src/http/api-docs.ts';
import { startEngine, stopEngine, waitUntil } from '../helpers/engine-process.ts';
import {
  createConformanceChecker,
  operationsOf,
  send,
  type OpenApiDocument,
  type RawAnswer,
} from '../helpers/openapi-conformance.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';

/**
 * Every route the OpenAPI document describes, called on a real server (real
 * HTTP, real SQLite, a real engine for runs): each answer's status must be
 * one its operation lists and its body must match that status's schema.
 * Each operation is seen answering at least one success and one error. And
 * the routes the app registers under /api are exactly the document's.
 */

let t: TestServer;
let engine: ChildProcess | undefined;
let doc: OpenApiDocument;
let checker: ReturnType<typeof createConformanceChecker>;
const problems: string[] = [];

let smtp: SMTPServer;

beforeAll(async () => {
  // A real SMTP server that takes every mail, so invitations by email answer as they do with SMTP set up.
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      stream.resume();
      stream.on('end', () => callback());
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  const smtpPort = (smtp.server.address() as AddressInfo).port;
  t = await startTestServer({ signup: 'open', smtpUrl: `smtp://127.0.0.1:${smtpPort}` });
  await t.listen();
  engine = await startEngine(t.baseUrl);
  const served = await send(t.baseUrl, 'GET', '/api/openapi.json');
  expect(served.status).toBe(200);
  doc = JSON.parse(served.text) as OpenApiDocument;
  checker = createConformanceChecker(doc);
});

afterAll(async () => {
  await stopEngine(engine);
  await t.close();
  await new Promise<void>((resolve) => smtp.close(resolve));
});

interface As {
  token?: string;
  cookie?: string;
}

interface Answer<T> {
  status: number;
  body: T;
  answer: RawAnswer;
}

/** Calls the server and checks the answer against the document; answers the parsed body. */
const call = async <T = Record<string, unknown>>(
  method: string,
  path: string,
  options: { as?: As; body?: unknown; raw?: string; headers?: Record<string, string> } = {},
): Promise<Answer<T>> => {
  const headers: Record<string, string> = { ...options.headers };
  if (options.as?.token) headers.authorization = `Bearer ${options.as.token}`;
  if (options.as?.cookie) headers.cookie = options.as.cookie;
  let body: string | undefined;
  if (options.raw !== undefined) body = options.raw;
  else if (options.body !== undefined) body = JSON.stringify(options.body);
  if (body !== undefined) headers['content-type'] ??= 'application/json';
  const answer = await send(t.baseUrl, method, path, { headers, ...(body !== undefined ? { body } : {}) });
  problems.push(...checker.check(method, path.split('?')[0] ?? path, answer.status, answer.contentType, answer.text));
  const parsed = (
    answer.text && answer.contentType.startsWith('application/json') ? JSON.parse(answer.text) : undefined
  ) as T;
  return { status: answer.status, body: parsed, answer };
};

/** Like `call`, and the status must be `status` (the scenario depends on it). */
const expectCall = async <T = Record<string, unknown>>(
  status: number,
  method: string,
  path: string,
  options: Parameters<typeof call>[2] = {},
): Promise<T> => {
  const res = await call<T>(method, path, options);
  if (res.status !== status) {
    throw new Error(`${method} ${path}: expected ${status}, got ${res.status} ${res.answer.text.slice(0, 500)}`);
  }
  return res.body;
};

const cookieOf = (answer: RawAnswer): string => {
  const header = answer.headers['set-cookie'];
  const first = Array.isArray(header) ? header[0] : header;
  return (first ?? '').split(';')[0] ?? '';
};

const password = 'correct horse battery';

const signup = async (email: string) => {
  const res = await call<{ user: { id: string; email: string } }>('POST', '/api/auth/signup', {
    body: { email, password, name: email.split('@')[0] },
  });
  if (res.status !== 201) throw new Error(`signup ${email}: ${res.status} ${res.answer.text}`);
  const cookie = cookieOf(res.answer);
  const { token } = await expectCall<{ token: string }>(201, 'POST', '/api/tokens', {
    as: { cookie },
    body: { name: 'conformance' },
  });
  return { id: res.body.user.id, email, cookie, token, as: { token } as As };
};

const node = (id: string, type: string, parameters: Record<string, unknown>, x: number) => ({
  id,
  name: id,
  type,
  typeVersion: 1,
  position: { x, y: 0 },
  parameters,
});
const edge = (source: string, target: string) => ({ source, target });
const trigger = node('start', 'manualTrigger', {}, 0);

describe('the REST API answers what its OpenAPI document says', () => {
  it('every operation, with a success and an error, on a real server', async () => {
    // --- auth
    const admin = await signup('admin@example.com');
    const ann = await signup('ann@example.com');
    const bob = await signup('bob@example.com');
    await expectCall(400, 'POST', '/api/auth/signup', { body: { email: 'nope', password: 'short', name: '' } });
    await expectCall(409, 'POST', '/api/auth/signup', { body: { email: 'ann@example.com', password, name: 'A' } });
    const login = await call('POST', '/api/auth/login', { body: { email: 'ann@example.com', password } });
    expect(login.status).toBe(200);
    const annCookie = cookieOf(login.answer);
    await expectCall(401, 'POST', '/api/auth/login', { body: { email: 'ann@example.com', password: 'wrong one' } });
    await expectCall(200, 'GET', '/api/auth/me', { as: ann.as });
    await expectCall(401, 'GET', '/api/auth/me');
    await expectCall(401, 'GET', '/api/auth/me', { as: { token: 'wt_not_a_token' } });
    const { sessions } = await expectCall<{ sessions: { id: string; current: boolean }[] }>(
      200,
      'GET',
      '/api/auth/sessions',
      { as: { cookie: annCookie } },
    );
    await expectCall(401, 'GET', '/api/auth/sessions');
    const other = sessions.find((s) => !s.current);
    if (!other) throw new Error('ann has two sessions');
    await expectCall(204, 'DELETE', `/api/auth/sessions/${other.id}`, { as: { cookie: annCookie } });
    await expectCall(404, 'DELETE', `/api/auth/sessions/${other.id}`, { as: { cookie: annCookie } });
    // A cookie-authenticated write from another origin.
    await expectCall(403, 'POST', '/api/auth/logout', {
      as: { cookie: annCookie },
      headers: { origin: 'http://elsewhere.example' },
    });
    await expectCall(204, 'POST', '/api/auth/logout', { as: { cookie: annCookie } });
    const carol = await signup('carol@example.com');
    await expectCall(200, 'POST', '/api/auth/sessions/revoke-others', { as: carol.as });
    await expectCall(401, 'POST', '/api/auth/sessions/revoke-others');

    // --- tokens
    const extra = await expectCall<{ id: string }>(201, 'POST', '/api/tokens', { as: ann.as, body: { name: 'extra' } });
    await expectCall(400, 'POST', '/api/tokens', { as: ann.as, body: { name: '' } });
    await expectCall(415, 'POST', '/api/tokens', {
      as: ann.as,
      raw: 'name=x',
      headers: { 'content-type': 'text/plain' },
    });
    await expectCall(400, 'POST', '/api/tokens', { as: ann.as, raw: '{"name":' });
    await expectCall(200, 'GET', '/api/tokens', { as: ann.as });
    await expectCall(401, 'GET', '/api/tokens');
    await expectCall(204, 'DELETE', `/api/tokens/${extra.id}`, { as: ann.as });
    await expectCall(404, 'DELETE', `/api/tokens/${extra.id}`, { as: ann.as });

    // --- me
    await expectCall(200, 'GET', '/api/me/favourites', { as: ann.as });
    await expectCall(401, 'GET', '/api/me/favourites');
    await expectCall(200, 'PUT', '/api/me/favourites', { as: ann.as, body: { types: ['code', 'httpRequest'] } });
    await expectCall(400, 'PUT', '/api/me/favourites', { as: ann.as, body: { types: ['noSuchNode'] } });
    await expectCall(200, 'GET', '/api/me/invitations', { as: bob.as });
    await expectCall(401, 'GET', '/api/me/invitations');
    await expectCall(200, 'GET', '/api/me/inbox', { as: ann.as });
    await expectCall(400, 'GET', '/api/me/inbox?cursor=nope', { as: ann.as });
    await expectCall(200, 'GET', '/api/me/inbox/unread', { as: ann.as });
    await expectCall(401, 'GET', '/api/me/inbox/unread');
    await expectCall(204, 'POST', '/api/me/inbox/read', { as: ann.as, body: { all: true } });
    await expectCall(400, 'POST', '/api/me/inbox/read', { as: ann.as, body: { ids: [] } });

    // --- workflows
    const created = await expectCall<{ id: string }>(201, 'POST', '/api/workflows', {
      as: ann.as,
      body: { name: 'Conformance' },
    });
    await expectCall(400, 'POST', '/api/workflows', { as: ann.as, body: { name: '' } });
    await expectCall(200, 'GET', '/api/workflows', { as: ann.as });
    await expectCall(401, 'GET', '/api/workflows');
    await expectCall(200, 'GET', `/api/workflows/${created.id}`, { as: ann.as });
    await expectCall(404, 'GET', '/api/workflows/nosuchworkflow', { as: ann.as });
    await expectCall(403, 'GET', `/api/workflows/${created.id}`, { as: bob.as });
    await expectCall(200, 'PATCH', `/api/workflows/${created.id}`, { as: ann.as, body: { description: 'Checked' } });
    await expectCall(400, 'PATCH', `/api/workflows/${created.id}`, { as: ann.as, body: {} });

    const runnable = await expectCall<{ id: string }>(201, 'POST', '/api/workflows/import', {
      as: ann.as,
      body: {
        weft: 1,
        name: 'Runnable',
        nodes: [trigger, node('work', 'code', { jsCode: "console.log('hi'); return $input.all();" }, 200)],
        edges: [edge('start', 'work')],
      },
    });
    await expectCall(400, 'POST', '/api/workflows/import', { as: ann.as, body: { weft: 1, nodes: 'no' } });
    // Imports, but cannot run or be published: its HTTP Request has no URL.
    const broken = await expectCall<{ id: string }>(201, 'POST', '/api/workflows/import', {
      as: ann.as,
      body: {
        weft: 1,
        name: 'Broken',
        nodes: [trigger, node('call', 'httpRequest', { url: '' }, 200)],
        edges: [edge('start', 'call')],
      },
    });
    await expectCall(200, 'GET', `/api/workflows/${runnable.id}/export`, { as: ann.as });
    await expectCall(403, 'GET', `/api/workflows/${runnable.id}/export`, { as: bob.as });
    await expectCall(200, 'GET', '/api/instance', { as: ann.as });
    await expectCall(200, 'GET', '/api/instance');
    await expectCall(421, 'GET', '/api/instance', { headers: { host: 'elsewhere.example' } });
    await expectCall(202, 'POST', `/api/workflows/${runnable.id}/invitations`, {
      as: ann.as,
      body: { emails: ['dora@example.com'], role: 'viewer', message: 'Have a look' },
    });
    await expectCall(403, 'POST', `/api/workflows/${runnable.id}/invitations`, {
      as: bob.as,
      body: { emails: ['dora@example.com'], role: 'viewer' },
    });

    // Members and invitations: bob is invited, accepts, becomes an editor; carol's invitation is cancelled.
    const invited = await expectCall<{ invitation: { id: string } }>(
      202,
      'POST',
      `/api/workflows/${runnable.id}/members`,
      { as: ann.as, body: { email: bob.email, role: 'viewer' } },
    );
    await expectCall(200, 'GET', '/api/me/invitations', { as: bob.as });
    await expectCall(200, 'POST', `/api/me/invitations/${invited.invitation.id}/accept`, { as: bob.as });
    await expectCall(404, 'POST', `/api/me/invitations/${invited.invitation.id}/accept`, { as: bob.as });
    await expectCall(200, 'POST', `/api/workflows/${runnable.id}/members`, {
      as: ann.as,
      body: { email: bob.email, role: 'editor' },
    });
    await expectCall(403, 'POST', `/api/workflows/${runnable.id}/members`, {
      as: bob.as,
      body: { email: carol.email, role: 'viewer' },
    });
    await expectCall(409, 'POST', `/api/workflows/${runnable.id}/members`, {
      as: ann.as,
      body: { email: ann.email, role: 'viewer' },
    });
    const carolInvite = await expectCall<{ invitation: { id: string } }>(
      202,
      'POST',
      `/api/workflows/${runnable.id}/members`,
      { as: ann.as, body: { email: carol.email, role: 'viewer' } },
    );
    await expectCall(200, 'GET', `/api/workflows/${runnable.id}/members`, { as: ann.as });
    await expectCall(403, 'GET', `/api/workflows/${runnable.id}/members`, { as: carol.as });

    // Edit modes: ann (owner) and bob (editor) pass the pen; a lock answers 423 to bob's rename.
    const modePath = `/api/workflows/${runnable.id}/mode`;
    const penPath = `/api/workflows/${runnable.id}/pen`;
    await expectCall(200, 'GET', modePath, { as: bob.as });
    await expectCall(403, 'GET', modePath, { as: carol.as });
    await expectCall(409, 'POST', penPath, { as: bob.as });
    await expectCall(409, 'POST', `${penPath}/request`, { as: bob.as });
    await expectCall(409, 'DELETE', penPath, { as: bob.as });
    await expectCall(409, 'POST', `${penPath}/handover`, { as: ann.as, body: { userId: bob.id } });
    await expectCall(200, 'PUT', modePath, { as: ann.as, body: { mode: 'locked', reason: 'incident #42' } });
    await expectCall(423, 'PATCH', `/api/workflows/${runnable.id}`, { as: bob.as, body: { name: 'Renamed' } });
    await expectCall(403, 'PUT', modePath, { as: bob.as, body: { mode: 'parallel' } });
    await expectCall(400, 'PUT', modePath, { as: ann.as, body: { mode: 'frozen' } });
    await expectCall(200, 'PUT', modePath, { as: ann.as, body: { mode: 'pen', penIdleMinutes: 30 } });
    await expectCall(409, 'POST', penPath, { as: bob.as, body: {} });
    await expectCall(202, 'POST', `${penPath}/request`, { as: bob.as });
    await expectCall(400, 'POST', `${penPath}/handover`, { as: ann.as, body: { userId: carol.id } });
    await expectCall(200, 'POST', `${penPath}/handover`, { as: ann.as, body: { userId: bob.id } });
    await expectCall(200, 'POST', penPath, { as: ann.as, body: { force: true } });
    await expectCall(204, 'DELETE', penPath, { as: ann.as });
    await expectCall(200, 'POST', penPath, { as: bob.as });
    await expectCall(200, 'PUT', modePath, { as: ann.as, body: { mode: 'parallel' } });
    await expectCall(204, 'DELETE', `/api/workflows/${runnable.id}/invitations/${carolInvite.invitation.id}`, {
      as: ann.as,
    });
    await expectCall(404, 'DELETE', `/api/workflows/${runnable.id}/invitations/${carolInvite.invitation.id}`, {
      as: ann.as,
    });
    const declined = await expectCall<{ invitation: { id: string } }>(
      202,
      'POST',
      `/api/workflows/${created.id}/members`,
      { as: ann.as, body: { email: carol.email, role: 'viewer' } },
    );
    await expectCall(204, 'POST', `/api/me/invitations/${declined.invitation.id}/decline`, { as: carol.as });
    await expectCall(404, 'POST', `/api/me/invitations/${declined.invitation.id}/decline`, { as: carol.as });
    await expectCall(409, 'DELETE', `/api/workflows/${runnable.id}/members/${ann.id}`, { as: ann.as });

    // --- tags and folders (the workflow list)
    const tagged = await expectCall<{ id: string }>(200, 'POST', `/api/workflows/${created.id}/tags`, {
      as: ann.as,
      body: { name: 'Conformance' },
    });
    await expectCall(403, 'POST', `/api/workflows/${created.id}/tags`, { as: bob.as, body: { name: 'x' } });
    await expectCall(200, 'GET', '/api/workflows?sort=name&limit=5&tag=' + tagged.id, { as: ann.as });
    await expectCall(200, 'GET', '/api/tags', { as: ann.as });
    await expectCall(401, 'GET', '/api/tags');
    const spare = await expectCall<{ id: string }>(201, 'POST', '/api/tags', { as: ann.as, body: { name: 'Spare' } });
    await expectCall(409, 'POST', '/api/tags', { as: ann.as, body: { name: 'spare' } });
    await expectCall(200, 'PATCH', `/api/tags/${spare.id}`, { as: ann.as, body: { name: 'Spare tag' } });
    await expectCall(404, 'PATCH', `/api/tags/${spare.id}`, { as: bob.as, body: { name: 'Mine' } });
    await expectCall(404, 'DELETE', `/api/tags/${spare.id}`, { as: bob.as });
    await expectCall(204, 'DELETE', `/api/tags/${spare.id}`, { as: ann.as });
    await expectCall(204, 'DELETE', `/api/workflows/${created.id}/tags/${tagged.id}`, { as: ann.as });
    await expectCall(404, 'DELETE', `/api/workflows/${created.id}/tags/${tagged.id}`, { as: ann.as });
    await expectCall(200, 'GET', '/api/folders', { as: ann.as });
    await expectCall(401, 'GET', '/api/folders');
    const folder = await expectCall<{ id: string }>(201, 'POST', '/api/folders', { as: ann.as, body: { name: 'F' } });
    await expectCall(404, 'POST', '/api/folders', { as: bob.as, body: { name: 'G', parentId: folder.id } });
    await expectCall(200, 'PATCH', `/api/folders/${folder.id}`, { as: ann.as, body: { name: 'Folder' } });
    await expectCall(404, 'PATCH', `/api/folders/${folder.id}`, { as: bob.as, body: { name: 'Mine' } });
    await expectCall(200, 'PUT', `/api/workflows/${created.id}/folder`, { as: ann.as, body: { folderId: folder.id } });
    await expectCall(403, 'PUT', `/api/workflows/${created.id}/folder`, { as: bob.as, body: { folderId: null } });
    await expectCall(204, 'DELETE', `/api/folders/${folder.id}`, { as: ann.as });
    await expectCall(404, 'DELETE', `/api/folders/${folder.id}`, { as: ann.as });

    // --- share links: carol joins through a one-use link, dave finds it used up; it is revoked
    const shared = await expectCall<{ id: string; token: string }>(201, 'POST', `/api/workflows/${created.id}/links`, {
      as: ann.as,
      body: { role: 'viewer', maxUses: 1, label: 'Conformance' },
    });
    await expectCall(400, 'POST', `/api/workflows/${created.id}/links`, { as: ann.as, body: { role: 'owner' } });
    await expectCall(403, 'POST', `/api/workflows/${created.id}/links`, { as: bob.as, body: { role: 'viewer' } });
    await expectCall(200, 'GET', `/api/links/${shared.token}`);
    await expectCall(404, 'GET', `/api/links/${'x'.repeat(43)}`);
    await expectCall(200, 'POST', `/api/links/${shared.token}/join`, { as: carol.as });
    const dave = await signup('dave@example.com');
    await expectCall(410, 'POST', `/api/links/${shared.token}/join`, { as: dave.as });
    await expectCall(404, 'POST', `/api/links/${'x'.repeat(43)}/join`, { as: dave.as });
    await expectCall(200, 'GET', `/api/workflows/${created.id}/links`, { as: ann.as });
    await expectCall(403, 'GET', `/api/workflows/${created.id}/links`, { as: carol.as });
    await expectCall(204, 'DELETE', `/api/workflows/${created.id}/links/${shared.id}`, { as: ann.as });
    await expectCall(404, 'DELETE', `/api/workflows/${created.id}/links/nosuchlink`, { as: ann.as });
    await expectCall(410, 'GET', `/api/links/${shared.token}`);

    // --- credentials
    const credential = await expectCall<{ id: string }>(201, 'POST', '/api/credentials', {
      as: ann.as,
      body: { name: 'Service', type: 'bearer', data: { token: 'secret-value' } },
    });
    await expectCall(400, 'POST', '/api/credentials', { as: ann.as, body: { name: 'x', type: 'nope' } });
    await expectCall(200, 'GET', '/api/credentials', { as: ann.as });
    await expectCall(401, 'GET', '/api/credentials');
    await expectCall(201, 'POST', `/api/credentials/${credential.id}/grants`, {
      as: ann.as,
      body: { workflowId: runnable.id },
    });
    await expectCall(200, 'POST', `/api/credentials/${credential.id}/grants`, {
      as: ann.as,
      body: { workflowId: runnable.id },
    });
    await expectCall(404, 'POST', `/api/credentials/${credential.id}/grants`, {
      as: bob.as,
      body: { workflowId: runnable.id },
    });
    await expectCall(200, 'GET', `/api/credentials/${credential.id}/grants`, { as: ann.as });
    await expectCall(404, 'GET', `/api/credentials/${credential.id}/grants`, { as: bob.as });
    await expectCall(200, 'GET', `/api/workflows/${runnable.id}/inputs`, { as: bob.as });
    await expectCall(404, 'GET', '/api/workflows/nosuchworkflow/inputs?version=published', { as: bob.as });
    await expectCall(200, 'GET', `/api/workflows/${runnable.id}/credentials`, { as: bob.as });
    await expectCall(403, 'GET', `/api/workflows/${runnable.id}/credentials`, { as: carol.as });
    await expectCall(204, 'DELETE', `/api/credentials/${credential.id}/grants/${runnable.id}`, { as: ann.as });
    await expectCall(404, 'DELETE', `/api/credentials/${credential.id}/grants/${runnable.id}`, { as: ann.as });
    await expectCall(204, 'DELETE', `/api/credentials/${credential.id}`, { as: ann.as });
    await expectCall(404, 'DELETE', `/api/credentials/${credential.id}`, { as: ann.as });

    // --- runs and executions
    const run = await expectCall<{ id: string }>(201, 'POST', `/api/workflows/${runnable.id}/run`, { as: ann.as });
    await expectCall(201, 'POST', `/api/workflows/${runnable.id}/run`, {
      as: ann.as,
      body: { items: [{ json: { from: 'conformance' } }] },
    });
    await expectCall(400, 'POST', `/api/workflows/${broken.id}/run`, { as: ann.as });
    await expectCall(400, 'POST', `/api/workflows/${runnable.id}/run`, { as: ann.as, body: { items: [] } });
    await expectCall(403, 'POST', `/api/workflows/${runnable.id}/run`, { as: carol.as });
    await waitUntil(async () => {
      const res = await call<{ status: string }>('GET', `/api/executions/${run.id}`, { as: ann.as });
      return res.body.status === 'succeeded' ? true : undefined;
    }, 'the run to succeed');
    // Partial runs: reuse the run's outputs up to a node; a destination that is no node is refused.
    await expectCall(201, 'POST', `/api/workflows/${runnable.id}/run`, {
      as: ann.as,
      body: { scope: 'toHere', destination: 'work', base: run.id },
    });
    await expectCall(400, 'POST', `/api/workflows/${runnable.id}/run`, {
      as: ann.as,
      body: { scope: 'step', destination: 'nosuchnode' },
    });
    await expectCall(404, 'GET', '/api/executions/nosuchexecution', { as: ann.as });
    await expectCall(403, 'GET', `/api/executions/${run.id}`, { as: carol.as });
    await expectCall(200, 'GET', `/api/executions/${run.id}/items?node=work&side=input`, { as: ann.as });
    await expectCall(404, 'GET', `/api/executions/${run.id}/items?node=nosuchnode`, { as: ann.as });
    await expectCall(400, 'GET', `/api/executions/${run.id}/items?node=work&limit=500`, { as: ann.as });
    await expectCall(403, 'GET', `/api/executions/${run.id}/items?node=work`, { as: carol.as });
    // A file on a trigger item, downloaded from the run's trigger.
    const withFile = await expectCall<{ id: string }>(201, 'POST', `/api/workflows/${runnable.id}/run`, {
      as: ann.as,
      body: { items: [{ json: {}, binary: { data: { data: 'AAEC', mimeType: 'application/octet-stream' } } }] },
    });
    await waitUntil(async () => {
      const res = await call<{ status: string }>('GET', `/api/executions/${withFile.id}`, { as: ann.as });
      return res.body.status === 'succeeded' ? true : undefined;
    }, 'the run with a file to succeed');
    await expectCall(200, 'GET', `/api/executions/${withFile.id}/binary?node=start&item=0&key=data`, { as: ann.as });
    await expectCall(404, 'GET', `/api/executions/${withFile.id}/binary?node=start&item=0&key=nope`, { as: ann.as });
    await expectCall(400, 'GET', `/api/executions/${withFile.id}/binary?node=start&key=data`, { as: ann.as });
    await expectCall(403, 'GET', `/api/executions/${withFile.id}/binary?node=start&item=0&key=data`, { as: carol.as });
    await expectCall(200, 'GET', `/api/executions/${run.id}/logs`, { as: ann.as });
    await expectCall(404, 'GET', '/api/executions/nosuchexecution/logs', { as: ann.as });
    await expectCall(200, 'GET', '/api/executions', { as: ann.as });
    await expectCall(200, 'GET', `/api/executions?workflowId=${runnable.id}&status=succeeded&limit=1`, { as: ann.as });
    await expectCall(400, 'GET', '/api/executions?limit=0', { as: ann.as });
    await expectCall(409, 'POST', `/api/executions/${run.id}/stop`, { as: ann.as });
    const retried = await expectCall<{ id: string }>(201, 'POST', `/api/executions/${run.id}/retry`, { as: bob.as });
    await expectCall(404, 'POST', '/api/executions/nosuchexecution/retry', { as: ann.as });
    await expectCall(200, 'POST', '/api/executions/retry', { as: ann.as, body: { ids: ['nosuchexecution'] } });
    await expectCall(400, 'POST', '/api/executions/retry', { as: ann.as, body: { ids: [] } });

    const waiting = await expectCall<{ id: string }>(201, 'POST', '/api/workflows/import', {
      as: ann.as,
      body: {
        weft: 1,
        name: 'Waits',
        nodes: [trigger, node('pause', 'wait', { amount: 1, unit: 'hours' }, 200)],
        edges: [edge('start', 'pause')],
      },
    });
    const long = await expectCall<{ id: string }>(201, 'POST', `/api/workflows/${waiting.id}/run`, { as: ann.as });
    await expectCall(409, 'DELETE', `/api/executions/${long.id}`, { as: ann.as });
    // A base still running has no outputs to reuse yet.
    await expectCall(409, 'POST', `/api/workflows/${waiting.id}/run`, { as: ann.as, body: { base: long.id } });
    await expectCall(202, 'POST', `/api/executions/${long.id}/stop`, { as: ann.as });
    await waitUntil(async () => {
      const res = await call<{ status: string }>('GET', `/api/executions/${long.id}`, { as: ann.as });
      return res.body.status === 'canceled' ? true : undefined;
    }, 'the long run to be canceled');
    await waitUntil(async () => {
      const res = await call<{ status: string }>('GET', `/api/executions/${retried.id}`, { as: ann.as });
      return res.body.status === 'succeeded' ? true : undefined;
    }, 'the retry to succeed');
    await expectCall(204, 'DELETE', `/api/executions/${retried.id}`, { as: ann.as });

    // --- publishing, triggers, test webhooks
    const hooked = await expectCall<{ id: string }>(201, 'POST', '/api/workflows/import', {
      as: ann.as,
      body: {
        weft: 1,
        name: 'Hooked',
        nodes: [node('hook', 'webhook', { path: 'conformance', httpMethod: 'GET' }, 0)],
        edges: [],
      },
    });
    await expectCall(409, 'POST', `/api/workflows/${hooked.id}/activate`, { as: ann.as });
    await expectCall(200, 'POST', `/api/workflows/${hooked.id}/publish`, { as: ann.as });
    await expectCall(400, 'POST', `/api/workflows/${broken.id}/publish`, { as: ann.as });
    await expectCall(200, 'POST', `/api/workflows/${hooked.id}/activate`, { as: ann.as });
    await expectCall(200, 'POST', `/api/workflows/${hooked.id}/deactivate`, { as: ann.as });
    await expectCall(404, 'POST', '/api/workflows/nosuchworkflow/deactivate', { as: ann.as });
    await expectCall(200, 'POST', `/api/workflows/${hooked.id}/test-webhook/listen`, { as: ann.as });
    await expectCall(400, 'POST', `/api/workflows/${runnable.id}/test-webhook/listen`, { as: ann.as });
    await expectCall(204, 'DELETE', `/api/workflows/${hooked.id}/test-webhook/listen`, { as: ann.as });
    await expectCall(403, 'DELETE', `/api/workflows/${hooked.id}/test-webhook/listen`, { as: bob.as });

    // --- version history
    const versions = `/api/workflows/${runnable.id}/versions`;
    const named = await expectCall<{ id: string; hash: string }>(201, 'POST', versions, {
      as: ann.as,
      body: { name: 'Conformance' },
    });
    await expectCall(400, 'POST', versions, { as: ann.as, body: { name: '' } });
    await expectCall(200, 'GET', `${versions}?limit=1&kinds=named,publish`, { as: bob.as });
    await expectCall(403, 'GET', versions, { as: carol.as });
    await expectCall(200, 'PATCH', `${versions}/${named.id}`, { as: ann.as, body: { name: 'Renamed' } });
    await expectCall(404, 'PATCH', `${versions}/nosuchversion`, { as: ann.as, body: { name: 'x' } });
    await expectCall(200, 'GET', `${versions}/${named.hash}`, { as: bob.as });
    await expectCall(404, 'GET', `${versions}/${'0'.repeat(64)}`, { as: ann.as });
    const restored = await expectCall<{ entry: { id: string } }>(200, 'POST', `${versions}/${named.id}/restore`, {
      as: ann.as,
    });
    await expectCall(404, 'POST', `${versions}/nosuchversion/restore`, { as: ann.as });
    await expectCall(200, 'POST', `${versions}/${restored.entry.id}/undo`, { as: ann.as });
    await expectCall(409, 'POST', `${versions}/${named.id}/undo`, { as: ann.as });

    // --- who changed this: any member
    const changes = `/api/workflows/${runnable.id}/changes`;
    await expectCall(200, 'GET', `${changes}?target=node:n1`, { as: bob.as });
    await expectCall(200, 'GET', `${changes}?target=node:n1:param:url`, { as: ann.as });
    await expectCall(400, 'GET', `${changes}?target=edge:x`, { as: ann.as });
    await expectCall(403, 'GET', `${changes}?target=node:n1`, { as: carol.as });
    await expectCall(404, 'GET', '/api/workflows/nosuchworkflow/changes?target=node:n1', { as: ann.as });

    // --- the audit trail: the workflow's for its editors and owners, all of it for the admin
    const trail = `/api/workflows/${runnable.id}/audit`;
    await expectCall(200, 'GET', `${trail}?limit=5&action=version.`, { as: ann.as });
    await expectCall(400, 'GET', `${trail}?cursor=abc`, { as: ann.as });
    await expectCall(403, 'GET', trail, { as: carol.as });
    await expectCall(404, 'GET', '/api/workflows/nosuchworkflow/audit', { as: ann.as });
    await expectCall(200, 'GET', `/api/audit?workflowId=${runnable.id}&since=2020-01-01`, { as: admin.as });
    await expectCall(400, 'GET', '/api/audit?limit=0', { as: admin.as });
    await expectCall(403, 'GET', '/api/audit', { as: ann.as });
    await expectCall(200, 'GET', '/api/insights?range=7d', { as: ann.as });
    await expectCall(200, 'GET', `/api/insights?workflowId=${runnable.id}&from=0&to=86400000`, { as: admin.as });
    await expectCall(400, 'GET', '/api/insights?range=1y', { as: ann.as });

    // --- templates: the gallery, a picture, using one, saving a workflow as one, deleting it
    await expectCall(200, 'GET', '/api/templates?search=uptime', { as: ann.as });
    await expectCall(400, 'GET', '/api/templates?category=Nope', { as: ann.as });
    await expectCall(200, 'GET', '/api/templates/builtin:echo-api', { as: ann.as });
    await expectCall(404, 'GET', '/api/templates/builtin:nope', { as: ann.as });
    await expectCall(200, 'GET', '/api/templates/builtin:echo-api/picture.svg', { as: ann.as });
    await expectCall(404, 'GET', '/api/templates/nope/picture.svg', { as: ann.as });
    const fromTemplate = await expectCall<{ workflowId: string }>(201, 'POST', '/api/templates/builtin:echo-api/use', {
      as: ann.as,
      body: { values: { path: 'conformance-echo' } },
    });
    await expectCall(400, 'POST', '/api/templates/builtin:echo-api/use', { as: ann.as, body: { values: { nope: 1 } } });
    const savedTemplate = await expectCall<{ id: string }>(201, 'POST', '/api/templates', {
      as: ann.as,
      body: { workflowId: fromTemplate.workflowId, name: 'Echo again', category: 'Getting started' },
    });
    await expectCall(403, 'POST', '/api/templates', {
      as: bob.as,
      body: { workflowId: fromTemplate.workflowId, name: 'Not mine', category: 'Getting started' },
    });
    await expectCall(403, 'DELETE', '/api/templates/builtin:echo-api', { as: ann.as });
    await expectCall(204, 'DELETE', `/api/templates/${savedTemplate.id}`, { as: ann.as });

    // --- leaving and deleting
    await expectCall(403, 'DELETE', `/api/workflows/${runnable.id}`, { as: bob.as });
    await expectCall(204, 'DELETE', `/api/workflows/${runnable.id}/members/${bob.id}`, { as: bob.as });
    await expectCall(204, 'DELETE', `/api/workflows/${runnable.id}`, { as: ann.as });

    // --- nodes and the document itself: public; a Host this instance does not serve is refused
    await expectCall(200, 'GET', '/api/nodes', {});
    await expectCall(200, 'GET', '/api/nodes?search=http&category=action', {});
    await expectCall(421, 'GET', '/api/nodes', { headers: { host: 'elsewhere.example' } });
    await expectCall(200, 'GET', '/api/nodes/httpRequest', {});
    await expectCall(404, 'GET', '/api/nodes/noSuchNode', {});
    await expectCall(200, 'GET', '/api/openapi.json', {});
    await expectCall(421, 'GET', '/api/openapi.json', { headers: { host: 'elsewhere.example' } });

    // --- the admin's
    await expectCall(200, 'GET', '/api/admin/users', { as: admin.as });
    await expectCall(403, 'GET', '/api/admin/users', { as: ann.as });
    await expectCall(201, 'POST', '/api/admin/users', {
      as: admin.as,
      body: { email: 'dan@example.com', password, name: 'Dan' },
    });
    await expectCall(403, 'POST', '/api/admin/users', {
      as: ann.as,
      body: { email: 'eve@example.com', password, name: 'Eve' },
    });
    await expectCall(200, 'POST', `/api/admin/users/${carol.id}/disable`, { as: admin.as });
    await expectCall(409, 'POST', `/api/admin/users/${admin.id}/disable`, { as: admin.as });
    await expectCall(200, 'POST', `/api/admin/users/${carol.id}/enable`, { as: admin.as });
    await expectCall(404, 'POST', '/api/admin/users/nosuchuser/enable', { as: admin.as });
    await expectCall(200, 'POST', `/api/admin/users/${carol.id}/admin`, { as: admin.as });
    await expectCall(409, 'POST', `/api/admin/users/${admin.id}/admin`, { as: admin.as });
    await expectCall(200, 'DELETE', `/api/admin/users/${carol.id}/admin`, { as: admin.as });
    await expectCall(403, 'DELETE', `/api/admin/users/${admin.id}/admin`, { as: ann.as });
    await expectCall(200, 'GET', '/api/admin/metrics', { as: admin.as });
    await expectCall(403, 'GET', '/api/admin/metrics', { as: ann.as });
    await expectCall(200, 'GET', '/api/admin/settings', { as: admin.as });
    await expectCall(403, 'GET', '/api/admin/settings', { as: ann.as });
    await expectCall(200, 'PATCH', '/api/admin/settings', { as: admin.as, body: { defaultTimeoutSeconds: 300 } });
    await expectCall(400, 'PATCH', '/api/admin/settings', { as: admin.as, body: { signup: 'sometimes' } });
    await expectCall(403, 'PATCH', '/api/admin/settings', { as: ann.as, body: { signup: 'closed' } });

    // --- the live feed: a stream that stays open, so only its head is read
    const watcher = await signup('watcher@example.com');
    const stream = new AbortController();
    const live = await fetch(`${t.baseUrl}/api/live`, {
      headers: { authorization: `Bearer ${watcher.token}` },
      signal: stream.signal,
    });
    problems.push(...checker.check('GET', '/api/live', live.status, live.headers.get('content-type') ?? '', ''));
    stream.abort();
    await expectCall(401, 'GET', '/api/live');
    // A session cookie riding on another site's page.
    await expectCall(403, 'GET', '/api/live', {
      headers: { cookie: watcher.cookie, origin: 'https://elsewhere.example' },
    });

    // --- deleting one's account
    await expectCall(200, 'PATCH', '/api/me', { as: carol.as, body: { name: 'Carol C.' } });
    await expectCall(400, 'PATCH', '/api/me', { as: carol.as, body: { name: '' } });
    await expectCall(403, 'POST', '/api/me/password', {
      as: carol.as,
      body: { currentPassword: 'not it at all', newPassword: 'long enough again' },
    });
    await expectCall(204, 'POST', '/api/me/password', {
      as: carol.as,
      body: { currentPassword: password, newPassword: password },
    });
    await expectCall(403, 'DELETE', '/api/me', { as: carol.as, body: { password: 'not it at all' } });
    await expectCall(204, 'DELETE', '/api/me', { as: carol.as, body: { password } });

    expect(problems).toEqual([]);
    // Every operation was seen answering a success and an error.
    const missing = operationsOf(doc).flatMap((op) => {
      const statuses = checker.observed.filter((o) => o.operationId === op.operationId).map((o) => o.status);
      return [
        ...(statuses.some((s) => s < 300) ? [] : [`${op.operationId}: no success seen`]),
        ...(statuses.some((s) => s >= 400) ? [] : [`${op.operationId}: no error seen`]),
      ];
    });
    expect(missing).toEqual([]);
  });

  it("the typed client (the CLI's) calls the real server with a token and gets typed answers or ApiErrors", async () => {
    const frank = await signup('frank@example.com');
    const api = createApiClient({ baseUrl: t.baseUrl, token: frank.token });
    expect((await api.call(apiRoutes.me)).user.email).toBe('frank@example.com');
    const imported = await api.call(apiRoutes.importWorkflow, {
      body: { weft: 1, name: 'From the client', nodes: [trigger], edges: [] },
    });
    expect(imported).toMatchObject({ name: 'From the client', role: 'owner', warnings: [] });
    const exported = await api.call(apiRoutes.exportWorkflow, { params: { id: imported.id } });
    expect(exported.nodes.map((n) => n.type)).toEqual(['manualTrigger']);
    expect((await api.call(apiRoutes.listWorkflows)).workflows.map((w) => w.id)).toContain(imported.id);
    const published = await api.call(apiRoutes.publishWorkflow, { params: { id: imported.id } });
    expect(published.publishedHash).toEqual(expect.any(String));
    const run = await api.call(apiRoutes.runWorkflow, { params: { id: imported.id } });
    const { executions } = await api.call(apiRoutes.listExecutions, { query: { workflowId: imported.id } });
    expect(executions.map((e) => e.id)).toContain(run.id);

    // A picture is SVG text, handed over as it came.
    const svg = await api.call(apiRoutes.getTemplatePicture, { params: { id: 'builtin:echo-api' } });
    expect(svg).toMatch(/^<svg /);

    const missing = await api
      .call(apiRoutes.getWorkflow, { params: { id: 'nosuchworkflow' } })
      .catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(ApiError);
    expect(missing).toMatchObject({ status: 404, code: 'not_found' });
    const invalid = await api.call(apiRoutes.createWorkflow, { body: { name: '' } }).catch((e: unknown) => e);
    expect(invalid).toMatchObject({ status: 400, code: 'validation_failed', issues: [{ path: ['name'] }] });
    await expect(createApiClient({ baseUrl: t.baseUrl, token: 'wt_wrong' }).call(apiRoutes.me)).rejects.toMatchObject({
      status: 401,
      code: 'unauthorized',
    });
    expect(problems).toEqual([]);
  });

  it('the app registers exactly the routes the document describes under /api', () => {
    const registered = new Set(
      t.server.app.routes
        .filter((r) => r.path.startsWith('/api/') && r.method !== 'ALL')
        .filter((r) => !(API_DOCS_PAGES as readonly string[]).includes(r.path))
        .map((r) => `${r.method} ${r.path}`),
    );
    const documented = new Set(operationsOf(doc).map((op) => `${op.method} ${honoPath(op.template)}`));
    expect([...registered].filter((r) => !documented.has(r)).sort()).toEqual([]);
    expect([...documented].filter((r) => !registered.has(r)).sort()).toEqual([]);
    // The document is the contracts' (shared/src/api/routes), which the typed client calls.
    expect(documented.size).toBe(Object.keys(apiRoutes).length);
  });
});
