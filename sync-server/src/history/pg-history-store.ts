import { and, asc, desc, eq, inArray, lt, or, sql, type SQL } from 'drizzle-orm';
import type { PgDb } from '../db/open-postgres.ts';
import { workflowEditSessions, workflowHistory, workflows, workflowSessionAuthors } from '../db/schema/pg.ts';
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
type Tx = Parameters<Parameters<PgDb['transaction']>[0]>[0];

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

/**
 * The version history in PostgreSQL; the same contract as SqliteHistoryStore.
 * Every writer takes the session row first (touch by upsert, cut by delete),
 * so writes to one workflow's session serialize on that row: a cut whose
 * expected last edit was overtaken re-reads it after the other commits and
 * deletes nothing.
 */
export class PgHistoryStore implements HistoryStore {
  constructor(private readonly db: PgDb) {}

  async touchSession(workflowId: string, at: number, authorIds: readonly string[]): Promise<void> {
    await this.db.transaction(async (tx) => {
      const [workflow] = await tx.select({ id: workflows.id }).from(workflows).where(eq(workflows.id, workflowId));
      if (!workflow) return;
      await tx
        .insert(workflowEditSessions)
        .values({ workflowId, startedAt: at, lastEditAt: at })
        .onConflictDoUpdate({
          target: workflowEditSessions.workflowId,
          set: { lastEditAt: sql`greatest(${workflowEditSessions.lastEditAt}, excluded.last_edit_at)` },
        });
      for (const userId of [...new Set(authorIds)].sort()) {
        await tx
          .insert(workflowSessionAuthors)
          .values({ workflowId, userId, firstAt: at, lastAt: at })
          .onConflictDoUpdate({
            target: [workflowSessionAuthors.workflowId, workflowSessionAuthors.userId],
            set: { lastAt: sql`greatest(${workflowSessionAuthors.lastAt}, excluded.last_at)` },
          });
      }
    });
  }

  async session(workflowId: string): Promise<EditSession | undefined> {
    const [row] = await this.db
      .select()
      .from(workflowEditSessions)
      .where(eq(workflowEditSessions.workflowId, workflowId));
    return row;
  }

  async dueSessions(idleBefore: number, limit = 100): Promise<EditSession[]> {
    return this.db
      .select()
      .from(workflowEditSessions)
      .where(lt(workflowEditSessions.lastEditAt, idleBefore))
      .orderBy(asc(workflowEditSessions.lastEditAt))
      .limit(limit);
  }

  async cutSession(
    workflowId: string,
    expectedLastEditAt: number,
    entry: NewHistoryEntry,
  ): Promise<HistoryEntry | null> {
    return this.db.transaction(async (tx) => {
      const closed = await tx
        .delete(workflowEditSessions)
        .where(
          and(eq(workflowEditSessions.workflowId, workflowId), eq(workflowEditSessions.lastEditAt, expectedLastEditAt)),
        )
        .returning();
      if (closed.length === 0) return null;
      const authors = await this.takeAuthors(tx, workflowId);
      if (entry.kind === 'auto' && (await this.newestHash(tx, workflowId)) === entry.versionHash) return null;
      const row = rowOf(workflowId, entry, unionAuthors(authors, entry.authors));
      await tx.insert(workflowHistory).values(row);
      return toEntry(row);
    });
  }

  async addEntry(
    workflowId: string,
    entry: NewHistoryEntry,
    options: { cutSession?: boolean } = {},
  ): Promise<HistoryEntry> {
    return this.db.transaction(async (tx) => {
      let authors: string[] = [];
      if (options.cutSession) {
        await tx.delete(workflowEditSessions).where(eq(workflowEditSessions.workflowId, workflowId));
        authors = await this.takeAuthors(tx, workflowId);
      }
      const row = rowOf(workflowId, entry, unionAuthors(authors, entry.authors));
      await tx.insert(workflowHistory).values(row);
      return toEntry(row);
    });
  }

  async rename(workflowId: string, id: string, name: string): Promise<HistoryEntry | undefined> {
    const [row] = await this.db
      .update(workflowHistory)
      .set({ name })
      .where(and(eq(workflowHistory.workflowId, workflowId), eq(workflowHistory.id, id)))
      .returning();
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
    const rows = await this.db
      .select()
      .from(workflowHistory)
      .where(and(...conditions))
      .orderBy(desc(workflowHistory.createdAt), desc(workflowHistory.id))
      .limit(page.limit);
    return rows.map(toEntry);
  }

  async get(workflowId: string, idOrHash: string): Promise<HistoryEntry | undefined> {
    const byHash = VERSION_HASH.test(idOrHash);
    const [row] = await this.db
      .select()
      .from(workflowHistory)
      .where(
        and(
          eq(workflowHistory.workflowId, workflowId),
          byHash ? eq(workflowHistory.versionHash, idOrHash) : eq(workflowHistory.id, idOrHash),
        ),
      )
      .orderBy(desc(workflowHistory.createdAt), desc(workflowHistory.id))
      .limit(1);
    return row && toEntry(row);
  }

  private async takeAuthors(tx: Tx, workflowId: string): Promise<string[]> {
    const rows = await tx
      .delete(workflowSessionAuthors)
      .where(eq(workflowSessionAuthors.workflowId, workflowId))
      .returning();
    return rows.sort((a, b) => a.firstAt - b.firstAt || a.userId.localeCompare(b.userId)).map((r) => r.userId);
  }

  private async newestHash(tx: Tx, workflowId: string): Promise<string | undefined> {
    const [row] = await tx
      .select({ hash: workflowHistory.versionHash })
      .from(workflowHistory)
      .where(eq(workflowHistory.workflowId, workflowId))
      .orderBy(desc(workflowHistory.createdAt), desc(workflowHistory.id))
      .limit(1);
    return row?.hash;
  }
}
