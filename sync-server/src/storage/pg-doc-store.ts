import { sql } from 'drizzle-orm';
import type { PgDb } from '../db/open-postgres.ts';
import type {
  DocSince,
  DocSnapshot,
  DocStore,
  DocStorageStats,
  DocUpdateRecord,
  NewDocUpdate,
  StoredDoc,
} from './doc-store.ts';

// Types, not interfaces: drizzle's execute<T> wants an index-signature-compatible row type.
type UpdateRow = {
  seq: string;
  author_id: string | null;
  created_at: string;
  data: Buffer;
};

type SnapshotRow = {
  upto_seq: string;
  data: Buffer;
  state_vector: Buffer | null;
  schema_version: number | null;
};

const asBytes = (b: Buffer): Uint8Array => new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
const asBuffer = (u: Uint8Array): Buffer => Buffer.from(u.buffer, u.byteOffset, u.byteLength);

const toRecord = (r: UpdateRow): DocUpdateRecord => ({
  seq: Number(r.seq),
  authorId: r.author_id,
  createdAt: Number(r.created_at),
  data: asBytes(r.data),
});

/**
 * DocStore on PostgreSQL. `append`, the hot path, is one statement: it moves
 * the document's head and inserts the batch after it, so it costs one round
 * trip, and the head row stays locked until the commit, so a later seq can
 * never become visible before an earlier one. Reads that need the snapshot,
 * the log and the head to agree run in one repeatable-read transaction.
 */
export class PgDocStore implements DocStore {
  constructor(private readonly db: PgDb) {}

  async load(docId: string): Promise<StoredDoc> {
    return this.db.transaction(
      async (tx) => {
        const snap = (
          await tx.execute<SnapshotRow>(sql`
          select upto_seq, data, state_vector, schema_version from doc_snapshots where doc_id = ${docId}`)
        ).rows[0];
        const snapshotSeq = snap ? Number(snap.upto_seq) : 0;
        const updates = await tx.execute<UpdateRow>(sql`
          select seq, author_id, created_at, data from doc_updates
          where doc_id = ${docId} and seq > ${snapshotSeq} order by seq`);
        const head = await tx.execute<{ last_seq: string }>(
          sql`select last_seq from doc_heads where doc_id = ${docId}`,
        );
        return {
          snapshot: snap ? asBytes(snap.data) : null,
          snapshotStateVector: snap?.state_vector ? asBytes(snap.state_vector) : null,
          snapshotSeq,
          snapshotSchemaVersion: snap?.schema_version ?? null,
          updates: updates.rows.map(toRecord),
          lastSeq: Number(head.rows[0]?.last_seq ?? 0),
        };
      },
      { isolationLevel: 'repeatable read', accessMode: 'read only' },
    );
  }

  async loadSince(docId: string, afterSeq: number): Promise<DocSince> {
    return this.db.transaction(
      async (tx) => {
        const snap = (
          await tx.execute<SnapshotRow>(sql`
          select upto_seq, data, state_vector, schema_version from doc_snapshots
          where doc_id = ${docId} and upto_seq > ${afterSeq}`)
        ).rows[0];
        const from = snap ? Number(snap.upto_seq) : afterSeq;
        const updates = await tx.execute<UpdateRow>(sql`
          select seq, author_id, created_at, data from doc_updates
          where doc_id = ${docId} and seq > ${from} order by seq`);
        const head = await tx.execute<{ last_seq: string }>(
          sql`select last_seq from doc_heads where doc_id = ${docId}`,
        );
        return {
          snapshot: snap
            ? {
                data: asBytes(snap.data),
                stateVector: snap.state_vector ? asBytes(snap.state_vector) : new Uint8Array(),
                uptoSeq: Number(snap.upto_seq),
                schemaVersion: snap.schema_version,
              }
            : null,
          updates: updates.rows.map(toRecord),
          lastSeq: Number(head.rows[0]?.last_seq ?? 0),
        };
      },
      { isolationLevel: 'repeatable read', accessMode: 'read only' },
    );
  }

  async append(docId: string, records: readonly NewDocUpdate[]): Promise<{ firstSeq: number; lastSeq: number }> {
    const n = records.length;
    if (n === 0) {
      const head = await this.db.execute<{ last_seq: string }>(
        sql`select last_seq from doc_heads where doc_id = ${docId}`,
      );
      const last = Number(head.rows[0]?.last_seq ?? 0);
      return { firstSeq: last + 1, lastSeq: last };
    }
    const result = await this.db.$client.query<{ last_seq: string }>(
      `with head as (
         insert into doc_heads (doc_id, last_seq) values ($1, $2)
         on conflict (doc_id) do update set last_seq = doc_heads.last_seq + $2
         returning last_seq
       ), stored as (
         insert into doc_updates (doc_id, seq, author_id, created_at, data)
         select $1, head.last_seq - $2 + t.ord, t.author_id, t.created_at, t.data
         from head, unnest($3::text[], $4::bigint[], $5::bytea[]) with ordinality as t(author_id, created_at, data, ord)
         returning 1
       )
       select last_seq::text from head where (select count(*) from stored) = $2`,
      [docId, n, records.map((r) => r.authorId), records.map((r) => r.createdAt), records.map((r) => asBuffer(r.data))],
    );
    const last = result.rows[0]?.last_seq;
    if (last === undefined) throw new Error(`appending ${n} updates to ${docId} stored fewer rows than it was given`);
    const lastSeq = Number(last);
    return { firstSeq: lastSeq - n + 1, lastSeq };
  }

  async compact(docId: string, { data, stateVector, uptoSeq, schemaVersion }: DocSnapshot): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      // One compactor per document at a time; another one finding it busy skips (a later commit retries).
      const lock = await tx.execute<{ locked: boolean }>(
        sql`select pg_try_advisory_xact_lock(hashtext(${`weft:compact:${docId}`})) as locked`,
      );
      if (!lock.rows[0]?.locked) return false;
      // Forward only: a late or repeated compaction never puts an older snapshot back.
      const written = await tx.execute(sql`
        insert into doc_snapshots (doc_id, upto_seq, data, state_vector, schema_version, updated_at)
        values (${docId}, ${uptoSeq}, ${asBuffer(data)}, ${asBuffer(stateVector)}, ${schemaVersion}, ${Date.now()})
        on conflict (doc_id) do update set
          upto_seq = excluded.upto_seq, data = excluded.data, state_vector = excluded.state_vector,
          schema_version = excluded.schema_version, updated_at = excluded.updated_at
        where doc_snapshots.upto_seq <= excluded.upto_seq`);
      if ((written.rowCount ?? 0) === 0) return false;
      await tx.execute(sql`delete from doc_updates where doc_id = ${docId} and seq <= ${uptoSeq}`);
      return true;
    });
  }

  async withLogs(minUpdates: number): Promise<string[]> {
    // Compaction deletes what it folded, so every row left is past its document's snapshot.
    const rows = await this.db.execute<{ doc_id: string }>(
      sql`select doc_id from doc_updates group by doc_id having count(*) >= ${minUpdates}`,
    );
    return rows.rows.map((r) => r.doc_id);
  }

  async heads(docIds: readonly string[]): Promise<Map<string, number>> {
    if (docIds.length === 0) return new Map();
    const rows = await this.db.$client.query<{ doc_id: string; last_seq: string }>(
      'select doc_id, last_seq::text from doc_heads where doc_id = any($1::text[])',
      [docIds],
    );
    return new Map(rows.rows.map((r) => [r.doc_id, Number(r.last_seq)]));
  }

  async delete(docId: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.execute(sql`delete from doc_updates where doc_id = ${docId}`);
      await tx.execute(sql`delete from doc_snapshots where doc_id = ${docId}`);
      await tx.execute(sql`delete from doc_heads where doc_id = ${docId}`);
    });
  }

  async stats(docId: string): Promise<DocStorageStats> {
    const updates = await this.db.execute<{ count: string; bytes: string }>(sql`
      select count(*)::text as count, coalesce(sum(octet_length(data)), 0)::text as bytes
      from doc_updates where doc_id = ${docId}`);
    const snap = await this.db.execute<{ bytes: string }>(sql`
      select coalesce(sum(octet_length(data)), 0)::text as bytes from doc_snapshots where doc_id = ${docId}`);
    return {
      updateCount: Number(updates.rows[0]?.count ?? 0),
      updateBytes: Number(updates.rows[0]?.bytes ?? 0),
      snapshotBytes: Number(snap.rows[0]?.bytes ?? 0),
    };
  }
}
