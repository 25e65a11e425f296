import { eq, ne, sql } from 'drizzle-orm';
import type { PgDb } from '../db/open-postgres.ts';
import { TRIGGERS_CHANNEL } from '../db/pg-session.ts';
import { webhookRoutes, workflows } from '../db/schema/pg.ts';
import { distinctRoutes, routeConflict, type RouteConflict } from './route-conflict.ts';
import type { ActivateResult, PublishResult, RouteSpec, TriggerStore, WebhookRoute } from './trigger-store.ts';

type Tx = Parameters<Parameters<PgDb['transaction']>[0]>[0];

/**
 * One lock for every route write of the cluster: the primary key alone would
 * let two overlapping dynamic paths (`users/:id`, `users/:name`) both in.
 * Activations are rare, so serialising them costs nothing that matters.
 */
const ROUTES_LOCK = 0x77656674_726f7574n; // "weft" "rout"

/**
 * Trigger state in PostgreSQL. Every write also NOTIFYs `weft_triggers` in
 * its own transaction, so the news goes out exactly when (and only if) the
 * change commits — no migration, no window where a crash after the commit
 * loses it. `onChange` hears it through the instance's session connection.
 */
export class PgTriggerStore implements TriggerStore {
  constructor(
    private readonly db: PgDb,
    private readonly watch: (fn: () => void) => () => void = () => () => undefined,
  ) {}

  async activate(
    workflowId: string,
    versionHash: string,
    routes: readonly RouteSpec[],
    options: { onlyIfActive?: boolean } = {},
  ): Promise<ActivateResult> {
    return this.db.transaction(async (tx): Promise<ActivateResult> => {
      await lockRoutes(tx);
      const [row] = await tx.select().from(workflows).where(eq(workflows.id, workflowId)).for('no key update');
      if (row?.publishedHash !== versionHash || (options.onlyIfActive === true && !row.active))
        return { status: 'stale' };
      const conflict = await replace(tx, workflowId, versionHash, routes);
      if (conflict) return conflict;
      await tx.update(workflows).set({ active: true }).where(eq(workflows.id, workflowId));
      await announce(tx, workflowId);
      return { status: 'active' };
    });
  }

  async publish(
    workflowId: string,
    versionHash: string,
    routes: readonly RouteSpec[] | undefined,
  ): Promise<PublishResult> {
    return this.db.transaction(async (tx): Promise<PublishResult> => {
      await lockRoutes(tx);
      const [row] = await tx.select().from(workflows).where(eq(workflows.id, workflowId)).for('no key update');
      if (!row) return { status: 'stale' };
      if (row.active) {
        if (!routes) return { status: 'unroutable' };
        const conflict = await replace(tx, workflowId, versionHash, routes);
        if (conflict) return conflict;
        await announce(tx, workflowId);
      }
      await tx.update(workflows).set({ publishedHash: versionHash }).where(eq(workflows.id, workflowId));
      return { status: 'published', active: row.active };
    });
  }

  async deactivate(workflowId: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.delete(webhookRoutes).where(eq(webhookRoutes.workflowId, workflowId));
      await tx.update(workflows).set({ active: false }).where(eq(workflows.id, workflowId));
      await announce(tx, workflowId);
    });
  }

  async routes(): Promise<WebhookRoute[]> {
    return this.db.select().from(webhookRoutes);
  }

  onChange(fn: () => void): () => void {
    return this.watch(fn);
  }
}

const lockRoutes = async (tx: Tx): Promise<void> => {
  await tx.execute(sql`select pg_advisory_xact_lock(${ROUTES_LOCK.toString()}::bigint)`);
};

const announce = async (tx: Tx, workflowId: string): Promise<void> => {
  await tx.execute(sql`select pg_notify(${TRIGGERS_CHANNEL}, ${workflowId})`);
};

const replace = async (
  tx: Tx,
  workflowId: string,
  versionHash: string,
  routes: readonly RouteSpec[],
): Promise<{ status: 'conflict'; conflict: RouteConflict } | undefined> => {
  const held = await tx
    .select({ method: webhookRoutes.method, path: webhookRoutes.path })
    .from(webhookRoutes)
    .where(ne(webhookRoutes.workflowId, workflowId));
  const conflict = routeConflict(held, routes);
  if (conflict) return { status: 'conflict', conflict };
  await tx.delete(webhookRoutes).where(eq(webhookRoutes.workflowId, workflowId));
  const rows = distinctRoutes(routes).map((r) => ({ ...r, workflowId, versionHash }));
  if (rows.length > 0) await tx.insert(webhookRoutes).values(rows);
  return undefined;
};
