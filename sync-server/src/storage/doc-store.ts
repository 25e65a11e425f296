/**
 * The storage port for documents (after automerge-repo's StorageAdapter):
 * dumb, durable I/O. Policy — when to compact, what to relay — lives in
 * rooms/. Every implementation passes test/doc-store.contract.ts.
 *
 * Contract:
 * - `append` is all-or-nothing and durable when its promise resolves
 *   (durable = survives a crash of the Weft process).
 * - `seq` is chosen by the caller (the room owns its document's sequence) and
 *   strictly increases per document; appending an existing seq rejects.
 * - `compact` replaces the snapshot (its state vector and the document layout
 *   version it has) and deletes the log up to `uptoSeq` in one transaction; a
 *   crash leaves either the old or the new state, never a mix.
 * - `load` returns the snapshot (if any) with its state vector and layout
 *   version, and the log after it, in seq order.
 */

export interface DocUpdateRecord {
  seq: number;
  /** User whose connection sent the update; null for the server's own edits. */
  authorId: string | null;
  /** Unix milliseconds. */
  createdAt: number;
  data: Uint8Array;
}

export interface StoredDoc {
  snapshot: Uint8Array | null;
  /** Y.encodeStateVector of the snapshot, when it was stored with one. */
  snapshotStateVector: Uint8Array | null;
  /** The last seq folded into the snapshot (0 without one). */
  snapshotSeq: number;
  /**
   * The document layout version the snapshot has (shared/src/schema/migrations),
   * null when unknown (stored before versions were recorded, or none at all):
   * a room may answer from a snapshot unread only when it needs no migration.
   */
  snapshotSchemaVersion: number | null;
  /** Log entries after the snapshot, ascending by seq. */
  updates: DocUpdateRecord[];
  /** Highest seq stored (snapshot or log); 0 for a new document. */
  lastSeq: number;
}

export interface DocStorageStats {
  updateCount: number;
  updateBytes: number;
  snapshotBytes: number;
}

/** A compacted document: its full state, as of `uptoSeq`. */
export interface DocSnapshot {
  data: Uint8Array;
  /** Y.encodeStateVector of `data`. */
  stateVector: Uint8Array;
  uptoSeq: number;
  /** Its layout version; null when the document has none (not a workflow, or never initialised). */
  schemaVersion: number | null;
}

export interface DocStore {
  load(docId: string): Promise<StoredDoc>;
  append(docId: string, records: readonly DocUpdateRecord[]): Promise<void>;
  compact(docId: string, snapshot: DocSnapshot): Promise<void>;
  delete(docId: string): Promise<void>;
  stats(docId: string): Promise<DocStorageStats>;
}
