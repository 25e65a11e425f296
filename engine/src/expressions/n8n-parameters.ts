import type { JsonObject } from '../runner/items.ts';

/**
 * A node's parameters as n8n's `$node["Name"].parameter` and
 * `$('Name').params` show them. n8n fills in every parameter of the node's
 * description with its default (NodeHelpers.getNodeParameters), display-only
 * notices and choices included; Weft's node has its own parameters with its
 * own defaults, mostly n8n's names and values. These are the parameters
 * n8n's version of a Weft node type has and Weft's lacks, with n8n 2.41's
 * defaults (from its node descriptions); a value the node has wins.
 */
const N8N_ONLY: Readonly<Record<string, JsonObject>> = {
  manualTrigger: { notice: '' },
  code: { language: 'javaScript', notice: '' },
};

export const asN8nParameters = (type: string, parameters: JsonObject): JsonObject => {
  const extra = N8N_ONLY[type];
  return extra ? { ...extra, ...parameters } : parameters;
};
