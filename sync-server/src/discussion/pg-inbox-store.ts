import { and, count, desc, eq, exists, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import { createId } from '#shared/ids.ts';
import type { PgDb } from '../db/open-postgres.ts';
import { inboxItems, users, workflowMembers, workflows } from '../db/schema/pg.ts';
import { toInboxItem, type InboxCursor, type InboxItem, type InboxStore, type NewInboxItem } from './inbox-store.ts';

/** People's inboxes in PostgreSQL; the same rules as SqliteInboxStore. */
export class PgInboxStore implements InboxStore {
  constructor(private readonly db: PgDb) {}

  async add(items: readonly NewInboxItem[]): Promise<number> {
    if (items.length === 0) return 0;
    return this.db.transaction(async (tx) => {
      let added = 0;
      for (const i of items) {
        const result = await tx.execute(sql`
          insert into inbox_items (id, user_id, workflow_id, thread_id, comment_id, kind, actor_id, excerpt, created_at)
          select ${createId()}, ${i.userId}, ${i.workflowId}, ${i.threadId}, ${i.commentId}, ${i.kind},
                 (select id from users where id = ${i.actorId}), ${i.excerpt}, ${i.createdAt}
          where exists (select 1 from workflow_members where workflow_id = ${i.workflowId} and user_id = ${i.userId})
          on conflict (user_id, comment_id, kind) do nothing`);
        added += result.rowCount ?? 0;
      }
      return added;
    });
  }

  async list(
    userId: string,
    query: { limit: number; after?: InboxCursor; unreadOnly?: boolean },
  ): Promise<InboxItem[]> {
    const { after } = query;
    const rows = await this.db
      .select({
        id: inboxItems.id,
        kind: inboxItems.kind,
        workflowId: inboxItems.workflowId,
        workflowName: workflows.name,
        threadId: inboxItems.threadId,
        commentId: inboxItems.commentId,
        actorId: inboxItems.actorId,
        actorName: users.name,
        excerpt: inboxItems.excerpt,
        createdAt: inboxItems.createdAt,
        readAt: inboxItems.readAt,
      })
      .from(inboxItems)
      .innerJoin(workflows, eq(workflows.id, inboxItems.workflowId))
      .leftJoin(users, eq(users.id, inboxItems.actorId))
      .where(
        and(
          this.visibleTo(userId),
          query.unreadOnly === true ? isNull(inboxItems.readAt) : undefined,
          after
            ? or(
                lt(inboxItems.createdAt, after.createdAt),
                and(eq(inboxItems.createdAt, after.createdAt), lt(inboxItems.id, after.id)),
              )
            : undefined,
        ),
      )
      .orderBy(desc(inboxItems.createdAt), desc(inboxItems.id))
      .limit(query.limit);
    return rows.map(toInboxItem);
  }

  async unread(userId: string): Promise<number> {
    const [row] = await this.db
      .select({ n: count() })
      .from(inboxItems)
      .where(and(this.visibleTo(userId), isNull(inboxItems.readAt)));
    return row?.n ?? 0;
  }

  async markRead(userId: string, which: { ids: readonly string[] } | { all: true }, now: number): Promise<void> {
    if ('ids' in which && which.ids.length === 0) return;
    await this.db
      .update(inboxItems)
      .set({ readAt: now })
      .where(
        and(
          eq(inboxItems.userId, userId),
          isNull(inboxItems.readAt),
          'ids' in which ? inArray(inboxItems.id, [...which.ids]) : undefined,
        ),
      );
  }

  async prune(olderThan: number, limit: number): Promise<number> {
    const result = await this.db.execute(
      sql`delete from inbox_items where id in (select id from inbox_items where created_at < ${olderThan} limit ${limit})`,
    );
    return result.rowCount ?? 0;
  }

  private visibleTo(userId: string) {
    return and(
      eq(inboxItems.userId, userId),
      exists(
        this.db
          .select({ one: sql`1` })
          .from(workflowMembers)
          .where(and(eq(workflowMembers.workflowId, inboxItems.workflowId), eq(workflowMembers.userId, userId))),
      ),
    );
  }
}
