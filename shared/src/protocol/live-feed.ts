import { z } from 'zod';
import { executionModes, executionStatuses } from '../api/executions.ts';

/**
 * The live feed (`GET /api/live`, Server-Sent Events; docs/plans/home-insights.md §1):
 * what the lists outside the editor need to stay current without polling each
 * row — who is in each workflow now, and runs as their status changes. The
 * server sends only what the subscriber may read. Plain (stripping) objects:
 * a client keeps working when a newer server adds a field.
 */

export const LIVE_FEED_PATH = '/api/live';

export const presentUserSchema = z.object({ id: z.string(), name: z.string() });
export type PresentUser = z.infer<typeof presentUserSchema>;

/** `event: presence` — everyone with the workflow open now (the whole list; empty when the last one left). */
export const livePresenceSchema = z.object({
  workflowId: z.string(),
  users: z.array(presentUserSchema),
});
export type LivePresence = z.infer<typeof livePresenceSchema>;

/** A run as the lists show it. */
export const liveExecutionSchema = z.object({
  id: z.string(),
  workflowId: z.string(),
  workflowName: z.string(),
  mode: z.enum(executionModes),
  status: z.enum(executionStatuses),
  error: z.string().nullable(),
  retryOf: z.string().nullable(),
  createdBy: z.string().nullable(),
  /** Who started it, with their name (null for webhooks, schedules and other runs nobody started). */
  startedBy: presentUserSchema.nullable(),
  createdAt: z.number(),
  startedAt: z.number().nullable(),
  finishedAt: z.number().nullable(),
  parentExecutionId: z.string().nullable(),
});
export type LiveExecution = z.infer<typeof liveExecutionSchema>;

/**
 * `event: executions` — runs whose status changed (newest state), and runs deleted.
 * `overflow`: more changed than one message carries; a list that must be exact reads its page again.
 */
export const liveExecutionsSchema = z.object({
  executions: z.array(liveExecutionSchema),
  deleted: z.array(z.string()),
  overflow: z.boolean(),
});
export type LiveExecutions = z.infer<typeof liveExecutionsSchema>;

/** Event names on the wire. After connecting: presence and executions (the snapshot), then `ready`. */
export const LiveFeedEvents = { presence: 'presence', executions: 'executions', ready: 'ready' } as const;

/** At most this many runs in one `executions` message (the rest is `overflow`). */
export const MAX_LIVE_EXECUTIONS = 200;
