/**
 * The storage port for documents (after automerge-repo's StorageAdapter):
 * dumb, durable I/O. Policy — when to compact, what to relay — lives in
 * rooms/. Every implementation passes test/doc-store.contract.ts.
 *
 * Contract:
 * - `append` is all-or-nothing and durable when its promise resolves
 *   (durable = survives a crash of the Weft process).
 * - The store hands out each document's seqs, inside the commit: a batch gets
 *   consecutive seqs after the document's head, and commit order is seq order,
 *   whoever appends (several rooms on several instances may write one
 *   document). A later seq is never visible before an earlier one.
 * - `compact` replaces the snapshot (its state vector and the document layout
 *   version it has) and deletes the log up to `uptoSeq` in one transaction; a
 *   crash leaves either the old or the new state, never a mix. It only moves
 *   forward: a snapshot older than the stored one is refused (false).
 * - `load` returns the snapshot (if any) with its state vector and layout
 *   version, and the log after it, in seq order; `loadSince` what a replica
 *   that holds every seq up to `afterSeq` lacks.
 */

export interface DocUpdateRecord {
  seq: number;
  /** User whose connection sent the update; null for the server's own edits. */
  authorId: string | null;
  /** Unix milliseconds. */
  createdAt: number;
  data: Uint8Array;
}

/** An update to append: the store gives it its seq. */
export type NewDocUpdate = Omit<DocUpdateRecord, 'seq'>;

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
  /** The document's head: the highest seq ever given out (0 for a new document). */
  lastSeq: number;
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

/** What a replica holding every seq up to some `afterSeq` lacks. */
export interface DocSince {
  /** The snapshot, when it was compacted past `afterSeq` (the log before it is gone). */
  snapshot: DocSnapshot | null;
  /** Log entries after `afterSeq` (and after the snapshot), ascending by seq. */
  updates: DocUpdateRecord[];
  lastSeq: number;
}

export interface DocStorageStats {
  updateCount: number;
  updateBytes: number;
  snapshotBytes: number;
}

export interface DocStore {
  load(docId: string): Promise<StoredDoc>;
  loadSince(docId: string, afterSeq: number): Promise<DocSince>;
  /** Appends a batch; answers the seqs it got. An empty batch answers the head (firstSeq = lastSeq + 1). */
  append(docId: string, records: readonly NewDocUpdate[]): Promise<{ firstSeq: number; lastSeq: number }>;
  /** False when refused: the stored snapshot is already past `snapshot.uptoSeq`. */
  compact(docId: string, snapshot: DocSnapshot): Promise<boolean>;
  /**
   * Documents whose log holds at least `minUpdates` updates past their snapshot.
   * Every room folds its log into the snapshot when it unloads, so a long log
   * at startup is one a killed server left (see RoomManager.foldLogs).
   */
  withLogs(minUpdates: number): Promise<string[]>;
  /** The heads of those documents that exist, in one read (a probe for replicas that missed news). */
  heads(docIds: readonly string[]): Promise<Map<string, number>>;
  delete(docId: string): Promise<void>;
  stats(docId: string): Promise<DocStorageStats>;
}
