import { z } from 'zod';

/** Insights (docs/plans/home-insights.md §4): `GET /api/insights`. */

export const INSIGHTS_RANGES = ['24h', '7d', '30d'] as const;
export type InsightsRange = (typeof INSIGHTS_RANGES)[number];

/** The longest custom range: what the page offers, and a bound on the work one request asks for. */
export const MAX_INSIGHTS_DAYS = 400;

const ms = z.coerce.number().int().min(0).max(8_640_000_000_000_000);

export const insightsQuery = z
  .object({
    range: z.enum(INSIGHTS_RANGES).optional().meta({ description: 'The last 24 hours, 7 or 30 days (default 24h)' }),
    from: ms.optional().meta({ description: 'A custom range’s start, Unix ms (with `to`; instead of `range`)' }),
    to: ms.optional().meta({ description: 'A custom range’s end, Unix ms (exclusive)' }),
    workflowId: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be a workflow id')
      .optional()
      .meta({ description: 'One workflow (read access needed); unset: every workflow the caller may read' }),
  })
  .refine((q) => (q.from === undefined) === (q.to === undefined), {
    message: '`from` and `to` go together',
    path: ['from'],
  })
  .refine((q) => q.range === undefined || q.from === undefined, {
    message: 'either `range` or `from` and `to`',
    path: ['range'],
  })
  .refine(
    (q) =>
      q.from === undefined || q.to === undefined || (q.to > q.from && q.to - q.from <= MAX_INSIGHTS_DAYS * 86_400_000),
    {
      message: `\`to\` must be after \`from\`, at most ${MAX_INSIGHTS_DAYS} days later`,
      path: ['to'],
    },
  );

export type InsightsQuery = z.infer<typeof insightsQuery>;

const p = z.number().nullable();

export const insightsTotalsSchema = z.object({
  runs: z.number(),
  succeeded: z.number(),
  failed: z.number(),
  canceled: z.number(),
  /** failed / runs; null without runs. */
  failureRate: p,
  /** From the duration histogram, interpolated within a bucket; null without a run that started. */
  durationP50Ms: p,
  durationP95Ms: p,
  /** Production runs × the minutes the run's version said one run saves. */
  minutesSaved: z.number(),
});

export const insightsSchema = z.object({
  range: z.enum([...INSIGHTS_RANGES, 'custom']),
  from: z.number(),
  to: z.number(),
  bucket: z.enum(['hour', 'day']),
  /** Every bucket of the range, oldest first, empty ones included; `at` is its start (UTC). */
  series: z.array(z.object({ at: z.number(), succeeded: z.number(), failed: z.number(), canceled: z.number() })),
  totals: insightsTotalsSchema,
  /** The nodes that failed in most runs, most first. */
  topFailingNodes: z.array(
    z.object({
      workflowId: z.string(),
      workflowName: z.string(),
      nodeId: z.string(),
      nodeName: z.string(),
      nodeType: z.string(),
      failures: z.number(),
    }),
  ),
  /** Production webhook answers: request arrived → answer sent. */
  webhookLatency: z.object({ responses: z.number(), p50Ms: p, p95Ms: p }),
  /** The workflows with the most runs, most first. */
  byWorkflow: z.array(
    z.object({
      workflowId: z.string(),
      name: z.string(),
      runs: z.number(),
      failed: z.number(),
      failureRate: p,
      durationP50Ms: p,
      durationP95Ms: p,
      minutesSaved: z.number(),
    }),
  ),
});

export type InsightsDto = z.infer<typeof insightsSchema>;
