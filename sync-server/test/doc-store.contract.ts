import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import type { DocStore, DocUpdateRecord } from '../src/storage/doc-store.ts';

/**
 * The DocStore contract (src/storage/doc-store.ts), after automerge-repo's
 * runStorageAdapterTests: every store implementation runs all of it.
 */
export const runDocStoreContract = (
  name: string,
  setup: () => { store: DocStore; teardown: () => void | Promise<void> },
): void => {
  const rec = (seq: number, data: Uint8Array, authorId: string | null = 'u1'): DocUpdateRecord => ({
    seq,
    authorId,
    createdAt: 1_700_000_000_000 + seq,
    data,
  });

  const edits = (count: number): Uint8Array[] => {
    const doc = new Y.Doc();
    const out: Uint8Array[] = [];
    doc.on('update', (u: Uint8Array) => out.push(u));
    for (let i = 0; i < count; i++) doc.getArray<number>('a').push([i]);
    return out;
  };

  const rebuild = (stored: { snapshot: Uint8Array | null; updates: DocUpdateRecord[] }): number[] => {
    const doc = new Y.Doc();
    if (stored.snapshot) Y.applyUpdate(doc, stored.snapshot);
    for (const u of stored.updates) Y.applyUpdate(doc, u.data);
    return doc.getArray<number>('a').toArray();
  };

  describe(`DocStore contract: ${name}`, () => {
    const withStore = (fn: (store: DocStore) => Promise<void>) => async () => {
      const { store, teardown } = setup();
      try {
        await fn(store);
      } finally {
        await teardown();
      }
    };

    it(
      'loads an unknown document as empty',
      withStore(async (store) => {
        expect(await store.load('nope')).toEqual({
          snapshot: null,
          snapshotStateVector: null,
          snapshotSeq: 0,
          snapshotSchemaVersion: null,
          updates: [],
          lastSeq: 0,
        });
      }),
    );

    it(
      'returns appended updates in seq order with author and time, byte for byte',
      withStore(async (store) => {
        const [a, b, c] = edits(3) as [Uint8Array, Uint8Array, Uint8Array];
        await store.append('d1', [rec(1, a, 'alice')]);
        await store.append('d1', [rec(2, b, null), rec(3, c, 'bob')]);
        const loaded = await store.load('d1');
        expect(loaded.lastSeq).toBe(3);
        expect(loaded.updates.map((u) => [u.seq, u.authorId, u.createdAt])).toEqual([
          [1, 'alice', 1_700_000_000_001],
          [2, null, 1_700_000_000_002],
          [3, 'bob', 1_700_000_000_003],
        ]);
        expect(loaded.updates.map((u) => Array.from(u.data))).toEqual([a, b, c].map((x) => Array.from(x)));
        expect(rebuild(loaded)).toEqual([0, 1, 2]);
      }),
    );

    it(
      'keeps documents apart',
      withStore(async (store) => {
        const [a, b] = edits(2) as [Uint8Array, Uint8Array];
        await store.append('d1', [rec(1, a)]);
        await store.append('d2', [rec(1, b)]);
        expect((await store.load('d1')).updates).toHaveLength(1);
        await store.delete('d1');
        expect((await store.load('d1')).lastSeq).toBe(0);
        expect((await store.load('d2')).lastSeq).toBe(1);
      }),
    );

    it(
      'rejects a batch that reuses a seq and stores none of it',
      withStore(async (store) => {
        const [a, b, c] = edits(3) as [Uint8Array, Uint8Array, Uint8Array];
        await store.append('d1', [rec(1, a)]);
        await expect(store.append('d1', [rec(2, b), rec(1, c)])).rejects.toThrow();
        const loaded = await store.load('d1');
        expect(loaded.updates.map((u) => u.seq)).toEqual([1]);
      }),
    );

    it(
      'compacts: the snapshot replaces the log up to uptoSeq, later updates stay',
      withStore(async (store) => {
        const updates = edits(10);
        await store.append(
          'd1',
          updates.map((u, i) => rec(i + 1, u)),
        );
        const doc = new Y.Doc();
        for (const u of updates.slice(0, 7)) Y.applyUpdate(doc, u);
        const snapshot = { data: Y.encodeStateAsUpdate(doc), stateVector: Y.encodeStateVector(doc) };
        await store.compact('d1', { ...snapshot, uptoSeq: 7, schemaVersion: 3 });
        const loaded = await store.load('d1');
        expect(loaded.snapshotSeq).toBe(7);
        expect(loaded.snapshotSchemaVersion).toBe(3);
        expect(Array.from(loaded.snapshotStateVector ?? [])).toEqual(Array.from(Y.encodeStateVector(doc)));
        expect(loaded.updates.map((u) => u.seq)).toEqual([8, 9, 10]);
        expect(loaded.lastSeq).toBe(10);
        expect(rebuild(loaded)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
        const stats = await store.stats('d1');
        expect(stats.updateCount).toBe(3);
        expect(stats.snapshotBytes).toBe(Y.encodeStateAsUpdate(doc).byteLength);
        // Compacting everything leaves a snapshot only, and seq continues after it.
        await store.compact('d1', { ...snapshot, uptoSeq: 10, schemaVersion: null });
        const after = await store.load('d1');
        expect(after.snapshotSchemaVersion).toBeNull();
        expect(after.updates).toEqual([]);
        expect(after.lastSeq).toBe(10);
        await store.append('d1', [rec(11, (edits(1) as [Uint8Array])[0])]);
        expect((await store.load('d1')).lastSeq).toBe(11);
      }),
    );

    it(
      'does not let callers alias stored bytes',
      withStore(async (store) => {
        const [a] = edits(1) as [Uint8Array];
        const copy = Array.from(a);
        await store.append('d1', [rec(1, a)]);
        a.fill(0);
        const loaded = await store.load('d1');
        expect(Array.from((loaded.updates[0] as DocUpdateRecord).data)).toEqual(copy);
      }),
    );
  });
};
