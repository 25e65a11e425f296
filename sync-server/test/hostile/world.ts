import type { ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as Y from 'yjs';
import { readMeta, setWorkflowDescription, toDefinition } from '#shared/schema/index.ts';
import { startEngine, stopEngine, TEST_ENGINE_TOKEN } from '../helpers/engine-process.ts';
import { spawnServer, type SpawnedServer } from '../helpers/spawn-server.ts';
import { tempDir } from '../helpers/temp-dir.ts';
import { connectClient, waitFor, type YwsClient } from '../helpers/yws-client.ts';

/**
 * The world the fuzzer attacks: the real server as its own process (a crash
 * shows as the process ending), a real engine process, accounts in every
 * role, and the workflows the checks between batches rely on.
 *
 * - owner (the instance admin): owns everything below; never a fuzzer.
 * - editor, viewer, stranger: the fuzzer's accounts. editor edits the
 *   playground; viewer only views the playground and the protected workflow;
 *   stranger is a member of nothing. All three may make workflows of their own.
 * - protected: a workflow the fuzzer may read (as viewer) but never change;
 *   its stored state is compared after every batch.
 * - playground: where the fuzzer's editor writes what it likes.
 * - check: the owner's workflow whose run proves the engine still works.
 * - hooks: active webhooks (answer at once, with the last node, from a
 *   Respond node) for the anonymous fuzzer to call.
 */

export interface Account {
  label: 'owner' | 'editor' | 'viewer' | 'stranger';
  email: string;
  password: string;
  id: string;
  token: string;
  tokenId: string;
  cookie: string;
}

export interface World {
  server: SpawnedServer;
  /** The real engine process (replaced when a batch runs without it, see withoutRealEngine). */
  engine: ChildProcess | undefined;
  port: number;
  baseUrl: string;
  wsUrl: string;
  engineToken: string;
  owner: Account;
  editor: Account;
  viewer: Account;
  stranger: Account;
  protectedId: string;
  playgroundId: string;
  checkId: string;
  hookIds: string[];
  /** Paths of the active webhooks. */
  hookPaths: string[];
  ownerCredentialId: string;
  /** Ids the fuzzer must not learn (the tokens the harness itself uses): losing them is no finding. */
  reserved: Set<string>;
  /** Stock clients of the owner kept open in the fuzzed rooms: the fuzzer must never get them closed. */
  bystanders: { name: string; client: YwsClient }[];
  /** Stops the real engine (the fuzzing engines get every job meanwhile); checks that it had not ended by itself. */
  stopRealEngine(): Promise<string | undefined>;
  /** Starts a real engine if none runs. */
  startRealEngine(): Promise<void>;
  /**
   * The owner deletes the playground and makes a fresh one (its members and
   * bystander too): the fuzzer's editor grows it without bound, and every
   * structural edit costs the server a scan of the whole document.
   */
  recyclePlayground(): Promise<{ from: string; to: string }>;
  stop(): Promise<void>;
}

/** The server's settings for the fuzzer: small frames so oversized ones are cheap, a small queue per workflow. */
export const SERVER_ENV: Record<string, string> = {
  WEFT_ENGINE: 'none',
  WEFT_ENGINE_TOKEN: TEST_ENGINE_TOKEN,
  WEFT_MAX_FRAME_BYTES: String(256 * 1024),
  WEFT_MAX_QUEUED_PER_WORKFLOW: '50',
  WEFT_AUTH_LIMIT_PER_ADDRESS: '100',
  WEFT_ROOM_UNLOAD_MS: '200',
};

interface Reply {
  status: number;
  body: unknown;
}

/** The harness's own REST calls (not fuzzing): JSON in, JSON out, bounded in time. */
export const api = async (
  baseUrl: string,
  method: string,
  path: string,
  options: { token?: string; body?: unknown; timeoutMs?: number } = {},
): Promise<Reply> => {
  const headers: Record<string, string> = {};
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers,
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
    signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text ? (JSON.parse(text) as unknown) : undefined;
  } catch {
    // Kept as text.
  }
  return { status: res.status, body };
};

const expectStatus = (reply: Reply, status: number | number[], what: string): Record<string, unknown> => {
  const wanted = Array.isArray(status) ? status : [status];
  if (!wanted.includes(reply.status)) throw new Error(`${what}: ${reply.status} ${JSON.stringify(reply.body)}`);
  return (reply.body ?? {}) as Record<string, unknown>;
};

const node = (id: string, type: string, parameters: Record<string, unknown>, x: number, extra = {}) => ({
  id,
  name: id,
  type,
  typeVersion: 1,
  position: { x, y: 0 },
  parameters,
  ...extra,
});

const signUp = async (baseUrl: string, label: Account['label']): Promise<Account> => {
  const email = `${label}@hostile.example`;
  const password = `${label} pass ${Math.random().toString(36).slice(2)}`;
  const res = await fetch(`${baseUrl}/api/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password, name: label }),
  });
  const body = (await res.json()) as { user: { id: string } };
  if (res.status !== 201) throw new Error(`sign-up of ${label}: ${res.status} ${JSON.stringify(body)}`);
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const tokenRes = await fetch(`${baseUrl}/api/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie },
    body: JSON.stringify({ name: 'hostile harness' }),
  });
  const token = (await tokenRes.json()) as { id: string; token: string };
  return { label, email, password, id: body.user.id, token: token.token, tokenId: token.id, cookie };
};

const importWorkflow = async (world: Pick<World, 'baseUrl'>, owner: Account, definition: unknown): Promise<string> =>
  String(
    expectStatus(
      await api(world.baseUrl, 'POST', '/api/workflows/import', { token: owner.token, body: definition }),
      201,
      'import',
    ).id,
  );

/** Makes `who` a member with `role` the way people do: invited by the owner, accepted by them. */
export const addMember = async (
  baseUrl: string,
  owner: Account,
  workflowId: string,
  who: Account,
  role: 'editor' | 'viewer',
): Promise<void> => {
  const invited = expectStatus(
    await api(baseUrl, 'POST', `/api/workflows/${workflowId}/members`, {
      token: owner.token,
      body: { email: who.email, role },
    }),
    [200, 202],
    'invite',
  );
  const invitation = invited.invitation as { id: string } | undefined;
  if (!invitation) return;
  expectStatus(
    await api(baseUrl, 'POST', `/api/me/invitations/${invitation.id}/accept`, { token: who.token }),
    200,
    'accept',
  );
};

export const startWorld = async (): Promise<World> => {
  const dir = tempDir('weft-hostile-');
  const server = await spawnServer(dir.path, { env: SERVER_ENV });
  const bystanders: World['bystanders'] = [];
  let world: World | undefined;
  let engine: ChildProcess | undefined;
  const stop = async () => {
    for (const b of bystanders) b.client.destroy();
    await stopEngine(world?.engine ?? engine);
    if (server.child.exitCode === null && server.child.signalCode === null) {
      server.child.kill('SIGTERM');
      await Promise.race([server.exited, new Promise((r) => setTimeout(r, 5000))]);
      server.child.kill('SIGKILL');
    }
    dir.remove();
  };
  try {
    engine = await startEngine(server.baseUrl);
    const base = { baseUrl: server.baseUrl };
    // The first account is the instance admin: the owner, never a fuzzer.
    const owner = await signUp(server.baseUrl, 'owner');
    const editor = await signUp(server.baseUrl, 'editor');
    const viewer = await signUp(server.baseUrl, 'viewer');
    const stranger = await signUp(server.baseUrl, 'stranger');

    const credential = expectStatus(
      await api(server.baseUrl, 'POST', '/api/credentials', {
        token: owner.token,
        body: { name: 'Owner API', type: 'bearer', data: { token: 'owner-secret-0123456789' } },
      }),
      201,
      'credential',
    );
    const ownerCredentialId = String(credential.id);
    const protectedId = await importWorkflow(base, owner, {
      weft: 1,
      name: 'Protected',
      description: 'Only its owner changes this workflow.',
      nodes: [
        node('start', 'manualTrigger', {}, 0),
        node('fields', 'set', { mode: 'raw', jsonOutput: '{"kept": true}' }, 200),
        node('call', 'httpRequest', { method: 'GET', url: 'https://example.com/', authentication: 'credential' }, 400, {
          credentials: { httpAuth: ownerCredentialId },
        }),
      ],
      edges: [
        { source: 'start', target: 'fields' },
        { source: 'fields', target: 'call' },
      ],
    });
    expectStatus(
      await api(server.baseUrl, 'POST', `/api/credentials/${ownerCredentialId}/grants`, {
        token: owner.token,
        body: { workflowId: protectedId },
      }),
      201,
      'grant',
    );
    expectStatus(
      await api(server.baseUrl, 'POST', `/api/workflows/${protectedId}/publish`, { token: owner.token }),
      200,
      'publish',
    );
    await addMember(server.baseUrl, owner, protectedId, viewer, 'viewer');

    const makePlayground = async (): Promise<string> => {
      const id = await importWorkflow(base, owner, {
        weft: 1,
        name: 'Playground',
        nodes: [node('start', 'manualTrigger', {}, 0), node('pass', 'noOp', {}, 200)],
        edges: [{ source: 'start', target: 'pass' }],
      });
      await addMember(server.baseUrl, owner, id, editor, 'editor');
      await addMember(server.baseUrl, owner, id, viewer, 'viewer');
      return id;
    };
    const playgroundId = await makePlayground();

    const checkId = await importWorkflow(base, owner, {
      weft: 1,
      name: 'Liveness',
      nodes: [
        node('start', 'manualTrigger', {}, 0),
        node('code', 'code', { jsCode: 'return [{ json: { ok: true } }];' }, 200),
        node('pass', 'noOp', {}, 400),
      ],
      edges: [
        { source: 'start', target: 'code' },
        { source: 'code', target: 'pass' },
      ],
    });

    const hookPaths = ['hook-now', 'hook-last', 'hook-reply'];
    const hookIds: string[] = [];
    for (const [path, responseMode] of [
      ['hook-now', 'onReceived'],
      ['hook-last', 'lastNode'],
      ['hook-reply', 'responseNode'],
    ] as const) {
      const id = await importWorkflow(base, owner, {
        weft: 1,
        name: path,
        nodes: [
          node('hook', 'webhook', { path, httpMethod: 'POST', responseMode }, 0),
          node('fields', 'set', { mode: 'raw', jsonOutput: '={{ JSON.stringify({ got: $json.body }) }}' }, 200),
          node('reply', 'respondToWebhook', { respondWith: 'firstIncomingItem', responseCode: 200 }, 400),
        ],
        edges: [
          { source: 'hook', target: 'fields' },
          { source: 'fields', target: 'reply' },
        ],
      });
      expectStatus(
        await api(server.baseUrl, 'POST', `/api/workflows/${id}/publish`, { token: owner.token }),
        200,
        path,
      );
      expectStatus(
        await api(server.baseUrl, 'POST', `/api/workflows/${id}/activate`, { token: owner.token }),
        200,
        path,
      );
      hookIds.push(id);
    }

    for (const [name, id] of [
      ['owner in protected', protectedId],
      ['owner in playground', playgroundId],
    ] as const) {
      const client = connectClient(server.wsUrl, id, { token: owner.token });
      bystanders.push({ name, client });
      await client.synced();
    }

    world = {
      server,
      engine,
      port: server.port,
      baseUrl: server.baseUrl,
      wsUrl: server.wsUrl,
      engineToken: TEST_ENGINE_TOKEN,
      owner,
      editor,
      viewer,
      stranger,
      protectedId,
      playgroundId,
      checkId,
      hookIds,
      hookPaths,
      ownerCredentialId,
      reserved: new Set([owner.tokenId, editor.tokenId, viewer.tokenId, stranger.tokenId]),
      bystanders,
      stopRealEngine: async () => {
        const current = world?.engine;
        if (!world || !current) return undefined;
        world.engine = undefined;
        const ended =
          current.exitCode !== null || current.signalCode !== null
            ? `the engine process ended by itself (${current.exitCode ?? current.signalCode})`
            : undefined;
        await stopEngine(current);
        return ended;
      },
      startRealEngine: async () => {
        if (!world || world.engine) return;
        world.engine = await startEngine(server.baseUrl);
      },
      recyclePlayground: async () => {
        if (!world) throw new Error('no world');
        const from = world.playgroundId;
        const index = bystanders.findIndex((b) => b.name === 'owner in playground');
        bystanders[index]?.client.destroy();
        expectStatus(
          await api(server.baseUrl, 'DELETE', `/api/workflows/${from}`, { token: owner.token }),
          204,
          'delete',
        );
        const to = await makePlayground();
        world.playgroundId = to;
        const client = connectClient(server.wsUrl, to, { token: owner.token });
        if (index >= 0) bystanders[index] = { name: 'owner in playground', client };
        await client.synced();
        return { from, to };
      },
      stop,
    };
    return world;
  } catch (error) {
    await stop();
    throw error;
  }
};

/** sha256 of bytes, for comparing stored states in messages. */
const digest = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex').slice(0, 16);

/**
 * Everything about the protected workflow the fuzzer must not be able to
 * change, read by its owner: the exported definition, the encoded Yjs state
 * (any update, insertion or deletion, changes it), the summary, the members
 * (the fuzzing viewer may leave, so its own row is left out), grants,
 * executions, and the owner's own account, tokens and credentials.
 */
export const protectedState = async (world: World): Promise<Record<string, unknown>> => {
  const { baseUrl, owner, protectedId } = world;
  const get = async (path: string) => {
    const reply = await api(baseUrl, 'GET', path, { token: owner.token });
    return { status: reply.status, body: reply.body };
  };
  const members = await get(`/api/workflows/${protectedId}/members`);
  const body = members.body as { members?: { userId: string }[] } | undefined;
  const client = connectClient(world.wsUrl, protectedId, { token: owner.token });
  let yjs: Record<string, unknown>;
  try {
    await client.synced();
    yjs = {
      stateVector: digest(Y.encodeStateVector(client.doc)),
      state: digest(Y.encodeStateAsUpdate(client.doc)),
      definition: toDefinition(client.doc),
    };
  } finally {
    client.destroy();
  }
  // The owner's webhook workflows: the fuzzer calls them, and may change nothing of them either.
  const hooks: Record<string, unknown> = {};
  for (const id of world.hookIds) {
    const summary = await get(`/api/workflows/${id}`);
    const { updatedAt: _updatedAt, ...rest } = (summary.body ?? {}) as Record<string, unknown>;
    hooks[id] = { export: await get(`/api/workflows/${id}/export`), summary: rest };
  }
  return {
    yjs,
    hooks,
    export: await get(`/api/workflows/${protectedId}/export`),
    summary: await get(`/api/workflows/${protectedId}`),
    members: { ...members, body: { ...body, members: body?.members?.filter((m) => m.userId !== world.viewer.id) } },
    // The viewer may grant its own credentials to a workflow it can read: only the owner's are compared.
    grants: await get(`/api/workflows/${protectedId}/credentials`).then(({ status, body }) => ({
      status,
      owners: (body as { credentials?: { ownerId: string }[] } | undefined)?.credentials?.filter(
        (c) => c.ownerId === owner.id,
      ),
    })),
    executions: await get(`/api/executions?workflowId=${protectedId}`),
    me: await get('/api/auth/me'),
    // lastUsedAt moves whenever the harness uses the owner's token.
    tokens: await get('/api/tokens').then(({ status, body }) => ({
      status,
      tokens: (body as { tokens?: { id: string; name: string; createdAt: number }[] } | undefined)?.tokens?.map(
        ({ id, name, createdAt }) => ({ id, name, createdAt }),
      ),
    })),
    credentials: await get('/api/credentials'),
  };
};

/**
 * Puts back what the fuzzer may legitimately undo so the next batch attacks
 * the same world: its accounts' memberships (they may leave), its runs (it
 * may start long ones: they are stopped so the check's run gets an engine),
 * and its active workflows (schedules every second would pile up).
 */
export const repair = async (world: World): Promise<string[]> => {
  const problems: string[] = [];
  const { baseUrl, owner } = world;
  for (const account of [world.editor, world.viewer, world.stranger]) {
    const me = await api(baseUrl, 'GET', '/api/auth/me', { token: account.token });
    if (me.status !== 200) problems.push(`${account.label}'s API token stopped working (${me.status})`);
  }
  const memberships: [string, Account, 'editor' | 'viewer'][] = [
    [world.playgroundId, world.editor, 'editor'],
    [world.playgroundId, world.viewer, 'viewer'],
    [world.protectedId, world.viewer, 'viewer'],
  ];
  for (const [workflowId, who, role] of memberships) {
    const list = await api(baseUrl, 'GET', `/api/workflows/${workflowId}/members`, { token: owner.token });
    const members = (list.body as { members?: { userId: string; role: string }[] } | undefined)?.members ?? [];
    const found = members.find((m) => m.userId === who.id);
    if (!found) await addMember(baseUrl, owner, workflowId, who, role);
    else if (found.role !== role) problems.push(`${who.label} became ${found.role} of ${workflowId}`);
  }
  for (const account of [world.editor, world.viewer, world.stranger]) {
    for (const status of ['queued', 'running']) {
      const list = await api(baseUrl, 'GET', `/api/executions?status=${status}&limit=200`, { token: account.token });
      const executions = (list.body as { executions?: { id: string }[] } | undefined)?.executions ?? [];
      for (const e of executions) await api(baseUrl, 'POST', `/api/executions/${e.id}/stop`, { token: account.token });
    }
    const workflows = await api(baseUrl, 'GET', '/api/workflows', { token: account.token });
    const list =
      (workflows.body as { workflows?: { id: string; active: boolean; role: string }[] } | undefined)?.workflows ?? [];
    for (const w of list) {
      if (w.active && w.role !== 'viewer') {
        await api(baseUrl, 'POST', `/api/workflows/${w.id}/deactivate`, { token: account.token });
      }
    }
  }
  return problems;
};

/** A stock y-websocket client syncs, and an edit reaches a second stock client. */
export const checkSync = async (world: World, round: number): Promise<void> => {
  const a = connectClient(world.wsUrl, world.checkId, { token: world.owner.token });
  const b = connectClient(world.wsUrl, world.checkId, { token: world.owner.token });
  try {
    await a.synced();
    await b.synced();
    const text = `round ${round}`;
    setWorkflowDescription(a.doc, text);
    await waitFor('the edit to reach the second client', () => readMeta(b.doc).description === text, 10_000);
  } finally {
    a.destroy();
    b.destroy();
  }
};

/** A run started over REST reaches `succeeded` on the real engine. */
export const checkRun = async (world: World): Promise<void> => {
  const started = expectStatus(
    await api(world.baseUrl, 'POST', `/api/workflows/${world.checkId}/run`, { token: world.owner.token }),
    201,
    'run',
  );
  const until = Date.now() + 30_000;
  for (;;) {
    const r = await api(world.baseUrl, 'GET', `/api/executions/${String(started.id)}`, { token: world.owner.token });
    const body = r.body as { status?: string; error?: string } | undefined;
    if (body?.status === 'succeeded') return;
    if (body?.status === 'failed' || body?.status === 'canceled')
      throw new Error(`the check run ${body.status}: ${body.error ?? ''}`);
    if (Date.now() > until) throw new Error(`the check run did not end in 30 s (${r.status} ${JSON.stringify(body)})`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};

/**
 * The owner (the instance admin, who may read every workflow) can read every
 * execution of the hook workflows and every one a fuzzing engine was handed,
 * whatever an engine sent back for it: 200, or 404 once its workflow is gone.
 */
export const checkExecutionsReadable = async (world: World, handed: readonly string[]): Promise<string[]> => {
  const problems: string[] = [];
  const ids = new Set(handed);
  for (const id of world.hookIds) {
    const list = await api(world.baseUrl, 'GET', `/api/executions?workflowId=${id}&limit=30`, {
      token: world.owner.token,
    });
    if (list.status !== 200) problems.push(`GET /api/executions?workflowId=${id}: ${list.status}`);
    else for (const e of (list.body as { executions: { id: string }[] }).executions) ids.add(e.id);
  }
  for (const id of ids) {
    for (const path of [`/api/executions/${id}`, `/api/executions/${id}/logs`]) {
      const r = await api(world.baseUrl, 'GET', path, { token: world.owner.token });
      if (r.status !== 200 && r.status !== 404) {
        problems.push(`GET ${path}: ${r.status} ${JSON.stringify(r.body).slice(0, 200)}`);
      }
    }
  }
  return problems;
};
