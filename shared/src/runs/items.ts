/** n8n's data model: a node receives a list of items and emits lists of items, one per output. */

export type JsonObject = Record<string, unknown>;

export interface Item {
  json: JsonObject;
}

/** Items by output handle name ("main", "true", "false", "output0", "error", …). */
export type NodeOutput = Record<string, Item[]>;

export const isJsonObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** What `$('Node').item` gives for one input item: the item, or why there is none (n8n's error text). */
export type PairedLookup = { item: Item } | { error: string };
