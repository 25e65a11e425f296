import type { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import * as routes from '#shared/api/routes/live.ts';
import { ErrorCodes, UserError } from '#shared/errors.ts';
import type { Logger } from '#shared/log.ts';
import { apiTokenOf, sameOrigin, type AppEnv } from '../http/auth.ts';
import { requestHost, requestScheme } from '../http/host-guard.ts';
import { contractRoutes, implement } from '../http/routes/contract-routes.ts';
import type { FeedSubscriber, LiveFeed } from './live-feed.ts';

/** Feeds one account may have open at once (tabs, windows, scripts). */
const MAX_FEEDS_PER_USER = 32;
/** Events written but not yet taken by the client: past this the reader is too far behind. */
const MAX_PENDING_WRITES = 256;
/** A comment line this often keeps proxies from closing a quiet stream. */
const KEEPALIVE_MS = 25_000;

/** `GET /api/live` (docs/plans/home-insights.md §1). */
export const liveFeedRoutes = (
  feed: LiveFeed,
  options: { trustProxy: boolean; logger: Logger; maxPerUser?: number },
): Hono<AppEnv> =>
  contractRoutes('/api/live', [
    implement(routes.openLiveFeed, async (c, { user }) => {
      // A cookie rides along on another site's EventSource too; what it reads must not leave our origin.
      const host = requestHost(
        { host: c.req.header('host'), 'x-forwarded-host': c.req.header('x-forwarded-host') },
        options.trustProxy,
      );
      const scheme = requestScheme({ 'x-forwarded-proto': c.req.header('x-forwarded-proto') }, options.trustProxy);
      if (c.get('authVia') === 'cookie' && !sameOrigin(c.req.header('origin'), host, scheme)) {
        throw new UserError(ErrorCodes.forbidden, 'Cross-origin request refused');
      }
      if (feed.countFor(user.id) >= (options.maxPerUser ?? MAX_FEEDS_PER_USER)) {
        throw new UserError(ErrorCodes.tooManyRequests, 'Too many live feeds are open for this account');
      }
      const creds = { cookieHeader: c.req.header('cookie'), authorizationHeader: c.req.header('authorization') };
      const token = c.get('authVia') === 'token' ? apiTokenOf(creds) : undefined;
      const expiresAt = token === undefined ? null : ((await feed.tokenExpiry(token)) ?? null);
      c.header('X-Accel-Buffering', 'no');
      return streamSSE(
        c,
        async (stream) => {
          let end: () => void = () => undefined;
          const ended = new Promise<void>((resolve) => {
            end = resolve;
          });
          stream.onAbort(end);
          let pending = 0;
          let open = true;
          const write = (text: () => Promise<void>): boolean => {
            if (!open || pending >= MAX_PENDING_WRITES) return false;
            pending += 1;
            text().then(
              () => {
                pending -= 1;
              },
              () => end(),
            );
            return true;
          };
          const out: FeedSubscriber = {
            send: (event, data) => write(() => stream.writeSSE({ event, data: JSON.stringify(data) })),
            close: () => end(),
          };
          const unsubscribe = await feed.subscribe(user, creds, out, expiresAt);
          const keepalive = setInterval(() => {
            const ping = async (): Promise<void> => {
              await stream.write(': keepalive\n\n');
            };
            if (!write(ping)) end();
          }, KEEPALIVE_MS);
          await ended;
          open = false;
          clearInterval(keepalive);
          unsubscribe();
        },
        (error) => {
          options.logger.error({ err: error }, 'a live feed stream failed');
          return Promise.resolve();
        },
      );
    }),
  ]);
