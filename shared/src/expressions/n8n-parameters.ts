import type { JsonObject } from '../runs/items.ts';

/**
 * A node's parameters as n8n's `$node["Name"].parameter` and
 * `$('Name').params` show them. n8n fills in every parameter of the node's
 * description with its default (NodeHelpers.getNodeParameters), display-only
 * notices and choices included, in the description's order; Weft's node has
 * its own parameters with its own defaults, mostly n8n's names and values.
 * These are the parameters n8n's version of a Weft node type has and Weft's
 * lacks, with n8n 2.41's defaults (from its node descriptions), a value the
 * node has winning; n8n's order of them; and Weft's own parameters n8n's
 * node does not have (at the value that means n8n's node), left out.
 */
const N8N_ONLY: Readonly<Record<string, JsonObject>> = {
  manualTrigger: { notice: '' },
  code: { language: 'javaScript', notice: '' },
};

/** n8n's order of the node's parameters (its description's): the keys listed come first, in this order. */
const N8N_ORDER: Readonly<Record<string, readonly string[]>> = {
  code: ['mode', 'language', 'jsCode', 'notice'],
};

/** Weft's parameters that n8n's node lacks, at the value with which Weft's node is n8n's (Code not as Function). */
const WEFT_ONLY: Readonly<Record<string, JsonObject>> = {
  code: { legacy: 'none' },
};

export const asN8nParameters = (type: string, parameters: JsonObject): JsonObject => {
  const extra = N8N_ONLY[type];
  const order = N8N_ORDER[type];
  const own = WEFT_ONLY[type];
  if (!extra && !order && !own) return parameters;
  const all: JsonObject = { ...extra, ...parameters };
  const kept = (key: string): boolean => !(own && key in own && own[key] === all[key]);
  const out: JsonObject = {};
  for (const key of order ?? []) if (key in all) out[key] = all[key];
  for (const [key, value] of Object.entries(all)) if (!(key in out) && kept(key)) out[key] = value;
  return out;
};
