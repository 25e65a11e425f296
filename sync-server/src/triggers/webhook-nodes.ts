import { paramText } from '#shared/schema/params.ts';
import type { DefinitionNode, WorkflowDefinition } from '#shared/schema/definition.ts';

/** Reading Webhook nodes the same way for production and test webhooks. */

/** A webhook path without leading or trailing slashes (a parameter may be text or Y.Text-derived). */
export const normalizePath = (path: unknown): string =>
  paramText(path)
    .trim()
    .replace(/^\/+|\/+$/g, '');

export const webhookNodes = (definition: WorkflowDefinition): DefinitionNode[] =>
  definition.nodes.filter((n) => n.type === 'webhook' && !n.disabled);

export const methodOf = (node: DefinitionNode): string =>
  typeof node.parameters.httpMethod === 'string' ? node.parameters.httpMethod : 'GET';
