import { and, asc, desc, eq, inArray, lt, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/open.ts';
import { workflowEditSessions, workflowHistory, workflows, workflowSessionAuthors } from '../db/schema.ts';
import {
  parseAuthors,
  unionAuthors,
  VERSION_HASH,
  type EditSession,
  type HistoryEntry,
  type HistoryPage,
  type HistoryStore,
  type NewHistoryEntry,
} from './history-store.ts';

type Row = typeof workflowHistory.$inferSelect;
type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

const toEntry = (row: Row): HistoryEntry => ({ ...row, authors: parseAuthors(row.authors) });

const rowOf = (workflowId: string, entry: NewHistoryEntry, authors: readonly string[]): Row => ({
  id: entry.id,
  workflowId,
  versionHash: entry.versionHash,
  kind: entry.kind,
  name: entry.name ?? null,
  createdAt: entry.createdAt,
  createdBy: entry.createdBy,
  authors: JSON.stringify(authors),
  restoredFrom: entry.restoredFrom ?? null,
  beforeHash: entry.beforeHash ?? null,
});

/** The version history in SQLite (history-store.ts has the contract). */
export class SqliteHistoryStore implements HistoryStore {
  constructor(private readonly db: Db) {}

  async touchSession(workflowId: string, at: number, authorIds: readonly string[]): Promise<void> {
    this.db.transaction((tx) => {
      if (!tx.select({ id: workflows.id }).from(workflows).where(eq(workflows.id, workflowId)).get()) return;
      tx.insert(workflowEditSessions)
        .values({ workflowId, startedAt: at, lastEditAt: at })
        .onConflictDoUpdate({
          target: workflowEditSessions.workflowId,
          set: { lastEditAt: sql`max(${workflowEditSessions.lastEditAt}, excluded.last_edit_at)` },
        })
        .run();
      for (const userId of new Set(authorIds)) {
        tx.insert(workflowSessionAuthors)
          .values({ workflowId, userId, firstAt: at, lastAt: at })
          .onConflictDoUpdate({
            target: [workflowSessionAuthors.workflowId, workflowSessionAuthors.userId],
            set: { lastAt: sql`max(${workflowSessionAuthors.lastAt}, excluded.last_at)` },
          })
          .run();
      }
    });
  }

  async session(workflowId: string): Promise<EditSession | undefined> {
    return this.db.select().from(workflowEditSessions).where(eq(workflowEditSessions.workflowId, workflowId)).get();
  }

  async dueSessions(idleBefore: number, limit = 100): Promise<EditSession[]> {
    return this.db
      .select()
      .from(workflowEditSessions)
      .where(lt(workflowEditSessions.lastEditAt, idleBefore))
      .orderBy(asc(workflowEditSessions.lastEditAt))
      .limit(limit)
      .all();
  }

  async cutSession(
    workflowId: string,
    expectedLastEditAt: number,
    entry: NewHistoryEntry,
  ): Promise<HistoryEntry | null> {
    return this.db.transaction((tx) => {
      const closed = tx
        .delete(workflowEditSessions)
        .where(
          and(eq(workflowEditSessions.workflowId, workflowId), eq(workflowEditSessions.lastEditAt, expectedLastEditAt)),
        )
        .returning()
        .all();
      if (closed.length === 0) return null;
      const authors = this.takeAuthors(tx, workflowId);
      if (entry.kind === 'auto' && this.newestHash(tx, workflowId) === entry.versionHash) return null;
      const row = rowOf(workflowId, entry, unionAuthors(authors, entry.authors));
      tx.insert(workflowHistory).values(row).run();
      return toEntry(row);
    });
  }

  async addEntry(
    workflowId: string,
    entry: NewHistoryEntry,
    options: { cutSession?: boolean } = {},
  ): Promise<HistoryEntry> {
    return this.db.transaction((tx) => {
      let authors: string[] = [];
      if (options.cutSession) {
        tx.delete(workflowEditSessions).where(eq(workflowEditSessions.workflowId, workflowId)).run();
        authors = this.takeAuthors(tx, workflowId);
      }
      const row = rowOf(workflowId, entry, unionAuthors(authors, entry.authors));
      tx.insert(workflowHistory).values(row).run();
      return toEntry(row);
    });
  }

  async rename(workflowId: string, id: string, name: string): Promise<HistoryEntry | undefined> {
    const [row] = this.db
      .update(workflowHistory)
      .set({ name })
      .where(and(eq(workflowHistory.workflowId, workflowId), eq(workflowHistory.id, id)))
      .returning()
      .all();
    return row && toEntry(row);
  }

  async list(workflowId: string, page: HistoryPage): Promise<HistoryEntry[]> {
    const conditions: (SQL | undefined)[] = [eq(workflowHistory.workflowId, workflowId)];
    if (page.kinds) conditions.push(inArray(workflowHistory.kind, [...page.kinds]));
    if (page.cursor) {
      const { createdAt, id } = page.cursor;
      conditions.push(
        or(
          lt(workflowHistory.createdAt, createdAt),
          and(eq(workflowHistory.createdAt, createdAt), lt(workflowHistory.id, id)),
        ),
      );
    }
    return this.db
      .select()
      .from(workflowHistory)
      .where(and(...conditions))
      .orderBy(desc(workflowHistory.createdAt), desc(workflowHistory.id))
      .limit(page.limit)
      .all()
      .map(toEntry);
  }

  async get(workflowId: string, idOrHash: string): Promise<HistoryEntry | undefined> {
    const byHash = VERSION_HASH.test(idOrHash);
    const row = this.db
      .select()
      .from(workflowHistory)
      .where(
        and(
          eq(workflowHistory.workflowId, workflowId),
          byHash ? eq(workflowHistory.versionHash, idOrHash) : eq(workflowHistory.id, idOrHash),
        ),
      )
      .orderBy(desc(workflowHistory.createdAt), desc(workflowHistory.id))
      .limit(1)
      .get();
    return row && toEntry(row);
  }

  private takeAuthors(tx: Tx, workflowId: string): string[] {
    const rows = tx
      .delete(workflowSessionAuthors)
      .where(eq(workflowSessionAuthors.workflowId, workflowId))
      .returning()
      .all();
    return rows.sort((a, b) => a.firstAt - b.firstAt || a.userId.localeCompare(b.userId)).map((r) => r.userId);
  }

  private newestHash(tx: Tx, workflowId: string): string | undefined {
    return tx
      .select({ hash: workflowHistory.versionHash })
      .from(workflowHistory)
      .where(eq(workflowHistory.workflowId, workflowId))
      .orderBy(desc(workflowHistory.createdAt), desc(workflowHistory.id))
      .limit(1)
      .get()?.hash;
  }
}
