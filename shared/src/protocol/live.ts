import { z } from 'zod';
import { testWebhookListenSchema } from '../api/access.ts';
import { executionStatuses } from '../api/executions.ts';
import { modeSchema } from '../api/modes.ts';
import { nodeStatusSchema } from './engine.ts';

/**
 * Live status in a workflow's room: the sync server's own awareness entry
 * (`server: true`) carries the latest execution with each node's status, the
 * workflow's trigger state, who listens for a test event and the edit mode. The server
 * writes it (sync-server/src/executions/live-status.ts); every client in the
 * room reads it (client/src/runs/run-status.ts, client/src/editor/test-listen.ts).
 *
 * Plain (stripping) objects, not strict ones: a client must keep working when
 * a newer server adds a field. No size bounds: only the server can write this
 * entry (a socket cannot speak for the server's awareness id), and it copies
 * what the engine channel already checked.
 */

export const nodeLiveStatusSchema = z.object({
  /** The engine's node status; `skipped` also for nodes still running when the execution ended. */
  status: nodeStatusSchema,
  /** Times the node started in this execution (a node in a loop runs several times). */
  runs: z.number().int().min(0),
  /** Items of its last run, by output handle. */
  itemsOut: z.record(z.string(), z.number().int().min(0)).optional(),
  durationMs: z.number().optional(),
  error: z.string().optional(),
  /** When the engine saw this status (epoch ms): clients can tell how fresh it is. */
  at: z.number().optional(),
  /** The node did not run: its pin stood in for it, or a partial run reused its base run's output. */
  origin: z.enum(['reused', 'pinned']).optional(),
  /** Execute Workflow: the sub-workflow run it waits for, and how far that run is (docs/plans/n8n-daily.md §6.3). */
  child: z
    .object({
      executionId: z.string(),
      workflowId: z.string(),
      status: z.enum(executionStatuses),
      nodesDone: z.number().int().min(0),
      nodesTotal: z.number().int().min(0),
      /** Runs this node started so far ("each" mode starts one per item), and how many of them failed. */
      runs: z.number().int().min(0).optional(),
      failed: z.number().int().min(0).optional(),
    })
    .optional(),
});
export type ChildLiveStatus = NonNullable<z.infer<typeof nodeLiveStatusSchema>['child']>;
export type NodeLiveStatus = z.infer<typeof nodeLiveStatusSchema>;

export const executionLiveStatusSchema = z.object({
  id: z.string(),
  status: z.enum(executionStatuses),
  error: z.string().optional(),
  /** By node id. */
  nodes: z.record(z.string(), nodeLiveStatusSchema),
  /** A run asked for with a scope (docs/plans/n8n-daily.md §3.4): which, to which node, and the run it reuses. */
  scope: z.enum(['all', 'toHere', 'step']).optional(),
  destination: z.string().optional(),
  base: z.string().optional(),
});
export type ExecutionLiveStatus = z.infer<typeof executionLiveStatusSchema>;

/** Whether webhooks and schedules run, and which published version they run. */
export const triggerLiveStateSchema = z.object({
  active: z.boolean(),
  publishedHash: z.string().nullable(),
});
export type TriggerLiveState = z.infer<typeof triggerLiveStateSchema>;

export const serverAwarenessStateSchema = z.object({
  server: z.literal(true),
  /** The workflow's latest execution since the server started (none before its first run). */
  execution: executionLiveStatusSchema.optional(),
  /** Set once someone publishes, activates or deactivates while the server runs. */
  trigger: triggerLiveStateSchema.optional(),
  /** While someone listens for a test event: until when, and on which paths under /webhook-test/. */
  testWebhook: testWebhookListenSchema.optional(),
  /**
   * The workflow's edit mode as this instance enforces it (api/modes.ts), once
   * it was ever switched: a tab turns read-only when it says so.
   */
  mode: modeSchema.optional(),
});
export type ServerAwarenessState = z.infer<typeof serverAwarenessStateSchema>;
