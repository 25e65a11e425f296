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
 * - `compact` replaces the snapshot (and its state vector) and deletes the log
 *   up to `uptoSeq` in one transaction; a crash leaves either the old or the
 *   new state, never a mix.
 * - `load` returns the snapshot (if any) with its state vector and the log
 *   after it, in seq order.
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

export interface DocStore {
  load(docId: string): Promise<StoredDoc>;
  append(docId: string, records: readonly DocUpdateRecord[]): Promise<void>;
  compact(docId: string, snapshot: Uint8Array, uptoSeq: number, stateVector: Uint8Array): Promise<void>;
  delete(docId: string): Promise<void>;
  stats(docId: string): Promise<DocStorageStats>;
}
