import { and, desc, eq, inArray, lt, or, sql } from 'drizzle-orm';
import type { LogLevel, RunResultMessage } from '#shared/protocol/engine.ts';
import type { Db } from '../db/open.ts';
import { executionLogs, executions, nodeRuns } from '../db/schema.ts';

/** Executions, their node runs and logs in SQLite: the durable record of every run. */

export type ExecutionStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'canceled';
export type ExecutionMode = 'manual' | 'test' | 'webhook' | 'schedule' | 'retry';

export type ExecutionRow = typeof executions.$inferSelect;
export type NodeRunRow = typeof nodeRuns.$inferSelect;

const p = sql.placeholder;

export class ExecutionStore {
  // A webhook run touches these several times; drizzle would otherwise build and compile
  // each statement again on every call, which cost more than the run itself.
  private readonly insertStmt;
  private readonly byIdStmt;
  private readonly runningStmt;
  private readonly finishStmt;
  private readonly nodeRunStmt;
  private readonly logStmt;

  constructor(private readonly db: Db) {
    this.insertStmt = db
      .insert(executions)
      .values({
        id: p('id'),
        workflowId: p('workflowId'),
        versionHash: p('versionHash'),
        mode: p('mode'),
        status: p('status'),
        createdBy: p('createdBy'),
        createdAt: p('createdAt'),
        startNodeId: p('startNodeId'),
        triggerItems: p('triggerItems'),
        retryOf: p('retryOf'),
      })
      .prepare();
    this.byIdStmt = db
      .select()
      .from(executions)
      .where(eq(executions.id, p('id')))
      .prepare();
    this.runningStmt = db
      .update(executions)
      .set({ status: 'running', engineId: sql`${p('engineId')}`, startedAt: sql`${p('now')}` })
      .where(and(eq(executions.id, p('id')), eq(executions.status, 'queued')))
      .prepare();
    this.finishStmt = db
      .update(executions)
      .set({ status: sql`${p('status')}`, error: sql`${p('error')}`, finishedAt: sql`${p('now')}` })
      .where(and(eq(executions.id, p('id')), inArray(executions.status, ['queued', 'running'])))
      .prepare();
    this.nodeRunStmt = db
      .insert(nodeRuns)
      .values({
        executionId: p('executionId'),
        nodeId: p('nodeId'),
        runIndex: p('runIndex'),
        name: p('name'),
        status: p('status'),
        input: p('input'),
        output: p('output'),
        error: p('error'),
        attempts: p('attempts'),
        startedAt: p('startedAt'),
        finishedAt: p('finishedAt'),
      })
      .onConflictDoNothing()
      .prepare();
    this.logStmt = db
      .insert(executionLogs)
      .values({
        executionId: p('executionId'),
        // The next number in this execution's log: lines land in the order they are written.
        seq: sql`(select coalesce(max(${executionLogs.seq}), 0) + 1 from ${executionLogs} where ${executionLogs.executionId} = ${p('executionId')})`,
        at: p('at'),
        level: p('level'),
        node: p('node'),
        message: p('message'),
      })
      .prepare();
  }

  create(row: {
    id: string;
    workflowId: string;
    versionHash: string;
    mode: ExecutionMode;
    status: ExecutionStatus;
    createdBy: string | null;
    createdAt: number;
    startNodeId: string | null;
    triggerItems: string | null;
    retryOf: string | null;
  }): void {
    this.insertStmt.run(row);
  }

  /** Runs `fn` in one SQLite transaction (one commit). */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn);
  }

  get(id: string): ExecutionRow | undefined {
    return this.byIdStmt.get({ id });
  }

  /** Newest first; `cursor` is the last row of the previous page (createdAt:id). */
  list(filter: {
    workflowIds: string[];
    status?: ExecutionStatus;
    cursor?: { createdAt: number; id: string };
    limit: number;
  }): ExecutionRow[] {
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
      .limit(filter.limit)
      .all();
  }

  queued(): ExecutionRow[] {
    return this.db.select().from(executions).where(eq(executions.status, 'queued')).orderBy(executions.createdAt).all();
  }

  running(): ExecutionRow[] {
    return this.db.select().from(executions).where(eq(executions.status, 'running')).all();
  }

  markRunning(id: string, engineId: string, now: number): void {
    this.runningStmt.run({ id, engineId, now });
  }

  /**
   * Records the ends of several runs (status, node runs, logs) in one
   * transaction. Throws if the commit fails (a foreign key, a full disk, a
   * busy database): the caller decides what to do (see FinishBatcher).
   */
  finishAll(batch: readonly { id: string; result: RunResultMessage; now: number }[]): void {
    this.db.transaction(() => {
      for (const f of batch) this.writeFinish(f.id, f.result, f.now);
    });
  }

  private writeFinish(id: string, result: RunResultMessage, now: number): void {
    this.finishStmt.run({ id, status: result.status, error: result.error ?? null, now });
    for (const r of result.runs) {
      this.nodeRunStmt.run({
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
      });
    }
    for (const line of result.logs ?? []) this.log(id, line.level, line.message, line.at, line.node);
  }

  /** Fails executions that are still queued or running (engine lost, stopped before start). */
  fail(ids: string[], status: 'failed' | 'canceled', error: string, now: number): string[] {
    if (ids.length === 0) return [];
    const rows = this.db
      .update(executions)
      .set({ status, error, finishedAt: now })
      .where(and(inArray(executions.id, ids), inArray(executions.status, ['queued', 'running'])))
      .returning({ id: executions.id })
      .all();
    return rows.map((r) => r.id);
  }

  nodeRuns(id: string): NodeRunRow[] {
    return (
      this.db
        .select()
        .from(nodeRuns)
        .where(eq(nodeRuns.executionId, id))
        // Inserted in the order they ran (one transaction per execution): rowid keeps that order.
        .orderBy(sql`rowid`)
        .all()
    );
  }

  log(id: string, level: LogLevel, message: string, at: number, node?: string): void {
    this.logStmt.run({ executionId: id, at, level, node: node ?? null, message });
  }

  logs(id: string) {
    return (
      this.db
        .select()
        .from(executionLogs)
        .where(eq(executionLogs.executionId, id))
        // In time order: the engine's lines arrive with the run's end, after lines the server wrote meanwhile.
        .orderBy(executionLogs.at, executionLogs.seq)
        .all()
    );
  }

  delete(id: string): boolean {
    return this.db.delete(executions).where(eq(executions.id, id)).run().changes > 0;
  }
}
