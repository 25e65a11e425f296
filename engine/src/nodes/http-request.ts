import { Headers, type Response } from 'undici';
import { MAIN } from '#shared/nodes/types.ts';
import { OutboundRefused } from '../net/address-policy.ts';
import { isJsonObject, type Item, type JsonObject } from '../runner/items.ts';
import { NodeError, type Credential, type NodeContext, type NodeExecutor } from '../runner/types.ts';
import { str } from './values.ts';

/**
 * HTTP Request: one request per item, with the item's resolved parameters.
 * The answer becomes the item: JSON bodies as they are (a JSON list becomes
 * one item per entry), anything else as `{ data }`. A status of 400 or more
 * fails the node with the status and the start of the body. Requests go
 * through the run's outbound client (the server's network policy, redirects
 * followed and checked hop by hop); a body is read only up to its limit.
 */

/** Largest response body read; the node's output budget can make it smaller. */
export const MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

const rows = (value: unknown): { name: string; value: string }[] =>
  Array.isArray(value)
    ? (value as { name?: unknown; value?: unknown }[])
        .filter((r) => str(r.name, '').trim() !== '')
        .map((r) => ({ name: String(r.name).trim(), value: str(r.value, '') }))
    : [];

/** Sets the credential's header; answers the header names that carry its secret. */
const applyCredential = (credential: Credential, headers: Headers): string[] => {
  if (credential.type === 'apiKeyHeader') {
    try {
      headers.set(credential.name, credential.value);
    } catch {
      throw new NodeError(`the credential's header "${credential.name}" is not a valid header`);
    }
    return [credential.name];
  }
  if (credential.type === 'bearer') headers.set('authorization', `Bearer ${credential.token}`);
  else
    headers.set(
      'authorization',
      `Basic ${Buffer.from(`${credential.user}:${credential.password}`).toString('base64')}`,
    );
  return ['authorization'];
};

const requestFor = async (ctx: NodeContext, p: JsonObject, index: number) => {
  let url: URL;
  try {
    url = new URL(str(p.url, '').trim());
  } catch {
    throw new NodeError(`item ${index + 1}: "${String(p.url)}" is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new NodeError(`only http and https URLs can be called, not ${url.protocol}`);
  if (p.sendQuery === true) for (const q of rows(p.queryParameters)) url.searchParams.append(q.name, q.value);
  const headers = new Headers();
  let secretHeaders: string[] = [];
  if (p.sendHeaders === true) {
    for (const h of rows(p.headerParameters)) {
      try {
        headers.append(h.name, h.value);
      } catch {
        throw new NodeError(`"${h.name}" is not a valid header`);
      }
    }
  }
  if (p.authentication === 'credential') {
    const id = ctx.node.credentials?.httpAuth ?? Object.values(ctx.node.credentials ?? {})[0];
    if (!id) throw new NodeError('choose a credential for this request');
    secretHeaders = applyCredential(await ctx.credential(id), headers);
  }
  const method = str(p.method, 'GET');
  let body: string | undefined;
  if (p.sendBody === true && method !== 'GET' && method !== 'HEAD') {
    if (p.contentType === 'form-urlencoded') {
      body = new URLSearchParams(rows(p.bodyParameters).map((r): [string, string] => [r.name, r.value])).toString();
      headers.set('content-type', 'application/x-www-form-urlencoded');
    } else if (p.contentType === 'raw') {
      body = str(p.body, '');
      headers.set('content-type', str(p.rawContentType, 'text/plain'));
    } else {
      const json = typeof p.jsonBody === 'string' ? p.jsonBody : JSON.stringify(p.jsonBody ?? {});
      try {
        JSON.parse(json);
      } catch {
        throw new NodeError(`item ${index + 1}: the JSON body is not valid JSON`);
      }
      body = json;
      headers.set('content-type', 'application/json');
    }
  }
  return { url, method, headers, body, secretHeaders };
};

const sizeOf = (bytes: number) =>
  bytes >= 1048576 ? `${Math.round((bytes / 1048576) * 10) / 10} MB` : `${Math.max(0, Math.floor(bytes))} bytes`;

const tooLarge = (limit: number) =>
  new NodeError(
    limit < MAX_RESPONSE_BYTES
      ? `the response is larger than ${sizeOf(limit)}, what is left of the data this node may put out`
      : `the response is larger than ${sizeOf(limit)}, the most one request may read`,
  );

/** Reads the body up to `limit` bytes (after decompression) and stops the transfer past it. */
const readBody = async (res: Response, limit: number): Promise<string> => {
  const declared = Number(res.headers.get('content-length') ?? 0);
  if (declared > limit) {
    await res.body?.cancel();
    throw tooLarge(limit);
  }
  if (!res.body) return '';
  const reader = res.body.getReader() as ReadableStreamDefaultReader<Uint8Array>;
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel();
      throw tooLarge(limit);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, total).toString('utf8');
};

/** What to say when a request did not get an answer. */
const failureOf = (e: unknown, timeout: number): { refused: boolean; reason: string } => {
  const cause = e instanceof Error && e.cause instanceof Error ? e.cause : undefined;
  if (e instanceof OutboundRefused) return { refused: true, reason: e.message };
  if (cause instanceof OutboundRefused) return { refused: true, reason: cause.message };
  if (e instanceof Error && e.name === 'TimeoutError')
    return { refused: false, reason: `no answer within ${timeout} ms` };
  return { refused: false, reason: cause ? cause.message : e instanceof Error ? e.message : String(e) };
};

export const httpRequest: NodeExecutor = async (ctx) => {
  const params = ctx.params();
  const out: Item[] = [];
  // Bodies of all items together stay within what the node may put out.
  let budget = ctx.maxOutputBytes ?? Number.POSITIVE_INFINITY;
  for (let i = 0; i < ctx.items.length; i++) {
    const p = params[i] ?? {};
    const { url, method, headers, body, secretHeaders } = await requestFor(ctx, p, i);
    const timeout = Number(p.timeout ?? 30_000);
    const signal = AbortSignal.any([ctx.signal, AbortSignal.timeout(timeout > 0 ? timeout : 30_000)]);
    const where = `${method} ${url.origin}${url.pathname}`;
    let res: Response;
    let text: string;
    try {
      ({ response: res } = await ctx.outbound.request(url, {
        method,
        headers,
        ...(body !== undefined ? { body } : {}),
        signal,
        secretHeaders,
      }));
      const limit = Math.min(MAX_RESPONSE_BYTES, budget);
      text = await readBody(res, limit);
      budget -= Buffer.byteLength(text);
    } catch (e) {
      if (ctx.signal.aborted) throw e;
      if (e instanceof NodeError) throw e;
      const { refused, reason } = failureOf(e, timeout);
      throw new NodeError(`${where} ${refused ? 'was refused' : 'failed'}: ${reason}`);
    }
    if (res.status >= 400) {
      throw new NodeError(`${where} answered ${res.status} ${res.statusText}: ${text.slice(0, 200)}`);
    }
    const format = str(p.responseFormat, 'autodetect');
    const isJson =
      format === 'json' || (format === 'autodetect' && /\bjson\b/i.test(res.headers.get('content-type') ?? ''));
    if (isJson && text.trim() !== '') {
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        throw new NodeError(`${where} answered with invalid JSON`);
      }
      const list = Array.isArray(parsed) ? parsed : [parsed];
      for (const entry of list) out.push({ json: isJsonObject(entry) ? entry : { data: entry } });
    } else {
      out.push({ json: { data: text } });
    }
  }
  return { [MAIN]: out };
};
