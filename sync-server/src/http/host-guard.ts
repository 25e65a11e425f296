import { isIP } from 'node:net';

/**
 * The Host check, a guard against DNS rebinding: a page on an attacker's
 * domain that re-resolves to Weft's address (127.0.0.1 on a laptop, a LAN
 * address at work) would otherwise be same-origin with its own requests to
 * Weft — it could sign up the first (admin) account of a fresh instance,
 * call webhooks, read the API with a token it got. Browsers always send the
 * name they resolved in Host, so answering only known names stops it.
 *
 * Always allowed: IP addresses (rebinding needs a name), `localhost` and
 * `*.localhost` (browsers resolve those to loopback themselves). Anything else
 * must be listed in WEFT_ALLOWED_HOSTS (`host`, `host:port`, `*.domain`);
 * `*` turns the check off.
 */

/** The host name of a Host header value, lower-cased, without port or IPv6 brackets; undefined if malformed. */
export const hostName = (header: string): string | undefined => {
  const value = header.trim().toLowerCase();
  const bracketed = /^\[([0-9a-f:.]+)\](?::\d{1,5})?$/.exec(value);
  if (bracketed) return bracketed[1];
  const plain = /^([a-z0-9._-]+)(?::\d{1,5})?$/.exec(value);
  return plain?.[1];
};

export const hostAllowed = (header: string | undefined, allowed: readonly string[]): boolean => {
  // HTTP/1.0 without Host comes from no browser; Node refuses HTTP/1.1 without one.
  if (header === undefined) return true;
  if (allowed.includes('*')) return true;
  const name = hostName(header);
  if (name === undefined) return false;
  if (isIP(name) !== 0 || name === 'localhost' || name.endsWith('.localhost')) return true;
  const withPort = header.trim().toLowerCase();
  return allowed.some((entry) => {
    const pattern = entry.toLowerCase();
    if (pattern.startsWith('*.')) return name.endsWith(pattern.slice(1));
    if (pattern.startsWith('.')) return name === pattern.slice(1) || name.endsWith(pattern);
    return pattern === name || pattern === withPort;
  });
};

/** The Host a request names: X-Forwarded-Host's first value behind a trusted proxy, else Host. */
export const requestHost = (
  headers: Record<string, string | string[] | undefined>,
  trustProxy: boolean,
): string | undefined => {
  const forwarded = trustProxy ? headers['x-forwarded-host'] : undefined;
  const value = forwarded ?? headers.host;
  const first = Array.isArray(value) ? value[0] : value;
  return trustProxy && first !== undefined ? first.split(',')[0]?.trim() : first;
};

/**
 * The scheme the browser used, when a trusted proxy says (X-Forwarded-Proto):
 * `https:` or `http:`. Undefined otherwise — Weft cannot know then, since it
 * may sit behind a TLS proxy nobody told it to trust.
 */
export const requestScheme = (
  headers: Record<string, string | string[] | undefined>,
  trustProxy: boolean,
): string | undefined => {
  if (!trustProxy) return undefined;
  const value = headers['x-forwarded-proto'];
  const first = (Array.isArray(value) ? value[0] : value)?.split(',')[0]?.trim().toLowerCase();
  return first === 'https' || first === 'http' ? `${first}:` : undefined;
};

export const hostRefusal = (host: string | undefined): string =>
  `This Weft does not answer to the host "${host ?? ''}"; an operator can add it to WEFT_ALLOWED_HOSTS`;
