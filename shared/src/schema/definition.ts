import { z } from 'zod';
import { ID_PATTERN } from '../ids.ts';
import { HANDLE_PATTERN } from './roots.ts';

/**
 * The workflow definition: the plain JSON that export, import, the CLI,
 * templates and the engine use (ARCHITECTURE.md §3). `weft` is the format
 * version of this JSON; `schemaVersion` in a document's meta is the version of
 * the Yjs layout. They move independently.
 */
export const DEFINITION_FORMAT = 1;

export const onErrorValues = ['stopWorkflow', 'continueRegularOutput', 'continueErrorOutput'] as const;
export type OnError = (typeof onErrorValues)[number];

const finite = z.number().refine(Number.isFinite, 'must be a finite number');

export const positionSchema = z.strictObject({ x: finite, y: finite });
export type Position = z.infer<typeof positionSchema>;

/**
 * n8n's execution orders: "v1" (depth first, n8n's current default) and the
 * legacy "v0" (breadth first; a node with an empty first input does not run,
 * and a Merge waiting on a branch that got nothing runs that branch's first
 * node with one empty item). Imported n8n workflows keep theirs.
 */
export const executionOrderValues = ['v0', 'v1'] as const;
export type ExecutionOrder = (typeof executionOrderValues)[number];

/**
 * What happens to a run whose engine (or the server instance holding it) is
 * lost mid-run: it fails, or it is run once more from the start on another
 * engine. Retrying may repeat what the lost run already did (a request sent,
 * a row written), so failing is the default.
 */
export const engineLossValues = ['fail', 'retry'] as const;
export type EngineLossPolicy = (typeof engineLossValues)[number];

export const callerPolicyValues = ['members', 'any', 'none', 'list'] as const;
export type CallerPolicy = (typeof callerPolicyValues)[number];

export const settingsSchema = z.strictObject({
  timezone: z.string().min(1).max(64).optional(),
  timeoutSeconds: z.number().int().min(0).max(86_400).optional(),
  executionOrder: z.enum(executionOrderValues).optional(),
  onEngineLoss: z.enum(engineLossValues).optional(),
  /**
   * The workflow that runs when a run of this one fails (docs/plans/n8n-daily.md §7): its id. Unset, a
   * workflow with its own Error Trigger is its own error workflow for production runs, as in n8n.
   */
  errorWorkflow: z.string().regex(ID_PATTERN, 'must be a workflow id').optional(),
  /** Whether manual and test runs that fail start the error workflow too (n8n never does: off by default). */
  errorWorkflowOnManual: z.boolean().optional(),
  /**
   * Which workflows may run this one with Execute Workflow (docs/plans/n8n-daily.md §6.1): `members` (a caller
   * run started by, or a caller workflow owned by, someone who may run this one), `any`, `none`, or `list`
   * (the workflows in callerIds).
   */
  callerPolicy: z.enum(callerPolicyValues).optional(),
  callerIds: z.array(z.string().regex(ID_PATTERN)).max(1000).optional(),
  /**
   * n8n's "time saved per execution": minutes one production run (webhook, schedule, error, sub-workflow) saves
   * someone; insights add it up per run, as the version the run executed says (docs/plans/home-insights.md §4).
   */
  minutesSavedPerRun: z.number().min(0).max(100_000).optional(),
});
export type WorkflowSettings = z.infer<typeof settingsSchema>;

export const defaultSettings: Required<Omit<WorkflowSettings, 'errorWorkflow'>> = {
  timezone: 'UTC',
  timeoutSeconds: 300,
  executionOrder: 'v1',
  onEngineLoss: 'fail',
  errorWorkflowOnManual: false,
  callerPolicy: 'members',
  callerIds: [],
  minutesSavedPerRun: 0,
};

export const definitionNodeSchema = z.strictObject({
  id: z.string().regex(ID_PATTERN, 'must be 1–64 letters, digits, "_" or "-"'),
  name: z.string().trim().min(1, 'must not be empty').max(128),
  type: z.string().min(1).max(128),
  typeVersion: z.number().int().min(1),
  position: positionSchema,
  parameters: z.record(z.string(), z.unknown()).default({}),
  disabled: z.boolean().optional(),
  notes: z.string().max(100_000).optional(),
  credentials: z.record(z.string(), z.string().regex(ID_PATTERN)).optional(),
  retryOnFail: z.boolean().optional(),
  maxTries: z.number().int().min(1).max(10).optional(),
  waitBetweenTries: z.number().int().min(0).max(3_600_000).optional(),
  onError: z.enum(onErrorValues).optional(),
  timeoutSeconds: z.number().int().min(0).max(86_400).optional(),
  /** n8n's "Always Output Data": a run whose first output is empty puts out one empty item instead. */
  alwaysOutputData: z.boolean().optional(),
  /** n8n's "Execute Once": the node runs with the first item of each input only. */
  executeOnce: z.boolean().optional(),
});
export type DefinitionNode = z.infer<typeof definitionNodeSchema>;

export const definitionEdgeSchema = z.strictObject({
  id: z.string().max(300).optional(),
  source: z.string().regex(ID_PATTERN),
  sourceHandle: z.string().regex(HANDLE_PATTERN).default('main'),
  target: z.string().regex(ID_PATTERN),
  targetHandle: z.string().regex(HANDLE_PATTERN).default('main'),
});
export type DefinitionEdge = Required<z.infer<typeof definitionEdgeSchema>>;

export const workflowDefinitionSchema = z.strictObject({
  weft: z.literal(DEFINITION_FORMAT),
  name: z.string().trim().min(1).max(200),
  description: z.string().max(100_000).optional(),
  settings: settingsSchema.default({}),
  nodes: z.array(definitionNodeSchema).max(10_000),
  edges: z.array(definitionEdgeSchema).max(50_000),
  /**
   * Pinned data by node id (export, import, `weft pull`/`push`): not part of what runs, and
   * never in a saved version's definition. validateDefinition drops, with a warning, a pin
   * that names no node or breaks a limit of pins.ts, as the server's repair would.
   */
  pins: z.record(z.string().regex(ID_PATTERN), z.array(z.record(z.string(), z.unknown()))).optional(),
});

/** The definition as produced by toDefinition: every optional part filled in. */
export interface WorkflowDefinition {
  weft: typeof DEFINITION_FORMAT;
  name: string;
  description?: string;
  settings: WorkflowSettings;
  nodes: DefinitionNode[];
  edges: DefinitionEdge[];
  /** Pinned data by node id: only in the exchange JSON, never in what toDefinition derives. */
  pins?: Record<string, Record<string, unknown>[]>;
}

/** What import accepts before defaults are applied. */
export type WorkflowDefinitionInput = z.input<typeof workflowDefinitionSchema>;
