import { and, eq, ne } from 'drizzle-orm';
import type { Db } from '../db/open.ts';
import { webhookRoutes, workflows } from '../db/schema.ts';
import { distinctRoutes, routeConflict } from './route-conflict.ts';
import type { ActivateResult, PublishResult, RouteSpec, TriggerStore, WebhookRoute } from './trigger-store.ts';

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

/** Trigger state in SQLite: one server per file, so a change is never another process's. */
export class SqliteTriggerStore implements TriggerStore {
  constructor(private readonly db: Db) {}

  async activate(
    workflowId: string,
    versionHash: string,
    routes: readonly RouteSpec[],
    options: { onlyIfActive?: boolean } = {},
  ): Promise<ActivateResult> {
    return this.db.transaction((tx): ActivateResult => {
      const row = tx.select().from(workflows).where(eq(workflows.id, workflowId)).get();
      if (row?.publishedHash !== versionHash || (options.onlyIfActive === true && !row.active))
        return { status: 'stale' };
      const conflict = this.replace(tx, workflowId, versionHash, routes);
      if (conflict) return conflict;
      tx.update(workflows).set({ active: true }).where(eq(workflows.id, workflowId)).run();
      return { status: 'active' };
    });
  }

  async publish(
    workflowId: string,
    versionHash: string,
    routes: readonly RouteSpec[] | undefined,
  ): Promise<PublishResult> {
    return this.db.transaction((tx): PublishResult => {
      const row = tx.select().from(workflows).where(eq(workflows.id, workflowId)).get();
      if (!row) return { status: 'stale' };
      if (row.active) {
        if (!routes) return { status: 'unroutable' };
        const conflict = this.replace(tx, workflowId, versionHash, routes);
        if (conflict) return conflict;
      }
      tx.update(workflows).set({ publishedHash: versionHash }).where(eq(workflows.id, workflowId)).run();
      return { status: 'published', active: row.active };
    });
  }

  async deactivate(workflowId: string): Promise<void> {
    this.db.transaction((tx) => {
      tx.delete(webhookRoutes).where(eq(webhookRoutes.workflowId, workflowId)).run();
      tx.update(workflows).set({ active: false }).where(eq(workflows.id, workflowId)).run();
    });
  }

  async routes(): Promise<WebhookRoute[]> {
    return this.db.select().from(webhookRoutes).all();
  }

  onChange(): () => void {
    return () => undefined;
  }

  /** The workflow's routes become `routes`, unless another workflow holds a colliding one. */
  private replace(
    tx: Tx,
    workflowId: string,
    versionHash: string,
    routes: readonly RouteSpec[],
  ): { status: 'conflict'; conflict: NonNullable<ReturnType<typeof routeConflict>> } | undefined {
    const held = tx
      .select({ method: webhookRoutes.method, path: webhookRoutes.path })
      .from(webhookRoutes)
      .where(ne(webhookRoutes.workflowId, workflowId))
      .all();
    const conflict = routeConflict(held, routes);
    if (conflict) return { status: 'conflict', conflict };
    tx.delete(webhookRoutes)
      .where(and(eq(webhookRoutes.workflowId, workflowId)))
      .run();
    const rows = distinctRoutes(routes).map((r) => ({ ...r, workflowId, versionHash }));
    if (rows.length > 0) tx.insert(webhookRoutes).values(rows).run();
    return undefined;
  }
}
