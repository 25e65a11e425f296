import { and, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import type { Db } from '../db/open.ts';
import { workflowMembers, workflowModes } from '../db/schema.ts';
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

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

/** Edit modes in SQLite: one server per file, so nobody else needs to hear of a change. */
export class SqliteModeStore implements ModeStore {
  constructor(private readonly db: Db) {}

  async get(workflowId: string): Promise<ModeState> {
    return stateOf(workflowId, this.row(this.db, workflowId));
  }

  async getMany(workflowIds: readonly string[]): Promise<ModeState[]> {
    if (workflowIds.length === 0) return [];
    const rows = this.db
      .select()
      .from(workflowModes)
      .where(inArray(workflowModes.workflowId, [...workflowIds]))
      .all();
    const byId = new Map(rows.map((row) => [row.workflowId, row]));
    return workflowIds.map((id) => stateOf(id, byId.get(id)));
  }

  async setMode(workflowId: string, change: SetMode): Promise<ModeState> {
    const columns = modeColumns(workflowId, change);
    const [row] = this.db
      .insert(workflowModes)
      .values({ ...columns, version: 1 })
      .onConflictDoUpdate({
        target: workflowModes.workflowId,
        set: { ...columns, version: sql`${workflowModes.version} + 1` },
      })
      .returning()
      .all();
    return stateOf(workflowId, row);
  }

  async takePen(workflowId: string, userId: string, at: number, options: { force?: boolean } = {}): Promise<PenResult> {
    return this.decide(workflowId, (row) => decideTake(row, userId, at, options.force === true));
  }

  async requestPen(workflowId: string, userId: string, at: number): Promise<PenResult> {
    return this.decide(workflowId, (row) => decideRequest(row, userId, at));
  }

  async handOver(
    workflowId: string,
    by: { userId: string; asOwner: boolean },
    to: string,
    at: number,
  ): Promise<PenResult> {
    return this.decide(workflowId, (row, tx) => {
      const member = tx
        .select({ role: workflowMembers.role })
        .from(workflowMembers)
        .where(and(eq(workflowMembers.workflowId, workflowId), eq(workflowMembers.userId, to)))
        .get();
      return decideHandOver(row, by, to, member?.role, at);
    });
  }

  async releasePen(workflowId: string, by: { userId: string; asOwner: boolean }): Promise<PenResult> {
    return this.decide(workflowId, (row) => decideRelease(row, by));
  }

  async touchPen(workflowId: string, userId: string, at: number): Promise<void> {
    this.db
      .update(workflowModes)
      .set({ penActiveAt: at })
      .where(
        and(
          eq(workflowModes.workflowId, workflowId),
          eq(workflowModes.mode, 'pen'),
          eq(workflowModes.penHolder, userId),
        ),
      )
      .run();
  }

  async releaseIdle(now: number, defaultIdleMs: number): Promise<ModeState[]> {
    const rows = this.db
      .update(workflowModes)
      .set({ penHolder: null, penSince: null, penActiveAt: null, version: sql`${workflowModes.version} + 1` })
      .where(
        and(
          eq(workflowModes.mode, 'pen'),
          isNotNull(workflowModes.penHolder),
          sql`coalesce(${workflowModes.penActiveAt}, 0) + coalesce(${workflowModes.penIdleMs}, ${defaultIdleMs}) < ${now}`,
        ),
      )
      .returning()
      .all();
    return rows.map((row) => stateOf(row.workflowId, row));
  }

  onChange(): () => void {
    return () => undefined;
  }

  private row(db: Db | Tx, workflowId: string): ModeRow | undefined {
    return db.select().from(workflowModes).where(eq(workflowModes.workflowId, workflowId)).get();
  }

  private decide(workflowId: string, decide: (row: ModeRow | undefined, tx: Tx) => PenDecision): PenResult {
    return this.db.transaction((tx): PenResult => {
      const row = this.row(tx, workflowId);
      const decision = decide(row, tx);
      if ('refuse' in decision) return { status: decision.refuse, state: stateOf(workflowId, row) };
      if ('same' in decision) return { status: 'ok', state: stateOf(workflowId, row) };
      const [written] = tx
        .update(workflowModes)
        .set({ ...decision.write, version: sql`${workflowModes.version} + 1` })
        .where(eq(workflowModes.workflowId, workflowId))
        .returning()
        .all();
      return { status: 'ok', state: stateOf(workflowId, written) };
    });
  }
}
