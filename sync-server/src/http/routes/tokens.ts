import * as routes from '#shared/api/routes/tokens.ts';
import { ErrorCodes, UserError } from '#shared/errors.ts';
import type { AccountStore } from '../../accounts/account-store.ts';
import type { SocketRevalidator } from '../auth.ts';
import { contractRoutes, implement } from './contract-routes.ts';

/** Personal API tokens: shown once at creation, stored hashed. */
export const tokenRoutes = (accounts: AccountStore, revalidate: SocketRevalidator) =>
  contractRoutes('/api/tokens', [
    implement(routes.createToken, async (_c, { user, body }, reply) => {
      const { name, expiresAt } = await body();
      if (expiresAt !== undefined && expiresAt !== null && expiresAt <= Date.now()) {
        const message = 'expiresAt: must be in the future';
        throw new UserError(ErrorCodes.validationFailed, message, {
          issues: [{ path: ['expiresAt'], message, severity: 'error' }],
        });
      }
      return reply(201, await accounts.createApiToken(user.id, name, expiresAt ?? null));
    }),
    implement(routes.listTokens, async (_c, { user }, reply) =>
      reply(200, { tokens: await accounts.listApiTokens(user.id) }),
    ),
    implement(routes.deleteToken, async (_c, { user, params }, reply) => {
      if (!(await accounts.deleteApiToken(user.id, params.id)))
        throw new UserError(ErrorCodes.notFound, 'No such token');
      // Sockets (scripts, CLI) opened with that token close now.
      await revalidate({ userId: user.id });
      return reply(204);
    }),
  ]);
