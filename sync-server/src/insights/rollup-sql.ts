import { sql, type SQL } from 'drizzle-orm';
import { BUCKETS, DURATION_BOUNDS_MS, durationColumns, LATENCY_BOUNDS_MS, latencyColumns } from './buckets.ts';

/**
 * The statements that add finished executions to the insights rollups (docs/plans/home-insights.md §4). The
 * same statements run in the transaction that records runs' ends (for the runs it finished) and in the
 * migrations' backfill (for every finished run), in both dialects: only the JSON functions differ.
 */

export type Dialect = 'sqlite' | 'pg';

export const HOUR_MS = 3_600_000;

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

/** Adds the finished executions `where` selects (over `e`, the executions) to insights_hourly. */
export const rollupRunsSql = (dialect: Dialect, where: SQL): SQL => {
  const d = durationColumns;
  return sql`insert into insights_hourly (workflow_id, hour, mode, status, runs, duration_ms, minutes_saved, ${sql.raw(d.join(', '))})
select workflow_id, hour, mode, status, count(*), sum(duration), sum(minutes), ${sql.raw(
    d.map((c, i) => `sum(case when b = ${i} then 1 else 0 end)`).join(', '),
  )}
from (
  select e.workflow_id, e.finished_at - (e.finished_at % ${sql.raw(String(HOUR_MS))}) as hour, e.mode, e.status,
    case when e.started_at is null or e.finished_at < e.started_at then 0 else e.finished_at - e.started_at end as duration,
    case when e.started_at is null then -1 else ${sql.raw(bucketCase(DURATION_BOUNDS_MS, 'e.finished_at - e.started_at'))} end as b,
    case when e.mode in (${sql.raw(production)}) then ${sql.raw(minutesPerRun(dialect))} else 0 end as minutes
  from executions e join workflow_versions v on v.hash = e.version_hash
  where e.finished_at is not null and e.status in ('succeeded', 'failed', 'canceled') and (${where})
) x
group by workflow_id, hour, mode, status
on conflict (workflow_id, hour, mode, status) do update set
  runs = insights_hourly.runs + excluded.runs,
  duration_ms = insights_hourly.duration_ms + excluded.duration_ms,
  minutes_saved = insights_hourly.minutes_saved + excluded.minutes_saved,
  ${sql.raw(d.map((c) => `${c} = insights_hourly.${c} + excluded.${c}`).join(',\n  '))}`;
};

/** Adds the failed node runs of the executions `where` selects to insights_node_failures_hourly. */
export const rollupNodeFailuresSql = (dialect: Dialect, where: SQL): SQL =>
  sql`insert into insights_node_failures_hourly (workflow_id, hour, node_id, node_name, node_type, failures)
select e.workflow_id, e.finished_at - (e.finished_at % ${sql.raw(String(HOUR_MS))}), nr.node_id, max(nr.name),
  max(${sql.raw(nodeType(dialect))}), count(distinct e.id)
from executions e join node_runs nr on nr.execution_id = e.id join workflow_versions v on v.hash = e.version_hash
where e.finished_at is not null and nr.status = 'failed' and nr.origin = 'ran' and (${where})
group by e.workflow_id, e.finished_at - (e.finished_at % ${sql.raw(String(HOUR_MS))}), nr.node_id
on conflict (workflow_id, hour, node_id) do update set
  failures = insights_node_failures_hourly.failures + excluded.failures,
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

/** Adds gathered webhook latencies to insights_webhook_hourly, one row per entry. */
export const rollupLatencySql = (entries: readonly LatencyRollup[]): SQL => {
  const l = latencyColumns;
  const rows = entries.map(
    (e) =>
      sql`(cast(${e.workflowId} as text), cast(${e.hour} as bigint), cast(${e.responses} as integer), cast(${e.latencyMs} as bigint), ${sql.raw(
        Array.from({ length: BUCKETS }, (_, i) => String(Math.trunc(e.counts[i] ?? 0))).join(', '),
      )})`,
  );
  return sql`insert into insights_webhook_hourly (workflow_id, hour, responses, latency_ms, ${sql.raw(l.join(', '))})
select * from (values ${sql.join(rows, sql`, `)}) as v
where exists (select 1 from workflows w where w.id = v.column1)
on conflict (workflow_id, hour) do update set
  responses = insights_webhook_hourly.responses + excluded.responses,
  latency_ms = insights_webhook_hourly.latency_ms + excluded.latency_ms,
  ${sql.raw(l.map((c) => `${c} = insights_webhook_hourly.${c} + excluded.${c}`).join(',\n  '))}`;
};

/** The latency bucket of one answer. */
export const latencyBucket = (ms: number): number => {
  const i = LATENCY_BOUNDS_MS.findIndex((b) => ms < b);
  return i === -1 ? LATENCY_BOUNDS_MS.length : i;
};
