/**
 * What the inspector and the preview worker say to each other (postMessage,
 * structured clone). The context is the viewed run as the expression's node
 * saw it: see preview-context.ts. Plain types, no zod: only this page can
 * post to its dedicated worker, and the worker's size is budgeted.
 */

type Items = { json: Record<string, unknown> }[];

export type PairedAnswer = { index: number } | { item: Items[number] } | { error: string };

export interface PreviewContext {
  /** The name of the node whose parameter holds the expression (`$('…')` and error messages use names). */
  node: string;
  /** The node's input items (one page): `$json` is the one at `itemIndex`, `$input` all of them. */
  items: Items;
  itemIndex: number;
  /** The last output of other nodes by name, for `$('Name')`. */
  outputs: Record<string, Items>;
  /**
   * `$('Name').item` for each of `items`, walked back through the run's paired items as the engine walks them: an
   * index into `outputs[Name]`, an item that is not there (another output or an earlier run of that node), or
   * n8n's error. A name left out is not upstream of the node.
   */
  paired: Record<string, PairedAnswer[]>;
  workflow: { id: string; name: string; active: boolean };
  execution: { id: string; mode: string };
  /** `$now`, epoch ms. */
  now: number;
  timezone: string;
}

export interface PreviewRequest {
  id: number;
  /** A parameter value starting with "=" (n8n's expression marker). */
  expression: string;
  context: PreviewContext;
}

/** Whether a message is a request at all (a stray message from an extension, say, is ignored). */
export const isPreviewRequest = (data: unknown): data is PreviewRequest => {
  const r = data as Partial<PreviewRequest> | null;
  return (
    typeof r === 'object' &&
    r !== null &&
    typeof r.id === 'number' &&
    typeof r.expression === 'string' &&
    typeof r.context === 'object' &&
    Array.isArray(r.context.items) &&
    typeof r.context.outputs === 'object'
  );
};

/** The value's kind as the preview labels it. */
export type PreviewType = 'string' | 'number' | 'boolean' | 'null' | 'undefined' | 'array' | 'object';

export type PreviewResponse =
  { id: number; ok: true; value: unknown; type: PreviewType } | { id: number; ok: false; error: string };

export const typeOfValue = (value: unknown): PreviewType => {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  const t = typeof value;
  return t === 'string' || t === 'number' || t === 'boolean' || t === 'undefined' ? t : 'object';
};
