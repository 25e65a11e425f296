import { Hono } from 'hono';
import { ErrorCodes, UserError } from '#shared/errors.ts';
import { getNodeDefinition, nodeDefinitions } from '#shared/nodes/index.ts';
import type { AppEnv } from '../auth.ts';

/** The node catalog as JSON: `GET /api/nodes?search=&category=` and `GET /api/nodes/:type`. */
export const nodeRoutes = () =>
  new Hono<AppEnv>()
    .get('/', (c) => {
      const search = c.req.query('search')?.trim().toLowerCase();
      const category = c.req.query('category');
      const nodes = nodeDefinitions.filter((d) => {
        if (category && d.category !== category) return false;
        if (!search) return true;
        const hay = [d.type, d.label, d.description, ...(d.keywords ?? [])].join(' ').toLowerCase();
        return search.split(/\s+/).every((word) => hay.includes(word));
      });
      return c.json({
        nodes: nodes.map(({ type, version, label, description, category: cat, icon, color }) => ({
          type,
          version,
          label,
          description,
          category: cat,
          icon,
          color,
        })),
      });
    })
    .get('/:type', (c) => {
      const def = getNodeDefinition(c.req.param('type'));
      if (!def) throw new UserError(ErrorCodes.notFound, `No node type "${c.req.param('type')}"`);
      return c.json(def);
    });
