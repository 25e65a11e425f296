import { z } from 'zod';
import { binaryMapSchema } from '../runs/item-schema.ts';
import { timeSchema as time } from './common.ts';
import {
  CUSTOM_DATA_KEY,
  CUSTOM_DATA_MAX_KEY_LENGTH,
  CUSTOM_DATA_MAX_KEYS,
  CUSTOM_DATA_MAX_VALUE_LENGTH,
} from '../runs/custom-data.ts';

/** Executions over REST: history, one run's node results and log, and control. */

export const executionStatuses = ['queued', 'running', 'succeeded', 'failed', 'canceled'] as const;
/** `error`: an error workflow's run, started by another run's failure (docs/plans/n8n-daily.md §7). */
export const executionModes = ['manual', 'test', 'webhook', 'schedule', 'retry', 'error', 'subworkflow'] as const;

export const executionSchema = z.object({
  id: z.string(),
  workflowId: z.string(),
  /** The workflow's name now (lists only), so a page across workflows need not fetch each one. */
  workflowName: z.string().optional(),
  /** Who started the run (lists only): null for runs nobody started by hand (webhooks, schedules) or a deleted account. */
  startedBy: z.object({ id: z.string(), name: z.string() }).nullable().optional(),
  /** The saved, immutable version of the workflow it runs. */
  versionHash: z.string(),
  mode: z.enum(executionModes),
  status: z.enum(executionStatuses),
  error: z.string().nullable(),
  /** The execution this one retries. */
  retryOf: z.string().nullable(),
  createdAt: time,
  startedAt: time.nullable(),
  finishedAt: time.nullable(),
  /** The execution whose outputs this partial run reused; null: nothing was (a fresh run). */
  baseExecutionId: z.string().nullable(),
  /** The scope the run was asked for (the run route); null for runs nobody scoped (webhooks, schedules). */
  scope: z.enum(['all', 'toHere', 'step']).nullable(),
  /** The node a `toHere` or `step` run ended at. */
  destination: z.string().nullable(),
  /** A sub-workflow run's caller: its execution, workflow and Execute Workflow node (docs/plans/n8n-daily.md §6.3). */
  parentExecutionId: z.string().nullable().optional(),
  parentWorkflowId: z.string().nullable().optional(),
  parentNodeId: z.string().nullable().optional(),
  /** The run at the top of the chain of calls; null for a run nobody called. */
  rootExecutionId: z.string().nullable().optional(),
  /** Calls between the root and this run (0: nobody called it). */
  depth: z.number().int().optional(),
  /** What the run saved about itself (the Execution Data node, `$execution.customData`); null: nothing. */
  customData: z.record(z.string(), z.string()).nullable().optional(),
});
export type ExecutionDto = z.infer<typeof executionSchema>;

export const executionStoppingSchema = executionSchema.extend({ stopping: z.literal(true) });

/** One run of one node (a node in a loop runs several times: `runIndex`). */
export const nodeRunSchema = z.object({
  nodeId: z.string(),
  name: z.string(),
  runIndex: z.number().int(),
  status: z.enum(['succeeded', 'failed']),
  /** Items by input handle, as the engine reported them; null if they could not be read back. */
  input: z.unknown(),
  /** Items by output handle; null if they could not be read back. */
  output: z.unknown(),
  error: z.string().nullable(),
  attempts: z.number().int(),
  startedAt: time,
  finishedAt: time,
  /** 'ran', or how the node's output came about without running: reused from a base run, or its pin. */
  origin: z.enum(['ran', 'reused', 'pinned']).optional(),
  /** Each output item's sources and each input's producers, compact (shared/src/runs/paired.ts decodePaired). */
  paired: z.string().nullable().optional(),
  /** Items on each input handle in all: with `?items=N` the lists hold the first N only. */
  inputCounts: z.record(z.string(), z.number().int()).optional(),
  /** Items on each output handle in all. */
  outputCounts: z.record(z.string(), z.number().int()).optional(),
});
export type NodeRunDto = z.infer<typeof nodeRunSchema>;

/** A run an execution called (Execute Workflow), as its detail lists it. */
export const executionChildSchema = z.object({
  id: z.string(),
  workflowId: z.string(),
  /** The Execute Workflow node that called it. */
  parentNodeId: z.string().nullable(),
  status: z.enum(executionStatuses),
  createdAt: time,
});

/** Children an execution's detail lists, at most. */
export const MAX_LISTED_CHILDREN = 100;

export const executionDetailSchema = executionSchema.extend({
  nodeRuns: z.array(nodeRunSchema),
  /** The runs it called, oldest first (the first MAX_LISTED_CHILDREN). */
  children: z.array(executionChildSchema).optional(),
  /** Node id → fingerprint of the version's node when the run was made: compare with the live document's to see what changed. */
  fingerprints: z.record(z.string(), z.string()).nullable(),
});
export type ExecutionDetailDto = z.infer<typeof executionDetailSchema>;

export const executionListSchema = z.object({
  executions: z.array(executionSchema),
  /** Pass as `cursor` for the next page; null on the last one. */
  nextCursor: z.string().nullable(),
});

/** Runs one bulk retry may name at most. */
export const MAX_BULK_RETRY = 100;

/** `POST /api/executions/retry`: retry several runs at once (the executions page's "Retry failed"). */
export const bulkRetryRequest = z.object({
  ids: z.array(z.string().min(1).max(64)).min(1).max(MAX_BULK_RETRY),
});

/** Each id's outcome, in the order asked (an id given twice is retried once): its new run, or why not. */
export const bulkRetrySchema = z.object({
  results: z.array(
    z.discriminatedUnion('ok', [
      z.object({ id: z.string(), ok: z.literal(true), execution: executionSchema }),
      z.object({
        id: z.string(),
        ok: z.literal(false),
        error: z.object({ code: z.string(), message: z.string() }),
      }),
    ]),
  ),
});
export type BulkRetryResult = z.infer<typeof bulkRetrySchema>['results'][number];

export const executionLogLineSchema = z.object({
  at: time,
  level: z.enum(['info', 'warn', 'error']),
  /** The node the line is about (its name when it ran). */
  node: z.string().optional(),
  message: z.string(),
});
export type ExecutionLogLine = z.infer<typeof executionLogLineSchema>;

export const executionLogsSchema = z.object({ logs: z.array(executionLogLineSchema) });

/** Filters of the list a query may hold (`custom`), at most: one per key a run can save. */
export const MAX_CUSTOM_FILTERS = CUSTOM_DATA_MAX_KEYS;

/**
 * `custom=key:value`, repeatable: runs whose custom data holds every pair, exactly (the key as the run saved it:
 * cut to 50 characters as `set` cuts it; the value is everything after the first colon).
 */
const customFilter = z
  .string()
  .max(CUSTOM_DATA_MAX_KEY_LENGTH + 1 + CUSTOM_DATA_MAX_VALUE_LENGTH + 200)
  .transform((text, ctx) => {
    const colon = text.indexOf(':');
    const key = colon < 0 ? '' : text.slice(0, colon);
    if (colon < 1 || !CUSTOM_DATA_KEY.test(key)) {
      ctx.addIssue({
        code: 'custom',
        message: 'must be key:value, the key of letters, numbers and underscores',
      });
      return z.NEVER;
    }
    return { key: key.slice(0, CUSTOM_DATA_MAX_KEY_LENGTH), value: text.slice(colon + 1) };
  });
const customFilters = z
  .union([customFilter.transform((f) => [f]), z.array(customFilter).max(MAX_CUSTOM_FILTERS)])
  .optional()
  .meta({
    description:
      'key:value — only runs whose custom data (Execution Data node, $execution.customData) has that value under that key, exactly. Repeat it to require several (all must match).',
  });

/** A query parameter that may be given once or repeated (`status=failed&status=canceled`): always a list. */
const repeatable = <T extends z.ZodType<string>>(one: T, max: number) =>
  z.union([one.transform((v) => [v]), z.array(one).min(1).max(max)]).optional();

/** Milliseconds since the epoch, as digits (a coerced number would read "" as 0). */
const instant = z
  .string()
  .regex(/^\d{1,15}$/, 'must be a time in milliseconds since 1970')
  .transform(Number)
  .optional();

/** Workflows a list query may name at most (`workflowId` repeated). */
export const MAX_LISTED_WORKFLOW_FILTERS = 50;

export const executionListQuery = z.object({
  workflowId: repeatable(z.string().min(1).max(64), MAX_LISTED_WORKFLOW_FILTERS).meta({
    description:
      "Only this workflow's runs (repeat it for several). Without it: every workflow the caller may read (an admin: every workflow).",
  }),
  status: repeatable(z.enum(executionStatuses), executionStatuses.length).meta({
    description: 'Only runs with this status; repeat it for several.',
  }),
  mode: repeatable(z.enum(executionModes), executionModes.length).meta({
    description: 'Only runs started this way; repeat it for several.',
  }),
  from: instant.meta({ description: 'Only runs created at or after this time (ms since 1970).' }),
  to: instant.meta({ description: 'Only runs created at or before this time (ms since 1970).' }),
  cursor: z
    .string()
    .regex(/^\d{1,15}:[A-Za-z0-9_-]{1,64}$/, 'must be a cursor from a previous page')
    .optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  custom: customFilters,
});

/** `GET /api/executions/{id}`: without `items`, every item of every node run (what scripts read); with it, a first page. */
export const executionDetailQuery = z.object({
  items: z.coerce.number().int().min(0).max(10_000).optional().meta({
    description:
      'At most this many items per input and output handle of each node run (their totals in `inputCounts`/`outputCounts`); the rest through …/items. The inspector asks for one page, so opening a large run does not download all of it.',
  }),
});

/** `GET /api/executions/{id}/items`: one page of one node run's items, without loading the whole execution. */
export const executionItemsQuery = z.object({
  node: z.string().min(1).max(64).meta({ description: 'The node id' }),
  run: z.coerce
    .number()
    .int()
    .min(0)
    .max(1_000_000)
    .default(0)
    .meta({ description: 'Which run of the node (0: its first)' }),
  side: z.enum(['input', 'output']).default('output'),
  handle: z
    .string()
    .max(64)
    .optional()
    .meta({ description: 'The input or output handle (default: the first that has items, else the first)' }),
  offset: z.coerce.number().int().min(0).max(100_000_000).default(0),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

/** `GET /api/executions/{id}/binary`: one file an item of a node run carries, as its bytes. */
export const executionBinaryQuery = z.object({
  node: z.string().min(1).max(64).meta({ description: 'The node id' }),
  run: z.coerce.number().int().min(0).max(1_000_000).default(0).meta({ description: 'Which run of the node' }),
  side: z.enum(['input', 'output']).default('output'),
  handle: z
    .string()
    .max(64)
    .optional()
    .meta({ description: 'The input or output handle (default: the first that has items, else the first)' }),
  item: z.coerce.number().int().min(0).max(100_000_000).meta({ description: "The item's index on that handle" }),
  key: z.string().min(1).max(255).meta({ description: 'The binary property ("data", …)' }),
});

export const executionItemsSchema = z.object({
  /** The handles of that side, in the order the run reported them, each with its item count. */
  handles: z.array(z.object({ name: z.string(), count: z.number().int() })),
  /** The handle this page is of (null when the side has none). */
  handle: z.string().nullable(),
  /** Items on that handle in all. */
  total: z.number().int(),
  offset: z.number().int(),
  items: z.array(z.object({ json: z.unknown(), binary: binaryMapSchema.optional() })),
});
export type ExecutionItemsDto = z.infer<typeof executionItemsSchema>;
