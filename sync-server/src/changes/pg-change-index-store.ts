import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import type { PgDb } from '../db/open-postgres.ts';
import { docChangeIndex, users, workflows } from '../db/schema/pg.ts';
import { mergeEntries, type ChangeEntry, type ChangeIndexStore, type RecordedChange } from './change-index-store.ts';

/** The change index in PostgreSQL; the same rules as SqliteChangeIndexStore. */
export class PgChangeIndexStore implements ChangeIndexStore {
  constructor(private readonly db: PgDb) {}

  async record(docId: string, entries: readonly ChangeEntry[]): Promise<void> {
    const merged = mergeEntries(entries);
    if (merged.length === 0) return;
    await this.db.transaction(async (tx) => {
      // Key-share locks: a workflow or person deleted meanwhile waits for this batch, or is gone before it
      // reads; renames and touches of the workflow row (no key change) do not wait. Users in id order, so two
      // batches lock them in the same order.
      const [workflow] = await tx
        .select({ id: workflows.id })
        .from(workflows)
        .where(eq(workflows.id, docId))
        .for('key share');
      if (!workflow) return;
      const known = new Set(
        (
          await tx
            .select({ id: users.id })
            .from(users)
            .where(inArray(users.id, [...new Set(merged.map((e) => e.userId))].sort()))
            .orderBy(users.id)
            .for('key share')
        ).map((row) => row.id),
      );
      const rows = merged
        .filter((entry) => known.has(entry.userId))
        .map((entry) => ({ docId, target: entry.target, userId: entry.userId, lastAt: entry.at, count: entry.count }));
      if (rows.length === 0) return;
      await tx
        .insert(docChangeIndex)
        .values(rows)
        .onConflictDoUpdate({
          target: [docChangeIndex.docId, docChangeIndex.target, docChangeIndex.userId],
          set: {
            lastAt: sql`greatest(${docChangeIndex.lastAt}, excluded.last_at)`,
            count: sql`${docChangeIndex.count} + excluded.count`,
          },
        });
    });
  }

  async recent(docId: string, target: string, limit: number): Promise<RecordedChange[]> {
    return this.db
      .select({ userId: docChangeIndex.userId, lastAt: docChangeIndex.lastAt, count: docChangeIndex.count })
      .from(docChangeIndex)
      .where(and(eq(docChangeIndex.docId, docId), eq(docChangeIndex.target, target)))
      .orderBy(desc(docChangeIndex.lastAt), docChangeIndex.userId)
      .limit(limit);
  }
}
