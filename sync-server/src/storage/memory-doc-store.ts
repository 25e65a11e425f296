import type { DocSnapshot, DocStore, DocStorageStats, DocUpdateRecord, StoredDoc } from './doc-store.ts';

interface Entry {
  snapshot: Uint8Array | null;
  stateVector: Uint8Array | null;
  snapshotSeq: number;
  schemaVersion: number | null;
  updates: DocUpdateRecord[];
}

/**
 * DocStore in memory: for protocol tests that need no disk. Copies bytes on the
 * way in and out, as a real store would, so callers cannot alias its state.
 */
export class MemoryDocStore implements DocStore {
  private readonly docs = new Map<string, Entry>();

  private entry(docId: string): Entry {
    let e = this.docs.get(docId);
    if (!e) {
      e = { snapshot: null, stateVector: null, snapshotSeq: 0, schemaVersion: null, updates: [] };
      this.docs.set(docId, e);
    }
    return e;
  }

  load(docId: string): Promise<StoredDoc> {
    const e = this.docs.get(docId);
    if (!e)
      return Promise.resolve({
        snapshot: null,
        snapshotStateVector: null,
        snapshotSeq: 0,
        snapshotSchemaVersion: null,
        updates: [],
        lastSeq: 0,
      });
    const updates = e.updates.map((u) => ({ ...u, data: u.data.slice() }));
    const last = updates.length > 0 ? (updates[updates.length - 1] as DocUpdateRecord).seq : e.snapshotSeq;
    return Promise.resolve({
      snapshot: e.snapshot?.slice() ?? null,
      snapshotStateVector: e.stateVector?.slice() ?? null,
      snapshotSeq: e.snapshotSeq,
      snapshotSchemaVersion: e.schemaVersion,
      updates,
      lastSeq: last,
    });
  }

  append(docId: string, records: readonly DocUpdateRecord[]): Promise<void> {
    const e = this.entry(docId);
    let last = e.updates.length > 0 ? (e.updates[e.updates.length - 1] as DocUpdateRecord).seq : e.snapshotSeq;
    for (const r of records) {
      if (r.seq <= last) return Promise.reject(new Error(`seq ${r.seq} of ${docId} is not after ${last}`));
      last = r.seq;
    }
    for (const r of records) e.updates.push({ ...r, data: r.data.slice() });
    return Promise.resolve();
  }

  compact(docId: string, { data, stateVector, uptoSeq, schemaVersion }: DocSnapshot): Promise<void> {
    const e = this.entry(docId);
    e.snapshot = data.slice();
    e.stateVector = stateVector.slice();
    e.snapshotSeq = uptoSeq;
    e.schemaVersion = schemaVersion;
    e.updates = e.updates.filter((u) => u.seq > uptoSeq);
    return Promise.resolve();
  }

  delete(docId: string): Promise<void> {
    this.docs.delete(docId);
    return Promise.resolve();
  }

  stats(docId: string): Promise<DocStorageStats> {
    const e = this.docs.get(docId);
    return Promise.resolve({
      updateCount: e?.updates.length ?? 0,
      updateBytes: e?.updates.reduce((n, u) => n + u.data.byteLength, 0) ?? 0,
      snapshotBytes: e?.snapshot?.byteLength ?? 0,
    });
  }
}
