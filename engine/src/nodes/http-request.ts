import { Headers, type Response } from 'undici';
import { MAIN } from '#shared/nodes/types.ts';
import { OutboundRefused } from '../net/address-policy.ts';
import type { Item, JsonObject } from '#shared/runs/items.ts';
import { NodeError, type Credential, type NodeContext, type NodeExecutor } from '../runner/types.ts';
import { pairedWith } from '../runner/paired-items.ts';
import { abortableSleep } from '../runner/sleep.ts';
import { buildRequest } from './http-request-build.ts';
import { responseItems, responseOptions } from './http-response-items.ts';

/**
 * HTTP Request: one request per item, with the item's resolved parameters,
 * built and read as n8n's HTTP Request 1–4.x does (http-request-build.ts,
 * http-response-items.ts; what 1–2 did otherwise is in explicit parameters),
 * paused between batches. A status outside 2xx fails the node unless
 * "never error" is on. Requests go through the run's outbound client (the
 * server's network policy, redirects followed — unless turned off — and
 * checked hop by hop); a body is read only up to its limit.
 */

/** Largest response body read; the node's output budget can make it smaller. */
export const MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

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
  else if (credential.type === 'basic')
    headers.set(
      'authorization',
      `Basic ${Buffer.from(`${credential.user}:${credential.password}`).toString('base64')}`,
    );
  // An SMTP or Crypto credential's secrets must never go out as an HTTP login.
  else throw new NodeError(`a ${credential.type} credential cannot authenticate an HTTP request`);
  return ['authorization'];
};

const requestFor = async (ctx: NodeContext, p: JsonObject, index: number) => {
  const built = buildRequest(p, index);
  let secretHeaders: string[] = [];
  if (p.authentication === 'credential') {
    const id = ctx.node.credentials?.httpAuth ?? Object.values(ctx.node.credentials ?? {})[0];
    if (!id) throw new NodeError('choose a credential for this request');
    secretHeaders = applyCredential(await ctx.credential(id), built.headers);
  }
  return { ...built, secretHeaders };
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

/** Response headers as n8n shows them: lowercase names, repeated ones joined. */
const headersOf = (res: Response): Record<string, string> => {
  const out: Record<string, string> = {};
  res.headers.forEach((value, name) => {
    out[name] = value;
  });
  return out;
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

const metaOf = (a: { status: number; statusText: string; headers: Record<string, string> }): JsonObject => ({
  headers: a.headers,
  statusCode: a.status,
  statusMessage: a.statusText,
});

/**
 * How long to wait before item `index`'s request: every `batchSize` items
 * (0 counts as 1), `batchInterval` ms, as n8n's batching does.
 */
const batchPause = (p: JsonObject, index: number): number => {
  const size = Number(p.batchSize ?? 0);
  const interval = Number(p.batchInterval ?? 0);
  if (index === 0 || !(size >= 0) || !(interval > 0)) return 0;
  return index % (size > 0 ? size : 1) === 0 ? Math.min(interval, 3_600_000) : 0;
};

export const httpRequest: NodeExecutor = async (ctx) => {
  const params = ctx.params();
  const out: Item[] = [];
  // Bodies of all items together stay within what the node may put out.
  let budget = ctx.maxOutputBytes ?? Number.POSITIVE_INFINITY;
  for (let i = 0; i < ctx.items.length; i++) {
    const p = params[i] ?? {};
    const pause = batchPause(p, i);
    if (pause > 0) await abortableSleep(pause, ctx.signal);
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
        followRedirects: p.followRedirects !== false,
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
    if ((res.status >= 300 || res.status < 200) && p.neverError !== true) {
      throw new NodeError(`${where} answered ${res.status} ${res.statusText}: ${text.slice(0, 200)}`);
    }
    const answer = { status: res.status, statusText: res.statusText, headers: headersOf(res), text };
    if (p.responseFormat === 'none') {
      // n8n 1–2's "File" answer, whose file Weft does not keep: the input item goes on (with "full response", the status).
      const json = p.fullResponse === true ? metaOf(answer) : (ctx.items[i]?.json ?? {});
      out.push(pairedWith({ json }, { item: i }));
      continue;
    }
    let jsons: JsonObject[];
    try {
      jsons = responseItems(answer, responseOptions(p));
    } catch (e) {
      throw e instanceof NodeError ? new NodeError(`${where}: ${e.message}`) : e;
    }
    // Every item an answer makes pairs to the item its request was made for.
    for (const json of jsons) out.push(pairedWith({ json }, { item: i }));
  }
  return { [MAIN]: out };
};
