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

export const executionListQuery = z.object({
  workflowId: z.string().optional(),
  status: z.enum(executionStatuses).optional(),
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
