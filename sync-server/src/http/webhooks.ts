import type { IncomingMessage } from 'node:http';
import { Hono, type Context } from 'hono';
import { ErrorCodes, UserError } from '#shared/errors.ts';
import { paramText } from '#shared/schema/params.ts';
import { toDefinition } from '#shared/schema/to-definition.ts';
import type { AccountStore } from '../accounts/account-store.ts';
import type { ExecutionService, RunOptions } from '../executions/execution-service.ts';
import type { RoomManager } from '../rooms/room-manager.ts';
import type { TestWebhooks } from '../triggers/test-webhooks.ts';
import type { TriggerService } from '../triggers/trigger-service.ts';
import { methodOf, normalizePath, webhookNodes } from '../triggers/webhook-nodes.ts';
import { matchNodes } from '../triggers/webhook-paths.ts';
import { accessOf, can } from '../workflows/access.ts';
import type { WorkflowStore } from '../workflows/workflow-store.ts';
import type { AppEnv } from './auth.ts';
import { requestHost } from './host-guard.ts';
import { clientAddress } from './client-address.ts';
import { contentTypeOf, ipAllowed, isBot, webhookBody, webhookQuery } from './webhook-request.ts';
import { receivedAnswer, WEBHOOK_SECURITY_HEADERS, webhookAnswer } from './webhook-response.ts';
import type { WebhookLatency } from '../insights/webhook-latency.ts';

/**
 * `ANY /webhook/<path>` runs an active workflow's published version;
 * `ANY /webhook-test/<path>` runs the current document of a workflow whose
 * editor is listening for a test event (http/routes/workflows.ts). The answer
 * follows the Webhook node's response mode: at once, with the last node's
 * first item, or from Respond to Webhook.
 */

/** How long a caller waits for a run that answers at its end. */
const RESPONSE_TIMEOUT_MS = 120_000;

/** Webhook bodies are limited like API bodies. */
const MAX_BODY_BYTES = 10 * 1024 * 1024;

/**
 * Request headers a workflow never sees: the visitor's session and
 * credentials for Weft (a browser sends Weft's cookie to every URL of its
 * origin, webhooks included), and, behind a trusted proxy, the forwarding
 * headers Weft itself acts on.
 */
const PRIVATE_HEADERS = new Set(['cookie', 'authorization', 'proxy-authorization']);
const PROXY_HEADERS = new Set(['forwarded', 'x-forwarded-for', 'x-forwarded-host', 'x-forwarded-proto', 'x-real-ip']);

/**
 * The Node request under hono (@hono/node-server passes it as `env.incoming`).
 * Reading headers and body from it directly spares building a full web
 * Request per call, which was a large share of a webhook's cost.
 */
const incomingOf = (c: Context): IncomingMessage | undefined =>
  (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;

/** How long a refused body may still stream in (discarded) so its sender can read the 413. */
const LINGER_MS = 5_000;

/**
 * Reads the body up to the limit. Past it, the rest is read and discarded for
 * a few seconds instead of the connection being cut: a client still uploading
 * when its socket is reset never reads the 413 (it sees ECONNRESET), which is
 * what nginx's lingering close avoids too. A sender that keeps going past
 * that is cut off.
 */
const readBytes = async (c: Context): Promise<Buffer> => {
  const incoming = incomingOf(c);
  if (!incoming) return Buffer.from(await c.req.arrayBuffer());
  if (Number(incoming.headers['content-length'] ?? 0) > MAX_BODY_BYTES) return Promise.reject(tooLarge(incoming));
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) {
        chunks.push(chunk);
        return;
      }
      cleanup();
      reject(tooLarge(incoming));
    };
    const onEnd = () => {
      cleanup();
      resolve(Buffer.concat(chunks));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    const cleanup = () => {
      incoming.off('data', onData);
      incoming.off('end', onEnd);
      incoming.off('error', onError);
    };
    incoming.on('data', onData);
    incoming.on('end', onEnd);
    incoming.on('error', onError);
  });
};

/** The 413 for a body past the limit; what is still coming is discarded for a while, then cut off. */
const tooLarge = (incoming: IncomingMessage): UserError => {
  incoming.resume();
  const timer = setTimeout(() => incoming.destroy(), LINGER_MS);
  timer.unref();
  incoming.once('end', () => clearTimeout(timer));
  return new UserError(ErrorCodes.payloadTooLarge, `Request bodies are limited to ${MAX_BODY_BYTES} bytes`);
};

const headersOf = (c: Context, trustProxy: boolean): Record<string, string> => {
  const incoming = incomingOf(c);
  const entries: [string, string | string[] | undefined][] = incoming
    ? Object.entries(incoming.headers)
    : [...c.req.raw.headers];
  const out: Record<string, string> = {};
  for (const [name, value] of entries) {
    if (value === undefined || PRIVATE_HEADERS.has(name) || (trustProxy && PROXY_HEADERS.has(name))) continue;
    out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
};

/** The request's body as the Webhook node's n8n version reads it (webhook-request.ts). */
const readBody = async (
  c: Context,
  headers: Record<string, string>,
  node: WebhookNode,
): Promise<{ body: unknown; binaryWay: boolean }> => {
  const p = node.parameters;
  const raw = c.req.method === 'GET' || c.req.method === 'HEAD' ? Buffer.alloc(0) : await readBytes(c);
  return webhookBody(raw, contentTypeOf(headers['content-type']), {
    version: p.legacyBody === true ? 1 : 2,
    binaryData: p.binaryData === true,
    rawBody: p.rawBody === true,
    ...(headers['content-encoding'] ? { contentEncoding: headers['content-encoding'] } : {}),
    maxBytes: MAX_BODY_BYTES,
  });
};

/**
 * The path after /webhook/ or /webhook-test/, decoded, and its segments each
 * decoded on its own (what a `:name` path parameter takes: a `%2F` stays in
 * its segment); a malformed %-escape is the caller's mistake.
 */
const pathOf = (rawPath: string): { path: string; segments: string[] } => {
  const encoded = rawPath.replace(/^\/webhook(-test)?\/?/, '');
  try {
    return {
      path: normalizePath(decodeURIComponent(encoded)),
      segments: encoded
        .replace(/^\/+|\/+$/g, '')
        .split('/')
        .map(decodeURIComponent),
    };
  } catch {
    throw new UserError(ErrorCodes.badRequest, 'The webhook path has a malformed %-escape');
  }
};

/**
 * The node's path as n8n writes it into webhookUrl: as set, one leading slash
 * dropped; a path with parameters under the node's webhook id (n8n's
 * getNodeWebhookUrl), when it carries one.
 */
const configuredPath = (p: Record<string, unknown>): string => {
  const text = paramText(p.path);
  const path = text.startsWith('/') ? text.slice(1) : text;
  const id = paramText(p.webhookId);
  return id && (text.startsWith(':') || text.includes('/:')) ? `${id}/${path}` : path;
};

/** The origin callers used: behind a trusted proxy, its X-Forwarded-Proto and -Host. */
const publicOrigin = (c: Context, url: URL, trustProxy: boolean): string => {
  if (!trustProxy) return url.origin;
  const proto = c.req.header('x-forwarded-proto')?.split(',')[0]?.trim();
  const host = requestHost({ host: url.host, 'x-forwarded-host': c.req.header('x-forwarded-host') }, true);
  return `${proto === 'https' || proto === 'http' ? proto : url.protocol.slice(0, -1)}://${host ?? url.host}`;
};

type WebhookNode = { id: string; parameters: Record<string, unknown> };

interface Target {
  workflowId: string;
  versionHash?: string;
  node: WebhookNode;
  /** Who the run belongs to (the listening editor of a test webhook). */
  userId?: string;
  /** What the path's `:name` parameters took. */
  params: Record<string, string>;
}

export const webhookRoutes = (deps: {
  triggers: TriggerService;
  testWebhooks: TestWebhooks;
  executions: ExecutionService;
  rooms: RoomManager;
  accounts: AccountStore;
  workflows: WorkflowStore;
  trustProxy: boolean;
  /** Production answers' latencies for insights; unset: not recorded. */
  latency?: WebhookLatency | undefined;
}) => {
  /** The workflow listening for a test event on this path, read from its document as it is now. */
  const testTarget = async (method: string, path: string, segments: string[]): Promise<Target | undefined> => {
    const listener = await deps.testWebhooks.find(method, path, segments);
    if (!listener) return undefined;
    // The editor who listens must still be allowed to run it.
    const user = await deps.accounts.getActiveUser(listener.userId);
    const access = user ? await accessOf(deps.workflows, listener.workflowId, user) : undefined;
    if (access?.status !== 'ok' || !can(access.role, 'edit')) {
      await deps.testWebhooks.stop(listener.workflowId);
      return undefined;
    }
    const definition = await deps.rooms.withRoom(listener.workflowId, (room) => toDefinition(room.doc));
    const nodes = webhookNodes(definition);
    const found =
      matchNodes(
        nodes.filter((n) => methodOf(n) === method),
        path,
        segments,
      ) ??
      (method === 'HEAD'
        ? matchNodes(
            nodes.filter((n) => methodOf(n) === 'GET'),
            path,
            segments,
          )
        : undefined);
    return found
      ? { workflowId: listener.workflowId, node: found.node, userId: listener.userId, params: found.params }
      : undefined;
  };

  const handle = async (c: Context<AppEnv>, test: boolean) => {
    const arrived = performance.now();
    const { path, segments } = pathOf(c.req.path);
    const method = c.req.method;
    const live = test
      ? undefined
      : ((await deps.triggers.webhook(method, path, segments)) ??
        (method === 'HEAD' ? await deps.triggers.webhook('GET', path, segments) : undefined));
    const target: Target | undefined = test
      ? await testTarget(method, path, segments)
      : live && { ...live.target, params: live.params };
    if (!target) {
      throw new UserError(
        ErrorCodes.notFound,
        test
          ? `No workflow is listening for a test event on ${method} /webhook-test/${path} (press "Listen for test event" in the editor)`
          : `No active workflow has a ${method} webhook at /webhook/${path}`,
      );
    }
    const url = new URL(c.req.url);
    const p = target.node.parameters;
    const headers = headersOf(c, deps.trustProxy);
    const search = c.req.url.includes('?') ? c.req.url.slice(c.req.url.indexOf('?') + 1) : '';
    // n8n's server reads the body first (422 when it cannot), then its Webhook node refuses (403, no run).
    const { body, binaryWay } = await readBody(c, headers, target.node);
    if (!ipAllowed(p.ipWhitelist, clientAddress(c, deps.trustProxy)))
      throw new UserError(ErrorCodes.forbidden, 'IP is not allowed to access the webhook!');
    if (p.ignoreBots === true && isBot(c.req.header('user-agent')))
      throw new UserError(ErrorCodes.forbidden, 'Authorization data is wrong!');
    const item = {
      json: {
        headers,
        params: target.params,
        query: webhookQuery(search),
        ...(body === undefined ? {} : { body }),
        webhookUrl: `${publicOrigin(c, url, deps.trustProxy)}/${test ? 'webhook-test' : 'webhook'}/${configuredPath(p)}`,
        executionMode: test ? 'test' : 'production',
      },
    };
    const user = target.userId ? ((await deps.accounts.getUser(target.userId)) ?? null) : null;
    const options = {
      mode: test ? ('test' as const) : ('webhook' as const),
      ...(target.versionHash ? { versionHash: target.versionHash } : {}),
      startNodeId: target.node.id,
      triggerItems: [item],
    };
    const answer = await respond(c, target, user, options, binaryWay);
    // The answer is built: what is left is writing it out, which the caller's connection paces, not Weft.
    if (!test) deps.latency?.record(target.workflowId, performance.now() - arrived, Date.now());
    return answer;
  };

  const respond = async (
    c: Context<AppEnv>,
    target: Target,
    user: Parameters<ExecutionService['run']>[1],
    options: RunOptions,
    binaryWay: Parameters<typeof receivedAnswer>[3],
  ) => {
    const p = target.node.parameters;
    const mode = paramText(p.responseMode, 'onReceived');
    if (mode === 'onReceived') {
      const execution = await deps.executions.run(target.workflowId, user, options);
      return receivedAnswer(c, p, execution.id, binaryWay);
    }
    const { ended } = await deps.executions.runAndWait(target.workflowId, user, options, RESPONSE_TIMEOUT_MS);
    const result = await ended;
    if (!result) return c.json({ error: { code: 'timeout', message: 'The workflow did not answer in time' } }, 504);
    return webhookAnswer(c, result, mode, p);
  };

  return new Hono<AppEnv>()
    .use('/webhook/*', sandboxed)
    .use('/webhook-test/*', sandboxed)
    .all('/webhook/*', (c) => handle(c, false))
    .all('/webhook-test/*', (c) => handle(c, true));
};

/** Every webhook answer (errors included) is sandboxed, not sniffed and, by default, not stored. */
const sandboxed = async (c: Context, next: () => Promise<void>): Promise<void> => {
  await next();
  for (const [name, value] of Object.entries(WEBHOOK_SECURITY_HEADERS)) c.res.headers.set(name, value);
  // Answers are per call: no cache keeps them unless the workflow says otherwise.
  if (!c.res.headers.has('cache-control')) c.res.headers.set('cache-control', 'no-store');
};
