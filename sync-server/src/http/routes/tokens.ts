import { Hono } from 'hono';
import { createTokenRequest } from '#shared/api/index.ts';
import { ErrorCodes, UserError } from '#shared/errors.ts';
import type { AccountStore } from '../../accounts/account-store.ts';
import { requireUser, type AppEnv, type SocketRevalidator } from '../auth.ts';
import { readJson } from '../errors.ts';

/** Personal API tokens: shown once at creation, stored hashed. */
export const tokenRoutes = (accounts: AccountStore, revalidate: SocketRevalidator) =>
  new Hono<AppEnv>()
    .post('/', async (c) => {
      const user = requireUser(c);
      const { name } = await readJson(c, createTokenRequest);
      const created = accounts.createApiToken(user.id, name);
      return c.json(created, 201);
    })
    .get('/', (c) => c.json({ tokens: accounts.listApiTokens(requireUser(c).id) }))
    .delete('/:id', (c) => {
      const user = requireUser(c);
      if (!accounts.deleteApiToken(user.id, c.req.param('id'))) {
        throw new UserError(ErrorCodes.notFound, 'No such token');
      }
      // Sockets (scripts, CLI) opened with that token close now.
      revalidate({ userId: user.id });
      return c.body(null, 204);
    });
