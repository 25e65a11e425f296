import { and, eq, getTableName, inArray, lte, sql } from 'drizzle-orm';
import type { Db } from '../db/open.ts';
import { docHeads, docSnapshots, docUpdates } from '../db/schema.ts';
import type {
  DocSince,
  DocSnapshot,
  DocStore,
  DocStorageStats,
  DocUpdateRecord,
  NewDocUpdate,
  StoredDoc,
} from './doc-store.ts';

const asBytes = (b: Buffer | Uint8Array): Uint8Array => new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
const asBuffer = (u: Uint8Array): Buffer => Buffer.from(u.buffer, u.byteOffset, u.byteLength);

/** SQLite's limit on bound parameters is 32,766; `heads` asks in chunks well below it. */
const HEADS_CHUNK = 500;

/**
 * DocStore on SQLite through drizzle. better-sqlite3 is synchronous, so every
 * method has finished its transaction before it returns; the methods are
 * async only so that a throw becomes a rejection, as the port's callers expect.
 *
 * `append` is the hot path (every edit of every user) and runs raw
 * better-sqlite3 statements in one transaction: drizzle's prepared queries
 * still map parameters per call, which cost more than the insert itself.
 */
export class SqliteDocStore implements DocStore {
  private readonly appendBatch: (docId: string, records: readonly NewDocUpdate[]) => number;
  private readonly readHead: (docId: string) => number;
  private readonly selectSnapshot;
  private readonly selectUpdates;

  constructor(private readonly db: Db) {
    const advance = db.$client.prepare<[string, number, number], { last_seq: number }>(
      `insert into ${getTableName(docHeads)} (doc_id, last_seq) values (?, ?)
       on conflict (doc_id) do update set last_seq = last_seq + ? returning last_seq`,
    );
    const head = db.$client.prepare<[string], { last_seq: number }>(
      `select last_seq from ${getTableName(docHeads)} where doc_id = ?`,
    );
    const insert = db.$client.prepare(
      `insert into ${getTableName(docUpdates)} (doc_id, seq, author_id, created_at, data) values (?, ?, ?, ?, ?)`,
    );
    this.readHead = (docId) => head.get(docId)?.last_seq ?? 0;
    this.appendBatch = db.$client.transaction((docId: string, records: readonly NewDocUpdate[]): number => {
      const n = records.length;
      const last = (advance.get(docId, n, n) as { last_seq: number }).last_seq;
      let seq = last - n;
      for (const r of records) insert.run(docId, ++seq, r.authorId, r.createdAt, asBuffer(r.data));
      return last;
    });
    this.selectSnapshot = db
      .select({
        data: docSnapshots.data,
        uptoSeq: docSnapshots.uptoSeq,
        stateVector: docSnapshots.stateVector,
        schemaVersion: docSnapshots.schemaVersion,
      })
      .from(docSnapshots)
      .where(eq(docSnapshots.docId, sql.placeholder('docId')))
      .prepare();
    // Raw, like the insert: a load after a crash reads up to compactEvery rows, and drizzle's
    // row mapping cost more than the read (most of a cold load's read in a CPU profile).
    this.selectUpdates = db.$client.prepare<
      [string, number],
      { seq: number; author_id: string | null; created_at: number; data: Buffer }
    >(
      `select seq, author_id, created_at, data from ${getTableName(docUpdates)} where doc_id = ? and seq > ? order by seq`,
    );
  }

  private updatesAfter(docId: string, after: number): DocUpdateRecord[] {
    return this.selectUpdates.all(docId, after).map((r) => ({
      seq: r.seq,
      authorId: r.author_id,
      createdAt: r.created_at,
      data: asBytes(r.data),
    }));
  }

  async load(docId: string): Promise<StoredDoc> {
    return this.db.transaction(() => {
      const snap = this.selectSnapshot.get({ docId });
      const snapshotSeq = snap?.uptoSeq ?? 0;
      return {
        snapshot: snap ? asBytes(snap.data) : null,
        snapshotStateVector: snap?.stateVector ? asBytes(snap.stateVector) : null,
        snapshotSeq,
        snapshotSchemaVersion: snap?.schemaVersion ?? null,
        updates: this.updatesAfter(docId, snapshotSeq),
        lastSeq: this.readHead(docId),
      };
    });
  }

  async loadSince(docId: string, afterSeq: number): Promise<DocSince> {
    return this.db.transaction(() => {
      const snap = this.selectSnapshot.get({ docId });
      const past = snap && snap.uptoSeq > afterSeq ? snap : undefined;
      return {
        snapshot: past
          ? {
              data: asBytes(past.data),
              // Stored before state vectors were (migration 0001): a replica decodes the snapshot anyway.
              stateVector: past.stateVector ? asBytes(past.stateVector) : new Uint8Array(),
              uptoSeq: past.uptoSeq,
              schemaVersion: past.schemaVersion,
            }
          : null,
        updates: this.updatesAfter(docId, past ? past.uptoSeq : afterSeq),
        lastSeq: this.readHead(docId),
      };
    });
  }

  async append(docId: string, records: readonly NewDocUpdate[]): Promise<{ firstSeq: number; lastSeq: number }> {
    if (records.length === 0) {
      const head = this.readHead(docId);
      return { firstSeq: head + 1, lastSeq: head };
    }
    const lastSeq = this.appendBatch(docId, records);
    return { firstSeq: lastSeq - records.length + 1, lastSeq };
  }

  async compact(docId: string, { data, stateVector, uptoSeq, schemaVersion }: DocSnapshot): Promise<boolean> {
    return this.db.transaction((tx) => {
      const row = {
        uptoSeq,
        data: asBuffer(data),
        stateVector: asBuffer(stateVector),
        schemaVersion,
        updatedAt: Date.now(),
      };
      // Forward only: a late or repeated compaction never puts an older snapshot back.
      const written = tx
        .insert(docSnapshots)
        .values({ docId, ...row })
        .onConflictDoUpdate({ target: docSnapshots.docId, set: row, setWhere: lte(docSnapshots.uptoSeq, uptoSeq) })
        .run().changes;
      if (written === 0) return false;
      tx.delete(docUpdates)
        .where(and(eq(docUpdates.docId, docId), lte(docUpdates.seq, uptoSeq)))
        .run();
      return true;
    });
  }

  async withLogs(minUpdates: number): Promise<string[]> {
    // Compaction deletes what it folded, so every row left is past its document's snapshot.
    return this.db
      .select({ docId: docUpdates.docId })
      .from(docUpdates)
      .groupBy(docUpdates.docId)
      .having(sql`count(*) >= ${minUpdates}`)
      .all()
      .map((r) => r.docId);
  }

  async heads(docIds: readonly string[]): Promise<Map<string, number>> {
    const heads = new Map<string, number>();
    for (let i = 0; i < docIds.length; i += HEADS_CHUNK) {
      const rows = this.db
        .select()
        .from(docHeads)
        .where(inArray(docHeads.docId, docIds.slice(i, i + HEADS_CHUNK)))
        .all();
      for (const row of rows) heads.set(row.docId, row.lastSeq);
    }
    return heads;
  }

  async delete(docId: string): Promise<void> {
    this.db.transaction((tx) => {
      tx.delete(docUpdates).where(eq(docUpdates.docId, docId)).run();
      tx.delete(docSnapshots).where(eq(docSnapshots.docId, docId)).run();
      tx.delete(docHeads).where(eq(docHeads.docId, docId)).run();
    });
  }

  async stats(docId: string): Promise<DocStorageStats> {
    const updates = this.db
      .select({ count: sql<number>`count(*)`, bytes: sql<number>`coalesce(sum(length(${docUpdates.data})), 0)` })
      .from(docUpdates)
      .where(eq(docUpdates.docId, docId))
      .get();
    const snap = this.db
      .select({ bytes: sql<number>`coalesce(sum(length(${docSnapshots.data})), 0)` })
      .from(docSnapshots)
      .where(eq(docSnapshots.docId, docId))
      .get();
    return {
      updateCount: updates?.count ?? 0,
      updateBytes: updates?.bytes ?? 0,
      snapshotBytes: snap?.bytes ?? 0,
    };
  }
}
