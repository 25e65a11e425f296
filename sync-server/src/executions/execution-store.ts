import { and, desc, eq, inArray, lt, or, sql } from 'drizzle-orm';
import type { RunResultMessage } from '#shared/protocol/engine.ts';
import type { Db } from '../db/open.ts';
import { executionLogs, executions, nodeRuns } from '../db/schema.ts';

/** Executions, their node runs and logs in SQLite: the durable record of every run. */

export type ExecutionStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'canceled';
export type ExecutionMode = 'manual' | 'test' | 'webhook' | 'schedule' | 'retry';

export type ExecutionRow = typeof executions.$inferSelect;
export type NodeRunRow = typeof nodeRuns.$inferSelect;

export class ExecutionStore {
  constructor(private readonly db: Db) {}

  create(row: typeof executions.$inferInsert): void {
    this.db.insert(executions).values(row).run();
  }

  get(id: string): ExecutionRow | undefined {
    return this.db.select().from(executions).where(eq(executions.id, id)).get();
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

  markRunning(id: string, engineId: string, now: number): void {
    this.db
      .update(executions)
      .set({ status: 'running', engineId, startedAt: now })
      .where(and(eq(executions.id, id), eq(executions.status, 'queued')))
      .run();
  }

  /** Records the end of a run and every node run, in one transaction. */
  finish(id: string, result: RunResultMessage, now: number): void {
    this.db.transaction((tx) => {
      tx.update(executions)
        .set({ status: result.status, error: result.error ?? null, finishedAt: now })
        .where(and(eq(executions.id, id), inArray(executions.status, ['queued', 'running'])))
        .run();
      for (const r of result.runs) {
        tx.insert(nodeRuns)
          .values({
            executionId: id,
            nodeId: r.nodeId,
            runIndex: r.runIndex,
            name: r.name,
            status: r.status,
            input: JSON.stringify(r.input),
            output: JSON.stringify(r.output),
            error: r.error ?? null,
            attempts: r.attempts,
            startedAt: r.startedAt,
            finishedAt: r.finishedAt,
          })
          .onConflictDoNothing()
          .run();
      }
    });
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

  log(id: string, level: 'info' | 'warn' | 'error', message: string, now: number): void {
    this.db
      .insert(executionLogs)
      .values({
        executionId: id,
        seq: sql`(select coalesce(max(${executionLogs.seq}), 0) + 1 from ${executionLogs} where ${executionLogs.executionId} = ${id})`,
        at: now,
        level,
        message,
      })
      .run();
  }

  logs(id: string) {
    return this.db
      .select()
      .from(executionLogs)
      .where(eq(executionLogs.executionId, id))
      .orderBy(executionLogs.seq)
      .all();
  }

  delete(id: string): boolean {
    return this.db.delete(executions).where(eq(executions.id, id)).run().changes > 0;
  }
}
