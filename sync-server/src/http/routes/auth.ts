import type { SignupPolicy, UserDto } from '#shared/api/index.ts';
import * as routes from '#shared/api/routes/auth.ts';
import { ErrorCodes, UserError } from '#shared/errors.ts';
import { normalizeEmail, type AccountStore, type User } from '../../accounts/account-store.ts';
import { DUMMY_HASH_PROMISE, hashPassword, verifyPassword } from '../../accounts/passwords.ts';
import { clearSessionCookie, readSessionCookie, setSessionCookie, type SocketRevalidator } from '../auth.ts';
import { clientAddress } from '../client-address.ts';
import type { AuthLimits } from '../../accounts/auth-limits.ts';
import { contractRoutes, implement } from './contract-routes.ts';

export const userDto = (u: User): UserDto => ({
  id: u.id,
  email: u.email,
  name: u.name,
  isAdmin: u.isAdmin,
  createdAt: u.createdAt,
});

export interface AuthRouteOptions {
  accounts: AccountStore;
  /** The sign-up policy in force (the instance settings; read at each sign-up). */
  signup: () => SignupPolicy;
  /** With sign-up `invite`: whether this address has a pending invitation, or the link is a live join link. */
  invited: (email: string, link: string | undefined) => Promise<boolean>;
  cookieSecure: boolean;
  revalidate: SocketRevalidator;
  limits: AuthLimits;
  /** Read the client's address from X-Forwarded-For (a trusted reverse proxy). */
  trustProxy: boolean;
}

/** Sign up, log in, log out, who am I, and one's sessions. The first account becomes the instance admin. */
export const authRoutes = ({
  accounts,
  signup,
  invited,
  cookieSecure,
  revalidate,
  limits,
  trustProxy,
}: AuthRouteOptions) =>
  contractRoutes('/api/auth', [
    implement(routes.signup, async (c, { body }, reply) => {
      await limits.attempt(clientAddress(c, trustProxy));
      const request = await body();
      const policy = signup();
      // The first account (the admin) can always sign up, or nobody could.
      if (policy !== 'open' && (await accounts.countUsers()) > 0) {
        if (policy === 'closed')
          throw new UserError(
            ErrorCodes.forbidden,
            'Sign-up is closed on this instance; ask its admin to make you an account',
          );
        if (!(await invited(request.email, request.link)))
          throw new UserError(
            ErrorCodes.forbidden,
            'Sign-up on this instance is by invitation: use the address you were invited at, or a join link',
          );
      }
      const user = await accounts.createUser({
        email: request.email,
        name: request.name,
        passwordHash: await hashPassword(request.password),
      });
      const session = await accounts.createSession(user.id, c.req.header('user-agent'));
      setSessionCookie(c, session.token, session.expiresAt, cookieSecure);
      return reply(201, { user: userDto(user) });
    }),
    implement(routes.login, async (c, { body }, reply) => {
      await limits.attempt(clientAddress(c, trustProxy));
      const request = await body();
      const email = normalizeEmail(request.email);
      // Counted per address, whether or not an account uses it: the limit tells nobody who has one.
      await limits.checkAccount(email);
      const found = await accounts.findByEmail(email);
      // Verify against a dummy hash for unknown emails so both failures take the same time.
      const ok = await verifyPassword(request.password, found?.passwordHash ?? (await DUMMY_HASH_PROMISE));
      if (!found || !ok) {
        await limits.failed(email);
        throw new UserError(ErrorCodes.unauthorized, 'Wrong email or password');
      }
      await limits.succeeded(email);
      // Said only to someone who knows the password: nobody learns from it who has an account.
      if (found.disabled) throw new UserError(ErrorCodes.forbidden, 'This account was disabled by the instance admin');
      const session = await accounts.createSession(found.id, c.req.header('user-agent'));
      setSessionCookie(c, session.token, session.expiresAt, cookieSecure);
      return reply(200, { user: userDto(found) });
    }),
    implement(routes.logout, async (c, { user }, reply) => {
      const token = readSessionCookie(c);
      if (token) await accounts.deleteSession(token);
      clearSessionCookie(c, cookieSecure);
      // Sockets opened with that session close now, not at their next reconnect.
      if (user) await revalidate({ userId: user.id });
      return reply(204);
    }),
    implement(routes.me, (_c, { user }, reply) => reply(200, { user: userDto(user) })),
    implement(routes.listSessions, async (c, { user }, reply) =>
      reply(200, { sessions: await accounts.listSessions(user.id, readSessionCookie(c)) }),
    ),
    // Ends every session but this request's own (all of them when it came with an API token).
    implement(routes.revokeOtherSessions, async (c, { user }, reply) => {
      const current = c.get('authVia') === 'cookie' ? readSessionCookie(c) : undefined;
      const ended = await accounts.deleteOtherSessions(user.id, current);
      await revalidate({ userId: user.id });
      return reply(200, { ended });
    }),
    implement(routes.deleteSession, async (c, { user, params }, reply) => {
      const current =
        (await accounts.listSessions(user.id, readSessionCookie(c))).find((s) => s.id === params.id)?.current ?? false;
      if (!(await accounts.deleteSessionById(user.id, params.id)))
        throw new UserError(ErrorCodes.notFound, 'No such session');
      if (current) clearSessionCookie(c, cookieSecure);
      // Sockets opened with that session close now (4401).
      await revalidate({ userId: user.id });
      return reply(204);
    }),
  ]);
