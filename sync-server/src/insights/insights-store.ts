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
   * Sums (or maxima) of a kind's rollups in the scope's range, grouped by `keys`: the whole UTC days of the range
   * from the daily table when the scope allows, the hours before and after them from the hourly one, each part
   * aggregated where it is read (no rows are copied into the union), then added up; narrowed to the scope's
   * workflow and readers.
   */
  private aggregated(kind: Kind, scope: InsightsScope, keys: readonly Key[], values: readonly Value[]): SQL {
    // Inside each part, so each reads its index: a semi-join on the membership index, not a list of ids.
    const member = scope.memberId
      ? sql` and workflow_id in (select m.workflow_id from workflow_members m where m.user_id = ${scope.memberId})`
      : sql``;
    const one = scope.workflowId ? sql` and workflow_id = ${scope.workflowId}` : sql``;
    const part = (grain: Grain, from: number, to: number) => {
      const c = grain.column;
      const columns = [
        ...keys.map((k) => `${k.expr(c)} as ${k.as}`),
        ...values.map((v) => `${v.outer}(${v.expr}) as ${v.as}`),
      ].join(', ');
      const group = keys.length > 0 ? ` group by ${keys.map((k) => k.expr(c)).join(', ')}` : '';
      return sql`select ${sql.raw(columns)} from ${sql.raw(grain[kind])}
        where ${sql.raw(c)} >= ${from} and ${sql.raw(c)} < ${to}${one}${member}${sql.raw(group)}`;
    };
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
    const outer = [
      ...keys.map((k) => `t.${k.as} as ${k.as}`),
      ...values.map((v) => `${v.outer}(t.${v.as}) as ${v.as}`),
    ];
    const group = keys.length > 0 ? ` group by ${keys.map((k) => `t.${k.as}`).join(', ')}` : '';
    return sql`select ${sql.raw(outer.join(', '))} from (${sql.join(parts, sql` union all `)}) t${sql.raw(group)}`;
  }

  /** Runs per bucket start and status; `bucketMs` is an hour or a day (UTC). */
  async series(scope: InsightsScope, bucketMs: number): Promise<SeriesRow[]> {
    const at: Key = { as: 'at', expr: (c) => `${c} - (${c} % ${bucketMs})` };
    const rows = await this.run(
      sql`${this.aggregated('runs', scope, [at, key('status')], [sum('runs')])} order by 1, 2`,
    );
    return rows.map((r) => ({ at: num(r.at), status: String(r.status), runs: num(r.runs) }));
  }

  async totals(scope: InsightsScope): Promise<TotalsRow[]> {
    const rows = await this.run(
      this.aggregated('runs', scope, [key('status')], [sum('runs'), sum('minutes_saved'), ...durationColumns.map(sum)]),
    );
    return rows.map((r) => ({
      status: String(r.status),
      runs: num(r.runs),
      minutesSaved: num(r.minutes_saved),
      durations: countsOf(r, durationColumns),
    }));
  }

  async failingNodes(scope: InsightsScope, limit: number): Promise<FailingNodeRow[]> {
    const agg = this.aggregated(
      'nodes',
      scope,
      [key('workflow_id'), key('node_id')],
      [max('node_name'), max('node_type'), sum('failures')],
    );
    const rows = await this.run(
      sql`select a.*, w.name as workflow_name from (${agg}) a join workflows w on w.id = a.workflow_id
        order by a.failures desc, a.workflow_id, a.node_id limit ${limit}`,
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
    const [row] = await this.run(this.aggregated('webhook', scope, [], [sum('responses'), ...latencyColumns.map(sum)]));
    return row
      ? { responses: num(row.responses), counts: countsOf(row, latencyColumns) }
      : { responses: 0, counts: Array.from({ length: BUCKETS }, () => 0) };
  }

  /** The `limit` workflows with the most runs in the range; names joined to those only. */
  async byWorkflow(scope: InsightsScope, limit: number): Promise<WorkflowRow[]> {
    const agg = this.aggregated(
      'runs',
      scope,
      [key('workflow_id')],
      [
        sum('runs'),
        { as: 'failed', expr: "case when status = 'failed' then runs else 0 end", outer: 'sum' },
        sum('minutes_saved'),
        ...durationColumns.map(sum),
      ],
    );
    const rows = await this.run(
      sql`select a.*, w.name as name from (select * from (${agg}) b order by b.runs desc, b.workflow_id limit ${limit}) a
        join workflows w on w.id = a.workflow_id order by a.runs desc, a.workflow_id`,
    );
    return rows.map((r) => ({
      workflowId: String(r.workflow_id),
      name: String(r.name),
      runs: num(r.runs),
      failed: num(r.failed),
      minutesSaved: num(r.minutes_saved),
      durations: countsOf(r, durationColumns),
    }));
  }
}

/** A grouping column: `expr` of the part's period column name. */
interface Key {
  as: string;
  expr: (period: string) => string;
}
/** An aggregated column: `outer` applied in each part and again over the parts. */
interface Value {
  as: string;
  expr: string;
  outer: 'sum' | 'max';
}
const key = (column: string): Key => ({ as: column, expr: () => column });
const sum = (column: string): Value => ({ as: column, expr: column, outer: 'sum' });
const max = (column: string): Value => ({ as: column, expr: column, outer: 'max' });
