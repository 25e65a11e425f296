import { sql, type SQL } from 'drizzle-orm';
import { BUCKETS, DURATION_BOUNDS_MS, durationColumns, LATENCY_BOUNDS_MS, latencyColumns } from './buckets.ts';

/**
 * The statements that add finished executions to the insights rollups (docs/plans/home-insights.md §4). The
 * same statements run in the transaction that records runs' ends (for the runs it finished) and in the
 * migrations' backfill (for every finished run), in both dialects: only the JSON functions differ.
 */

export type Dialect = 'sqlite' | 'pg';

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;

/** One set of rollup tables: by the hour, or by the UTC day. `column` is the period start's column, ms. */
export interface Grain {
  ms: number;
  column: 'hour' | 'day';
  runs: string;
  nodes: string;
  webhook: string;
}

export const HOURLY: Grain = {
  ms: HOUR_MS,
  column: 'hour',
  runs: 'insights_hourly',
  nodes: 'insights_node_failures_hourly',
  webhook: 'insights_webhook_hourly',
};
export const DAILY: Grain = {
  ms: DAY_MS,
  column: 'day',
  runs: 'insights_daily',
  nodes: 'insights_node_failures_daily',
  webhook: 'insights_webhook_daily',
};
/** Every run is added to both. */
export const GRAINS = [HOURLY, DAILY] as const;

/** Runs whose saved minutes count: production runs, as n8n counts them (manual, test and retry runs do not). */
export const PRODUCTION_MODES = ['webhook', 'schedule', 'error', 'subworkflow'] as const;

const bucketCase = (bounds: readonly number[], value: string): string =>
  `case ${bounds.map((b, i) => `when ${value} < ${b} then ${i}`).join(' ')} else ${bounds.length} end`;

/** The version's `settings.minutesSavedPerRun` when it is a number, else 0. */
const minutesPerRun = (dialect: Dialect): string =>
  dialect === 'sqlite'
    ? `case when json_valid(v.definition) and json_type(v.definition, '$.settings.minutesSavedPerRun') in ('integer', 'real')
        then json_extract(v.definition, '$.settings.minutesSavedPerRun') else 0 end`
    : `case when json_typeof(v.definition::json #> '{settings,minutesSavedPerRun}') = 'number'
        then (v.definition::json #>> '{settings,minutesSavedPerRun}')::double precision else 0 end`;

/** The failed node's type, read from the version the run executed ('' when the version does not name it). */
const nodeType = (dialect: Dialect): string =>
  dialect === 'sqlite'
    ? `coalesce((select json_extract(n.value, '$.type') from json_each(case when json_valid(v.definition) then v.definition else '{}' end, '$.nodes') n
        where json_extract(n.value, '$.id') = nr.node_id limit 1), '')`
    : `coalesce((select n ->> 'type' from json_array_elements(v.definition::json -> 'nodes') n
        where n ->> 'id' = nr.node_id limit 1), '')`;

const production = PRODUCTION_MODES.map((m) => `'${m}'`).join(', ');

/** Adds the finished executions `where` selects (over `e`, the executions) to the grain's runs table. */
export const rollupRunsSql = (dialect: Dialect, where: SQL, grain: Grain): SQL => {
  const d = durationColumns;
  const t = sql.raw(grain.runs);
  return sql`insert into ${t} (workflow_id, ${sql.raw(grain.column)}, mode, status, runs, duration_ms, minutes_saved, ${sql.raw(d.join(', '))})
select workflow_id, at, mode, status, count(*), sum(duration), sum(minutes), ${sql.raw(
    d.map((c, i) => `sum(case when b = ${i} then 1 else 0 end)`).join(', '),
  )}
from (
  select e.workflow_id, e.finished_at - (e.finished_at % ${sql.raw(String(grain.ms))}) as at, e.mode, e.status,
    case when e.started_at is null or e.finished_at < e.started_at then 0 else e.finished_at - e.started_at end as duration,
    case when e.started_at is null then -1 else ${sql.raw(bucketCase(DURATION_BOUNDS_MS, 'e.finished_at - e.started_at'))} end as b,
    case when e.mode in (${sql.raw(production)}) then ${sql.raw(minutesPerRun(dialect))} else 0 end as minutes
  from executions e join workflow_versions v on v.hash = e.version_hash
  where e.finished_at is not null and e.status in ('succeeded', 'failed', 'canceled') and (${where})
) x
group by workflow_id, at, mode, status
on conflict (workflow_id, ${sql.raw(grain.column)}, mode, status) do update set
  runs = ${t}.runs + excluded.runs,
  duration_ms = ${t}.duration_ms + excluded.duration_ms,
  minutes_saved = ${t}.minutes_saved + excluded.minutes_saved,
  ${sql.raw(d.map((c) => `${c} = ${grain.runs}.${c} + excluded.${c}`).join(',\n  '))}`;
};

/** Adds the failed node runs of the executions `where` selects to the grain's node failures table. */
export const rollupNodeFailuresSql = (dialect: Dialect, where: SQL, grain: Grain): SQL =>
  sql`insert into ${sql.raw(grain.nodes)} (workflow_id, ${sql.raw(grain.column)}, node_id, node_name, node_type, failures)
select e.workflow_id, e.finished_at - (e.finished_at % ${sql.raw(String(grain.ms))}), nr.node_id, max(nr.name),
  max(${sql.raw(nodeType(dialect))}), count(distinct e.id)
from executions e join node_runs nr on nr.execution_id = e.id join workflow_versions v on v.hash = e.version_hash
where e.finished_at is not null and nr.status = 'failed' and nr.origin = 'ran' and (${where})
group by e.workflow_id, e.finished_at - (e.finished_at % ${sql.raw(String(grain.ms))}), nr.node_id
on conflict (workflow_id, ${sql.raw(grain.column)}, node_id) do update set
  failures = ${sql.raw(grain.nodes)}.failures + excluded.failures,
  node_name = excluded.node_name,
  node_type = excluded.node_type`;

/** One workflow-hour's webhook answers, gathered in memory (webhook-latency.ts). */
export interface LatencyRollup {
  workflowId: string;
  hour: number;
  responses: number;
  latencyMs: number;
  /** BUCKETS counts. */
  counts: number[];
}

/** Hourly entries summed into the grain's periods: one row per workflow and period. */
const regroup = (entries: readonly LatencyRollup[], grain: Grain): LatencyRollup[] => {
  const out = new Map<string, LatencyRollup>();
  for (const e of entries) {
    const at = e.hour - (e.hour % grain.ms);
    const key = `${at}:${e.workflowId}`;
    const into = out.get(key);
    if (!into) {
      out.set(key, { ...e, hour: at, counts: [...e.counts] });
      continue;
    }
    into.responses += e.responses;
    into.latencyMs += e.latencyMs;
    e.counts.forEach((n, i) => (into.counts[i] = (into.counts[i] ?? 0) + n));
  }
  return [...out.values()];
};

/** Adds gathered webhook latencies (by the hour) to the grain's webhook table, one row per workflow and period. */
export const rollupLatencySql = (hourly: readonly LatencyRollup[], grain: Grain): SQL => {
  const l = latencyColumns;
  const t = grain.webhook;
  const entries = regroup(hourly, grain);
  const rows = entries.map(
    (e) =>
      sql`(cast(${e.workflowId} as text), cast(${e.hour} as bigint), cast(${e.responses} as integer), cast(${e.latencyMs} as bigint), ${sql.raw(
        Array.from({ length: BUCKETS }, (_, i) => String(Math.trunc(e.counts[i] ?? 0))).join(', '),
      )})`,
  );
  return sql`insert into ${sql.raw(t)} (workflow_id, ${sql.raw(grain.column)}, responses, latency_ms, ${sql.raw(l.join(', '))})
select * from (values ${sql.join(rows, sql`, `)}) as v
where exists (select 1 from workflows w where w.id = v.column1)
on conflict (workflow_id, ${sql.raw(grain.column)}) do update set
  responses = ${sql.raw(t)}.responses + excluded.responses,
  latency_ms = ${sql.raw(t)}.latency_ms + excluded.latency_ms,
  ${sql.raw(l.map((c) => `${c} = ${t}.${c} + excluded.${c}`).join(',\n  '))}`;
};

/** The latency bucket of one answer. */
export const latencyBucket = (ms: number): number => {
  const i = LATENCY_BOUNDS_MS.findIndex((b) => ms < b);
  return i === -1 ? LATENCY_BOUNDS_MS.length : i;
};
