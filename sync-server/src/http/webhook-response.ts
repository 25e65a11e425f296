import type { Context } from 'hono';
import type { RunResultMessage } from '#shared/protocol/engine.ts';

/**
 * What a webhook answers, and what it may not. Webhooks are served on Weft's
 * own origin, so a workflow's answer must not be able to act as Weft: every
 * answer is sandboxed (CSP `sandbox`: an HTML answer runs in an opaque
 * origin, without the visitor's session or Weft's storage) and not sniffed,
 * and a workflow cannot set the headers that change the origin's state for
 * the browser. docs/decisions.md has the reasoning; docs/SECURITY.md the list.
 */

/** Set on every webhook answer, Weft's own errors included; a workflow cannot override them. */
export const WEBHOOK_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': 'sandbox',
  'x-content-type-options': 'nosniff',
};

/**
 * Headers a Respond to Webhook node may not set: they would outlive the
 * answer and change how the browser treats all of Weft's origin (cookies,
 * service workers, stored data, transport and isolation policies, reporting),
 * loosen the sandbox above, or break HTTP framing (hop-by-hop headers).
 */
export const DENIED_RESPONSE_HEADERS: ReadonlySet<string> = new Set([
  // Origin state: cookies, storage, service workers, login status, client hints.
  'set-cookie',
  'set-cookie2',
  'clear-site-data',
  'service-worker-allowed',
  'set-login',
  'accept-ch',
  'critical-ch',
  // Policies the browser keeps for the whole origin.
  'strict-transport-security',
  'alt-svc',
  'public-key-pins',
  'public-key-pins-report-only',
  'expect-ct',
  'origin-agent-cluster',
  'nel',
  'report-to',
  'reporting-endpoints',
  // Weft's own protections of this answer.
  'content-security-policy',
  'content-security-policy-report-only',
  'x-content-type-options',
  'x-frame-options',
  'cross-origin-opener-policy',
  'cross-origin-embedder-policy',
  'cross-origin-resource-policy',
  'permissions-policy',
  'document-policy',
  'speculation-rules',
  'supports-loading-mode',
  // Framing and hop-by-hop headers belong to the server.
  'connection',
  'keep-alive',
  'transfer-encoding',
  'content-length',
  'content-encoding',
  'upgrade',
  'te',
  'trailer',
  'proxy-authenticate',
  'proxy-connection',
]);

/** The workflow's headers without the denied ones, names lower-cased, values that HTTP can carry. */
export const allowedResponseHeaders = (headers: Record<string, string>): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    const key = name.trim().toLowerCase();
    if (!/^[!#$%&'*+.^_`|~0-9a-z-]+$/.test(key) || DENIED_RESPONSE_HEADERS.has(key)) continue;
    if (typeof value !== 'string' || /[\r\n\0]/.test(value)) continue;
    out[key] = value;
  }
  return out;
};

/** Statuses that carry no body by definition. */
const bodyless = (status: number): boolean => status === 204 || status === 205 || status === 304;

/** The node's response code, when it is one HTTP can send (200 otherwise). */
const statusOf = (value: unknown): number => {
  const code = Number(value ?? 200);
  return Number.isInteger(code) && code >= 200 && code <= 599 ? code : 200;
};

/** The node's "Response Headers" rows (name/value), as a workflow may set them. */
const rowsOf = (rows: unknown): Record<string, string> => {
  const out: Record<string, string> = {};
  if (!Array.isArray(rows)) return out;
  for (const row of rows as { name?: unknown; value?: unknown }[]) {
    if (typeof row.name === 'string' && row.name !== '')
      out[row.name] =
        typeof row.value === 'string' ? row.value : typeof row.value === 'number' ? String(row.value) : '';
  }
  return out;
};

/**
 * "Respond: Immediately", as n8n answers: the response code and headers,
 * and n8n's `{ "message": "Workflow was started" }`, the text set, or no
 * body. Text goes out as text/plain, not Express's text/html (documented).
 * The execution's id rides in a header, where n8n's body has none.
 * `binaryWay`: n8n's node stored the body as binary data and handed back no
 * answer of its own, so an empty Response Data text answers n8n's message.
 */
export const receivedAnswer = (
  c: Context,
  p: Record<string, unknown>,
  executionId: string,
  binaryWay: boolean,
): Response => {
  const status = statusOf(p.responseCode);
  const headers: Record<string, string> = { 'x-weft-execution-id': executionId };
  const text = typeof p.responseText === 'string' ? p.responseText : '';
  const chosen = typeof p.immediateAnswer === 'string' ? p.immediateAnswer : 'started';
  const answer = chosen === 'text' && text === '' && binaryWay ? 'started' : chosen;
  let payload: string | null = null;
  if (answer === 'text') {
    payload = text;
    headers['content-type'] = 'text/plain; charset=utf-8';
  } else if (answer !== 'empty') {
    payload = JSON.stringify({ message: 'Workflow was started' });
    headers['content-type'] = 'application/json';
  }
  if (payload === '' || bodyless(status) || c.req.method === 'HEAD') payload = null;
  return new Response(payload, {
    status,
    headers: { ...headers, ...allowedResponseHeaders(rowsOf(p.responseHeaders)), ...WEBHOOK_SECURITY_HEADERS },
  });
};

/**
 * The webhook's answer for a finished run, as its response mode says. What
 * an engine sent may not be encodable (nested deeper than JSON.stringify
 * goes): that is a bad answer from the workflow, not a server failure.
 */
export const webhookAnswer = (
  c: Context,
  result: RunResultMessage,
  mode: string,
  p: Record<string, unknown> = {},
): Response => {
  try {
    return answerOf(c, result, mode, p);
  } catch {
    return c.json(
      { error: { code: 'bad_response', message: "The workflow's answer could not be encoded as JSON" } },
      500,
    );
  }
};

const answerOf = (c: Context, result: RunResultMessage, mode: string, p: Record<string, unknown>): Response => {
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
    const { status, body } = result.response;
    if (!Number.isInteger(status) || status < 200 || status > 599) {
      return c.json(
        { error: { code: 'bad_response', message: `Respond to Webhook set the status ${status}; use 200–599` } },
        500,
      );
    }
    const headers = allowedResponseHeaders(result.response.headers);
    const isText = typeof body === 'string' && 'content-type' in headers;
    const payload = body === undefined || bodyless(status) ? null : isText ? body : JSON.stringify(body);
    return new Response(payload, {
      status,
      headers: {
        ...(isText || payload === null ? {} : { 'content-type': 'application/json' }),
        ...headers,
        ...WEBHOOK_SECURITY_HEADERS,
      },
    });
  }
  return lastNodeAnswer(c, p, result.lastOutput);
};

/** lodash's `get` for a property path as n8n's Property Name takes it: `a.b`, `a[0]`. */
const pathGet = (value: unknown, path: string): unknown => {
  let at: unknown = value;
  for (const key of path.split(/[.[\]]+/).filter((k) => k !== '')) {
    if (at === null || typeof at !== 'object' || !Object.hasOwn(at, key)) return undefined;
    at = (at as Record<string, unknown>)[key];
  }
  return at;
};

/**
 * "Respond: When Last Node Finishes", as n8n's extractWebhookLastNodeResponse
 * and server: the first item's JSON (or one property of it, in the content
 * type set), all items' JSON as a list, or no body; with the node's response
 * code and headers. No item to answer with is n8n's 500.
 */
const lastNodeAnswer = (c: Context, p: Record<string, unknown>, items: { json: unknown }[]): Response => {
  const data = typeof p.lastNodeData === 'string' ? p.lastNodeData : 'firstEntryJson';
  const headers = allowedResponseHeaders(rowsOf(p.responseHeaders));
  let body: unknown;
  if (data === 'allEntries') body = items.map((i) => i.json);
  else if (data === 'firstEntryJson') {
    const first = items[0];
    if (!first) return c.json({ error: { code: 'no_response', message: 'No item to return was found' } }, 500);
    const property = typeof p.responsePropertyName === 'string' ? p.responsePropertyName : '';
    body = property === '' ? first.json : pathGet(first.json, property);
    const type = typeof p.responseContentType === 'string' ? p.responseContentType : '';
    if (type !== '') headers['content-type'] = type;
  }
  const status = statusOf(p.responseCode);
  const text = typeof body === 'string';
  const payload =
    body === undefined || bodyless(status) || c.req.method === 'HEAD'
      ? null
      : typeof body === 'string'
        ? body
        : JSON.stringify(body);
  // Express: text goes out as text/html unless a type is set (Weft: text/plain), anything else as JSON.
  const type = text ? 'text/plain; charset=utf-8' : 'application/json';
  return new Response(payload, {
    status,
    headers: { 'content-type': type, ...headers, ...WEBHOOK_SECURITY_HEADERS },
  });
};
