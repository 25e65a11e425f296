/**
 * Named, sequential versions of the workflow document layout (after tldraw's
 * migration ids). Add a name with the next number and one file with its step;
 * CURRENT_SCHEMA_VERSION is always the highest.
 *
 * Yjs caution: two offline replicas may migrate the same document and both
 * edits merge, so every step must be an idempotent set-if-absent edit. The sync
 * server runs steps once when it loads a document; clients and the engine refuse
 * documents newer than they know.
 */
export const workflowDocVersions = {
  Initial: 1,
} as const;

export const CURRENT_SCHEMA_VERSION = Math.max(...Object.values(workflowDocVersions));
