import { and, eq, gt, inArray, lte, ne, sql } from 'drizzle-orm';
import type { PgDb } from '../db/open-postgres.ts';
import { testWebhookListeners } from '../db/schema/pg.ts';
import { distinctRoutes, routeConflict, type RouteConflict } from './route-conflict.ts';
import type { TestListenerRow, TestListenerStore } from './test-listener-store.ts';

/** Serialises "Listen" across instances, as for production routes: overlapping dynamic paths need it. */
const LISTENERS_LOCK = 0x77656674_74657374n; // "weft" "test"

/** Test listeners in PostgreSQL, shared by the instances of a cluster. */
export class PgTestListenerStore implements TestListenerStore {
  constructor(private readonly db: PgDb) {}

  async listen(
    workflowId: string,
    userId: string,
    routes: readonly { method: string; path: string }[],
    expiresAt: number,
    now: number,
  ): Promise<{ ok: true } | { ok: false; conflict: RouteConflict }> {
    return this.db.transaction(async (tx): Promise<{ ok: true } | { ok: false; conflict: RouteConflict }> => {
      await tx.execute(sql`select pg_advisory_xact_lock(${LISTENERS_LOCK.toString()}::bigint)`);
      const held = await tx
        .select({ method: testWebhookListeners.method, path: testWebhookListeners.path })
        .from(testWebhookListeners)
        .where(and(ne(testWebhookListeners.workflowId, workflowId), gt(testWebhookListeners.expiresAt, now)));
      const conflict = routeConflict(held, routes);
      if (conflict) return { ok: false, conflict };
      await tx.delete(testWebhookListeners).where(eq(testWebhookListeners.workflowId, workflowId));
      await tx.delete(testWebhookListeners).where(lte(testWebhookListeners.expiresAt, now));
      const rows = distinctRoutes(routes).map((r) => ({ ...r, workflowId, userId, expiresAt }));
      if (rows.length > 0) await tx.insert(testWebhookListeners).values(rows);
      return { ok: true };
    });
  }

  async active(methods: readonly string[], now: number): Promise<TestListenerRow[]> {
    if (methods.length === 0) return [];
    return this.db
      .select()
      .from(testWebhookListeners)
      .where(and(inArray(testWebhookListeners.method, [...methods]), gt(testWebhookListeners.expiresAt, now)));
  }

  async stop(workflowId: string): Promise<boolean> {
    const gone = await this.db
      .delete(testWebhookListeners)
      .where(eq(testWebhookListeners.workflowId, workflowId))
      .returning({ path: testWebhookListeners.path });
    return gone.length > 0;
  }

  async expire(workflowId: string, now: number): Promise<boolean> {
    const gone = await this.db
      .delete(testWebhookListeners)
      .where(and(eq(testWebhookListeners.workflowId, workflowId), lte(testWebhookListeners.expiresAt, now)))
      .returning({ path: testWebhookListeners.path });
    return gone.length > 0;
  }
}
