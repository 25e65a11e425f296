import * as routes from '#shared/api/routes/nodes.ts';
import { ErrorCodes, UserError } from '#shared/errors.ts';
import { getNodeDefinition, nodeDefinitions } from '#shared/nodes/index.ts';
import { contractRoutes, implement } from './contract-routes.ts';

/** The node catalog as JSON: `GET /api/nodes?search=&category=` and `GET /api/nodes/:type`. */
export const nodeRoutes = () =>
  contractRoutes('/api/nodes', [
    implement(routes.listNodes, (_c, { query }, reply) => {
      const search = query.search?.trim().toLowerCase();
      const nodes = nodeDefinitions.filter((d) => {
        if (query.category && d.category !== query.category) return false;
        if (!search) return true;
        const hay = [d.type, d.label, d.description, ...(d.keywords ?? [])].join(' ').toLowerCase();
        return search.split(/\s+/).every((word) => hay.includes(word));
      });
      return reply(200, {
        nodes: nodes.map(({ type, version, label, description, category, icon, color }) => ({
          type,
          version,
          label,
          description,
          category,
          icon,
          color,
        })),
      });
    }),
    implement(routes.getNode, (_c, { params }, reply) => {
      const def = getNodeDefinition(params.type);
      if (!def) throw new UserError(ErrorCodes.notFound, `No node type "${params.type}"`);
      return reply(200, def);
    }),
  ]);
