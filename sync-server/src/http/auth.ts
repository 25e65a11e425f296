import type { Context, MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { parse as parseCookies } from 'hono/utils/cookie';
import { ErrorCodes, UserError } from '#shared/errors.ts';
import { requestHost, requestScheme } from './host-guard.ts';
import type { AccountStore, User } from '../accounts/account-store.ts';
import type { RequestAudit } from './audit-actor.ts';

export const SESSION_COOKIE = 'weft_session';

export type AuthVia = 'cookie' | 'token';

/**
 * Checks the open sync sockets of a user and/or workflow again after access
 * was taken away, closing or downgrading them (http/sync-upgrade.ts); answers
 * how many it closed. Every route that takes access away awaits it before it
 * answers, so the sockets are closed by the time the change is reported.
 */
export type SocketRevalidator = (filter: { userId?: string; workflowId?: string }) => Promise<number>;

export interface AppEnv {
  Variables: {
    user: User | undefined;
    authVia: AuthVia | undefined;
    /** Records audit events for the request (http/audit-actor.ts `audit`); set by createApp. */
    audit: RequestAudit | undefined;
  };
}

export interface Credentials {
  cookieHeader?: string | undefined;
  authorizationHeader?: string | undefined;
  /** `?token=` on the WebSocket URL (scripts and the engine cannot set headers everywhere). */
  queryToken?: string | undefined;
}

/**
 * Resolves the user behind a request: an API token (Bearer header or `token`
 * query parameter) first, then the session cookie.
 */
/** The API token among the credentials (a Bearer header wins over `?token=`), if any. */
export const apiTokenOf = (creds: Credentials): string | undefined =>
  /^Bearer\s+(\S+)$/i.exec(creds.authorizationHeader ?? '')?.[1] ?? creds.queryToken;

export const authenticate = async (
  accounts: AccountStore,
  creds: Credentials,
): Promise<{ user: User; via: AuthVia } | undefined> => {
  const token = apiTokenOf(creds);
  if (token) {
    const user = await accounts.userForApiToken(token);
    return user ? { user, via: 'token' } : undefined;
  }
  const session = creds.cookieHeader ? parseCookies(creds.cookieHeader, SESSION_COOKIE)[SESSION_COOKIE] : undefined;
  if (session) {
    const user = await accounts.userForSession(session);
    if (user) return { user, via: 'cookie' };
  }
  return undefined;
};

/**
 * Whether a cookie-authenticated request comes from our own origin. Browsers
 * send Origin on cross-site requests and on every WebSocket handshake; a
 * mismatch is another site riding on the user's cookie (CSRF, cross-site
 * WebSocket hijacking). Requests without Origin are not from a browser page.
 */
export const sameOrigin = (
  originHeader: string | undefined,
  hostHeader: string | undefined,
  /** The browser's scheme when a trusted proxy told it: http://host is not https://host's origin. */
  scheme?: string,
): boolean => {
  if (!originHeader) return true;
  if (!hostHeader) return false;
  try {
    const origin = new URL(originHeader);
    return origin.host === hostHeader && (scheme === undefined || origin.protocol === scheme);
  } catch {
    return false;
  }
};

export const authMiddleware =
  (accounts: AccountStore, trustProxy: boolean): MiddlewareHandler<AppEnv> =>
  async (c, next) => {
    const found = await authenticate(accounts, {
      cookieHeader: c.req.header('cookie'),
      authorizationHeader: c.req.header('authorization'),
    });
    c.set('user', found?.user);
    c.set('authVia', found?.via);
    const unsafe = !['GET', 'HEAD', 'OPTIONS'].includes(c.req.method);
    // Behind a trusted proxy the browser's host is the forwarded one (the proxy may rewrite Host).
    const host = requestHost(
      { host: c.req.header('host'), 'x-forwarded-host': c.req.header('x-forwarded-host') },
      trustProxy,
    );
    const scheme = requestScheme({ 'x-forwarded-proto': c.req.header('x-forwarded-proto') }, trustProxy);
    if (found?.via === 'cookie' && unsafe && !sameOrigin(c.req.header('origin'), host, scheme)) {
      throw new UserError(ErrorCodes.forbidden, 'Cross-origin request refused');
    }
    await next();
  };

export const requireUser = (c: Context<AppEnv>): User => {
  const user = c.get('user');
  if (!user) throw new UserError(ErrorCodes.unauthorized, 'Log in or send an API token');
  return user;
};

export const setSessionCookie = (c: Context, token: string, expiresAt: number, secure: boolean): void => {
  setCookie(c, SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'Lax',
    secure,
    path: '/',
    expires: new Date(expiresAt),
  });
};

export const readSessionCookie = (c: Context): string | undefined => getCookie(c, SESSION_COOKIE);

export const clearSessionCookie = (c: Context, secure: boolean): void => {
  deleteCookie(c, SESSION_COOKIE, { path: '/', secure, httpOnly: true, sameSite: 'Lax' });
};
