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
import type { LogLevel } from '#shared/protocol/engine.ts';
import type { PgDb } from '../db/open-postgres.ts';
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
} from '../db/schema/pg.ts';
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
  NewChildExecution,
  ClaimOutcome,
  ExecutionListFilter,
  ExecutionListRow,
  ExecutionLogRow,
  ExecutionRetentionPolicy,
  ExecutionRow,
  ExecutionStore,
  FinishRecord,
  NewExecution,
  NodeRunRow,
  OutboxEntry,
  Queued,
} from './execution-store.ts';
import { customDataText, lastOfEach, MAX_JOB_PRIORITY, partialColumns, type LastNodeRun } from './execution-store.ts';

type Tx = Parameters<Parameters<PgDb['transaction']>[0]>[0];

const lastRunColumns = {
  nodeId: nodeRuns.nodeId,
  runIndex: nodeRuns.runIndex,
  status: nodeRuns.status,
  output: nodeRuns.output,
  paired: nodeRuns.paired,
};

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
const claimOutcomeOf = (outcome: string | undefined): ClaimOutcome => {
  if (outcome === 'claimed' || outcome === 'notQueued' || outcome === 'atCapacity') return outcome;
  throw new Error(`weft_claim_execution answered ${String(outcome)}`);
};

export class PgExecutionStore implements ExecutionStore {
  // The statements every run passes through, prepared once per connection by name.
  private readonly byIdStmt;
  private readonly runningStmt;
  private readonly claimStmt;
  private errorRuns: ErrorRunSetup | undefined;

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
    this.claimStmt = db
      .select({
        outcome: sql<string>`weft_claim_execution(${p('id')}, ${p('engineId')}, ${p('instanceId')}, ${p('now')}::bigint, ${p('cap')}::int)`,
      })
      .from(sql`(select 1) as one`)
      .prepare('weft_execution_claim');
  }

  createQueued(row: NewExecution, options: { outbox?: boolean } = {}): Promise<Queued> {
    return this.insertQueued(this.db, row, options.outbox === true);
  }

  /** createQueued's statement, on the pool or inside a transaction the caller holds. */
  private async insertQueued(db: PgDb | Tx, row: NewExecution, outbox: boolean): Promise<Queued> {
    const values = { ...partialColumns(row), status: 'queued' as const };
    // Only the trigger key may conflict quietly: a duplicate id is still an error.
    const insert = db.insert(executions).values(values).onConflictDoNothing({ target: executions.triggerKey });
    if (!outbox) {
      const [stored] = await insert.returning();
      return stored ? { created: true, row: stored } : { created: false };
    }
    // Row and outbox entry in one statement (a data-modifying WITH): all or nothing, one round trip.
    // A run with this trigger key exists (a tick taken twice): no row, so no entry either. The
    // priority is not a lock: two runs stored at once may share a number, which only orders them
    // less finely; the count is of the rows before this one (the statement's snapshot).
    const stored = await db.execute<{ execution_id: string }>(sql`
      with inserted as (${insert.returning({ id: executions.id }).getSQL()})
      insert into job_outbox (execution_id, workflow_id, priority, created_at)
      select inserted.id, ${row.workflowId},
        least(${MAX_JOB_PRIORITY}, 1 + (select count(*) from executions
          where workflow_id = ${row.workflowId} and status = 'queued'))::int,
        ${row.createdAt}::bigint
      from inserted
      returning execution_id`);
    if (stored.rows.length === 0) return { created: false };
    // Read on the same connection (inside the caller's transaction, if any): the cluster's path, not the hot one.
    const [created] = await db.select().from(executions).where(eq(executions.id, row.id));
    if (!created) throw new Error(`Execution ${row.id} was stored but cannot be read back`);
    return { created: true, row: created };
  }

  async createChild(row: NewChildExecution, options: ChildOptions): Promise<'created' | 'tooMany'> {
    const { running } = options;
    return this.db.transaction(async (tx) => {
      // The root's row, locked: children of one root are counted and added one call at a time.
      await tx.execute(sql`select id from executions where id = ${row.rootExecutionId} for update`);
      const [children] = await tx
        .select({ n: count() })
        .from(executions)
        .where(eq(executions.rootExecutionId, row.rootExecutionId));
      if ((children?.n ?? 0) >= options.maxPerRoot) return 'tooMany' as const;
      await tx.insert(executions).values({
        ...row,
        triggerKey: row.triggerKey ?? null,
        pins: row.pins ?? null,
        ...(running
          ? {
              status: 'running' as const,
              engineId: running.engineId,
              instanceId: running.instanceId ?? null,
              startedAt: row.createdAt,
            }
          : { status: 'queued' as const }),
      });
      if (!running && options.outbox) {
        await tx
          .insert(jobOutbox)
          .values({ executionId: row.id, workflowId: row.workflowId, priority: 1, createdAt: row.createdAt });
      }
      return 'created' as const;
    });
  }

  async children(id: string, limit: number): Promise<ExecutionRow[]> {
    return this.db
      .select()
      .from(executions)
      .where(eq(executions.parentExecutionId, id))
      .orderBy(asc(executions.createdAt), asc(executions.id))
      .limit(limit);
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
    // Lock, count and conditional update in one transaction, in one round trip (migration 0005).
    const [row] = await this.claimStmt.execute({
      id,
      engineId: by.engineId,
      instanceId: by.instanceId,
      now: by.now,
      cap: by.maxRunningPerWorkflow,
    });
    return claimOutcomeOf(row?.outcome);
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
    for (const f of filter.custom ?? [])
      conditions.push(sql`(${executions.customData}::jsonb ->> ${f.key}::text) = ${f.value}`);
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
    const failing = this.errorRuns ? batch.filter((f) => f.result.status === 'failed') : [];
    const custom = batch.flatMap((f) => {
      const text = customDataText(f.result.customData);
      return text === null ? [] : [{ id: f.id, text }];
    });
    const ids = batch.map((f) => f.id);
    const started = await this.db.transaction(async (tx) => {
      // The runs this batch finishes (still unfinished), locked until the commit: only they reach the rollups.
      const open = await tx
        .select({ id: executions.id })
        .from(executions)
        .where(and(inArray(executions.id, ids), inArray(executions.status, [...UNFINISHED])))
        .orderBy(executions.id)
        .for('no key update');
      // Before the finish, which is what makes the rows finished: only a run's own (first) end writes its data.
      if (custom.length > 0)
        await tx.execute(sql`update ${executions} set custom_data = v.data
          from (select unnest(${sql.param(custom.map((c) => c.id))}::text[]) as id,
                       unnest(${sql.param(custom.map((c) => c.text))}::text[]) as data) as v
          where ${executions.id} = v.id and ${inArray(executions.status, [...UNFINISHED])}`);
      await tx.execute(this.finishSql(batch));
      if (open.length === 0) return [];
      await this.rollup(
        tx,
        open.map((r) => r.id),
        batch.some((f) => f.result.runs.length > 0),
      );
      const made: NewExecution[] = [];
      for (const { id } of open) {
        const f = failing.find((r) => r.id === id);
        if (f) await this.startErrorRun(tx, id, f.now, f.lost === true, made);
      }
      return made;
    });
    this.announce(started);
  }

  /** Inside the end's transaction: adds the runs to the insights rollups (insights/rollup-sql.ts). */
  private async rollup(tx: Tx, ids: string[], nodes: boolean): Promise<void> {
    const these = sql`e.id = any(${sql.param(ids)}::text[])`;
    const inserts = GRAINS.flatMap((grain) => [
      rollupRunsSql('pg', these, grain),
      ...(nodes ? [rollupNodeFailuresSql('pg', these, grain)] : []),
    ]);
    // One round trip: the inserts touch different tables, so they can be sub-statements of one.
    const last = inserts.pop();
    if (!last) return;
    const before = inserts.map((q, i) => sql`${sql.raw(`r${i}`)} as (${q} returning 1)`);
    await tx.execute(sql`with ${sql.join(before, sql`, `)} ${last}`);
  }

  async addWebhookLatencies(entries: readonly LatencyRollup[]): Promise<void> {
    if (entries.length === 0) return;
    await this.db.transaction(async (tx) => {
      for (const grain of GRAINS) await tx.execute(rollupLatencySql(entries, grain));
    });
  }

  setErrorRuns(setup: ErrorRunSetup): void {
    this.errorRuns = setup;
  }

  /** Inside the failure's transaction: the error run it starts, or the line saying why none runs. */
  private async startErrorRun(tx: Tx, id: string, now: number, lost: boolean, started: NewExecution[]): Promise<void> {
    if (!this.errorRuns) return;
    const facts = await this.errorFacts(tx, id, lost);
    if (!facts) return;
    const plan = planErrorRun(facts, this.errorRuns.publicUrl, now);
    if (plan.kind === 'none') return;
    if (plan.kind === 'log') {
      await this.writeLogs(tx, id, [{ level: plan.level, message: plan.message, at: now }]);
      return;
    }
    // A run with its key exists (another instance wrote this failure first): nothing new, nothing to say again.
    if (!(await this.insertQueued(tx, plan.row, this.errorRuns.outbox)).created) return;
    await this.writeLogs(tx, id, [{ level: 'info', message: plan.message, at: now }]);
    started.push(plan.row);
  }

  /** The error runs a commit made go to the queue. */
  private announce(started: readonly NewExecution[]): void {
    for (const row of started)
      this.errorRuns?.started({ id: row.id, workflowId: row.workflowId, createdAt: row.createdAt });
  }

  /** What planErrorRun needs, read in the transaction; undefined when no error workflow would run. */
  private async errorFacts(tx: Tx, id: string, lost: boolean): Promise<ErrorRunFacts | undefined> {
    const [failed] = await tx.select().from(executions).where(eq(executions.id, id)).limit(1);
    if (!failed) return undefined;
    const definition = await this.definitionOf(tx, failed.versionHash);
    const targetId = errorWorkflowOf(failed, definition);
    if (targetId === undefined) return undefined;
    const [workflow] = await tx
      .select({ name: workflows.name })
      .from(workflows)
      .where(eq(workflows.id, failed.workflowId))
      .limit(1);
    const [lastRun] = await tx
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
      .limit(1);
    return {
      failed,
      lost,
      workflowName: workflow?.name ?? failed.workflowId,
      definition,
      lastRun,
      target: await this.errorTarget(tx, targetId, failed.workflowId),
    };
  }

  private async definitionOf(tx: Tx, hash: string | null): Promise<ErrorRunFacts['definition']> {
    if (hash === null) return undefined;
    const [row] = await tx
      .select({ definition: workflowVersions.definition })
      .from(workflowVersions)
      .where(eq(workflowVersions.hash, hash))
      .limit(1);
    return row ? (JSON.parse(row.definition) as ErrorRunFacts['definition']) : undefined;
  }

  private async errorTarget(tx: Tx, targetId: string, failingId: string): Promise<ErrorTarget> {
    const [target] = await tx
      .select({ publishedHash: workflows.publishedHash })
      .from(workflows)
      .where(eq(workflows.id, targetId))
      .limit(1);
    if (!target) return { id: targetId };
    const published = await this.definitionOf(tx, target.publishedHash);
    return {
      id: targetId,
      found: {
        publishedHash: target.publishedHash,
        triggerNodeId: published ? errorTriggerOf(published) : undefined,
        allowed: targetId === failingId || (await this.ownerCanRun(tx, failingId, targetId)),
      },
    };
  }

  /** Whether one of the failing workflow's owners is an owner or editor of the target, or the instance admin. */
  private async ownerCanRun(tx: Tx, failingId: string, targetId: string): Promise<boolean> {
    const owners = (
      await tx
        .select({ userId: workflowMembers.userId })
        .from(workflowMembers)
        .where(and(eq(workflowMembers.workflowId, failingId), eq(workflowMembers.role, 'owner')))
    ).map((r) => r.userId);
    if (owners.length === 0) return false;
    const member = await tx
      .select({ userId: workflowMembers.userId })
      .from(workflowMembers)
      .where(
        and(
          eq(workflowMembers.workflowId, targetId),
          inArray(workflowMembers.userId, owners),
          inArray(workflowMembers.role, ['owner', 'editor']),
        ),
      )
      .limit(1);
    if (member.length > 0) return true;
    const admin = await tx
      .select({ id: users.id })
      .from(users)
      .where(and(inArray(users.id, owners), eq(users.isAdmin, true)))
      .limit(1);
    return admin.length > 0;
  }

  /** One round trip for the whole batch (migration 0005), each column one array parameter. */
  private finishSql(batch: readonly FinishRecord[]) {
    const runs = batch.flatMap((f) => f.result.runs.map((r) => ({ id: f.id, ...r })));
    const lines = batch.flatMap((f) => (f.result.logs ?? []).map((l) => ({ id: f.id, ...l })));
    const column = <T>(rows: readonly T[], pick: (row: T) => unknown) => sql.param(rows.map(pick));
    return sql`select weft_finish_executions(
      ${column(batch, (f) => f.id)}::text[], ${column(batch, (f) => f.result.status)}::text[],
      ${column(batch, (f) => f.result.error ?? null)}::text[], ${column(batch, (f) => f.now)}::bigint[],
      ${column(runs, (r) => r.id)}::text[], ${column(runs, (r) => r.nodeId)}::text[],
      ${column(runs, (r) => r.runIndex)}::int[], ${column(runs, (r) => r.name)}::text[],
      ${column(runs, (r) => r.status)}::text[], ${column(runs, (r) => r.input)}::text[],
      ${column(runs, (r) => r.output)}::text[], ${column(runs, (r) => r.error ?? null)}::text[],
      ${column(runs, (r) => r.attempts)}::int[], ${column(runs, (r) => r.startedAt)}::bigint[],
      ${column(runs, (r) => r.finishedAt)}::bigint[],
      ${column(runs, (r) => r.origin ?? 'ran')}::text[], ${column(runs, (r) => r.paired ?? null)}::text[],
      ${column(lines, (l) => l.id)}::text[], ${column(lines, (l) => l.at)}::bigint[],
      ${column(lines, (l) => l.level)}::text[], ${column(lines, (l) => l.node ?? null)}::text[],
      ${column(lines, (l) => l.message)}::text[])`;
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

  async fail(
    ids: string[],
    status: 'failed' | 'canceled',
    error: string,
    now: number,
    options: { lost?: boolean } = {},
  ): Promise<string[]> {
    if (ids.length === 0) return [];
    const { changed, started } = await this.db.transaction(async (tx) => {
      const rows = await tx
        .update(executions)
        .set({ status, error, finishedAt: now })
        .where(and(inArray(executions.id, ids), inArray(executions.status, [...UNFINISHED])))
        .returning({ id: executions.id });
      const made: NewExecution[] = [];
      if (rows.length > 0)
        await this.rollup(
          tx,
          rows.map((r) => r.id),
          true,
        );
      if (status === 'failed')
        for (const r of rows) await this.startErrorRun(tx, r.id, now, options.lost === true, made);
      return { changed: rows.map((r) => r.id), started: made };
    });
    this.announce(started);
    return changed;
  }

  async nodeRun(id: string, nodeId: string, runIndex: number): Promise<NodeRunRow | undefined> {
    const [row] = await this.db
      .select()
      .from(nodeRuns)
      .where(and(eq(nodeRuns.executionId, id), eq(nodeRuns.nodeId, nodeId), eq(nodeRuns.runIndex, runIndex)))
      .limit(1);
    return row;
  }

  async lastRuns(id: string): Promise<LastNodeRun[]> {
    const rows = await this.db
      .select(lastRunColumns)
      .from(nodeRuns)
      .where(eq(nodeRuns.executionId, id))
      .orderBy(nodeRuns.ord);
    return lastOfEach(rows);
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
    // One statement, numbered after the execution's last line.
    await tx.execute(sql`
      insert into execution_logs (execution_id, seq, at, level, node, message)
      select ${id}, base.last + l.n, l.at, l.level, l.node, l.message
      from unnest(
        ${sql.param(lines.map((l) => l.at))}::bigint[], ${sql.param(lines.map((l) => l.level))}::text[],
        ${sql.param(lines.map((l) => l.node ?? null))}::text[], ${sql.param(lines.map((l) => l.message))}::text[]
      ) with ordinality as l(at, level, node, message, n)
      cross join (select coalesce(max(seq), 0) as last from execution_logs where execution_id = ${id}) as base`);
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
