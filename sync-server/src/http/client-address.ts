import type { Context } from 'hono';
import type { IncomingMessage } from 'node:http';

/**
 * The address a request came from, for rate limits. Behind a trusted reverse
 * proxy (WEFT_TRUST_PROXY) it is the last X-Forwarded-For entry — the one the
 * proxy itself added; entries before it are whatever the client claimed.
 */
export const clientAddress = (c: Context, trustProxy: boolean): string => {
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  if (trustProxy) {
    const forwarded = c.req.header('x-forwarded-for');
    const last = forwarded?.split(',').at(-1)?.trim();
    if (last) return last;
  }
  return incoming?.socket.remoteAddress ?? 'unknown';
};
