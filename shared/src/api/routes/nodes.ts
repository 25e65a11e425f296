import { z } from 'zod';
import { nodeDefinitionSchema, nodeSummarySchema } from '../catalog.ts';
import { defineRoute } from '../contract.ts';
import { notFound, ok } from './responses.ts';

const tag = 'nodes';

export const nodeListQuery = z.object({
  search: z
    .string()
    .optional()
    .meta({ description: 'Words that must all appear in the type, label, description or keywords' }),
  category: z.string().optional().meta({ description: 'trigger, flow, transform, action or utility' }),
});

export const listNodes = defineRoute({
  operationId: 'listNodes',
  method: 'get',
  path: '/api/nodes',
  tag,
  summary: 'The node catalog',
  auth: 'none',
  query: nodeListQuery,
  responses: { 200: ok(z.object({ nodes: z.array(nodeSummarySchema) }), 'The node types that match') },
});

export const getNode = defineRoute({
  operationId: 'getNode',
  method: 'get',
  path: '/api/nodes/{type}',
  tag,
  summary: "One node type's definition: ports, parameters, credentials",
  auth: 'none',
  params: { type: 'The node type id, e.g. `httpRequest`' },
  responses: { 200: ok(nodeDefinitionSchema, 'The definition'), 404: notFound('no such node type') },
});
