/** n8n's data model: a node receives a list of items and emits lists of items, one per output. */

export type JsonObject = Record<string, unknown>;

/** n8n's `BinaryFileType`: how its UI previews a file. */
export type BinaryFileType = 'text' | 'json' | 'image' | 'audio' | 'video' | 'pdf' | 'html';

/**
 * A file an item carries, with n8n's `IBinaryData` shape: the bytes are in `data` (base64) and travel and are
 * stored with the item, as n8n's default ("default" binary mode) keeps them (docs/plans/n8n-daily.md §8.2).
 * `fileSize` is n8n's human text ("1.2 kB"); `bytes` is the decoded length.
 */
export interface BinaryData {
  data: string;
  mimeType: string;
  fileType?: BinaryFileType;
  fileName?: string;
  directory?: string;
  fileExtension?: string;
  fileSize?: string;
  bytes?: number;
  id?: string;
  [key: string]: string | number | undefined;
}

export interface Item {
  json: JsonObject;
  /** Files by property name ("data", "attachment_0", …). */
  binary?: Record<string, BinaryData>;
}

/** Items by output handle name ("main", "true", "false", "output0", "error", …). */
export type NodeOutput = Record<string, Item[]>;

export const isJsonObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** What `$('Node').item` gives for one input item: the item, or why there is none (n8n's error text). */
export type PairedLookup = { item: Item } | { error: string };
