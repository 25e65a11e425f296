import type { InsightsDto, InsightsQuery, InsightsRange } from '#shared/api/insights.ts';
import * as routes from '#shared/api/routes/insights.ts';
import { DURATION_BOUNDS_MS, LATENCY_BOUNDS_MS, quantile } from '../../insights/buckets.ts';
import type { InsightsScope, InsightsStore } from '../../insights/insights-store.ts';
import { HOUR_MS } from '../../insights/rollup-sql.ts';
import { requireAccess } from '../../workflows/access.ts';
import type { WorkflowStore } from '../../workflows/workflow-store.ts';
import { contractRoutes, implement } from './contract-routes.ts';

const DAY_MS = 24 * HOUR_MS;
const RANGE_MS: Record<InsightsRange, number> = { '24h': DAY_MS, '7d': 7 * DAY_MS, '30d': 30 * DAY_MS };
/** Ranges up to this long are drawn by the hour; longer ones by the (UTC) day. */
const HOURLY_UP_TO_MS = 2 * DAY_MS;
const TOP_NODES = 10;
const TOP_WORKFLOWS = 20;

/** The range's hours: a named range ends with the current hour; a custom one widens to whole hours. */
export const rangeOf = (
  q: Pick<InsightsQuery, 'range' | 'from' | 'to'>,
  now: number,
): { range: InsightsDto['range']; from: number; to: number; bucketMs: number } => {
  const ceilHour = (t: number) => Math.ceil(t / HOUR_MS) * HOUR_MS;
  const floorHour = (t: number) => t - (t % HOUR_MS);
  if (q.from !== undefined && q.to !== undefined) {
    const from = floorHour(q.from);
    const to = ceilHour(q.to);
    return { range: 'custom', from, to, bucketMs: to - from <= HOURLY_UP_TO_MS ? HOUR_MS : DAY_MS };
  }
  const range = q.range ?? '24h';
  const to = ceilHour(now + 1);
  const span = RANGE_MS[range];
  return { range, from: to - span, to, bucketMs: span <= HOURLY_UP_TO_MS ? HOUR_MS : DAY_MS };
};

const add = (into: number[], more: readonly number[]) => more.forEach((n, i) => (into[i] = (into[i] ?? 0) + n));
const rate = (failed: number, runs: number) => (runs === 0 ? null : failed / runs);
const rounded = (v: number | null) => (v === null ? null : Math.round(v));

/** Insights (docs/plans/home-insights.md §4): everything the caller may read, or one workflow they may read. */
export const insightsRoutes = ({ insights, workflows }: { insights: InsightsStore; workflows: WorkflowStore }) =>
  contractRoutes('/api', [
    implement(routes.getInsights, async (_c, { user, query }, reply) => {
      if (query.workflowId !== undefined) await requireAccess(workflows, query.workflowId, user, 'read');
      const { range, from, to, bucketMs } = rangeOf(query, Date.now());
      const scope: InsightsScope = {
        from,
        to,
        days: bucketMs === DAY_MS,
        ...(user.isAdmin ? {} : { memberId: user.id }),
        ...(query.workflowId !== undefined ? { workflowId: query.workflowId } : {}),
      };
      const [series, totals, nodes, latency, perWorkflow] = await Promise.all([
        insights.series(scope, bucketMs),
        insights.totals(scope),
        insights.failingNodes(scope, TOP_NODES),
        insights.webhookLatency(scope),
        insights.byWorkflow(scope, TOP_WORKFLOWS),
      ]);

      const buckets = new Map<number, { at: number; succeeded: number; failed: number; canceled: number }>();
      for (let at = from - (from % bucketMs); at < to; at += bucketMs)
        buckets.set(at, { at, succeeded: 0, failed: 0, canceled: 0 });
      for (const row of series) {
        const b = buckets.get(row.at);
        if (b && (row.status === 'succeeded' || row.status === 'failed' || row.status === 'canceled'))
          b[row.status] += row.runs;
      }

      const count = (status: string) => totals.find((t) => t.status === status)?.runs ?? 0;
      const durations: number[] = [];
      for (const t of totals) add(durations, t.durations);
      const runs = totals.reduce((n, t) => n + t.runs, 0);
      const body: InsightsDto = {
        range,
        from,
        to,
        bucket: bucketMs === HOUR_MS ? 'hour' : 'day',
        series: [...buckets.values()],
        totals: {
          runs,
          succeeded: count('succeeded'),
          failed: count('failed'),
          canceled: count('canceled'),
          failureRate: rate(count('failed'), runs),
          durationP50Ms: rounded(quantile(DURATION_BOUNDS_MS, durations, 0.5)),
          durationP95Ms: rounded(quantile(DURATION_BOUNDS_MS, durations, 0.95)),
          minutesSaved: totals.reduce((n, t) => n + t.minutesSaved, 0),
        },
        topFailingNodes: nodes,
        webhookLatency: {
          responses: latency.responses,
          p50Ms: rounded(quantile(LATENCY_BOUNDS_MS, latency.counts, 0.5)),
          p95Ms: rounded(quantile(LATENCY_BOUNDS_MS, latency.counts, 0.95)),
        },
        byWorkflow: perWorkflow.map((w) => ({
          workflowId: w.workflowId,
          name: w.name,
          runs: w.runs,
          failed: w.failed,
          failureRate: rate(w.failed, w.runs),
          durationP50Ms: rounded(quantile(DURATION_BOUNDS_MS, w.durations, 0.5)),
          durationP95Ms: rounded(quantile(DURATION_BOUNDS_MS, w.durations, 0.95)),
          minutesSaved: w.minutesSaved,
        })),
      };
      return reply(200, body);
    }),
  ]);
