import type { IncomingMessage } from 'node:http';
import type { Context } from 'hono';
import { requestHost, requestScheme } from './host-guard.ts';

/**
 * The origin people reach this server at, for links it hands out: the
 * configured one (WEFT_PUBLIC_URL) or else the request's own scheme and host,
 * the forwarded ones behind a trusted proxy (WEFT_TRUST_PROXY).
 */
export const publicBase = (c: Context, trustProxy: boolean, configured?: string): string => {
  if (configured) return configured.replace(/\/+$/, '');
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  const own = new URL(c.req.url);
  const headers = incoming?.headers ?? {
    host: c.req.header('host'),
    'x-forwarded-host': c.req.header('x-forwarded-host'),
    'x-forwarded-proto': c.req.header('x-forwarded-proto'),
  };
  const scheme = requestScheme(headers, trustProxy) ?? own.protocol;
  const host = requestHost(headers, trustProxy) ?? own.host;
  return `${scheme}//${host}`;
};
