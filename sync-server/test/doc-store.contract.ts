import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import type { DocStore, DocUpdateRecord, NewDocUpdate } from '../src/storage/doc-store.ts';

/**
 * The DocStore contract (src/storage/doc-store.ts), after automerge-repo's
 * runStorageAdapterTests: every store implementation runs all of it.
 * `setup` gives a store and a way to open another handle on the same
 * database, as a second server instance would.
 */
export interface DocStoreSetup {
  store: DocStore;
  another: () => DocStore | Promise<DocStore>;
  teardown: () => void | Promise<void>;
}

export const runDocStoreContract = (name: string, setup: () => DocStoreSetup | Promise<DocStoreSetup>): void => {
  const rec = (n: number, data: Uint8Array, authorId: string | null = 'u1'): NewDocUpdate => ({
    authorId,
    createdAt: 1_700_000_000_000 + n,
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

  const snapshotOf = (updates: Uint8Array[], uptoSeq: number, schemaVersion: number | null = 1) => {
    const doc = new Y.Doc();
    for (const u of updates) Y.applyUpdate(doc, u);
    return { data: Y.encodeStateAsUpdate(doc), stateVector: Y.encodeStateVector(doc), uptoSeq, schemaVersion };
  };

  describe(`DocStore contract: ${name}`, () => {
    const withStore = (fn: (store: DocStore, another: () => Promise<DocStore>) => Promise<void>) => async () => {
      const { store, another, teardown } = await setup();
      try {
        await fn(store, async () => another());
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
        expect(await store.loadSince('nope', 0)).toEqual({ snapshot: null, updates: [], lastSeq: 0 });
        expect(await store.append('nope', [])).toEqual({ firstSeq: 1, lastSeq: 0 });
      }),
    );

    it(
      'gives each batch the next consecutive seqs and returns updates in seq order with author and time, byte for byte',
      withStore(async (store) => {
        const [a, b, c] = edits(3) as [Uint8Array, Uint8Array, Uint8Array];
        expect(await store.append('d1', [rec(1, a, 'alice')])).toEqual({ firstSeq: 1, lastSeq: 1 });
        expect(await store.append('d1', [rec(2, b, null), rec(3, c, 'bob')])).toEqual({ firstSeq: 2, lastSeq: 3 });
        expect(await store.append('d1', [])).toEqual({ firstSeq: 4, lastSeq: 3 });
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
      'keeps documents apart, and a deleted document starts again from nothing',
      withStore(async (store) => {
        const [a, b] = edits(2) as [Uint8Array, Uint8Array];
        await store.append('d1', [rec(1, a)]);
        await store.append('d2', [rec(1, b)]);
        expect((await store.load('d1')).updates).toHaveLength(1);
        await store.compact('d1', snapshotOf([a], 1));
        await store.delete('d1');
        expect(await store.load('d1')).toMatchObject({ snapshot: null, updates: [], lastSeq: 0 });
        expect((await store.heads(['d1', 'd2'])).get('d1')).toBeUndefined();
        expect((await store.load('d2')).lastSeq).toBe(1);
        expect(await store.append('d1', [rec(2, b)])).toEqual({ firstSeq: 1, lastSeq: 1 });
      }),
    );

    it(
      'lists the documents whose log past the snapshot holds at least so many updates',
      withStore(async (store) => {
        const updates = edits(5);
        await store.append('one', [rec(1, updates[0] as Uint8Array)]);
        await store.append(
          'three',
          updates.slice(0, 3).map((u, i) => rec(i, u)),
        );
        await store.append(
          'folded',
          updates.map((u, i) => rec(i, u)),
        );
        await store.compact('folded', snapshotOf(updates.slice(0, 4), 4));
        await store.append(
          'tail',
          updates.slice(0, 4).map((u, i) => rec(i, u)),
        );
        await store.compact('tail', snapshotOf(updates.slice(0, 2), 2));
        // folded: one update past its snapshot; tail: two.
        expect((await store.withLogs(2)).sort()).toEqual(['tail', 'three']);
        expect((await store.withLogs(1)).sort()).toEqual(['folded', 'one', 'tail', 'three']);
        expect(await store.withLogs(4)).toEqual([]);
      }),
    );

    it(
      'a batch that fails stores none of it and uses up no seqs',
      withStore(async (store) => {
        const [a, b, c] = edits(3) as [Uint8Array, Uint8Array, Uint8Array];
        await store.append('d1', [rec(1, a)]);
        const broken = { authorId: null, createdAt: 2, data: null } as unknown as NewDocUpdate;
        await expect(store.append('d1', [rec(2, b), broken])).rejects.toThrow();
        expect((await store.load('d1')).updates.map((u) => u.seq)).toEqual([1]);
        expect(await store.append('d1', [rec(3, c)])).toEqual({ firstSeq: 2, lastSeq: 2 });
      }),
    );

    it(
      'two handles on one database appending at once get disjoint, consecutive ranges, stored in seq order',
      withStore(async (store, another) => {
        const other = await another();
        const updates = edits(40);
        const ranges = await Promise.all(
          updates.map((u, i) => (i % 2 === 0 ? store : other).append('shared', [rec(i, u), rec(i, u)])),
        );
        const covered = ranges.flatMap(({ firstSeq, lastSeq }) => {
          expect(lastSeq - firstSeq).toBe(1);
          return [firstSeq, lastSeq];
        });
        expect(covered.sort((x, y) => x - y)).toEqual(Array.from({ length: 80 }, (_, i) => i + 1));
        for (const handle of [store, other]) {
          const loaded = await handle.load('shared');
          expect(loaded.lastSeq).toBe(80);
          expect(loaded.updates.map((u) => u.seq)).toEqual(Array.from({ length: 80 }, (_, i) => i + 1));
          expect(rebuild(loaded)).toHaveLength(40);
        }
      }),
    );

    it(
      'compacts: the snapshot replaces the log up to uptoSeq, later updates stay, and the head goes on',
      withStore(async (store) => {
        const updates = edits(10);
        await store.append(
          'd1',
          updates.map((u, i) => rec(i + 1, u)),
        );
        const snapshot = snapshotOf(updates.slice(0, 7), 7, 3);
        expect(await store.compact('d1', snapshot)).toBe(true);
        const loaded = await store.load('d1');
        expect(loaded.snapshotSeq).toBe(7);
        expect(loaded.snapshotSchemaVersion).toBe(3);
        expect(Array.from(loaded.snapshotStateVector ?? [])).toEqual(Array.from(snapshot.stateVector));
        expect(loaded.updates.map((u) => u.seq)).toEqual([8, 9, 10]);
        expect(loaded.lastSeq).toBe(10);
        expect(rebuild(loaded)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
        const stats = await store.stats('d1');
        expect(stats.updateCount).toBe(3);
        expect(stats.snapshotBytes).toBe(snapshot.data.byteLength);
        // Compacting everything leaves a snapshot only, and seq continues after it.
        expect(await store.compact('d1', { ...snapshotOf(updates, 10), schemaVersion: null })).toBe(true);
        const after = await store.load('d1');
        expect(after.snapshotSchemaVersion).toBeNull();
        expect(after.updates).toEqual([]);
        expect(after.lastSeq).toBe(10);
        expect(await store.append('d1', [rec(11, (edits(1) as [Uint8Array])[0])])).toEqual({
          firstSeq: 11,
          lastSeq: 11,
        });
        expect((await store.load('d1')).lastSeq).toBe(11);
      }),
    );

    it(
      'compaction only moves forward: an older snapshot is refused and changes nothing',
      withStore(async (store) => {
        const updates = edits(6);
        await store.append(
          'd1',
          updates.map((u, i) => rec(i, u)),
        );
        expect(await store.compact('d1', snapshotOf(updates.slice(0, 5), 5))).toBe(true);
        // A slow compaction of an older state, finishing late.
        expect(await store.compact('d1', snapshotOf(updates.slice(0, 3), 3))).toBe(false);
        const loaded = await store.load('d1');
        expect(loaded.snapshotSeq).toBe(5);
        expect(loaded.updates.map((u) => u.seq)).toEqual([6]);
        expect(rebuild(loaded)).toEqual([0, 1, 2, 3, 4, 5]);
        // The same point again is allowed (it may record the layout version).
        expect(await store.compact('d1', snapshotOf(updates.slice(0, 5), 5, 2))).toBe(true);
        expect((await store.load('d1')).snapshotSchemaVersion).toBe(2);
      }),
    );

    it(
      'loadSince answers what a replica lacks: the log after its seq, or the snapshot first when compacted past it',
      withStore(async (store) => {
        const updates = edits(8);
        await store.append(
          'd1',
          updates.map((u, i) => rec(i, u)),
        );
        const plain = await store.loadSince('d1', 5);
        expect(plain.snapshot).toBeNull();
        expect(plain.updates.map((u) => u.seq)).toEqual([6, 7, 8]);
        expect(plain.lastSeq).toBe(8);
        expect(await store.compact('d1', snapshotOf(updates.slice(0, 6), 6, 1))).toBe(true);
        const behind = await store.loadSince('d1', 2);
        expect(behind.snapshot?.uptoSeq).toBe(6);
        expect(behind.snapshot?.schemaVersion).toBe(1);
        expect(behind.updates.map((u) => u.seq)).toEqual([7, 8]);
        // A replica at seq 2 plus what loadSince gave is the whole document.
        const replica = new Y.Doc();
        for (const u of updates.slice(0, 2)) Y.applyUpdate(replica, u);
        if (behind.snapshot) Y.applyUpdate(replica, behind.snapshot.data);
        for (const u of behind.updates) Y.applyUpdate(replica, u.data);
        expect(replica.getArray<number>('a').toArray()).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
        const ahead = await store.loadSince('d1', 7);
        expect(ahead.snapshot).toBeNull();
        expect(ahead.updates.map((u) => u.seq)).toEqual([8]);
        expect((await store.loadSince('d1', 8)).updates).toEqual([]);
      }),
    );

    it(
      'heads answers every stored document asked for, in one call however many',
      withStore(async (store) => {
        const [a] = edits(1) as [Uint8Array];
        await store.append('h1', [rec(1, a)]);
        await store.append('h2', [rec(1, a), rec(2, a)]);
        await store.append('h3', [rec(1, a)]);
        await store.compact('h3', snapshotOf([a], 1));
        const asked = [...Array.from({ length: 1200 }, (_, i) => `missing-${i}`), 'h1', 'h2', 'h3'];
        expect(await store.heads(asked)).toEqual(
          new Map([
            ['h1', 1],
            ['h2', 2],
            ['h3', 1],
          ]),
        );
        expect(await store.heads([])).toEqual(new Map());
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
