import { Hono } from 'hono';
import { favouritesBody } from '#shared/api/index.ts';
import { ErrorCodes, UserError } from '#shared/errors.ts';
import { getNodeDefinition } from '#shared/nodes/index.ts';
import type { FavouritesStore } from '../../accounts/favourites-store.ts';
import { requireUser, type AppEnv } from '../auth.ts';
import { readJson } from '../errors.ts';

/** The signed-in person's own settings: `GET`/`PUT /api/me/favourites`. */
export const meRoutes = (favourites: FavouritesStore) =>
  new Hono<AppEnv>()
    .get('/favourites', (c) => c.json({ types: favourites.list(requireUser(c).id) }))
    .put('/favourites', async (c) => {
      const user = requireUser(c);
      const { types } = await readJson(c, favouritesBody);
      const unknown = types.filter((t) => !getNodeDefinition(t));
      if (unknown.length > 0) {
        throw new UserError(ErrorCodes.badRequest, `Unknown node types: ${unknown.map((t) => `"${t}"`).join(', ')}`);
      }
      return c.json({ types: favourites.replace(user.id, types) });
    });
