import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../db/open.ts';
import { docChangeIndex, users, workflows } from '../db/schema.ts';
import { mergeEntries, type ChangeEntry, type ChangeIndexStore, type RecordedChange } from './change-index-store.ts';

/** The change index in SQLite (change-index-store.ts has the contract). */
export class SqliteChangeIndexStore implements ChangeIndexStore {
  constructor(private readonly db: Db) {}

  async record(docId: string, entries: readonly ChangeEntry[]): Promise<void> {
    const merged = mergeEntries(entries);
    if (merged.length === 0) return;
    this.db.transaction((tx) => {
      if (!tx.select({ id: workflows.id }).from(workflows).where(eq(workflows.id, docId)).get()) return;
      const known = new Set(
        tx
          .select({ id: users.id })
          .from(users)
          .where(inArray(users.id, [...new Set(merged.map((e) => e.userId))]))
          .all()
          .map((row) => row.id),
      );
      for (const entry of merged) {
        if (!known.has(entry.userId)) continue;
        tx.insert(docChangeIndex)
          .values({ docId, target: entry.target, userId: entry.userId, lastAt: entry.at, count: entry.count })
          .onConflictDoUpdate({
            target: [docChangeIndex.docId, docChangeIndex.target, docChangeIndex.userId],
            set: {
              lastAt: sql`max(${docChangeIndex.lastAt}, excluded.last_at)`,
              count: sql`${docChangeIndex.count} + excluded.count`,
            },
          })
          .run();
      }
    });
  }

  async recent(docId: string, target: string, limit: number): Promise<RecordedChange[]> {
    return this.db
      .select({ userId: docChangeIndex.userId, lastAt: docChangeIndex.lastAt, count: docChangeIndex.count })
      .from(docChangeIndex)
      .where(and(eq(docChangeIndex.docId, docId), eq(docChangeIndex.target, target)))
      .orderBy(desc(docChangeIndex.lastAt), docChangeIndex.userId)
      .limit(limit)
      .all();
  }
}
