/**
 * Typed Yjs transaction origins (after hocuspocus' TransactionOrigin). Every
 * `doc.transact(fn, origin)` in Weft passes one of these, so observers can tell
 * who changed the document:
 * - the client's UndoManager tracks only `ui` (people undo their own edits);
 * - the sync server persists and relays everything except its own `load`;
 * - `repair` marks the server's normalisation edits (unique names, dangling edges);
 * - `cli` marks what `weft push` applies from a git folder (one transaction per workflow).
 */
export type Origin =
  | { readonly source: 'ui' }
  | { readonly source: 'remote' }
  | { readonly source: 'load' }
  | { readonly source: 'server'; readonly userId: string | null }
  | { readonly source: 'repair' }
  | { readonly source: 'migration' }
  | { readonly source: 'cli' }
  | { readonly source: 'engine'; readonly runId: string };

export const origins = {
  ui: { source: 'ui' } as const,
  remote: { source: 'remote' } as const,
  load: { source: 'load' } as const,
  repair: { source: 'repair' } as const,
  migration: { source: 'migration' } as const,
  cli: { source: 'cli' } as const,
  server: (userId: string | null): Origin => ({ source: 'server', userId }),
  engine: (runId: string): Origin => ({ source: 'engine', runId }),
};

export const isOrigin = (value: unknown): value is Origin =>
  typeof value === 'object' && value !== null && typeof (value as { source?: unknown }).source === 'string';
