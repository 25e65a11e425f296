import { MAIN } from '#shared/nodes/types.ts';
import type { JsonObject, NodeOutput } from '#shared/runs/items.ts';
import { NodeError, type NodeExecutor } from '../runner/types.ts';
import { lodashSet } from './lodash-paths.ts';

/**
 * Sets the answer of the webhook that started the run, and passes its items
 * on. The answer is n8n's: its parameters are read for the first item only, a
 * falsy code means 200 (307 for a redirect), header names are lower-cased,
 * and "Put Response in Field" wraps the items with lodash's `set`. Whether a
 * status is one HTTP can send is the server's to check (it refuses others).
 */
/** The node types n8n 1.1+ accepts before it (n8n's Webhook, Form, Chat triggers and Wait; Weft has two). */
const ANSWERABLE = ['webhook', 'wait'];

export const respondToWebhook: NodeExecutor = (ctx): NodeOutput => {
  const p = ctx.nodeParams();
  // n8n 1.1+: there must be something to answer (a manual run of the node alone fails).
  if (p.requireWebhook !== false && ctx.upstreamTypes && !ANSWERABLE.some((t) => ctx.upstreamTypes?.().has(t))) {
    throw new NodeError('No Webhook node found in the workflow');
  }
  const headers = new Map<string, string>();
  for (const h of Array.isArray(p.headers) ? (p.headers as { name?: unknown; value?: unknown }[]) : []) {
    // As n8n: String(name).toLowerCase() and value?.toString(), an empty name kept (the server drops it);
    // a value that comes out null or undefined unsets the header, even one an earlier row set.
    const name = jsText(h.name ?? '').toLowerCase();
    if (h.value === undefined || h.value === null) headers.delete(name);
    else headers.set(name, jsText(h.value));
  }
  const code = p.responseCode;
  let status = !code ? 200 : typeof code === 'number' ? code : Number(code);
  const wrap = (value: unknown): unknown => {
    const key = p.responseKey;
    if (!key) return value;
    const out: Record<string, unknown> = {};
    lodashSet(out, jsText(key), value);
    return out;
  };
  let body: unknown;
  switch (p.respondWith) {
    case 'allIncomingItems':
      body = wrap(ctx.items.map((i) => i.json));
      break;
    case 'firstIncomingItem':
      body = wrap(ctx.items[0]?.json);
      break;
    case 'json':
      body = jsonBody(p.responseBody);
      break;
    case 'text':
      // As it came out: an expression may give a number, an object or nothing.
      body = p.responseText;
      // Weft's own choice (docs/n8n-compatibility.md): text is text/plain unless the node says otherwise.
      if (!headers.has('content-type')) headers.set('content-type', 'text/plain; charset=utf-8');
      break;
    case 'noData':
      body = undefined;
      break;
    case 'redirect':
      headers.set('location', jsText(p.redirectURL ?? ''));
      // n8n: `responseCode ?? 307`, so a code of 0 stays 0 (and the server refuses it).
      status = code === undefined || code === null ? 307 : typeof code === 'number' ? code : Number(code);
      break;
    case 'binary':
      // Weft's items carry no binary data, so n8n's check for it never passes.
      throw new NodeError('No binary data exists on the first item!');
    default:
      throw new NodeError(`The Response Data option "${String(p.respondWith)}" is not supported!`);
  }
  ctx.respond({ status, headers: Object.fromEntries(headers), body });
  if (p.responseOutput !== true) return { [MAIN]: ctx.items };
  // n8n's "Response" branch: what was sent, its code as the node read it (text stays text).
  const statusCode = p.respondWith === 'redirect' ? (code ?? 307) : code || 200;
  const response = { body, headers: Object.fromEntries(headers), statusCode };
  return { [MAIN]: ctx.items, response: [{ json: JSON.parse(JSON.stringify({ response })) as JsonObject }] };
};

/** n8n's Response Body for "JSON": an object as it is, text parsed, nothing (empty) for no body. */
const jsonBody = (value: unknown): unknown => {
  if (!value) return undefined;
  if (typeof value === 'object') return value;
  try {
    return JSON.parse(jsText(value)) as unknown;
  } catch {
    throw new NodeError("Invalid JSON in 'Response Body' field");
  }
};

/** JavaScript's own String(value), as n8n's `toString()` gives it ('[object Object]', lists joined with commas). */
const jsText = (value: unknown): string => {
  if (Array.isArray(value)) return value.map((v) => (v === null || v === undefined ? '' : jsText(v))).join(',');
  if (typeof value === 'object' && value !== null) return '[object Object]';
  if (typeof value === 'function' || typeof value === 'symbol') return '';
  return String(value);
};
