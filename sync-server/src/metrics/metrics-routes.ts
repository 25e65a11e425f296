import type { ServerResponse } from 'node:http';
import { Hono, type MiddlewareHandler } from 'hono';
import { ErrorCodes, UserError } from '#shared/errors.ts';
import type { AccountStore } from '../accounts/account-store.ts';
import { authenticate, type AppEnv } from '../http/auth.ts';
import { secondsSince, type ServerMetrics } from './server-metrics.ts';

/**
 * `GET /metrics` on the main port: the Prometheus text, for an admin's API
 * token only (`Authorization: Bearer …`). No cookie: a scraper has none, and
 * a page can then never read it with the visitor's session. Mounted before
 * the Host guard: that guard keeps other sites' pages away from Weft through
 * DNS rebinding, and such a page has no token to send, while a Prometheus in
 * a container network scrapes by a name nobody lists in WEFT_ALLOWED_HOSTS.
 */
export const metricsRoutes = ({ accounts, metrics }: { accounts: AccountStore; metrics: ServerMetrics }) =>
  new Hono<AppEnv>().get('/metrics', async (c) => {
    const found = await authenticate(accounts, { authorizationHeader: c.req.header('authorization') });
    if (!found) {
      c.header('WWW-Authenticate', 'Bearer');
      throw new UserError(ErrorCodes.unauthorized, "Send an admin's API token: Authorization: Bearer <token>");
    }
    if (!found.user.isAdmin) throw new UserError(ErrorCodes.forbidden, 'Only the instance admin can read metrics');
    return c.body(await metrics.text(), 200, { 'Content-Type': metrics.contentType, 'Cache-Control': 'no-store' });
  });

/**
 * Times each webhook call from its arrival to its answer's last byte handed to
 * the socket (the Node response's `finish`); without a Node response (an
 * in-process request) until the answer is built.
 */
export const webhookTiming =
  (metrics: ServerMetrics): MiddlewareHandler<AppEnv> =>
  async (c, next) => {
    const start = performance.now();
    const outgoing = (c.env as { outgoing?: ServerResponse } | undefined)?.outgoing;
    if (outgoing) outgoing.once('finish', () => metrics.webhookAnswered(secondsSince(start)));
    try {
      await next();
    } finally {
      if (!outgoing) metrics.webhookAnswered(secondsSince(start));
    }
  };
