import type { IncomingMessage } from 'node:http';
import { Hono, type Context } from 'hono';
import { ErrorCodes, UserError } from '#shared/errors.ts';
import { paramText } from '#shared/schema/params.ts';
import type { RunResultMessage } from '#shared/protocol/engine.ts';
import { toDefinition } from '#shared/schema/to-definition.ts';
import type { EngineHub } from '../executions/engine-hub.ts';
import type { ExecutionService } from '../executions/execution-service.ts';
import type { RoomManager } from '../rooms/room-manager.ts';
import type { TriggerService } from '../triggers/trigger-service.ts';
import type { AppEnv } from './auth.ts';

/**
 * `ANY /webhook/<path>` runs an active workflow's published version;
 * `ANY /webhook-test/<path>` runs the current document of a workflow someone
 * has open (for building). The answer follows the Webhook node's response
 * mode: at once, with the last node's first item, or from Respond to Webhook.
 */

/** How long a caller waits for a run that answers at its end. */
const RESPONSE_TIMEOUT_MS = 120_000;

/** Webhook bodies are limited like API bodies. */
const MAX_BODY_BYTES = 10 * 1024 * 1024;

/**
 * The Node request under hono (@hono/node-server passes it as `env.incoming`).
 * Reading headers and body from it directly spares building a full web
 * Request per call, which was a large share of a webhook's cost.
 */
const incomingOf = (c: Context): IncomingMessage | undefined =>
  (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;

const readText = async (c: Context): Promise<string> => {
  const incoming = incomingOf(c);
  if (!incoming) return c.req.text();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of incoming as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) {
      throw new UserError(ErrorCodes.payloadTooLarge, `Request bodies are limited to ${MAX_BODY_BYTES} bytes`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
};

const headersOf = (c: Context): Record<string, string> => {
  const incoming = incomingOf(c);
  if (!incoming) return Object.fromEntries(c.req.raw.headers);
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(incoming.headers)) {
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
};

const readBody = async (c: Context): Promise<unknown> => {
  if (c.req.method === 'GET' || c.req.method === 'HEAD') return {};
  const type = headersOf(c)['content-type'] ?? '';
  const text = await readText(c);
  if (text === '') return {};
  if (/\bjson\b/i.test(type)) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new UserError(ErrorCodes.badRequest, 'The request body is not valid JSON');
    }
  }
  if (/application\/x-www-form-urlencoded/i.test(type)) return Object.fromEntries(new URLSearchParams(text));
  return text;
};

const answer = (c: Context, result: RunResultMessage, mode: string) => {
  if (result.status !== 'succeeded') {
    return c.json({ error: { code: 'workflow_failed', message: result.error ?? 'The workflow failed' } }, 500);
  }
  if (mode === 'responseNode') {
    if (!result.response) {
      return c.json(
        { error: { code: 'no_response', message: 'The workflow ended without a Respond to Webhook node answering' } },
        500,
      );
    }
    const { status, headers, body } = result.response;
    const isText = typeof body === 'string' && Object.keys(headers).some((h) => h.toLowerCase() === 'content-type');
    const payload = body === undefined ? null : isText ? body : JSON.stringify(body);
    const out = new Response(payload, {
      status,
      headers: { ...(isText || payload === null ? {} : { 'content-type': 'application/json' }), ...headers },
    });
    return out;
  }
  return c.json(result.lastOutput[0]?.json ?? {}, 200);
};

export const webhookRoutes = (deps: {
  triggers: TriggerService;
  executions: ExecutionService;
  hub: EngineHub;
  rooms: RoomManager;
}) => {
  const handle = async (c: Context<AppEnv>, test: boolean) => {
    const path = decodeURIComponent(c.req.path.replace(/^\/webhook(-test)?\/?/, ''));
    const method = c.req.method;
    let target:
      | { workflowId: string; versionHash?: string; node: { id: string; parameters: Record<string, unknown> } }
      | undefined;
    if (test) {
      // Test webhooks listen in workflows someone has open, on their current document.
      for (const id of deps.rooms.loadedIds()) {
        const definition = await deps.rooms.withRoom(id, (room) => toDefinition(room.doc));
        const node = definition.nodes.find(
          (n) =>
            n.type === 'webhook' &&
            !n.disabled &&
            paramText(n.parameters.path).replace(/^\/+|\/+$/g, '') === path &&
            (n.parameters.httpMethod ?? 'GET') === method,
        );
        if (node) {
          target = { workflowId: id, node };
          break;
        }
      }
    } else
      target =
        deps.triggers.webhook(method, path) ?? (method === 'HEAD' ? deps.triggers.webhook('GET', path) : undefined);
    if (!target) {
      throw new UserError(
        ErrorCodes.notFound,
        test
          ? `No open workflow has a ${method} webhook at /webhook-test/${path}`
          : `No active workflow has a ${method} webhook at /webhook/${path}`,
      );
    }
    const url = new URL(c.req.url);
    const item = {
      json: {
        headers: headersOf(c),
        params: {},
        query: Object.fromEntries(url.searchParams),
        body: await readBody(c),
        webhookUrl: `${url.origin}${url.pathname}`,
        executionMode: test ? 'test' : 'production',
      },
    };
    const execution = await deps.executions.run(target.workflowId, null, {
      mode: test ? 'test' : 'webhook',
      ...(target.versionHash ? { versionHash: target.versionHash } : {}),
      startNodeId: target.node.id,
      triggerItems: [item],
    });
    const mode = paramText(target.node.parameters.responseMode, 'onReceived');
    if (mode === 'onReceived') {
      const code = Number(target.node.parameters.responseCode ?? 200);
      return c.json({ message: 'Workflow was started', executionId: execution.id }, code as 200);
    }
    const result = await Promise.race([
      deps.hub.waitFor(execution.id),
      new Promise<undefined>((resolve) => {
        setTimeout(() => resolve(undefined), RESPONSE_TIMEOUT_MS).unref();
      }),
    ]);
    if (!result) return c.json({ error: { code: 'timeout', message: 'The workflow did not answer in time' } }, 504);
    return answer(c, result, mode);
  };
  return new Hono<AppEnv>().all('/webhook/*', (c) => handle(c, false)).all('/webhook-test/*', (c) => handle(c, true));
};
