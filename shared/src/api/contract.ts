import type { z } from 'zod';
import { apiErrorBodySchema } from './errors.ts';

/**
 * A REST route's contract: method, path, what it takes and what it answers
 * (every status, errors included), as zod schemas. The server registers its
 * handlers for these (sync-server/src/http/routes/), the OpenAPI document is
 * generated from them (openapi.ts) and the typed client calls them
 * (http-client.ts): one description, three users.
 */

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface ResponseSpec {
  description: string;
  /** No schema: the answer has no body (204). */
  schema?: z.ZodType;
  /**
   * The answer's media type when it is not JSON (a template's picture is
   * `image/svg+xml`); `schema` then describes nothing and is left out.
   */
  media?: string;
}

export interface RouteContract {
  /** Unique, camelCase: the OpenAPI operationId. */
  operationId: string;
  method: HttpMethod;
  /** From the server's root, OpenAPI style: `/api/workflows/{id}`. Every parameter is one path segment. */
  path: string;
  tag: string;
  summary: string;
  description?: string;
  /**
   * `user`: a signed-in person (session cookie or API token) or 401;
   * `optional`: works with or without one; `none`: public.
   */
  auth: 'user' | 'optional' | 'none';
  /** Descriptions of the path parameters (each is a string). */
  params?: Record<string, string>;
  query?: z.ZodObject;
  /** A JSON body (`application/json`). */
  body?: z.ZodType;
  /** The body may be left out (no Content-Type, no body). */
  bodyOptional?: boolean;
  /** The route's own answers; answers every route can give are added by {@link responsesOf}. */
  responses: Record<number, ResponseSpec>;
}

/** Keeps the literal types of a contract (statuses, path) for the server's and the client's typing. */
export const defineRoute = <const C extends RouteContract>(contract: C): C => contract;

export const errorResponse = (description: string): { description: string; schema: typeof apiErrorBodySchema } => ({
  description,
  schema: apiErrorBodySchema,
});

export const SUCCESS_STATUSES = [200, 201, 202, 204] as const;
export type SuccessStatusCode = (typeof SUCCESS_STATUSES)[number];
export const isSuccessStatus = (status: number): status is SuccessStatusCode =>
  (SUCCESS_STATUSES as readonly number[]).includes(status);

export type SuccessStatus<C extends RouteContract> = Extract<keyof C['responses'], SuccessStatusCode>;

/** What a route answers with a given status, once parsed by its schema. */
export type ResponseBody<C extends RouteContract, S extends keyof C['responses']> = C['responses'][S] extends {
  schema: infer Z extends z.ZodType;
}
  ? z.output<Z>
  : C['responses'][S] extends { media: string }
    ? string
    : undefined;

/** What the server may send with a given status (before the schema's defaults and transforms). */
export type ResponseInput<C extends RouteContract, S extends keyof C['responses']> = C['responses'][S] extends {
  schema: infer Z extends z.ZodType;
}
  ? z.input<Z>
  : undefined;

export type SuccessBody<C extends RouteContract> = { [S in SuccessStatus<C>]: ResponseBody<C, S> }[SuccessStatus<C>];

export type SuccessResult<C extends RouteContract> = {
  [S in SuccessStatus<C>]: { status: S; body: ResponseBody<C, S> };
}[SuccessStatus<C>];

export type PathParamName<P extends string> = P extends `${string}{${infer K}}${infer Rest}`
  ? K | PathParamName<Rest>
  : never;

export type PathParams<C extends RouteContract> = { [K in PathParamName<C['path']>]: string };

export type QueryOf<C extends RouteContract> = C['query'] extends z.ZodType ? z.output<C['query']> : undefined;
export type BodyOf<C extends RouteContract> = C['body'] extends z.ZodType
  ? C['bodyOptional'] extends true
    ? z.output<C['body']> | undefined
    : z.output<C['body']>
  : undefined;

/** The arguments of a call: `params` when the path has some, `query` when it takes one, `body` when it takes one. */
export type CallInput<C extends RouteContract> = ([PathParamName<C['path']>] extends [never]
  ? { params?: undefined }
  : { params: PathParams<C> }) &
  (C['query'] extends z.ZodType ? { query?: z.input<C['query']> } : { query?: undefined }) &
  (C['body'] extends z.ZodType
    ? C['bodyOptional'] extends true
      ? { body?: z.input<C['body']> }
      : { body: z.input<C['body']> }
    : { body?: undefined });

export const pathParamNames = (path: string): string[] =>
  [...path.matchAll(/\{([A-Za-z0-9_]+)\}/g)].map((m) => m[1] ?? '');

/** `/api/workflows/{id}` → `/api/workflows/:id` (hono's form). */
export const honoPath = (path: string): string => path.replace(/\{([A-Za-z0-9_]+)\}/g, ':$1');

const UNSAFE: readonly HttpMethod[] = ['post', 'put', 'patch', 'delete'];

/**
 * Every answer a route can give: its own, plus those that come from the
 * layers in front of every route (host guard, sign-in, same-origin check,
 * body reading, the error handler). Where a route lists one of these
 * statuses already, the descriptions are joined.
 */
export const responsesOf = (contract: RouteContract): Record<number, ResponseSpec> => {
  const out: Record<number, ResponseSpec> = { ...contract.responses };
  const add = (status: number, description: string): void => {
    const own = out[status];
    out[status] = own
      ? { description: `${own.description}; or ${description}`, schema: own.schema ?? apiErrorBodySchema }
      : errorResponse(description);
  };
  if (contract.body) {
    add(
      400,
      '`validation_failed` (with `issues`) when the body does not match its schema, `bad_request` when it is not JSON',
    );
    add(413, '`payload_too_large`: bodies are limited to 10 MiB');
    add(415, '`unsupported_media_type`: the body must be sent as `application/json`');
  }
  if (contract.query) add(400, '`bad_request`: a query parameter is not valid');
  if (contract.auth === 'user') add(401, '`unauthorized`: log in or send an API token');
  if (UNSAFE.includes(contract.method)) {
    add(403, '`forbidden`: a request authenticated by the session cookie came from another origin');
  }
  add(421, '`host_not_allowed`: the Host header names a host this instance does not serve');
  add(500, '`internal`: a fault in Weft (logged)');
  return out;
};
