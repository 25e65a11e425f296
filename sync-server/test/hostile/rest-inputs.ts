import { nodeDefinitions } from '#shared/nodes/index.ts';
import { noteInput, type FuzzContext, type InputRunner } from './context.ts';
import { brokenJsonText, encodePart, hostileValue, mutateJson, nastyString, summarize, toJsonText } from './corpus.ts';
import { FUZZ_HOOK_PATHS, randomDefinition } from './definitions.ts';
import { httpRequest, type HttpAnswer } from './http-client.ts';
import type { IdKind } from './pools.ts';
import type { Rand } from './rand.ts';

/**
 * REST inputs: every route of README's REST table (and the ones beside it:
 * invitations, sessions, grants, admin, test webhooks), called by an
 * anonymous visitor or one of the fuzzer's accounts, with valid bodies
 * mutated (wrong types, huge strings, deep nesting, prototype keys) or
 * replaced by broken JSON, and odd content types and credentials.
 *
 * Rules: every request is answered; no 5xx except a webhook whose run
 * failed (500 workflow_failed / no_response / bad_response, 504 timeout);
 * every /api error is `{ "error": { "code", "message" } }`.
 */

type Param = ':wf' | ':ex' | ':cred' | ':user' | ':token' | ':session' | ':inv' | ':type' | ':hook' | ':tpl' | ':any';

interface Route {
  method: string;
  path: string;
  /** How often it is picked, against 1 for most routes (runs and webhooks feed the engines). */
  weight?: number;
  body?: (r: Rand, ctx: FuzzContext) => unknown;
  query?: (r: Rand, ctx: FuzzContext) => string;
}

const PARAM_KIND: Record<Exclude<Param, ':type' | ':hook' | ':tpl' | ':any'>, IdKind> = {
  ':wf': 'workflow',
  ':ex': 'execution',
  ':cred': 'credential',
  ':user': 'user',
  ':token': 'token',
  ':session': 'session',
  ':inv': 'invitation',
};

const NODE_TYPES = nodeDefinitions.map((d) => d.type);

const TEMPLATE_IDS = ['builtin:uptime-check', 'builtin:echo-api', 'builtin:enrich-contacts', 'builtin:nope'];

/** What "Use template" takes: the uptime check's values, the owner's credential or someone else's. */
const useTemplateBody = (r: Rand, ctx: FuzzContext): unknown => ({
  ...(r.chance(0.5) ? { name: r.word() } : {}),
  values: {
    url: r.chance(0.7) ? `http://127.0.0.1:${r.int(1, 65535)}/` : nastyString(r),
    alertCredential: r.chance(0.6) ? ctx.world.ownerCredentialId : ctx.pools.pick(r, 'credential'),
    ...(r.chance(0.2) ? { [nastyString(r)]: hostileValue(r) } : {}),
  },
});

const saveTemplateBody = (r: Rand, ctx: FuzzContext): unknown => ({
  workflowId: ctx.pools.pick(r, 'workflow'),
  name: r.chance(0.8) ? r.word() : nastyString(r),
  category: r.pick(['Getting started', 'Files', 'Nope', '']),
  tags: r.chance(0.5) ? [r.word()] : [nastyString(r)],
  variables: r.chance(0.5)
    ? []
    : [
        {
          key: r.word(),
          label: r.word(),
          required: true,
          kind: 'string',
          targets: [{ nodeId: r.word(), path: [nastyString(r)] }],
        },
      ],
  includePins: r.chance(0.5),
});

const email = (r: Rand, ctx: FuzzContext): string =>
  r.weighted<() => string>([
    [3, () => r.pick([ctx.world.owner, ctx.world.editor, ctx.world.viewer, ctx.world.stranger]).email],
    [3, () => `${r.word()}@fuzz.example`],
    [1, () => `${r.word().toUpperCase()}@HOSTILE.EXAMPLE`],
    [1, () => nastyString(r)],
  ])();

const role = (r: Rand): string =>
  r.weighted([
    [9, r.pick(['owner', 'editor', 'viewer'])],
    [1, r.pick(['admin', 'commenter', ''])],
  ]);

const credentialBody = (r: Rand): unknown =>
  r.pick([
    { name: r.word(), type: 'bearer', data: { token: r.word(10, 40) } },
    { name: r.word(), type: 'apiKeyHeader', data: { name: 'X-Key', value: r.word() } },
    { name: r.word(), type: 'basic', data: { user: r.word(), password: r.word() } },
  ]);

const auditQuery = (r: Rand): string => {
  const q = new URLSearchParams();
  if (r.chance(0.4)) q.set('action', r.pick(['member.', 'link.created', 'run.', nastyString(r)]));
  if (r.chance(0.3)) q.set('since', r.pick(['0', '2026-01-01', 'x', '-1', '99999999999999999999']));
  if (r.chance(0.3)) q.set('cursor', r.pick(['1:abc', 'x', ':', nastyString(r)]));
  if (r.chance(0.3)) q.set('limit', String(r.pick([1, 0, -1, 200, 201, 1e9, 0.5])));
  const text = q.toString();
  return text ? `?${text}` : '';
};

const importBody = (r: Rand, ctx: FuzzContext): unknown =>
  r.chance(0.25) && ctx.n8nFiles.length > 0
    ? ctx.n8nFiles[r.int(0, ctx.n8nFiles.length - 1)]
    : randomDefinition(r, [ctx.world.ownerCredentialId]);

export const ROUTES: readonly Route[] = [
  { method: 'GET', path: '/healthz' },
  { method: 'GET', path: '/metrics' },
  { method: 'GET', path: '/api/instance' },
  {
    method: 'GET',
    path: '/api/workflows/:wf/changes',
    query: (r) =>
      `?target=${encodePart(r.pick(['node:start', `node:${r.word()}:param:url`, 'edge:x', 'meta', nastyString(r), '']))}`,
  },
  { method: 'GET', path: '/api/workflows/:wf/audit', query: (r) => auditQuery(r) },
  { method: 'GET', path: '/api/audit', query: (r) => auditQuery(r) },
  { method: 'GET', path: '/api/workflows/:wf/links' },
  {
    method: 'POST',
    path: '/api/workflows/:wf/links',
    body: (r) => ({
      role: role(r),
      expiresAt: r.pick([null, '2030-01-01T00:00:00Z', 'yesterday', 1e20, -1]),
      maxUses: r.pick([null, 1, 0, -5, 1e9, 'x']),
      label: r.chance(0.5) ? r.word() : nastyString(r),
    }),
  },
  { method: 'DELETE', path: '/api/workflows/:wf/links/:any' },
  { method: 'GET', path: '/api/links/:any' },
  { method: 'POST', path: '/api/links/:any/join' },
  { method: 'GET', path: '/api/workflows/:wf/mode' },
  {
    method: 'PUT',
    path: '/api/workflows/:wf/mode',
    body: (r) => ({ mode: r.pick(['parallel', 'locked', 'pen', 'sequential', '']), reason: nastyString(r) }),
  },
  { method: 'POST', path: '/api/workflows/:wf/pen' },
  { method: 'DELETE', path: '/api/workflows/:wf/pen' },
  { method: 'POST', path: '/api/workflows/:wf/pen/request' },
  {
    method: 'POST',
    path: '/api/workflows/:wf/pen/handover',
    body: (r, ctx) => ({ to: r.chance(0.5) ? ctx.pools.pick(r, 'user') : nastyString(r) }),
  },
  {
    method: 'GET',
    path: '/api/workflows/:wf/versions',
    query: (r) => (r.chance(0.5) ? `?limit=${r.pick([0, 5, 1e9, -1])}` : ''),
  },
  {
    method: 'POST',
    path: '/api/workflows/:wf/versions',
    body: (r) => ({ name: r.chance(0.7) ? r.word() : nastyString(r) }),
  },
  { method: 'PATCH', path: '/api/workflows/:wf/versions/:any', body: (r) => ({ name: nastyString(r) }) },
  { method: 'GET', path: '/api/workflows/:wf/versions/:any' },
  { method: 'POST', path: '/api/workflows/:wf/versions/:any/restore' },
  { method: 'POST', path: '/api/workflows/:wf/versions/:any/undo' },
  {
    method: 'GET',
    path: '/api/me/inbox',
    query: (r) => (r.chance(0.5) ? `?cursor=${encodePart(nastyString(r))}` : ''),
  },
  { method: 'GET', path: '/api/me/inbox/unread' },
  {
    method: 'POST',
    path: '/api/me/inbox/read',
    body: (r) => r.pick([{ all: true }, { ids: [r.word(), nastyString(r)] }, { ids: 'x' }, {}]),
  },
  {
    method: 'POST',
    path: '/api/workflows/:wf/invitations',
    body: (r, ctx) => ({ emails: [email(r, ctx), email(r, ctx)], role: role(r), message: nastyString(r) }),
  },
  {
    method: 'POST',
    path: '/api/auth/signup',
    body: (r) => ({ email: `${r.word()}@fuzz.example`, password: r.word(8, 20), name: r.word() }),
  },
  { method: 'POST', path: '/api/auth/login', body: (r, ctx) => ({ email: email(r, ctx), password: r.word(0, 20) }) },
  { method: 'POST', path: '/api/auth/logout' },
  { method: 'GET', path: '/api/auth/me' },
  { method: 'GET', path: '/api/auth/sessions' },
  { method: 'POST', path: '/api/auth/sessions/revoke-others' },
  { method: 'DELETE', path: '/api/auth/sessions/:session' },
  { method: 'POST', path: '/api/tokens', body: (r) => ({ name: r.word() }) },
  {
    method: 'POST',
    path: '/api/tokens',
    body: (r) => ({ name: r.word(), expiresAt: r.pick([Date.now() + 60_000, 0, -1, 2 ** 60, 'soon', null]) }),
  },
  { method: 'GET', path: '/api/tokens' },
  { method: 'DELETE', path: '/api/tokens/:token' },
  { method: 'GET', path: '/api/me/favourites' },
  {
    method: 'PUT',
    path: '/api/me/favourites',
    body: (r) => ({ types: Array.from({ length: r.size(10) }, () => r.pick(NODE_TYPES)) }),
  },
  { method: 'GET', path: '/api/me/invitations' },
  { method: 'POST', path: '/api/me/invitations/:inv/accept' },
  { method: 'POST', path: '/api/me/invitations/:inv/decline' },
  { method: 'DELETE', path: '/api/me', body: (r) => ({ password: r.word(8, 20) }) },
  {
    method: 'GET',
    path: '/api/workflows',
    query: (r) => {
      const q = new URLSearchParams();
      if (r.chance(0.3)) q.set('q', r.chance(0.5) ? r.word() : nastyString(r));
      if (r.chance(0.3)) q.set('limit', String(r.pick([1, 0, -1, 200, 201, 1e9, 0.5])));
      if (r.chance(0.3)) q.set('cursor', r.pick(['1:abc', '0:x', '99999999999999999999:a', ':', 'x', nastyString(r)]));
      // The list's filters and sorts (docs/plans/home-insights.md §2), with cursors of other sorts and forged ones.
      if (r.chance(0.3)) q.set('sort', r.pick(['updated', 'name', 'lastRun', 'failures', nastyString(r)]));
      if (r.chance(0.2))
        q.set('cursor', r.pick(['name.0022', 'lastRun.00', 'failures.zz', `name.${'0'.repeat(9000)}`]));
      if (r.chance(0.2)) q.append('tag', r.chance(0.5) ? r.word() : nastyString(r));
      if (r.chance(0.1)) for (let i = 0; i < 12; i++) q.append('tag', r.word());
      if (r.chance(0.2)) q.set('folder', r.chance(0.5) ? r.word() : nastyString(r));
      if (r.chance(0.2)) q.set('active', r.pick(['true', 'false', 'yes', nastyString(r)]));
      const text = q.toString();
      return text ? `?${text}` : '';
    },
  },
  { method: 'GET', path: '/api/tags' },
  { method: 'POST', path: '/api/tags', body: (r) => ({ name: r.chance(0.7) ? r.word() : nastyString(r) }) },
  { method: 'PATCH', path: '/api/tags/:any', body: (r) => ({ name: r.chance(0.7) ? r.word() : nastyString(r) }) },
  { method: 'DELETE', path: '/api/tags/:any' },
  {
    method: 'POST',
    path: '/api/workflows/:wf/tags',
    body: (r) => ({ name: r.chance(0.7) ? r.word() : nastyString(r) }),
  },
  { method: 'DELETE', path: '/api/workflows/:wf/tags/:any' },
  { method: 'GET', path: '/api/folders' },
  {
    method: 'POST',
    path: '/api/folders',
    body: (r) => ({
      name: r.chance(0.7) ? r.word() : nastyString(r),
      ...(r.chance(0.3) ? { parentId: r.word() } : {}),
    }),
  },
  {
    method: 'PATCH',
    path: '/api/folders/:any',
    body: (r) => (r.chance(0.5) ? { name: r.word() } : { parentId: r.chance(0.5) ? null : nastyString(r) }),
  },
  { method: 'DELETE', path: '/api/folders/:any' },
  {
    method: 'PUT',
    path: '/api/workflows/:wf/folder',
    body: (r) => ({ folderId: r.chance(0.3) ? null : r.chance(0.5) ? r.word() : nastyString(r) }),
  },
  { method: 'POST', path: '/api/workflows', body: (r) => ({ name: r.word() }) },
  { method: 'POST', path: '/api/workflows/import', body: importBody, weight: 3 },
  { method: 'GET', path: '/api/workflows/:wf' },
  {
    method: 'PATCH',
    path: '/api/workflows/:wf',
    body: (r) => (r.chance(0.5) ? { name: r.word() } : { description: r.chance(0.8) ? r.word() : nastyString(r) }),
  },
  { method: 'DELETE', path: '/api/workflows/:wf' },
  { method: 'GET', path: '/api/workflows/:wf/export' },
  { method: 'GET', path: '/api/workflows/:wf/members' },
  { method: 'POST', path: '/api/workflows/:wf/members', body: (r, ctx) => ({ email: email(r, ctx), role: role(r) }) },
  { method: 'DELETE', path: '/api/workflows/:wf/members/:user' },
  { method: 'DELETE', path: '/api/workflows/:wf/invitations/:inv' },
  { method: 'GET', path: '/api/workflows/:wf/credentials' },
  { method: 'POST', path: '/api/workflows/:wf/run', weight: 4 },
  {
    // Partial runs: a scope, a destination that may be no node, a base that may be another workflow's run.
    method: 'POST',
    path: '/api/workflows/:wf/run',
    body: (r, ctx) => ({
      ...(r.chance(0.7) ? { scope: r.pick(['all', 'toHere', 'step', nastyString(r)]) } : {}),
      ...(r.chance(0.7) ? { destination: r.chance(0.5) ? r.word() : nastyString(r) } : {}),
      ...(r.chance(0.7) ? { base: r.chance(0.7) ? ctx.pools.pick(r, 'execution') : nastyString(r) } : {}),
    }),
  },
  { method: 'POST', path: '/api/workflows/:wf/publish' },
  { method: 'POST', path: '/api/workflows/:wf/activate' },
  { method: 'POST', path: '/api/workflows/:wf/deactivate' },
  { method: 'POST', path: '/api/workflows/:wf/test-webhook/listen' },
  { method: 'DELETE', path: '/api/workflows/:wf/test-webhook/listen' },
  {
    method: 'GET',
    path: '/api/executions',
    query: (r, ctx) => {
      const q = new URLSearchParams();
      if (r.chance(0.5)) q.set('workflowId', ctx.pools.pick(r, 'workflow'));
      if (r.chance(0.2)) q.append('workflowId', r.chance(0.5) ? ctx.pools.pick(r, 'workflow') : nastyString(r));
      if (r.chance(0.3)) q.set('status', r.pick(['queued', 'running', 'succeeded', 'failed', 'canceled', 'x']));
      if (r.chance(0.2)) q.append('status', r.pick(['failed', 'canceled', '', 'FAILED']));
      if (r.chance(0.3)) q.append('mode', r.pick(['manual', 'test', 'webhook', 'schedule', 'retry', 'error', 'x']));
      if (r.chance(0.2)) q.append('mode', r.pick(['subworkflow', '', '__proto__']));
      if (r.chance(0.3)) q.set('from', r.pick(['0', '1700000000000', '-1', '', '1e12', 'NaN', '9'.repeat(20)]));
      if (r.chance(0.3)) q.set('to', r.pick(['0', '99999999999999', 'x', '0.5']));
      if (r.chance(0.3)) q.set('cursor', r.pick(['1:abc', '0:x', '99999999999999999999:a', ':', 'x']));
      if (r.chance(0.3)) q.set('limit', String(r.pick([1, 0, -1, 200, 201, 1e9, 0.5])));
      const text = q.toString();
      return text ? `?${text}` : '';
    },
  },
  { method: 'GET', path: '/api/executions/:ex' },
  { method: 'GET', path: '/api/executions/:ex/logs' },
  {
    method: 'GET',
    path: '/api/executions/:ex/binary',
    query: (r) => {
      const q = new URLSearchParams();
      if (r.chance(0.9)) q.set('node', r.pick(['n1', 'code', 'x', '__proto__', '', nastyString(r)]));
      if (r.chance(0.4)) q.set('run', String(r.pick([0, 1, -1, 1e9, 0.5])));
      if (r.chance(0.3)) q.set('side', r.pick(['input', 'output', 'both']));
      if (r.chance(0.3)) q.set('handle', r.pick(['main', 'true', 'toString', '__proto__']));
      if (r.chance(0.9)) q.set('item', String(r.pick([0, 1, -1, 1e12, 0.5])));
      if (r.chance(0.9)) q.set('key', r.pick(['data', 'constructor', '__proto__', '', nastyString(r)]));
      return `?${q.toString()}`;
    },
  },
  { method: 'POST', path: '/api/executions/:ex/stop' },
  { method: 'POST', path: '/api/executions/:ex/retry', weight: 2 },
  {
    method: 'POST',
    path: '/api/executions/retry',
    body: (r, ctx) =>
      r.chance(0.8)
        ? {
            ids: Array.from({ length: r.int(0, 4) }, () =>
              r.chance(0.8) ? ctx.pools.pick(r, 'execution') : nastyString(r),
            ),
          }
        : { ids: Array.from({ length: 101 }, () => ctx.pools.pick(r, 'execution')) },
  },
  { method: 'DELETE', path: '/api/executions/:ex' },
  { method: 'GET', path: '/api/credentials' },
  { method: 'POST', path: '/api/credentials', body: credentialBody },
  { method: 'DELETE', path: '/api/credentials/:cred' },
  { method: 'GET', path: '/api/credentials/:cred/grants' },
  {
    method: 'POST',
    path: '/api/credentials/:cred/grants',
    body: (r, ctx) => ({ workflowId: ctx.pools.pick(r, 'workflow') }),
  },
  { method: 'DELETE', path: '/api/credentials/:cred/grants/:wf' },
  {
    method: 'GET',
    path: '/api/nodes',
    query: (r) => `?search=${encodePart(nastyString(r).slice(0, 100))}&category=${r.pick(['trigger', 'x', ''])}`,
  },
  { method: 'GET', path: '/api/nodes/:type' },
  {
    method: 'GET',
    path: '/api/templates',
    query: (r) =>
      r.pick(['', '?search=uptime', `?search=${encodePart(nastyString(r))}`, '?category=Files', '?category=x']),
  },
  { method: 'GET', path: '/api/templates/:tpl' },
  { method: 'GET', path: '/api/templates/:tpl/picture.svg' },
  { method: 'POST', path: '/api/templates/:tpl/use', body: useTemplateBody },
  { method: 'POST', path: '/api/templates', body: saveTemplateBody },
  { method: 'DELETE', path: '/api/templates/:tpl' },
  { method: 'GET', path: '/api/admin/users' },
  { method: 'POST', path: '/api/admin/users/:user/disable' },
  { method: 'POST', path: '/api/admin/users/:user/enable' },
  { method: 'GET', path: '/api/admin/metrics' },
  { method: 'POST', path: '/api/admin/users/:user/admin' },
  { method: 'DELETE', path: '/api/admin/users/:user/admin' },
  { method: 'GET', path: '/api/admin/settings' },
  { method: 'PATCH', path: '/api/admin/settings', body: (r) => ({ signup: r.pick(['closed', 'open', r.word()]) }) },
  { method: 'PATCH', path: '/api/me', body: (r) => ({ name: r.pick([r.word(), '', nastyString(r)]) }) },
  {
    method: 'POST',
    path: '/api/me/password',
    body: (r) => ({ currentPassword: r.word(0, 20), newPassword: r.word(0, 20) }),
  },
  { method: 'POST', path: '/webhook/:hook', body: (r) => hostileValue(r), weight: 4 },
  { method: 'GET', path: '/webhook/:hook' },
  { method: 'POST', path: '/webhook-test/:hook', body: (r) => hostileValue(r) },
];

/** A concrete path for a route, its parameters filled from the pools (or made up). */
export const renderPath = (r: Rand, ctx: FuzzContext, route: Route): string =>
  route.path.replace(/:[a-z]+/g, (param) => {
    if (param === ':type') return r.chance(0.8) ? r.pick(NODE_TYPES) : encodePart(nastyString(r)) || 'x';
    if (param === ':tpl') return r.chance(0.8) ? r.pick(TEMPLATE_IDS) : encodePart(nastyString(r)) || 'x';
    if (param === ':hook') return r.pick([...ctx.world.hookPaths, ...FUZZ_HOOK_PATHS, 'nothing', '%ff', 'a/../b']);
    // Ids the fuzzer has no pool of (links, share tokens, versions): made up, well-formed or not.
    if (param === ':any') {
      return r.weighted<() => string>([
        [3, () => r.word(16, 24)],
        [2, () => r.word(43, 43)],
        [1, () => 'a'.repeat(64)],
        [1, () => encodePart(nastyString(r)) || 'x'],
      ])();
    }
    return ctx.pools.pick(r, PARAM_KIND[param as keyof typeof PARAM_KIND]);
  }) + (route.query?.(r, ctx) ?? '');

type Actor = 'anonymous' | 'editor' | 'viewer' | 'stranger';

const credentialsOf = (r: Rand, ctx: FuzzContext, actor: Actor): Record<string, string> => {
  if (actor === 'anonymous') {
    return r.weighted<Record<string, string>>([
      [6, {}],
      [1, { authorization: `Bearer ${r.word(10, 40)}` }],
      [1, { authorization: r.pick(['Bearer', 'Basic eDp5', 'Bearer  ', 'bearer weft_x y']) }],
      [1, { cookie: `weft_session=${r.word()}` }],
      [1, { cookie: r.pick(['weft_session=%ff%', 'weft_session', '=;=;', 'a'.repeat(4000)]) }],
    ]);
  }
  const account = ctx.world[actor];
  return r.weighted<Record<string, string>>([
    [8, { authorization: `Bearer ${account.token}` }],
    [1, { cookie: account.cookie }],
    [
      1,
      { cookie: account.cookie, origin: r.pick(['http://evil.example', 'null', `http://127.0.0.1:${ctx.world.port}`]) },
    ],
  ]);
};

const contentType = (r: Rand): string | undefined =>
  r.weighted<string | undefined>([
    [16, 'application/json'],
    [1, undefined],
    [1, 'text/plain'],
    [
      1,
      r.pick(['application/json; charset=utf-16', 'APPLICATION/JSON', 'application/jsonx', 'application/json\u0000']),
    ],
    [1, r.pick(['application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/*'])],
  ]);

/** Answers a webhook gives when its run failed or did not answer: part of its contract, not a server failure. */
const WEBHOOK_FAILURES = new Set(['workflow_failed', 'no_response', 'bad_response', 'timeout']);

const errorCodeOf = (answer: HttpAnswer): string | undefined => {
  try {
    const body = JSON.parse(answer.text) as { error?: { code?: unknown; message?: unknown } };
    return typeof body.error?.code === 'string' && typeof body.error.message === 'string' ? body.error.code : undefined;
  } catch {
    return undefined;
  }
};

/** Judges one HTTP answer by the rules above; shared with the raw HTTP inputs. */
export const judgeAnswer = (
  ctx: FuzzContext,
  kind: 'rest' | 'http',
  method: string,
  path: string,
  answer: HttpAnswer,
  input: string,
): void => {
  ctx.record.status(kind, answer.status);
  // What the server routes by: dot segments resolved (/api/x/../../etc is /etc), the query left out.
  let resolved = path;
  try {
    resolved = new URL(path, 'http://127.0.0.1').pathname;
  } catch {
    // Not a URL to the server either: keep the text.
  }
  const route = resolved.replace(/\/[A-Za-z0-9_-]{16,}/g, '/:id');
  const code = errorCodeOf(answer);
  if (answer.status >= 500) {
    ctx.record.serverError(`${answer.status} ${method} ${route.slice(0, 80)} ${code ?? ''}`.trim());
    const webhook = /^\/webhook(-test)?\//.test(resolved);
    if (!(webhook && code !== undefined && WEBHOOK_FAILURES.has(code))) {
      ctx.record.find(
        'no 5xx for what a request carries',
        `${answer.status} ${code ?? ''} on ${method} ${route}`,
        input,
      );
    }
  }
  // HEAD answers carry no body; 431 comes from Node's HTTP parser, before Weft sees the request.
  if (
    resolved.startsWith('/api/') &&
    answer.status >= 400 &&
    answer.status !== 431 &&
    method !== 'HEAD' &&
    code === undefined
  ) {
    ctx.record.find(
      'REST errors are { error: { code, message } }',
      `${answer.status} on ${method} ${route}: ${answer.text.slice(0, 120)}`,
      input,
    );
  }
  if (answer.status < 300 && answer.text.startsWith('{')) {
    try {
      ctx.pools.learn(path, JSON.parse(answer.text));
    } catch {
      // Not JSON after all: nothing to learn.
    }
  }
};

const WEIGHTED_ROUTES = ROUTES.map((route) => [route.weight ?? 1, route] as const);

export const restInput: InputRunner = async (r, ctx) => {
  const route = r.weighted(WEIGHTED_ROUTES);
  const actor = r.weighted<Actor>([
    [2, 'anonymous'],
    [4, 'editor'],
    [2, 'viewer'],
    [2, 'stranger'],
  ]);
  let path = renderPath(r, ctx, route);
  if (r.chance(0.05))
    path = r.pick([`${path}/`, path.toUpperCase(), `/${path}`, `${path}%2f..`, `${path}?${'q'.repeat(5000)}`]);
  const headers = credentialsOf(r, ctx, actor);
  let body: string | undefined;
  const method = r.chance(0.03) ? r.pick(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD']) : route.method;
  if (route.body || r.chance(0.05)) {
    const valid = route.body ? route.body(r, ctx) : {};
    body = r.weighted<() => string>([
      [3, () => toJsonText(valid)],
      [6, () => toJsonText(mutateJson(r, valid))],
      [1, () => brokenJsonText(r, toJsonText(valid))],
      [0.02, () => `{"big":"${'x'.repeat(10 * 1024 * 1024 + 10)}"}`],
    ])();
    const type = contentType(r);
    if (type !== undefined) headers['content-type'] = type;
  }
  const input = noteInput(
    ctx,
    'rest',
    `${actor} ${method} ${path.slice(0, 300)} ${JSON.stringify(headers).slice(0, 200)} body=${body === undefined ? '-' : summarize(body)}`,
  );
  let answer: HttpAnswer;
  try {
    answer = await httpRequest(ctx.world.port, method, path, headers, body, 150_000);
  } catch (error) {
    const err = error as NodeJS.ErrnoException;
    // node:http refusing to send it (bad characters in the path or a header) is no answer from the server.
    if (err.code?.startsWith('ERR_')) return;
    // A request the server refuses before reading all of it (a head past Node's 16 kB limit, a body past
    // what the socket buffers) is answered and reset; the reset drops the answer (docs/decisions.md).
    const headBytes = path.length + JSON.stringify(headers).length;
    const lost =
      (err.code === 'ECONNRESET' || err.code === 'EPIPE') && (headBytes > 16 * 1024 || (body?.length ?? 0) > 64 * 1024);
    if (lost) return;
    ctx.record.find('every request is answered', `${method} ${route.path}: ${err.message}`, input);
    return;
  }
  judgeAnswer(ctx, 'rest', method, path, answer, input);
};
