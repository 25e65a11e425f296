import {
  and,
  asc,
  count,
  desc,
  eq,
  exists,
  getTableColumns,
  gte,
  inArray,
  lt,
  lte,
  notInArray,
  or,
  sql,
  type SQL,
} from 'drizzle-orm';
import type Database from 'better-sqlite3';
import type { LogLevel, RunResultMessage } from '#shared/protocol/engine.ts';
import { SQLiteSyncDialect } from 'drizzle-orm/sqlite-core';
import { directStatement, type DirectStatement } from '../db/direct-statement.ts';
import { GroupCommit } from '../db/group-commit.ts';
import type { Db } from '../db/open.ts';
import {
  GRAINS,
  rollupLatencySql,
  rollupNodeFailuresSql,
  rollupRunsSql,
  type LatencyRollup,
} from '../insights/rollup-sql.ts';
import {
  executionLogs,
  executions,
  jobOutbox,
  nodeRuns,
  users,
  workflowMembers,
  workflows,
  workflowVersions,
} from '../db/schema.ts';
import {
  errorTriggerOf,
  errorWorkflowOf,
  planErrorRun,
  type ErrorRunFacts,
  type ErrorRunSetup,
  type ErrorTarget,
} from './error-workflows.ts';
import type {
  ChildOptions,
  ClaimOutcome,
  ExecutionListFilter,
  ExecutionListRow,
  ExecutionLogRow,
  ExecutionRetentionPolicy,
  ExecutionRow,
  ExecutionStore,
  FinishRecord,
  NewChildExecution,
  NewExecution,
  NodeRunRow,
  OutboxEntry,
  Queued,
} from './execution-store.ts';
import { customDataText, lastOfEach, MAX_JOB_PRIORITY, partialColumns, type LastNodeRun } from './execution-store.ts';

/** Executions, their node runs and logs in SQLite. */

const lastRunColumns = {
  nodeId: nodeRuns.nodeId,
  runIndex: nodeRuns.runIndex,
  status: nodeRuns.status,
  output: nodeRuns.output,
  paired: nodeRuns.paired,
};

const p = sql.placeholder;
/**
 * Ends rolled up by one statement at most. Past eight ids SQLite (without statistics) plans the list as a
 * walk of the status index over every finished run; up to eight it looks each up by its key
 * (sqlite-rollup-plan.test.ts holds that for every size used).
 */
export const ROLLUP_CHUNK = 8;
const UNFINISHED = ['queued', 'running'] as const;

export class SqliteExecutionStore implements ExecutionStore {
  // A webhook run touches these several times; drizzle would otherwise build and compile
  // each statement again on every call, which cost more than the run itself.
  private readonly insertStmt;
  private readonly byIdStmt;
  // Run by better-sqlite3 directly (db/direct-statement.ts): each runs once or more per run.
  private readonly runningStmt: DirectStatement<{ id: string; engineId: string; now: number }>;
  private readonly finishStmt: DirectStatement<{
    id: string;
    status: string;
    error: string | null;
    now: number;
    customData: string | null;
  }>;
  private readonly nodeRunStmt: DirectStatement<Omit<NodeRunRow, 'origin'> & { origin: string }>;
  private readonly nextOrdStmt: DirectStatement<{ executionId: string }>;
  private readonly logStmt: DirectStatement<{
    executionId: string;
    at: number;
    level: LogLevel;
    node: string | null;
    message: string;
  }>;
  /** The rollup statements for n ids at once (`e.id in (?, …)`), prepared on first use of each n. */
  private readonly rollupStmts = new Map<number, { runs: Database.Statement[]; failures: Database.Statement[] }>();
  /** Outbox entries a relayOutbox call is handing out right now. */
  private readonly relaying = new Set<string>();
  private errorRuns: ErrorRunSetup | undefined;
  /** A run's insert, its start and its end share commits with other runs' (bench:engine's webhook rows). */
  private readonly commits: GroupCommit;

  constructor(private readonly db: Db) {
    this.commits = new GroupCommit(db.$client);
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
        triggerKey: p('triggerKey'),
        pins: p('pins'),
        baseExecutionId: p('baseExecutionId'),
        runScope: p('runScope'),
        destinationNodeId: p('destinationNodeId'),
        fingerprints: p('fingerprints'),
      })
      .onConflictDoNothing({ target: executions.triggerKey })
      // The row as stored, for the caller: no read after the write.
      .returning()
      .prepare();
    this.byIdStmt = db
      .select()
      .from(executions)
      .where(eq(executions.id, p('id')))
      .prepare();
    this.runningStmt = directStatement(
      db.$client,
      db
        .update(executions)
        .set({ status: 'running', engineId: sql`${p('engineId')}`, startedAt: sql`${p('now')}` })
        .where(and(eq(executions.id, p('id')), eq(executions.status, 'queued'))),
    );
    this.finishStmt = directStatement(
      db.$client,
      db
        .update(executions)
        .set({
          status: sql`${p('status')}`,
          error: sql`${p('error')}`,
          finishedAt: sql`${p('now')}`,
          customData: sql`${p('customData')}`,
        })
        .where(and(eq(executions.id, p('id')), inArray(executions.status, ['queued', 'running']))),
    );
    this.nodeRunStmt = directStatement(
      db.$client,
      db
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
          ord: p('ord'),
          origin: p('origin'),
          paired: p('paired'),
        })
        .onConflictDoNothing(),
    );
    this.nextOrdStmt = directStatement(
      db.$client,
      db
        .select({ next: sql<number>`coalesce(max(${nodeRuns.ord}) + 1, 0)` })
        .from(nodeRuns)
        .where(eq(nodeRuns.executionId, p('executionId'))),
    );
    this.logStmt = directStatement(
      db.$client,
      db.insert(executionLogs).values({
        executionId: p('executionId'),
        // The next number in this execution's log: lines land in the order they are written.
        seq: sql`(select coalesce(max(${executionLogs.seq}), 0) + 1 from ${executionLogs} where ${executionLogs.executionId} = ${p('executionId')})`,
        at: p('at'),
        level: p('level'),
        node: p('node'),
        message: p('message'),
      }),
    );
  }

  createQueued(row: NewExecution, options: { outbox?: boolean } = {}): Promise<Queued> {
    return this.commits.run(() => this.insertQueued(row, options.outbox === true));
  }

  /** createQueued's writes, inside a transaction the caller holds. */
  private insertQueued(row: NewExecution, outbox: boolean): Queued {
    const values = { ...partialColumns(row), status: 'queued' };
    if (!outbox) {
      // all(), not get(): drizzle types get() as always finding a row, and a taken trigger key returns none.
      const [stored] = this.insertStmt.all(values);
      return stored ? { created: true, row: stored } : { created: false };
    }
    // Counted before the insert: the workflow's first waiting run gets priority 1.
    const [waiting] = this.db
      .select({ n: count() })
      .from(executions)
      .where(and(eq(executions.workflowId, row.workflowId), eq(executions.status, 'queued')))
      .all();
    // A run with this trigger key exists (a tick taken twice): no row, so no job either.
    const [stored] = this.insertStmt.all(values);
    if (!stored) return { created: false };
    this.db
      .insert(jobOutbox)
      .values({
        executionId: row.id,
        workflowId: row.workflowId,
        priority: Math.min(MAX_JOB_PRIORITY, 1 + (waiting?.n ?? 0)),
        createdAt: row.createdAt,
      })
      .run();
    return { created: true, row: stored };
  }

  async createChild(row: NewChildExecution, options: ChildOptions): Promise<'created' | 'tooMany'> {
    const { running } = options;
    return this.db.transaction((tx) => {
      const [children] = tx
        .select({ n: count() })
        .from(executions)
        .where(eq(executions.rootExecutionId, row.rootExecutionId))
        .all();
      if ((children?.n ?? 0) >= options.maxPerRoot) return 'tooMany';
      tx.insert(executions)
        .values({
          ...row,
          triggerKey: row.triggerKey ?? null,
          pins: row.pins ?? null,
          ...(running
            ? {
                status: 'running',
                engineId: running.engineId,
                instanceId: running.instanceId ?? null,
                startedAt: row.createdAt,
              }
            : { status: 'queued' }),
        })
        .run();
      if (!running && options.outbox) {
        tx.insert(jobOutbox)
          .values({ executionId: row.id, workflowId: row.workflowId, priority: 1, createdAt: row.createdAt })
          .run();
      }
      return 'created';
    });
  }

  async children(id: string, limit: number): Promise<ExecutionRow[]> {
    return this.db
      .select()
      .from(executions)
      .where(eq(executions.parentExecutionId, id))
      .orderBy(asc(executions.createdAt), asc(executions.id))
      .limit(limit)
      .all();
  }

  async relayOutbox(limit: number, add: (entries: OutboxEntry[]) => Promise<void>): Promise<number> {
    // One process per SQLite file, and a transaction cannot span the await: entries being handed
    // out are held in memory instead of locked, and a concurrent call skips them.
    const held = [...this.relaying];
    const entries = this.db
      .select({ executionId: jobOutbox.executionId, workflowId: jobOutbox.workflowId, priority: jobOutbox.priority })
      .from(jobOutbox)
      .where(held.length > 0 ? notInArray(jobOutbox.executionId, held) : undefined)
      .orderBy(asc(jobOutbox.id))
      .limit(limit)
      .all();
    if (entries.length === 0) return 0;
    const ids = entries.map((e) => e.executionId);
    for (const id of ids) this.relaying.add(id);
    try {
      await add(entries);
      this.db.delete(jobOutbox).where(inArray(jobOutbox.executionId, ids)).run();
    } finally {
      for (const id of ids) this.relaying.delete(id);
    }
    return entries.length;
  }

  async deleteOutbox(executionId: string): Promise<void> {
    this.db.delete(jobOutbox).where(eq(jobOutbox.executionId, executionId)).run();
  }

  async claim(
    id: string,
    by: { engineId: string; instanceId: string; now: number; maxRunningPerWorkflow: number },
  ): Promise<ClaimOutcome> {
    // One writer: the count and the update cannot interleave with another claim.
    return this.db.transaction((tx) => {
      const [row] = tx
        .select({ status: executions.status, workflowId: executions.workflowId })
        .from(executions)
        .where(eq(executions.id, id))
        .all();
      if (row?.status !== 'queued') return 'notQueued';
      if (by.maxRunningPerWorkflow > 0) {
        const [running] = tx
          .select({ n: count() })
          .from(executions)
          .where(and(eq(executions.workflowId, row.workflowId), eq(executions.status, 'running')))
          .all();
        if ((running?.n ?? 0) >= by.maxRunningPerWorkflow) return 'atCapacity';
      }
      tx.update(executions)
        .set({ status: 'running', engineId: by.engineId, instanceId: by.instanceId, startedAt: by.now })
        .where(and(eq(executions.id, id), eq(executions.status, 'queued')))
        .run();
      return 'claimed';
    });
  }

  async queuedCounts(): Promise<Map<string, number>> {
    const rows = this.db
      .select({ workflowId: executions.workflowId, n: count() })
      .from(executions)
      .where(eq(executions.status, 'queued'))
      .groupBy(executions.workflowId)
      .all();
    return new Map(rows.map((r) => [r.workflowId, r.n]));
  }

  async cancelQueued(id: string, error: string, now: number): Promise<boolean> {
    return (
      this.db
        .update(executions)
        .set({ status: 'canceled', error, finishedAt: now })
        .where(and(eq(executions.id, id), eq(executions.status, 'queued')))
        .run().changes > 0
    );
  }

  async get(id: string): Promise<ExecutionRow | undefined> {
    return this.byIdStmt.get({ id });
  }

  async list(filter: ExecutionListFilter): Promise<ExecutionListRow[]> {
    const { workflowIds, readableBy, statuses, modes, cursor } = filter;
    if (workflowIds?.length === 0 || statuses?.length === 0 || modes?.length === 0) return [];
    const conditions: (SQL | undefined)[] = [
      workflowIds ? inArray(executions.workflowId, [...workflowIds]) : undefined,
      statuses ? inArray(executions.status, [...statuses]) : undefined,
      modes ? inArray(executions.mode, [...modes]) : undefined,
      filter.from !== undefined ? gte(executions.createdAt, filter.from) : undefined,
      filter.to !== undefined ? lte(executions.createdAt, filter.to) : undefined,
    ];
    // The key is a bound text (letters, numbers and underscores: the route checked it), never SQL.
    for (const f of filter.custom ?? []) conditions.push(sql`${executions.customData} ->> ${f.key} = ${f.value}`);
    if (cursor) {
      conditions.push(
        or(
          lt(executions.createdAt, cursor.createdAt),
          and(eq(executions.createdAt, cursor.createdAt), lt(executions.id, cursor.id)),
        ),
      );
    }
    if (readableBy && !readableBy.isAdmin) {
      // A membership test per row, not a list of every readable id: the plan walks the created-at index (or,
      // for one status, the status and created-at index) newest first and stops at the page's end
      // (execution-list.test.ts records the plans on both dialects).
      conditions.push(
        exists(
          this.db
            .select({ one: sql`1` })
            .from(workflowMembers)
            .where(
              and(eq(workflowMembers.workflowId, executions.workflowId), eq(workflowMembers.userId, readableBy.userId)),
            ),
        ),
      );
    }
    return this.db
      .select({ ...getTableColumns(executions), workflowName: workflows.name, createdByName: users.name })
      .from(executions)
      .innerJoin(workflows, eq(workflows.id, executions.workflowId))
      .leftJoin(users, eq(users.id, executions.createdBy))
      .where(and(...conditions))
      .orderBy(desc(executions.createdAt), desc(executions.id))
      .limit(filter.limit)
      .all();
  }

  async queued(): Promise<ExecutionRow[]> {
    return this.db.select().from(executions).where(eq(executions.status, 'queued')).orderBy(executions.createdAt).all();
  }

  async running(): Promise<ExecutionRow[]> {
    return this.db.select().from(executions).where(eq(executions.status, 'running')).all();
  }

  markRunning(id: string, engineId: string, now: number): Promise<boolean> {
    // Soon: an engine slot waits on it.
    return this.commits.run(() => this.runningStmt.run({ id, engineId, now }).changes > 0, { soon: true });
  }

  async finishAll(batch: readonly FinishRecord[]): Promise<void> {
    // Soon: callers (a webhook's) wait on it.
    const started = await this.commits.run(
      () => {
        const runs: NewExecution[] = [];
        const ended: string[] = [];
        let nodes = false;
        for (const f of batch) {
          if (!this.writeFinish(f.id, f.result, f.now)) continue;
          ended.push(f.id);
          nodes ||= f.result.runs.length > 0;
          if (f.result.status === 'failed') this.startErrorRun(f.id, f.now, f.lost === true, runs);
        }
        this.rollup(ended, nodes);
        return runs;
      },
      { soon: true },
    );
    this.announce(started);
  }

  setErrorRuns(setup: ErrorRunSetup): void {
    this.errorRuns = setup;
  }

  /** Inside the failure's transaction: the error run it starts, or the line saying why none runs. */
  private startErrorRun(id: string, now: number, lost: boolean, started: NewExecution[]): void {
    if (!this.errorRuns) return;
    const facts = this.errorFacts(id, lost);
    if (!facts) return;
    const plan = planErrorRun(facts, this.errorRuns.publicUrl, now);
    if (plan.kind === 'none') return;
    if (plan.kind === 'log') {
      this.writeLog(id, plan.level, plan.message, now);
      return;
    }
    // A run with its key exists (this failure was written before): nothing new, and nothing to say again.
    if (!this.insertQueued(plan.row, this.errorRuns.outbox).created) return;
    this.writeLog(id, 'info', plan.message, now);
    started.push(plan.row);
  }

  /** The error runs a commit made go to the queue; the queue's failures are its own (it logs them). */
  private announce(started: readonly NewExecution[]): void {
    for (const row of started)
      this.errorRuns?.started({ id: row.id, workflowId: row.workflowId, createdAt: row.createdAt });
  }

  /** What planErrorRun needs, read in the transaction; undefined when no error workflow would run. */
  private errorFacts(id: string, lost: boolean): ErrorRunFacts | undefined {
    const failed = this.byIdStmt.get({ id });
    if (!failed) return undefined;
    const definition = this.definitionOf(failed.versionHash);
    const targetId = errorWorkflowOf(failed, definition);
    if (targetId === undefined) return undefined;
    const workflow = this.db
      .select({ name: workflows.name })
      .from(workflows)
      .where(eq(workflows.id, failed.workflowId))
      .get();
    const lastRun = this.db
      .select({
        nodeId: nodeRuns.nodeId,
        name: nodeRuns.name,
        status: nodeRuns.status,
        input: nodeRuns.input,
        error: nodeRuns.error,
      })
      .from(nodeRuns)
      .where(eq(nodeRuns.executionId, id))
      .orderBy(desc(nodeRuns.ord))
      .limit(1)
      .get();
    return {
      failed,
      lost,
      workflowName: workflow?.name ?? failed.workflowId,
      definition,
      lastRun,
      target: this.errorTarget(targetId, failed.workflowId),
    };
  }

  private definitionOf(hash: string | null): ErrorRunFacts['definition'] {
    if (hash === null) return undefined;
    const row = this.db
      .select({ definition: workflowVersions.definition })
      .from(workflowVersions)
      .where(eq(workflowVersions.hash, hash))
      .get();
    return row ? (JSON.parse(row.definition) as ErrorRunFacts['definition']) : undefined;
  }

  private errorTarget(targetId: string, failingId: string): ErrorTarget {
    const target = this.db
      .select({ publishedHash: workflows.publishedHash })
      .from(workflows)
      .where(eq(workflows.id, targetId))
      .get();
    if (!target) return { id: targetId };
    const published = this.definitionOf(target.publishedHash);
    return {
      id: targetId,
      found: {
        publishedHash: target.publishedHash,
        triggerNodeId: published ? errorTriggerOf(published) : undefined,
        allowed: targetId === failingId || this.ownerCanRun(failingId, targetId),
      },
    };
  }

  /** Whether one of the failing workflow's owners is an owner or editor of the target, or the instance admin. */
  private ownerCanRun(failingId: string, targetId: string): boolean {
    const owners = this.db
      .select({ userId: workflowMembers.userId })
      .from(workflowMembers)
      .where(and(eq(workflowMembers.workflowId, failingId), eq(workflowMembers.role, 'owner')))
      .all()
      .map((r) => r.userId);
    if (owners.length === 0) return false;
    const member = this.db
      .select({ userId: workflowMembers.userId })
      .from(workflowMembers)
      .where(
        and(
          eq(workflowMembers.workflowId, targetId),
          inArray(workflowMembers.userId, owners),
          inArray(workflowMembers.role, ['owner', 'editor']),
        ),
      )
      .limit(1)
      .get();
    if (member) return true;
    return (
      this.db
        .select({ id: users.id })
        .from(users)
        .where(and(inArray(users.id, owners), eq(users.isAdmin, true)))
        .limit(1)
        .get() !== undefined
    );
  }

  /** Inside the ends' transaction: adds the runs to the insights rollups (insights/rollup-sql.ts). */
  private rollup(ids: readonly string[], nodes: boolean): void {
    for (let at = 0; at < ids.length; at += ROLLUP_CHUNK) {
      const chunk = ids.slice(at, at + ROLLUP_CHUNK);
      const stmts = this.rollupStatements(chunk.length);
      for (const stmt of stmts.runs) stmt.run(chunk);
      if (nodes) for (const stmt of stmts.failures) stmt.run(chunk);
    }
  }

  /**
   * A list of bound ids, not `in (select value from json_each(?))`: SQLite cannot estimate json_each's rows,
   * and planned that form as a walk of every finished run by status (a third of the server's time under load).
   */
  private rollupStatements(n: number): { runs: Database.Statement[]; failures: Database.Statement[] } {
    let stmts = this.rollupStmts.get(n);
    if (!stmts) {
      const texts = sqliteRollupTexts(n);
      stmts = {
        runs: texts.runs.map((t) => this.db.$client.prepare(t)),
        failures: texts.failures.map((t) => this.db.$client.prepare(t)),
      };
      this.rollupStmts.set(n, stmts);
    }
    return stmts;
  }

  async addWebhookLatencies(entries: readonly LatencyRollup[]): Promise<void> {
    if (entries.length === 0) return;
    this.db.transaction(() => {
      for (const grain of GRAINS) this.db.run(rollupLatencySql(entries, grain));
    });
  }

  /** Writes a run's end; answers whether the run was still queued or running (its status changed). */
  private writeFinish(id: string, result: RunResultMessage, now: number): boolean {
    const changed =
      this.finishStmt.run({
        id,
        status: result.status,
        error: result.error ?? null,
        now,
        customData: customDataText(result.customData),
      }).changes > 0;
    // Runs recorded by an earlier end of the same execution stay first.
    const next = result.runs.length > 0 ? this.nextOrdStmt.value({ executionId: id }) : 0;
    const base = typeof next === 'number' ? next : 0;
    for (const [i, r] of result.runs.entries()) {
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
        ord: base + i,
        origin: r.origin ?? 'ran',
        paired: r.paired ?? null,
      });
    }
    for (const line of result.logs ?? []) this.writeLog(id, line.level, line.message, line.at, line.node);
    return changed;
  }

  async fail(
    ids: string[],
    status: 'failed' | 'canceled',
    error: string,
    now: number,
    options: { lost?: boolean } = {},
  ): Promise<string[]> {
    if (ids.length === 0) return [];
    const { changed, started } = this.db.transaction(() => {
      const rows = this.db
        .update(executions)
        .set({ status, error, finishedAt: now })
        .where(and(inArray(executions.id, ids), inArray(executions.status, ['queued', 'running'])))
        .returning({ id: executions.id })
        .all();
      const runs: NewExecution[] = [];
      this.rollup(
        rows.map((r) => r.id),
        true,
      );
      if (status === 'failed') for (const r of rows) this.startErrorRun(r.id, now, options.lost === true, runs);
      return { changed: rows.map((r) => r.id), started: runs };
    });
    this.announce(started);
    return changed;
  }

  async nodeRun(id: string, nodeId: string, runIndex: number): Promise<NodeRunRow | undefined> {
    return this.db
      .select()
      .from(nodeRuns)
      .where(and(eq(nodeRuns.executionId, id), eq(nodeRuns.nodeId, nodeId), eq(nodeRuns.runIndex, runIndex)))
      .get();
  }

  async lastRuns(id: string): Promise<LastNodeRun[]> {
    const rows = this.db
      .select(lastRunColumns)
      .from(nodeRuns)
      .where(eq(nodeRuns.executionId, id))
      .orderBy(nodeRuns.ord)
      .all();
    return lastOfEach(rows);
  }

  async nodeRuns(id: string): Promise<NodeRunRow[]> {
    return (
      this.db
        .select()
        .from(nodeRuns)
        .where(eq(nodeRuns.executionId, id))
        // ord numbers them in the order they were recorded, which is the order they ran.
        .orderBy(nodeRuns.ord)
        .all()
    );
  }

  async log(id: string, level: LogLevel, message: string, at: number, node?: string): Promise<void> {
    this.writeLog(id, level, message, at, node);
  }

  private writeLog(id: string, level: LogLevel, message: string, at: number, node?: string): void {
    this.logStmt.run({ executionId: id, at, level, node: node ?? null, message });
  }

  async logs(id: string): Promise<ExecutionLogRow[]> {
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

  async delete(id: string): Promise<boolean> {
    return this.db.delete(executions).where(eq(executions.id, id)).run().changes > 0;
  }

  async pruneBatch({ maxAgeDays, maxCount }: ExecutionRetentionPolicy, now: number, limit: number): Promise<number> {
    return this.db.transaction((tx) => {
      const ids: string[] = [];
      if (maxAgeDays > 0) {
        const cutoff = now - maxAgeDays * 24 * 60 * 60 * 1000;
        const old = tx
          .select({ id: executions.id })
          .from(executions)
          .where(and(lt(executions.createdAt, cutoff), notInArray(executions.status, [...UNFINISHED])))
          .orderBy(asc(executions.createdAt))
          .limit(limit)
          .all();
        ids.push(...old.map((r) => r.id));
      }
      if (maxCount > 0 && ids.length < limit) {
        const finished = notInArray(executions.status, [...UNFINISHED]);
        const total = tx.select({ n: count() }).from(executions).where(finished).get()?.n ?? 0;
        const over = Math.min(limit - ids.length, total - ids.length - maxCount);
        if (over > 0) {
          const oldest = tx
            .select({ id: executions.id })
            .from(executions)
            .where(ids.length > 0 ? and(finished, notInArray(executions.id, ids)) : finished)
            .orderBy(asc(executions.createdAt))
            .limit(over)
            .all();
          ids.push(...oldest.map((r) => r.id));
        }
      }
      if (ids.length === 0) return 0;
      return tx.delete(executions).where(inArray(executions.id, ids)).run().changes;
    });
  }
}

/** The finish path's rollup statements for `n` runs, by grain (their plans are held in sqlite-rollup-plan.test.ts). */
export const sqliteRollupTexts = (n: number): { runs: string[]; failures: string[] } => {
  const text = (q: SQL) => new SQLiteSyncDialect().sqlToQuery(q).sql;
  const these = sql.raw(`e.id in (${Array.from({ length: n }, () => '?').join(', ')})`);
  return {
    runs: GRAINS.map((g) => text(rollupRunsSql('sqlite', these, g))),
    failures: GRAINS.map((g) => text(rollupNodeFailuresSql('sqlite', these, g))),
  };
};
