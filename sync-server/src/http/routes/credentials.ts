import { Hono } from 'hono';
import { createCredentialRequest } from '#shared/api/credentials.ts';
import { ErrorCodes, UserError } from '#shared/errors.ts';
import type { CredentialStore } from '../../credentials/credential-store.ts';
import { requireUser, type AppEnv } from '../auth.ts';
import { readJson } from '../errors.ts';

/** A person's credentials: create, list, delete. Secrets are write-only: no route returns them. */
export const credentialRoutes = (store: CredentialStore, now: () => number = Date.now) =>
  new Hono<AppEnv>()
    .get('/', (c) => c.json({ credentials: store.list(requireUser(c).id) }))
    .post('/', async (c) => {
      const user = requireUser(c);
      const request = await readJson(c, createCredentialRequest);
      return c.json(store.create(user.id, request, now()), 201);
    })
    .delete('/:id', (c) => {
      if (!store.delete(requireUser(c).id, c.req.param('id'))) {
        throw new UserError(ErrorCodes.notFound, `Credential ${c.req.param('id')} does not exist`);
      }
      return c.body(null, 204);
    });
