import { and, asc, count, desc, eq, inArray, lt, notInArray, or, sql } from 'drizzle-orm';
import type { LogLevel, RunResultMessage } from '#shared/protocol/engine.ts';
import type { PgDb } from '../db/open-postgres.ts';
import { executionLogs, executions, jobOutbox, nodeRuns } from '../db/schema/pg.ts';
import type {
  ClaimOutcome,
  ExecutionLogRow,
  ExecutionRetentionPolicy,
  ExecutionRow,
  ExecutionStatus,
  ExecutionStore,
  FinishRecord,
  NewExecution,
  NodeRunRow,
  OutboxEntry,
} from './execution-store.ts';
import { MAX_JOB_PRIORITY } from './execution-store.ts';

type Tx = Parameters<Parameters<PgDb['transaction']>[0]>[0];

const p = sql.placeholder;
const UNFINISHED = ['queued', 'running'] as const;

/**
 * Executions, their node runs and logs in PostgreSQL; the same rules as
 * SqliteExecutionStore, one contract.
 *
 * Log lines and node runs are numbered per execution (`seq`, `ord`) from the
 * highest number stored. SQLite has one writer, so reading that number and
 * inserting after it cannot interleave; here every writer of an execution's
 * lines first locks the execution's row, so two writers take turns instead
 * of both taking the same number.
 */
/**
 * PostgreSQL takes at most 65,535 parameters per statement: a run of 10,000
 * node runs (the default limit) is 120,000 of them in one INSERT. Rows go in
 * slices of this many, with their offset, inside the caller's transaction.
 */
const ROWS_PER_INSERT = 1000;
const chunksOf = function* <T>(rows: readonly T[]): Generator<[number, readonly T[]]> {
  for (let start = 0; start < rows.length; start += ROWS_PER_INSERT)
    yield [start, rows.slice(start, start + ROWS_PER_INSERT)];
};

export class PgExecutionStore implements ExecutionStore {
  // The statements every run passes through, prepared once per connection by name.
  private readonly byIdStmt;
  private readonly runningStmt;

  constructor(private readonly db: PgDb) {
    this.byIdStmt = db
      .select()
      .from(executions)
      .where(eq(executions.id, p('id')))
      .prepare('weft_execution_by_id');
    this.runningStmt = db
      .update(executions)
      .set({ status: 'running', engineId: sql`${p('engineId')}`, startedAt: sql`${p('now')}` })
      .where(and(eq(executions.id, p('id')), eq(executions.status, 'queued')))
      .returning({ id: executions.id })
      .prepare('weft_execution_mark_running');
  }

  async createQueued(row: NewExecution, options: { outbox?: boolean } = {}): Promise<{ created: boolean }> {
    const values = { ...row, triggerKey: row.triggerKey ?? null, status: 'queued' as const };
    // Only the trigger key may conflict quietly: a duplicate id is still an error.
    const insert = (db: Pick<PgDb, 'insert'>) =>
      db
        .insert(executions)
        .values(values)
        .onConflictDoNothing({ target: executions.triggerKey })
        .returning({ id: executions.id });
    if (!options.outbox) return { created: (await insert(this.db)).length > 0 };
    return this.db.transaction(async (tx) => {
      // A priority, not a lock: two runs stored at once may share a number, which only orders them less finely.
      const [waiting] = await tx
        .select({ n: count() })
        .from(executions)
        .where(and(eq(executions.workflowId, row.workflowId), eq(executions.status, 'queued')));
      // A run with this trigger key exists (a tick taken twice): no row, so no job either.
      if ((await insert(tx)).length === 0) return { created: false };
      await tx.insert(jobOutbox).values({
        executionId: row.id,
        workflowId: row.workflowId,
        priority: Math.min(MAX_JOB_PRIORITY, 1 + (waiting?.n ?? 0)),
        createdAt: row.createdAt,
      });
      return { created: true };
    });
  }

  async relayOutbox(limit: number, add: (entries: OutboxEntry[]) => Promise<void>): Promise<number> {
    return this.db.transaction(async (tx) => {
      // Entries another instance is relaying are skipped: each is handed out by one sweep at a time.
      const entries = await tx
        .select({ executionId: jobOutbox.executionId, workflowId: jobOutbox.workflowId, priority: jobOutbox.priority })
        .from(jobOutbox)
        .orderBy(asc(jobOutbox.id))
        .limit(limit)
        .for('update', { skipLocked: true });
      if (entries.length === 0) return 0;
      await add(entries);
      await tx.delete(jobOutbox).where(
        inArray(
          jobOutbox.executionId,
          entries.map((e) => e.executionId),
        ),
      );
      return entries.length;
    });
  }

  async deleteOutbox(executionId: string): Promise<void> {
    await this.db.delete(jobOutbox).where(eq(jobOutbox.executionId, executionId));
  }

  async claim(
    id: string,
    by: { engineId: string; instanceId: string; now: number; maxRunningPerWorkflow: number },
  ): Promise<ClaimOutcome> {
    return this.db.transaction(async (tx) => {
      const [row] = await tx
        .select({ status: executions.status, workflowId: executions.workflowId })
        .from(executions)
        .where(eq(executions.id, id));
      if (row?.status !== 'queued') return 'notQueued';
      if (by.maxRunningPerWorkflow > 0) {
        // Held to the commit (about a millisecond): the count and the update below are one step per workflow.
        await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`weft:wf:${row.workflowId}`}))`);
        const [running] = await tx
          .select({ n: count() })
          .from(executions)
          .where(and(eq(executions.workflowId, row.workflowId), eq(executions.status, 'running')));
        if ((running?.n ?? 0) >= by.maxRunningPerWorkflow) return 'atCapacity';
      }
      // Conditional on `queued`: of two claims of one run (a duplicate job), the second finds nothing to change.
      const claimed = await tx
        .update(executions)
        .set({ status: 'running', engineId: by.engineId, instanceId: by.instanceId, startedAt: by.now })
        .where(and(eq(executions.id, id), eq(executions.status, 'queued')))
        .returning({ id: executions.id });
      return claimed.length > 0 ? 'claimed' : 'notQueued';
    });
  }

  async queuedCounts(): Promise<Map<string, number>> {
    const rows = await this.db
      .select({ workflowId: executions.workflowId, n: count() })
      .from(executions)
      .where(eq(executions.status, 'queued'))
      .groupBy(executions.workflowId);
    return new Map(rows.map((r) => [r.workflowId, r.n]));
  }

  async cancelQueued(id: string, error: string, now: number): Promise<boolean> {
    const rows = await this.db
      .update(executions)
      .set({ status: 'canceled', error, finishedAt: now })
      .where(and(eq(executions.id, id), eq(executions.status, 'queued')))
      .returning({ id: executions.id });
    return rows.length > 0;
  }

  async get(id: string): Promise<ExecutionRow | undefined> {
    return (await this.byIdStmt.execute({ id }))[0];
  }

  async list(filter: {
    workflowIds: string[];
    status?: ExecutionStatus;
    cursor?: { createdAt: number; id: string };
    limit: number;
  }): Promise<ExecutionRow[]> {
    if (filter.workflowIds.length === 0) return [];
    const conditions = [inArray(executions.workflowId, filter.workflowIds)];
    if (filter.status) conditions.push(eq(executions.status, filter.status));
    if (filter.cursor) {
      const { createdAt, id } = filter.cursor;
      const older = or(
        lt(executions.createdAt, createdAt),
        and(eq(executions.createdAt, createdAt), lt(executions.id, id)),
      );
      if (older) conditions.push(older);
    }
    return this.db
      .select()
      .from(executions)
      .where(and(...conditions))
      .orderBy(desc(executions.createdAt), desc(executions.id))
      .limit(filter.limit);
  }

  async queued(): Promise<ExecutionRow[]> {
    return this.db.select().from(executions).where(eq(executions.status, 'queued')).orderBy(executions.createdAt);
  }

  async running(): Promise<ExecutionRow[]> {
    return this.db.select().from(executions).where(eq(executions.status, 'running'));
  }

  async markRunning(id: string, engineId: string, now: number): Promise<boolean> {
    // Conditional on `queued`: of two instances handing out the same run, the second finds it running and gets false.
    return (await this.runningStmt.execute({ id, engineId, now })).length > 0;
  }

  async finishAll(batch: readonly FinishRecord[]): Promise<void> {
    if (batch.length === 0) return;
    await this.db.transaction(async (tx) => {
      // Locked in one order, so two batches sharing executions wait for each other instead of deadlocking.
      await this.lock(tx, [...new Set(batch.map((f) => f.id))].sort());
      for (const f of batch) await this.writeFinish(tx, f.id, f.result, f.now);
    });
  }

  /** Locks the executions' rows until the transaction ends: their writers of runs and lines take turns. */
  private async lock(tx: Tx, ids: string[]): Promise<void> {
    await tx
      .select({ id: executions.id })
      .from(executions)
      .where(inArray(executions.id, ids))
      .orderBy(executions.id)
      .for('no key update');
  }

  private async writeFinish(tx: Tx, id: string, result: RunResultMessage, now: number): Promise<void> {
    await tx
      .update(executions)
      .set({ status: result.status, error: result.error ?? null, finishedAt: now })
      .where(and(eq(executions.id, id), inArray(executions.status, [...UNFINISHED])));
    if (result.runs.length > 0) {
      // Runs recorded by an earlier end of the same execution stay first.
      const [last] = await tx
        .select({ next: sql<number>`coalesce(max(${nodeRuns.ord}) + 1, 0)::int` })
        .from(nodeRuns)
        .where(eq(nodeRuns.executionId, id));
      const base = last?.next ?? 0;
      for (const [start, chunk] of chunksOf(result.runs)) {
        await tx
          .insert(nodeRuns)
          .values(
            chunk.map((r, i) => ({
              executionId: id,
              nodeId: r.nodeId,
              runIndex: r.runIndex,
              name: r.name,
              status: r.status,
              input: r.input,
              output: r.output,
              error: r.error ?? null,
              attempts: r.attempts,
              startedAt: r.startedAt,
              finishedAt: r.finishedAt,
              ord: base + start + i,
            })),
          )
          .onConflictDoNothing();
      }
    }
    const lines = result.logs ?? [];
    if (lines.length > 0) await this.writeLogs(tx, id, lines);
  }

  async fail(ids: string[], status: 'failed' | 'canceled', error: string, now: number): Promise<string[]> {
    if (ids.length === 0) return [];
    const rows = await this.db
      .update(executions)
      .set({ status, error, finishedAt: now })
      .where(and(inArray(executions.id, ids), inArray(executions.status, [...UNFINISHED])))
      .returning({ id: executions.id });
    return rows.map((r) => r.id);
  }

  async nodeRuns(id: string): Promise<NodeRunRow[]> {
    return this.db.select().from(nodeRuns).where(eq(nodeRuns.executionId, id)).orderBy(nodeRuns.ord);
  }

  async log(id: string, level: LogLevel, message: string, at: number, node?: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      await this.lock(tx, [id]);
      await this.writeLogs(tx, id, [{ level, message, at, ...(node === undefined ? {} : { node }) }]);
    });
  }

  /** Appends lines after the execution's last one; the caller holds the execution's lock. */
  private async writeLogs(
    tx: Tx,
    id: string,
    lines: readonly { level: LogLevel; message: string; at: number; node?: string | undefined }[],
  ): Promise<void> {
    const [last] = await tx
      .select({ seq: sql<number>`coalesce(max(${executionLogs.seq}), 0)::int` })
      .from(executionLogs)
      .where(eq(executionLogs.executionId, id));
    const base = last?.seq ?? 0;
    for (const [start, chunk] of chunksOf(lines)) {
      await tx.insert(executionLogs).values(
        chunk.map((line, i) => ({
          executionId: id,
          seq: base + start + i + 1,
          at: line.at,
          level: line.level,
          node: line.node ?? null,
          message: line.message,
        })),
      );
    }
  }

  async logs(id: string): Promise<ExecutionLogRow[]> {
    return (
      this.db
        .select()
        .from(executionLogs)
        .where(eq(executionLogs.executionId, id))
        // In time order: the engine's lines arrive with the run's end, after lines the server wrote meanwhile.
        .orderBy(executionLogs.at, executionLogs.seq)
    );
  }

  async delete(id: string): Promise<boolean> {
    return (await this.db.delete(executions).where(eq(executions.id, id)).returning({ id: executions.id })).length > 0;
  }

  async pruneBatch({ maxAgeDays, maxCount }: ExecutionRetentionPolicy, now: number, limit: number): Promise<number> {
    return this.db.transaction(async (tx) => {
      const ids: string[] = [];
      const finished = notInArray(executions.status, [...UNFINISHED]);
      if (maxAgeDays > 0) {
        const cutoff = now - maxAgeDays * 24 * 60 * 60 * 1000;
        const old = await tx
          .select({ id: executions.id })
          .from(executions)
          .where(and(lt(executions.createdAt, cutoff), finished))
          .orderBy(asc(executions.createdAt))
          .limit(limit);
        ids.push(...old.map((r) => r.id));
      }
      if (maxCount > 0 && ids.length < limit) {
        const [total] = await tx.select({ n: count() }).from(executions).where(finished);
        const over = Math.min(limit - ids.length, (total?.n ?? 0) - ids.length - maxCount);
        if (over > 0) {
          const oldest = await tx
            .select({ id: executions.id })
            .from(executions)
            .where(ids.length > 0 ? and(finished, notInArray(executions.id, ids)) : finished)
            .orderBy(asc(executions.createdAt))
            .limit(over);
          ids.push(...oldest.map((r) => r.id));
        }
      }
      if (ids.length === 0) return 0;
      // A finished run never runs again, so a row picked above is still one to delete; one another instance deleted first is not counted.
      return (await tx.delete(executions).where(inArray(executions.id, ids)).returning({ id: executions.id })).length;
    });
  }
}
