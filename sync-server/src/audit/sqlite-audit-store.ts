import { and, desc, eq, gte, lt, lte, or, sql } from 'drizzle-orm';
import type { Db } from '../db/open.ts';
import { auditEvents } from '../db/schema.ts';
import {
  likePrefix,
  toAuditEvent,
  toAuditRow,
  type AuditEvent,
  type AuditQuery,
  type AuditStore,
  type NewAuditEvent,
} from './audit-store.ts';

/** The audit trail in SQLite. */
export class SqliteAuditStore implements AuditStore {
  constructor(private readonly db: Db) {}

  async append(events: readonly NewAuditEvent[]): Promise<number> {
    if (events.length === 0) return 0;
    return this.db.insert(auditEvents).values(events.map(toAuditRow)).onConflictDoNothing().run().changes;
  }

  async list(query: AuditQuery): Promise<AuditEvent[]> {
    return this.db
      .select()
      .from(auditEvents)
      .where(
        and(
          query.workflowId !== undefined ? eq(auditEvents.workflowId, query.workflowId) : undefined,
          query.before !== undefined ? lt(auditEvents.seq, query.before) : undefined,
          query.actionPrefixes !== undefined && query.actionPrefixes.length > 0
            ? or(
                ...query.actionPrefixes.map(
                  (prefix) => sql`${auditEvents.action} like ${likePrefix(prefix)} escape '\\'`,
                ),
              )
            : undefined,
          query.actorId !== undefined ? eq(auditEvents.actorId, query.actorId) : undefined,
          query.since !== undefined ? gte(auditEvents.at, query.since) : undefined,
          query.until !== undefined ? lte(auditEvents.at, query.until) : undefined,
        ),
      )
      .orderBy(desc(auditEvents.seq))
      .limit(query.limit)
      .all()
      .map(toAuditEvent);
  }

  async prune(olderThan: number, limit: number): Promise<number> {
    return this.db.$client
      .prepare(`delete from audit_events where seq in (select seq from audit_events where at < ? order by seq limit ?)`)
      .run(olderThan, limit).changes;
  }
}
