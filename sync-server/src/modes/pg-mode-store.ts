import { and, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import type { PgDb } from '../db/open-postgres.ts';
import { MODES_CHANNEL } from '../db/pg-session.ts';
import { workflowMembers, workflowModes } from '../db/schema/pg.ts';
import {
  decideHandOver,
  decideRelease,
  decideRequest,
  decideTake,
  modeColumns,
  stateOf,
  type ModeRow,
  type ModeState,
  type ModeStore,
  type PenDecision,
  type PenResult,
  type SetMode,
} from './mode-store.ts';

type Tx = Parameters<Parameters<PgDb['transaction']>[0]>[0];

/**
 * Edit modes in PostgreSQL. Every change NOTIFYs `weft_modes` with the
 * workflow id inside its transaction, so the other instances hear of it
 * exactly when (and only if) it commits; they re-read the row.
 */
export class PgModeStore implements ModeStore {
  constructor(
    private readonly db: PgDb,
    private readonly watch: (fn: (workflowId: string | undefined) => void) => () => void = () => () => undefined,
  ) {}

  onChange(fn: (workflowId: string | undefined) => void): () => void {
    return this.watch(fn);
  }

  async get(workflowId: string): Promise<ModeState> {
    const [row] = await this.db.select().from(workflowModes).where(eq(workflowModes.workflowId, workflowId));
    return stateOf(workflowId, row);
  }

  async getMany(workflowIds: readonly string[]): Promise<ModeState[]> {
    if (workflowIds.length === 0) return [];
    const rows = await this.db
      .select()
      .from(workflowModes)
      .where(inArray(workflowModes.workflowId, [...workflowIds]));
    const byId = new Map(rows.map((row) => [row.workflowId, row]));
    return workflowIds.map((id) => stateOf(id, byId.get(id)));
  }

  async setMode(workflowId: string, change: SetMode): Promise<ModeState> {
    const columns = modeColumns(workflowId, change);
    return this.db.transaction(async (tx) => {
      const [row] = await tx
        .insert(workflowModes)
        .values({ ...columns, version: 1 })
        .onConflictDoUpdate({
          target: workflowModes.workflowId,
          set: { ...columns, version: sql`${workflowModes.version} + 1` },
        })
        .returning();
      await announce(tx, workflowId);
      return stateOf(workflowId, row);
    });
  }

  async takePen(workflowId: string, userId: string, at: number, options: { force?: boolean } = {}): Promise<PenResult> {
    return this.decide(workflowId, (row) => Promise.resolve(decideTake(row, userId, at, options.force === true)));
  }

  async requestPen(workflowId: string, userId: string, at: number): Promise<PenResult> {
    return this.decide(workflowId, (row) => Promise.resolve(decideRequest(row, userId, at)));
  }

  async handOver(
    workflowId: string,
    by: { userId: string; asOwner: boolean },
    to: string,
    at: number,
  ): Promise<PenResult> {
    return this.decide(workflowId, async (row, tx) => {
      // Shared lock on the membership: a demotion waits for the hand-over, or the hand-over sees it.
      const [member] = await tx
        .select({ role: workflowMembers.role })
        .from(workflowMembers)
        .where(and(eq(workflowMembers.workflowId, workflowId), eq(workflowMembers.userId, to)))
        .for('share');
      return decideHandOver(row, by, to, member?.role, at);
    });
  }

  async releasePen(workflowId: string, by: { userId: string; asOwner: boolean }): Promise<PenResult> {
    return this.decide(workflowId, (row) => Promise.resolve(decideRelease(row, by)));
  }

  async touchPen(workflowId: string, userId: string, at: number): Promise<void> {
    await this.db
      .update(workflowModes)
      .set({ penActiveAt: at })
      .where(
        and(
          eq(workflowModes.workflowId, workflowId),
          eq(workflowModes.mode, 'pen'),
          eq(workflowModes.penHolder, userId),
        ),
      );
  }

  async releaseIdle(now: number, defaultIdleMs: number): Promise<ModeState[]> {
    // One statement: of instances sweeping at once, the row lock lets one release each pen, and
    // the others' re-check of the WHERE finds it free.
    return this.db.transaction(async (tx) => {
      const rows = await tx
        .update(workflowModes)
        .set({ penHolder: null, penSince: null, penActiveAt: null, version: sql`${workflowModes.version} + 1` })
        .where(
          and(
            eq(workflowModes.mode, 'pen'),
            isNotNull(workflowModes.penHolder),
            sql`coalesce(${workflowModes.penActiveAt}, 0) + coalesce(${workflowModes.penIdleMs}, ${defaultIdleMs}::bigint) < ${now}::bigint`,
          ),
        )
        .returning();
      for (const row of rows) await announce(tx, row.workflowId);
      return rows.map((row) => stateOf(row.workflowId, row));
    });
  }

  private async decide(
    workflowId: string,
    decide: (row: ModeRow | undefined, tx: Tx) => Promise<PenDecision>,
  ): Promise<PenResult> {
    return this.db.transaction(async (tx): Promise<PenResult> => {
      const [row] = await tx.select().from(workflowModes).where(eq(workflowModes.workflowId, workflowId)).for('update');
      const decision = await decide(row, tx);
      if ('refuse' in decision) return { status: decision.refuse, state: stateOf(workflowId, row) };
      if ('same' in decision) return { status: 'ok', state: stateOf(workflowId, row) };
      const [written] = await tx
        .update(workflowModes)
        .set({ ...decision.write, version: sql`${workflowModes.version} + 1` })
        .where(eq(workflowModes.workflowId, workflowId))
        .returning();
      await announce(tx, workflowId);
      return { status: 'ok', state: stateOf(workflowId, written) };
    });
  }
}

const announce = async (tx: Tx, workflowId: string): Promise<void> => {
  await tx.execute(sql`select pg_notify(${MODES_CHANNEL}, ${workflowId})`);
};
