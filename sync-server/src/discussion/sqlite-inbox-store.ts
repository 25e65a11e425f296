import { and, count, desc, eq, exists, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import { createId } from '#shared/ids.ts';
import type { Db } from '../db/open.ts';
import { inboxItems, users, workflowMembers, workflows } from '../db/schema.ts';
import { toInboxItem, type InboxCursor, type InboxItem, type InboxStore, type NewInboxItem } from './inbox-store.ts';

/** People's inboxes in SQLite. */
export class SqliteInboxStore implements InboxStore {
  constructor(private readonly db: Db) {}

  async add(items: readonly NewInboxItem[]): Promise<number> {
    if (items.length === 0) return 0;
    const insert = this.db.$client.prepare(
      `insert into inbox_items (id, user_id, workflow_id, thread_id, comment_id, kind, actor_id, excerpt, created_at)
       select ?, ?, ?, ?, ?, ?, (select id from users where id = ?), ?, ?
       where exists (select 1 from workflow_members where workflow_id = ? and user_id = ?)
       on conflict (user_id, comment_id, kind) do nothing`,
    );
    return this.db.$client.transaction(() => {
      let added = 0;
      for (const i of items) {
        const { changes } = insert.run(
          createId(),
          i.userId,
          i.workflowId,
          i.threadId,
          i.commentId,
          i.kind,
          i.actorId,
          i.excerpt,
          i.createdAt,
          i.workflowId,
          i.userId,
        );
        added += changes;
      }
      return added;
    })();
  }

  async list(
    userId: string,
    query: { limit: number; after?: InboxCursor; unreadOnly?: boolean },
  ): Promise<InboxItem[]> {
    const { after } = query;
    return this.db
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
      .limit(query.limit)
      .all()
      .map(toInboxItem);
  }

  async unread(userId: string): Promise<number> {
    const [row] = this.db
      .select({ n: count() })
      .from(inboxItems)
      .where(and(this.visibleTo(userId), isNull(inboxItems.readAt)))
      .all();
    return row?.n ?? 0;
  }

  async markRead(userId: string, which: { ids: readonly string[] } | { all: true }, now: number): Promise<void> {
    if ('ids' in which && which.ids.length === 0) return;
    this.db
      .update(inboxItems)
      .set({ readAt: now })
      .where(
        and(
          eq(inboxItems.userId, userId),
          isNull(inboxItems.readAt),
          'ids' in which ? inArray(inboxItems.id, [...which.ids]) : undefined,
        ),
      )
      .run();
  }

  async prune(olderThan: number, limit: number): Promise<number> {
    return this.db.$client
      .prepare(`delete from inbox_items where id in (select id from inbox_items where created_at < ? limit ?)`)
      .run(olderThan, limit).changes;
  }

  /** The person's own items, of workflows they are still a member of. */
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
