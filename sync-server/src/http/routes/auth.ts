import { Hono } from 'hono';
import { loginRequest, signupRequest, type UserDto } from '#shared/api/index.ts';
import { ErrorCodes, UserError } from '#shared/errors.ts';
import { normalizeEmail, type AccountStore, type User } from '../../accounts/account-store.ts';
import { DUMMY_HASH_PROMISE, hashPassword, verifyPassword } from '../../accounts/passwords.ts';
import {
  clearSessionCookie,
  readSessionCookie,
  requireUser,
  setSessionCookie,
  type AppEnv,
  type SocketRevalidator,
} from '../auth.ts';
import { readJson } from '../errors.ts';
import { clientAddress } from '../client-address.ts';
import type { AuthLimits } from '../../accounts/auth-limits.ts';

export const userDto = (u: User): UserDto => ({
  id: u.id,
  email: u.email,
  name: u.name,
  isAdmin: u.isAdmin,
  createdAt: u.createdAt,
});

export interface AuthRouteOptions {
  accounts: AccountStore;
  signup: 'open' | 'closed';
  cookieSecure: boolean;
  revalidate: SocketRevalidator;
  limits: AuthLimits;
  /** Read the client's address from X-Forwarded-For (a trusted reverse proxy). */
  trustProxy: boolean;
}

/** Sign up, log in, log out, who am I, and one's sessions. The first account becomes the instance admin. */
export const authRoutes = ({ accounts, signup, cookieSecure, revalidate, limits, trustProxy }: AuthRouteOptions) =>
  new Hono<AppEnv>()
    .post('/signup', async (c) => {
      await limits.attempt(clientAddress(c, trustProxy));
      const body = await readJson(c, signupRequest);
      if (signup === 'closed' && accounts.countUsers() > 0) {
        throw new UserError(
          ErrorCodes.forbidden,
          'Sign-up is closed on this instance; ask its admin to make you an account',
        );
      }
      const user = accounts.createUser({
        email: body.email,
        name: body.name,
        passwordHash: await hashPassword(body.password),
      });
      const session = accounts.createSession(user.id, c.req.header('user-agent'));
      setSessionCookie(c, session.token, session.expiresAt, cookieSecure);
      return c.json({ user: userDto(user) }, 201);
    })
    .post('/login', async (c) => {
      await limits.attempt(clientAddress(c, trustProxy));
      const body = await readJson(c, loginRequest);
      const email = normalizeEmail(body.email);
      // Counted per address, whether or not an account uses it: the limit tells nobody who has one.
      await limits.checkAccount(email);
      const found = accounts.findByEmail(email);
      // Verify against a dummy hash for unknown emails so both failures take the same time.
      const ok = await verifyPassword(body.password, found?.passwordHash ?? (await DUMMY_HASH_PROMISE));
      if (!found || !ok) {
        await limits.failed(email);
        throw new UserError(ErrorCodes.unauthorized, 'Wrong email or password');
      }
      await limits.succeeded(email);
      // Said only to someone who knows the password: nobody learns from it who has an account.
      if (found.disabled) throw new UserError(ErrorCodes.forbidden, 'This account was disabled by the instance admin');
      const session = accounts.createSession(found.id, c.req.header('user-agent'));
      setSessionCookie(c, session.token, session.expiresAt, cookieSecure);
      return c.json({ user: userDto(found) });
    })
    .post('/logout', (c) => {
      const token = readSessionCookie(c);
      const user = c.get('user');
      if (token) accounts.deleteSession(token);
      clearSessionCookie(c, cookieSecure);
      // Sockets opened with that session close now, not at their next reconnect.
      if (user) revalidate({ userId: user.id });
      return c.body(null, 204);
    })
    .get('/me', (c) => c.json({ user: userDto(requireUser(c)) }))
    .get('/sessions', (c) => {
      const user = requireUser(c);
      return c.json({ sessions: accounts.listSessions(user.id, readSessionCookie(c)) });
    })
    // Ends every session but this request's own (all of them when it came with an API token).
    .post('/sessions/revoke-others', (c) => {
      const user = requireUser(c);
      const current = c.get('authVia') === 'cookie' ? readSessionCookie(c) : undefined;
      const ended = accounts.deleteOtherSessions(user.id, current);
      revalidate({ userId: user.id });
      return c.json({ ended });
    })
    .delete('/sessions/:id', (c) => {
      const user = requireUser(c);
      const id = c.req.param('id');
      const current = accounts.listSessions(user.id, readSessionCookie(c)).find((s) => s.id === id)?.current ?? false;
      if (!accounts.deleteSessionById(user.id, id)) throw new UserError(ErrorCodes.notFound, 'No such session');
      if (current) clearSessionCookie(c, cookieSecure);
      // Sockets opened with that session close now (4401).
      revalidate({ userId: user.id });
      return c.body(null, 204);
    });
