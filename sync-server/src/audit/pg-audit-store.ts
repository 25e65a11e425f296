import { and, desc, eq, gte, lt, lte, or, sql } from 'drizzle-orm';
import type { PgDb } from '../db/open-postgres.ts';
import { auditEvents } from '../db/schema/pg.ts';
import {
  likePrefix,
  toAuditEvent,
  toAuditRow,
  type AuditEvent,
  type AuditQuery,
  type AuditStore,
  type NewAuditEvent,
} from './audit-store.ts';

/** The audit trail in PostgreSQL; the same rules as SqliteAuditStore. */
export class PgAuditStore implements AuditStore {
  constructor(private readonly db: PgDb) {}

  async append(events: readonly NewAuditEvent[]): Promise<number> {
    if (events.length === 0) return 0;
    const result = await this.db.insert(auditEvents).values(events.map(toAuditRow)).onConflictDoNothing();
    return result.rowCount ?? 0;
  }

  async list(query: AuditQuery): Promise<AuditEvent[]> {
    const rows = await this.db
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
      .limit(query.limit);
    return rows.map(toAuditEvent);
  }

  async prune(olderThan: number, limit: number): Promise<number> {
    return this.db.transaction(async (tx) => {
      // The append-only trigger lets a DELETE through only in a transaction that says it is the prune.
      await tx.execute(sql`select set_config('weft.audit_prune', 'on', true)`);
      const result = await tx.execute(
        sql`delete from audit_events where seq in (select seq from audit_events where at < ${olderThan} order by seq limit ${limit})`,
      );
      return result.rowCount ?? 0;
    });
  }
}
