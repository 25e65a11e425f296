import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/open.ts';
import type { PgDb } from '../db/open-postgres.ts';
import { BUCKETS, durationColumns, latencyColumns } from './buckets.ts';
import { DAILY, DAY_MS, HOURLY, type Grain } from './rollup-sql.ts';

/**
 * Reads the insights rollups (docs/plans/home-insights.md §4): every query sums rows of the hourly tables in a
 * time range, never the executions. Both dialects run the same SQL; only how a query is sent differs.
 */

/** Whose numbers: everything (an admin), or the workflows a person is a member of; optionally one workflow. */
export interface InsightsScope {
  from: number;
  to: number;
  /** Set: only the workflows this user is a member of (a join on workflow_members). */
  memberId?: string;
  workflowId?: string;
  /** Whole UTC days inside the range may be read from the daily tables (a series by the day, or no series). */
  days?: boolean;
}

type Kind = 'runs' | 'nodes' | 'webhook';

/** Each kind's columns besides workflow_id and the period, as every part of a union selects them. */
const COLUMNS: Record<Kind, string> = {
  runs: ['mode', 'status', 'runs', 'duration_ms', 'minutes_saved', ...durationColumns].join(', '),
  nodes: 'node_id, node_name, node_type, failures',
  webhook: ['responses', 'latency_ms', ...latencyColumns].join(', '),
};

export interface SeriesRow {
  at: number;
  status: string;
  runs: number;
}

export interface TotalsRow {
  status: string;
  runs: number;
  minutesSaved: number;
  /** Summed duration histogram of the status's runs (BUCKETS counts). */
  durations: number[];
}

export interface FailingNodeRow {
  workflowId: string;
  workflowName: string;
  nodeId: string;
  nodeName: string;
  nodeType: string;
  failures: number;
}

export interface LatencyRow {
  responses: number;
  counts: number[];
}

export interface WorkflowRow {
  workflowId: string;
  name: string;
  runs: number;
  failed: number;
  minutesSaved: number;
  durations: number[];
}

type Run = (query: SQL) => Promise<Record<string, unknown>[]>;

const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));
const sums = (cols: readonly string[]) => sql.raw(cols.map((c) => `sum(t.${c}) as ${c}`).join(', '));
const countsOf = (row: Record<string, unknown>, cols: readonly string[]) => cols.map((c) => num(row[c]));

export class InsightsStore {
  constructor(private readonly run: Run) {}

  static sqlite(db: Db): InsightsStore {
    return new InsightsStore((q) => Promise.resolve(db.all<Record<string, unknown>>(q)));
  }

  static pg(db: PgDb): InsightsStore {
    return new InsightsStore(async (q) => (await db.execute(q)).rows);
  }

  /**
   * `from … t` over a kind's rollups in the scope's range (`t.hour`: the period's start): the whole UTC days of it
   * from the daily table when the scope allows, the hours before and after them from the hourly one; narrowed
   * to the scope's workflow and readers.
   */
  private scoped(kind: Kind, scope: InsightsScope, named = false): SQL {
    // Inside each part, so each reads its index before the union is built: a semi-join on the membership index.
    const member = scope.memberId
      ? sql` and workflow_id in (select m.workflow_id from workflow_members m where m.user_id = ${scope.memberId})`
      : sql``;
    const part = (grain: Grain, from: number, to: number) =>
      sql`select workflow_id, ${sql.raw(grain.column)} as hour, ${sql.raw(COLUMNS[kind])} from ${sql.raw(grain[kind])}
        where ${sql.raw(grain.column)} >= ${from} and ${sql.raw(grain.column)} < ${to}${
          scope.workflowId ? sql` and workflow_id = ${scope.workflowId}` : sql``
        }${member}`;
    const firstDay = Math.ceil(scope.from / DAY_MS) * DAY_MS;
    const lastDay = Math.floor(scope.to / DAY_MS) * DAY_MS;
    const parts =
      scope.days && lastDay > firstDay
        ? [
            ...(firstDay > scope.from ? [part(HOURLY, scope.from, firstDay)] : []),
            part(DAILY, firstDay, lastDay),
            ...(scope.to > lastDay ? [part(HOURLY, lastDay, scope.to)] : []),
          ]
        : [part(HOURLY, scope.from, scope.to)];
    const name = named ? sql` join workflows w on w.id = t.workflow_id` : sql``;
    return sql`from (${sql.join(parts, sql` union all `)}) t${name}`;
  }

  /** Runs per bucket start and status; `bucketMs` is an hour or a day (UTC). */
  async series(scope: InsightsScope, bucketMs: number): Promise<SeriesRow[]> {
    const at = sql.raw(`t.hour - (t.hour % ${bucketMs})`);
    const rows = await this.run(
      sql`select ${at} as at, t.status as status, sum(t.runs) as runs ${this.scoped('runs', scope)}
        group by ${at}, t.status order by 1`,
    );
    return rows.map((r) => ({ at: num(r.at), status: String(r.status), runs: num(r.runs) }));
  }

  async totals(scope: InsightsScope): Promise<TotalsRow[]> {
    const rows = await this.run(
      sql`select t.status as status, sum(t.runs) as runs, sum(t.minutes_saved) as minutes, ${sums(durationColumns)}
        ${this.scoped('runs', scope)} group by t.status`,
    );
    return rows.map((r) => ({
      status: String(r.status),
      runs: num(r.runs),
      minutesSaved: num(r.minutes),
      durations: countsOf(r, durationColumns),
    }));
  }

  async failingNodes(scope: InsightsScope, limit: number): Promise<FailingNodeRow[]> {
    const rows = await this.run(
      sql`select t.workflow_id as workflow_id, w.name as workflow_name, t.node_id as node_id, max(t.node_name) as node_name,
          max(t.node_type) as node_type, sum(t.failures) as failures
        ${this.scoped('nodes', scope, true)}
        group by t.workflow_id, w.name, t.node_id order by 6 desc, 1, 3 limit ${limit}`,
    );
    return rows.map((r) => ({
      workflowId: String(r.workflow_id),
      workflowName: String(r.workflow_name),
      nodeId: String(r.node_id),
      nodeName: String(r.node_name),
      nodeType: String(r.node_type),
      failures: num(r.failures),
    }));
  }

  async webhookLatency(scope: InsightsScope): Promise<LatencyRow> {
    const [row] = await this.run(
      sql`select sum(t.responses) as responses, ${sums(latencyColumns)} ${this.scoped('webhook', scope)}`,
    );
    return row
      ? { responses: num(row.responses), counts: countsOf(row, latencyColumns) }
      : { responses: 0, counts: Array.from({ length: BUCKETS }, () => 0) };
  }

  /** The `limit` workflows with the most runs in the range; names joined to those only. */
  async byWorkflow(scope: InsightsScope, limit: number): Promise<WorkflowRow[]> {
    const rows = await this.run(
      sql`select top.*, w.name as name from (
          select t.workflow_id as workflow_id, sum(t.runs) as runs,
            sum(case when t.status = 'failed' then t.runs else 0 end) as failed, sum(t.minutes_saved) as minutes,
            ${sums(durationColumns)}
          ${this.scoped('runs', scope)}
          group by t.workflow_id order by 2 desc, 1 limit ${limit}
        ) top join workflows w on w.id = top.workflow_id order by top.runs desc, top.workflow_id`,
    );
    return rows.map((r) => ({
      workflowId: String(r.workflow_id),
      name: String(r.name),
      runs: num(r.runs),
      failed: num(r.failed),
      minutesSaved: num(r.minutes),
      durations: countsOf(r, durationColumns),
    }));
  }
}
