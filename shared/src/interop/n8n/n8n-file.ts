import { z } from 'zod';

/**
 * The parts of n8n's workflow JSON (as n8n exports it, or as a workflow is
 * pasted from its canvas) that an import reads. Loose on purpose: n8n adds
 * fields across versions, and anything not read here is reported, not fatal.
 */

const finite = z.number().refine(Number.isFinite, 'must be a finite number');

export const n8nNodeSchema = z.looseObject({
  id: z.string().optional(),
  name: z.string().trim().min(1, 'must not be empty'),
  type: z.string().min(1),
  typeVersion: z.number().optional(),
  position: z.tuple([finite, finite]).optional(),
  parameters: z.record(z.string(), z.unknown()).optional(),
  disabled: z.boolean().optional(),
  notes: z.string().optional(),
  notesInFlow: z.boolean().optional(),
  continueOnFail: z.boolean().optional(),
  errorOutput: z.boolean().optional(),
  onError: z.string().optional(),
  retryOnFail: z.boolean().optional(),
  maxTries: z.number().optional(),
  waitBetweenTries: z.number().optional(),
  alwaysOutputData: z.boolean().optional(),
  executeOnce: z.boolean().optional(),
  credentials: z.record(z.string(), z.unknown()).optional(),
  webhookId: z.string().optional(),
});
export type N8nNode = z.infer<typeof n8nNodeSchema>;

const n8nTargetSchema = z.looseObject({
  node: z.string(),
  type: z.string().optional(),
  index: z.number().int().min(0),
});

/** source node name → connection type ("main", "ai_tool", …) → output index → targets. */
export const n8nConnectionsSchema = z.record(
  z.string(),
  z.record(z.string(), z.array(z.array(n8nTargetSchema).nullable()).nullable()),
);

export const n8nWorkflowSchema = z.looseObject({
  name: z.string().optional(),
  nodes: z.array(n8nNodeSchema).max(10_000),
  connections: n8nConnectionsSchema,
  settings: z
    .looseObject({ timezone: z.string().optional(), executionTimeout: z.number().optional() })
    .nullable()
    .optional(),
  description: z.string().nullable().optional(),
  staticData: z.unknown().optional(),
  /** Node name → the items n8n's editor pinned as that node's output. */
  pinData: z.record(z.string(), z.unknown()).nullable().optional(),
});
export type N8nWorkflow = z.infer<typeof n8nWorkflowSchema>;

/** Whether a parsed JSON value looks like an n8n workflow rather than Weft's definition format. */
export const isN8nWorkflow = (value: unknown): boolean =>
  typeof value === 'object' &&
  value !== null &&
  !('weft' in value) &&
  'nodes' in value &&
  'connections' in value &&
  Array.isArray((value as { nodes: unknown }).nodes);
