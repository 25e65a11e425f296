import { and, asc, eq, getTableName, gt, lte, sql } from 'drizzle-orm';
import type { Db } from '../db/open.ts';
import { docSnapshots, docUpdates } from '../db/schema.ts';
import type { DocSnapshot, DocStore, DocStorageStats, DocUpdateRecord, StoredDoc } from './doc-store.ts';

const asBytes = (b: Buffer | Uint8Array): Uint8Array => new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
const asBuffer = (u: Uint8Array): Buffer => Buffer.from(u.buffer, u.byteOffset, u.byteLength);

/**
 * DocStore on SQLite through drizzle. better-sqlite3 is synchronous, so every
 * method has finished its transaction before it returns; the promises only
 * keep the port async for stores that are not (PostgreSQL later).
 *
 * `append` is the hot path (every edit of every user) and runs one raw
 * better-sqlite3 statement in one transaction: drizzle's prepared queries
 * still map parameters per call, which cost more than the insert itself.
 */
export class SqliteDocStore implements DocStore {
  private readonly appendBatch: (docId: string, records: readonly DocUpdateRecord[]) => void;
  private readonly selectSnapshot;
  private readonly selectUpdates;
  private readonly selectLastSeq;

  constructor(private readonly db: Db) {
    const insert = db.$client.prepare(
      `insert into ${getTableName(docUpdates)} (doc_id, seq, author_id, created_at, data) values (?, ?, ?, ?, ?)`,
    );
    this.appendBatch = db.$client.transaction((docId: string, records: readonly DocUpdateRecord[]) => {
      for (const r of records) insert.run(docId, r.seq, r.authorId, r.createdAt, asBuffer(r.data));
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
    this.selectUpdates = db
      .select()
      .from(docUpdates)
      .where(and(eq(docUpdates.docId, sql.placeholder('docId')), gt(docUpdates.seq, sql.placeholder('after'))))
      .orderBy(asc(docUpdates.seq))
      .prepare();
    this.selectLastSeq = db
      .select({ seq: sql<number | null>`max(${docUpdates.seq})` })
      .from(docUpdates)
      .where(eq(docUpdates.docId, sql.placeholder('docId')))
      .prepare();
  }

  load(docId: string): Promise<StoredDoc> {
    return Promise.resolve(
      this.db.transaction(() => {
        const snap = this.selectSnapshot.get({ docId });
        const snapshotSeq = snap?.uptoSeq ?? 0;
        const rows = this.selectUpdates.all({ docId, after: snapshotSeq });
        const updates: DocUpdateRecord[] = rows.map((r) => ({
          seq: r.seq,
          authorId: r.authorId,
          createdAt: r.createdAt,
          data: asBytes(r.data),
        }));
        const last = updates.length > 0 ? (updates[updates.length - 1] as DocUpdateRecord).seq : snapshotSeq;
        return {
          snapshot: snap ? asBytes(snap.data) : null,
          snapshotStateVector: snap?.stateVector ? asBytes(snap.stateVector) : null,
          snapshotSeq,
          snapshotSchemaVersion: snap?.schemaVersion ?? null,
          updates,
          lastSeq: last,
        };
      }),
    );
  }

  append(docId: string, records: readonly DocUpdateRecord[]): Promise<void> {
    if (records.length === 0) return Promise.resolve();
    try {
      this.appendBatch(docId, records);
      return Promise.resolve();
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  compact(docId: string, { data, stateVector, uptoSeq, schemaVersion }: DocSnapshot): Promise<void> {
    try {
      this.db.transaction((tx) => {
        const row = {
          uptoSeq,
          data: asBuffer(data),
          stateVector: asBuffer(stateVector),
          schemaVersion,
          updatedAt: Date.now(),
        };
        tx.insert(docSnapshots)
          .values({ docId, ...row })
          .onConflictDoUpdate({ target: docSnapshots.docId, set: row })
          .run();
        tx.delete(docUpdates)
          .where(and(eq(docUpdates.docId, docId), lte(docUpdates.seq, uptoSeq)))
          .run();
      });
      return Promise.resolve();
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  delete(docId: string): Promise<void> {
    this.db.transaction((tx) => {
      tx.delete(docUpdates).where(eq(docUpdates.docId, docId)).run();
      tx.delete(docSnapshots).where(eq(docSnapshots.docId, docId)).run();
    });
    return Promise.resolve();
  }

  stats(docId: string): Promise<DocStorageStats> {
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
    return Promise.resolve({
      updateCount: updates?.count ?? 0,
      updateBytes: updates?.bytes ?? 0,
      snapshotBytes: snap?.bytes ?? 0,
    });
  }

  /** Highest seq in the log (used by tests). */
  lastLoggedSeq(docId: string): number {
    return this.selectLastSeq.get({ docId })?.seq ?? 0;
  }
}
