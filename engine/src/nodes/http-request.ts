import { MAIN } from '#shared/nodes/types.ts';
import { isJsonObject, type Item, type JsonObject } from '../runner/items.ts';
import { NodeError, type Credential, type NodeContext, type NodeExecutor } from '../runner/types.ts';
import { str } from './values.ts';

/**
 * HTTP Request: one request per item, with the item's resolved parameters.
 * The answer becomes the item: JSON bodies as they are (a JSON list becomes
 * one item per entry), anything else as `{ data }`. A status of 400 or more
 * fails the node with the status and the start of the body.
 */

const MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

const rows = (value: unknown): { name: string; value: string }[] =>
  Array.isArray(value)
    ? (value as { name?: unknown; value?: unknown }[])
        .filter((r) => str(r.name, '').trim() !== '')
        .map((r) => ({ name: String(r.name).trim(), value: str(r.value, '') }))
    : [];

const applyCredential = (credential: Credential, headers: Headers): void => {
  if (credential.type === 'apiKeyHeader') headers.set(credential.name, credential.value);
  else if (credential.type === 'bearer') headers.set('authorization', `Bearer ${credential.token}`);
  else
    headers.set(
      'authorization',
      `Basic ${Buffer.from(`${credential.user}:${credential.password}`).toString('base64')}`,
    );
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
    applyCredential(await ctx.credential(id), headers);
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
  return { url, method, headers, body };
};

const readBody = async (res: Response): Promise<string> => {
  const length = Number(res.headers.get('content-length') ?? 0);
  if (length > MAX_RESPONSE_BYTES)
    throw new NodeError(`the response is larger than ${MAX_RESPONSE_BYTES / 1048576} MB`);
  const text = await res.text();
  if (text.length > MAX_RESPONSE_BYTES)
    throw new NodeError(`the response is larger than ${MAX_RESPONSE_BYTES / 1048576} MB`);
  return text;
};

export const httpRequest: NodeExecutor = async (ctx) => {
  const params = ctx.params();
  const out: Item[] = [];
  for (let i = 0; i < ctx.items.length; i++) {
    const p = params[i] ?? {};
    const { url, method, headers, body } = await requestFor(ctx, p, i);
    const timeout = Number(p.timeout ?? 30_000);
    const signal = AbortSignal.any([ctx.signal, AbortSignal.timeout(timeout > 0 ? timeout : 30_000)]);
    let res: Response;
    try {
      res = await fetch(url, { method, headers, ...(body !== undefined ? { body } : {}), signal, redirect: 'follow' });
    } catch (e) {
      if (ctx.signal.aborted) throw e;
      const reason =
        e instanceof Error && e.name === 'TimeoutError'
          ? `no answer within ${timeout} ms`
          : e instanceof Error
            ? e.cause instanceof Error
              ? e.cause.message
              : e.message
            : String(e);
      throw new NodeError(`${method} ${url.origin}${url.pathname} failed: ${reason}`);
    }
    const text = await readBody(res);
    if (res.status >= 400) {
      throw new NodeError(
        `${method} ${url.origin}${url.pathname} answered ${res.status} ${res.statusText}: ${text.slice(0, 200)}`,
      );
    }
    const format = str(p.responseFormat, 'autodetect');
    const isJson =
      format === 'json' || (format === 'autodetect' && /\bjson\b/i.test(res.headers.get('content-type') ?? ''));
    if (isJson && text.trim() !== '') {
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        throw new NodeError(`${method} ${url.origin}${url.pathname} answered with invalid JSON`);
      }
      const list = Array.isArray(parsed) ? parsed : [parsed];
      for (const entry of list) out.push({ json: isJsonObject(entry) ? entry : { data: entry } });
    } else {
      out.push({ json: { data: text } });
    }
  }
  return { [MAIN]: out };
};
