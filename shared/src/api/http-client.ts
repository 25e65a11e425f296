import { z } from 'zod';
import type { Issue } from '../errors.ts';
import { issueSchema } from './errors.ts';
import {
  isSuccessStatus,
  pathParamNames,
  type CallInput,
  type RouteContract,
  type SuccessBody,
  type SuccessResult,
} from './contract.ts';

/**
 * A typed REST client over the route contracts (routes/index.ts), for Node
 * (the CLI) and browsers alike: it builds the URL from the contract's path,
 * sends the body as JSON, and parses every answer with the schema the
 * contract gives for its status, so callers get typed data or an ApiError.
 *
 *   const api = createApiClient({ baseUrl: 'http://127.0.0.1:8787', token });
 *   const { workflows } = await api.call(apiRoutes.listWorkflows);
 */

/** The part of `fetch` the client uses (shared/ has no DOM or Node types). */
export interface FetchResponse {
  readonly status: number;
  readonly statusText: string;
  readonly headers: { get(name: string): string | null };
  text(): Promise<string>;
}
export interface FetchInit {
  method: string;
  headers: Record<string, string>;
  body?: string;
  credentials?: 'same-origin';
  signal?: unknown;
}
export type FetchLike = (url: string, init: FetchInit) => Promise<FetchResponse>;

export interface ApiClientOptions {
  /** The server's root, e.g. `http://127.0.0.1:8787`; `''` in the web app (same origin). */
  baseUrl: string;
  /** A personal API token, sent as `Authorization: Bearer <token>`. Without one, the session cookie is used (browsers). */
  token?: string | undefined;
  fetch?: FetchLike;
}

export interface CallOptions {
  /** An AbortSignal. */
  signal?: unknown;
}

/**
 * Codes the client itself gives, besides the server's (shared/src/errors.ts):
 * `network_error` (status 0: no answer), `bad_response` (an answer the
 * contract does not describe: undocumented status, not JSON, wrong shape).
 */
export type ClientErrorCode = 'network_error' | 'bad_response';

/** A call that failed: the server's error (status, code, message, issues) or the client's own. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly issues: Issue[];
  /** From Retry-After on 429 and 503. */
  readonly retryAfterSeconds: number | undefined;

  constructor(
    status: number,
    code: string,
    message: string,
    options: { issues?: Issue[]; retryAfterSeconds?: number | undefined; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.issues = options.issues ?? [];
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

export const isApiError = (value: unknown): value is ApiError => value instanceof ApiError;

/** Looser than the document's error schema: a newer server may send codes this client does not know. */
const errorBody = z.object({
  error: z.object({ code: z.string(), message: z.string(), issues: z.array(issueSchema).optional() }),
});

type InputArgs<C extends RouteContract> =
  object extends CallInput<C>
    ? [input?: CallInput<C>, options?: CallOptions]
    : [input: CallInput<C>, options?: CallOptions];

export interface ApiClient {
  /** Calls a route and answers its body (undefined for 204); throws ApiError otherwise. */
  call<C extends RouteContract>(route: C, ...args: InputArgs<C>): Promise<SuccessBody<C>>;
  /** Like `call`, with the status too, for routes that answer more than one success (200 or 201…). */
  request<C extends RouteContract>(route: C, ...args: InputArgs<C>): Promise<SuccessResult<C>>;
}

type Primitive = string | number | boolean;
const isPrimitive = (v: unknown): v is Primitive =>
  typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';

export const buildUrl = (
  baseUrl: string,
  route: RouteContract,
  params: Record<string, string> | undefined,
  query: Record<string, unknown> | undefined,
): string => {
  let path = route.path;
  for (const name of pathParamNames(route.path)) {
    const value = params?.[name];
    if (value === undefined || value === '') {
      throw new ApiError(0, 'bad_request', `${route.operationId}: the path parameter "${name}" is missing`);
    }
    path = path.replace(`{${name}}`, encodeURIComponent(value));
  }
  const pairs = Object.entries(query ?? {})
    .filter((entry): entry is [string, Primitive] => isPrimitive(entry[1]))
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`);
  return `${baseUrl.replace(/\/+$/, '')}${path}${pairs.length > 0 ? `?${pairs.join('&')}` : ''}`;
};

const retryAfter = (res: FetchResponse): number | undefined => {
  const value = Number(res.headers.get('retry-after'));
  return Number.isFinite(value) && value > 0 ? value : undefined;
};

const describe = (route: RouteContract): string => `${route.method.toUpperCase()} ${route.path}`;

export const createApiClient = (options: ApiClientOptions): ApiClient => {
  const fetchImpl = options.fetch ?? (globalThis as { fetch?: FetchLike }).fetch;
  if (!fetchImpl) throw new Error('createApiClient: no fetch in this runtime; pass one');

  const request = async (
    route: RouteContract,
    input: { params?: Record<string, string>; query?: Record<string, unknown>; body?: unknown } = {},
    callOptions: CallOptions = {},
  ): Promise<{ status: number; body: unknown }> => {
    const url = buildUrl(options.baseUrl, route, input.params, input.query);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    const init: FetchInit = { method: route.method.toUpperCase(), headers, credentials: 'same-origin' };
    if (route.body && (input.body !== undefined || !route.bodyOptional)) {
      headers['content-type'] = 'application/json';
      init.body = JSON.stringify(input.body ?? null);
    }
    if (callOptions.signal !== undefined) init.signal = callOptions.signal;

    let res: FetchResponse;
    let text: string;
    try {
      res = await fetchImpl(url, init);
      text = await res.text();
    } catch (cause) {
      const reason = cause instanceof Error ? cause.message : String(cause);
      throw new ApiError(
        0,
        'network_error',
        `${describe(route)}: no answer from ${options.baseUrl || 'the server'} (${reason})`,
        {
          cause,
        },
      );
    }
    const spec = route.responses[res.status];
    // A documented non-JSON answer (a template's SVG picture) is handed over as the text it is.
    if (spec?.media !== undefined && isSuccessStatus(res.status)) return { status: res.status, body: text };
    let json: unknown;
    if (text.length > 0) {
      try {
        json = JSON.parse(text) as unknown;
      } catch (cause) {
        throw new ApiError(
          res.status,
          'bad_response',
          `${describe(route)}: answered ${res.status} with a body that is not JSON`,
          {
            cause,
          },
        );
      }
    }
    if (!isSuccessStatus(res.status)) {
      const parsed = errorBody.safeParse(json);
      if (parsed.success) {
        const { code, message, issues } = parsed.data.error;
        throw new ApiError(res.status, code, message, { issues: issues ?? [], retryAfterSeconds: retryAfter(res) });
      }
      throw new ApiError(res.status, 'bad_response', `${describe(route)}: answered ${res.status} ${res.statusText}`, {
        retryAfterSeconds: retryAfter(res),
      });
    }
    if (!spec) {
      throw new ApiError(
        res.status,
        'bad_response',
        `${describe(route)}: answered ${res.status}, which it never should`,
      );
    }
    if (!spec.schema) return { status: res.status, body: undefined };
    const parsed = spec.schema.safeParse(json);
    if (!parsed.success) {
      const issues: Issue[] = parsed.error.issues.map((i) => ({
        path: i.path.filter((p): p is string | number => typeof p !== 'symbol'),
        message: i.message,
        severity: 'error',
      }));
      throw new ApiError(
        res.status,
        'bad_response',
        `${describe(route)}: the answer does not have the documented shape`,
        {
          issues,
        },
      );
    }
    return { status: res.status, body: parsed.data };
  };

  // The casts tie the untyped core above to each route's types: its body was parsed with that route's schema.
  return {
    call: async <C extends RouteContract>(route: C, ...args: InputArgs<C>) =>
      (await request(route, args[0], args[1])).body as SuccessBody<C>,
    request: async <C extends RouteContract>(route: C, ...args: InputArgs<C>) =>
      (await request(route, args[0], args[1])) as SuccessResult<C>,
  };
};
