import { Hono, type Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { z } from 'zod';
import { ErrorCodes, UserError } from '#shared/errors.ts';
import {
  honoPath,
  type BodyOf,
  type PathParams,
  type QueryOf,
  type ResponseInput,
  type RouteContract,
  type SuccessStatus,
} from '#shared/api/contract.ts';
import type { User } from '../../accounts/account-store.ts';
import { requireUser, type AppEnv } from '../auth.ts';
import { readJson } from '../errors.ts';

/**
 * Registers handlers for the route contracts of shared/src/api/routes: the
 * contract says what a route takes and answers, the handler what it does.
 * Sign-in (`auth: 'user'`) is checked first, then the query; the body is
 * read and validated only when the handler asks for it, so a route can
 * count an attempt (rate limits) before it looks at the body, as before.
 */

export interface HandlerInput<C extends RouteContract> {
  params: PathParams<C>;
  query: QueryOf<C>;
  /**
   * Reads the JSON body and validates it with the contract's schema (400 `validation_failed` with issues);
   * undefined when the contract's body is optional and the request has no Content-Type.
   */
  body: () => Promise<BodyOf<C>>;
  user: C['auth'] extends 'user' ? User : User | undefined;
}

/** Answers with one of the contract's success statuses and the body its schema describes. */
export type Reply<C extends RouteContract> = <S extends SuccessStatus<C>>(
  status: S,
  ...body: ResponseInput<C, S> extends undefined ? [] : [body: ResponseInput<C, S>]
) => Response;

export type RouteHandler<C extends RouteContract> = (
  c: Context<AppEnv>,
  input: HandlerInput<C>,
  reply: Reply<C>,
) => Response | Promise<Response>;

export interface ImplementedRoute {
  contract: RouteContract;
  register: (app: Hono<AppEnv>, path: string) => void;
}

/** The query's values, a name given more than once as the list of its values (the schema says which may repeat). */
const queryOf = (c: Context<AppEnv>): Record<string, string | string[]> =>
  Object.fromEntries(
    Object.entries(c.req.queries()).map(([name, values]) => [name, values.length === 1 ? (values[0] ?? '') : values]),
  );

/** A query that does not match its schema is a 400 `bad_request` naming each problem. */
const parseQuery = <S extends z.ZodType>(schema: S, raw: Record<string, string | string[]>): z.output<S> => {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    throw new UserError(
      ErrorCodes.badRequest,
      parsed.error.issues.map((i) => `${i.path.map(String).join('.')}: ${i.message}`).join('; '),
    );
  }
  return parsed.data;
};

const replier =
  (c: Context<AppEnv>) =>
  (status: number, ...body: unknown[]): Response =>
    status === 204 ? c.body(null, 204) : c.json(body[0], status as ContentfulStatusCode);

export const implement = <C extends RouteContract>(contract: C, handler: RouteHandler<C>): ImplementedRoute => ({
  contract,
  register: (app, path) => {
    app.on(contract.method.toUpperCase(), path, async (c) => {
      const user = contract.auth === 'user' ? requireUser(c) : c.get('user');
      // The casts bind the untyped request to the contract's types: each part was parsed with its schema.
      const input = {
        params: c.req.param() as PathParams<C>,
        query: (contract.query ? parseQuery(contract.query, queryOf(c)) : undefined) as QueryOf<C>,
        body: () =>
          (contract.body && (!contract.bodyOptional || Boolean(c.req.header('content-type')))
            ? readJson(c, contract.body)
            : Promise.resolve(undefined)) as Promise<BodyOf<C>>,
        user: user as HandlerInput<C>['user'],
      };
      return handler(c, input, replier(c));
    });
  },
});

/** A sub-app for the routes under `base` (e.g. `/api/workflows`), registered in the order given. */
export const contractRoutes = (base: string, routes: readonly ImplementedRoute[]): Hono<AppEnv> => {
  const app = new Hono<AppEnv>();
  for (const route of routes) {
    const { path } = route.contract;
    if (path !== base && !path.startsWith(`${base}/`)) {
      throw new Error(`${route.contract.operationId}: ${path} is not under ${base}`);
    }
    route.register(app, honoPath(path.slice(base.length)) || '/');
  }
  return app;
};
