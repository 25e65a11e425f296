import { and, eq, gt, inArray, lte, ne } from 'drizzle-orm';
import type { Db } from '../db/open.ts';
import { testWebhookListeners } from '../db/schema.ts';
import { distinctRoutes, routeConflict, type RouteConflict } from './route-conflict.ts';
import type { TestListenerRow, TestListenerStore } from './test-listener-store.ts';

/** Test listeners in SQLite: the same rules as PgTestListenerStore, one contract. */
export class SqliteTestListenerStore implements TestListenerStore {
  constructor(private readonly db: Db) {}

  async listen(
    workflowId: string,
    userId: string,
    routes: readonly { method: string; path: string }[],
    expiresAt: number,
    now: number,
  ): Promise<{ ok: true } | { ok: false; conflict: RouteConflict }> {
    return this.db.transaction((tx): { ok: true } | { ok: false; conflict: RouteConflict } => {
      const held = tx
        .select({ method: testWebhookListeners.method, path: testWebhookListeners.path })
        .from(testWebhookListeners)
        .where(and(ne(testWebhookListeners.workflowId, workflowId), gt(testWebhookListeners.expiresAt, now)))
        .all();
      const conflict = routeConflict(held, routes);
      if (conflict) return { ok: false, conflict };
      // What is left on these paths is this workflow's or expired.
      tx.delete(testWebhookListeners).where(eq(testWebhookListeners.workflowId, workflowId)).run();
      tx.delete(testWebhookListeners).where(lte(testWebhookListeners.expiresAt, now)).run();
      const rows = distinctRoutes(routes).map((r) => ({ ...r, workflowId, userId, expiresAt }));
      if (rows.length > 0) tx.insert(testWebhookListeners).values(rows).run();
      return { ok: true };
    });
  }

  async active(methods: readonly string[], now: number): Promise<TestListenerRow[]> {
    if (methods.length === 0) return [];
    return this.db
      .select()
      .from(testWebhookListeners)
      .where(and(inArray(testWebhookListeners.method, [...methods]), gt(testWebhookListeners.expiresAt, now)))
      .all();
  }

  async stop(workflowId: string): Promise<boolean> {
    return (
      this.db.delete(testWebhookListeners).where(eq(testWebhookListeners.workflowId, workflowId)).run().changes > 0
    );
  }

  async expire(workflowId: string, now: number): Promise<boolean> {
    return (
      this.db
        .delete(testWebhookListeners)
        .where(and(eq(testWebhookListeners.workflowId, workflowId), lte(testWebhookListeners.expiresAt, now)))
        .run().changes > 0
    );
  }
}
