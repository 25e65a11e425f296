import { z } from 'zod';
import type { credentialDataSchema } from '../api/credentials.ts';
import { executionModes } from '../api/executions.ts';
import type { WorkflowDefinition } from '../schema/definition.ts';
import { itemSchema } from '../runs/item-schema.ts';
import { MAX_LOG_LINES, MAX_LOG_MESSAGE } from './log-limits.ts';
import {
  CUSTOM_DATA_KEY,
  CUSTOM_DATA_MAX_KEY_LENGTH,
  CUSTOM_DATA_MAX_KEYS,
  CUSTOM_DATA_MAX_VALUE_LENGTH,
} from '../runs/custom-data.ts';

/**
 * The engine channel: JSON text frames on a WebSocket from an engine to the
 * server (`/engine?token=…`). The server hands out jobs, each naming an
 * immutable workflow version; the engine streams every node transition back
 * and reports the end. Heartbeats let the server notice a lost engine within
 * seconds and fail its executions instead of leaving them "running".
 */

export const ENGINE_PATH = '/engine';
/** An engine sends one this often; the server gives up on it after ENGINE_LOST_AFTER_MS without one. */
export const ENGINE_HEARTBEAT_MS = 1_000;
export const ENGINE_LOST_AFTER_MS = 5_000;
/**
 * Largest frame either side sends or accepts on the engine channel. A bigger
 * one would close the whole connection (and fail every run on it), so each
 * side checks what it is about to send and fails only the execution it is about.
 */
export const ENGINE_MAX_FRAME_BYTES = 64 * 1024 * 1024;
/**
 * Reused output text one partial run's job may carry by default (WEFT_MAX_REUSE_BYTES): with the definition,
 * trigger items and pins it must stay under ENGINE_MAX_FRAME_BYTES (docs/plans/n8n-daily.md §3.4).
 */
export const DEFAULT_MAX_REUSE_BYTES = 32 * 1024 * 1024;
/** Messages in one frame from an engine, at most. */
export const ENGINE_MAX_BATCH = 10_000;

const items = z.array(itemSchema);

export const nodeStatusSchema = z.enum(['queued', 'running', 'succeeded', 'failed', 'skipped']);
export type NodeStatus = z.infer<typeof nodeStatusSchema>;

export const nodeEventSchema = z.object({
  nodeId: z.string(),
  name: z.string(),
  status: nodeStatusSchema,
  runIndex: z.number().int().min(0),
  itemsIn: z.number().int().min(0).optional(),
  itemsOut: z.record(z.string(), z.number().int().min(0)).optional(),
  startedAt: z.number().optional(),
  durationMs: z.number().optional(),
  attempts: z.number().int().optional(),
  error: z.string().optional(),
  disabled: z.boolean().optional(),
  /** The node did not run: a partial run reused its base run's output, or its pin stood in for it. */
  origin: z.enum(['reused', 'pinned']).optional(),
});
export type NodeEventMessage = z.infer<typeof nodeEventSchema>;

export const nodeRunOrigins = ['ran', 'reused', 'pinned'] as const;

export const nodeRunSchema = z.object({
  nodeId: z.string(),
  name: z.string(),
  runIndex: z.number().int().min(0),
  status: z.enum(['succeeded', 'failed']),
  /** Items by input handle, as JSON text: the server stores it as it comes. */
  input: z.string(),
  /** Items by output handle, as JSON text. */
  output: z.string(),
  error: z.string().optional(),
  attempts: z.number().int().min(0),
  startedAt: z.number(),
  finishedAt: z.number(),
  /** How the output came about; 'ran' when left out. */
  origin: z.enum(nodeRunOrigins).optional(),
  /** Each output item's sources and each input's producers (shared/src/runs/paired.ts), as JSON text. */
  paired: z.string().optional(),
});

export { MAX_LOG_LINES, MAX_LOG_MESSAGE } from './log-limits.ts';

export const logLevelSchema = z.enum(['info', 'warn', 'error']);
export type LogLevel = z.infer<typeof logLevelSchema>;

/** One line of an execution's log: retries, failures, what Code nodes print with console. */
export const logLineSchema = z.object({
  at: z.number(),
  level: logLevelSchema,
  /** The node the line is about, by name. */
  node: z.string().optional(),
  message: z.string().max(MAX_LOG_MESSAGE),
});
export type LogLine = z.infer<typeof logLineSchema>;

/** A run's custom data as it is stored (shared/src/runs/custom-data.ts). */
export const customDataSchema = z
  .record(
    // zod's record leaves a `__proto__` key out of what it returns.
    z.string().max(CUSTOM_DATA_MAX_KEY_LENGTH).regex(CUSTOM_DATA_KEY),
    z.string().max(CUSTOM_DATA_MAX_VALUE_LENGTH),
  )
  .refine((values) => Object.keys(values).length <= CUSTOM_DATA_MAX_KEYS, {
    message: `at most ${CUSTOM_DATA_MAX_KEYS} keys`,
  });

export const runResultSchema = z.object({
  status: z.enum(['succeeded', 'failed', 'canceled']),
  error: z.string().optional(),
  logs: z
    .array(logLineSchema)
    .max(MAX_LOG_LINES + 1)
    .optional(),
  failedNode: z.string().optional(),
  runs: z.array(nodeRunSchema),
  lastOutput: items,
  response: z
    .object({ status: z.number().int(), headers: z.record(z.string(), z.string()), body: z.unknown() })
    .optional(),
  /** What the run saved about itself, within n8n's limits (an engine is not trusted to keep them). */
  customData: customDataSchema.optional(),
});
export type RunResultMessage = z.infer<typeof runResultSchema>;

/**
 * What one execution may use, sent with each job so that every engine follows
 * the server's settings; a field left out takes the default below.
 */
export const runLimitsSchema = z
  .object({
    /** Node runs in one execution: an endless loop stops here. */
    maxNodeRuns: z.number().int().min(1),
    /** Items one node run puts out (all outputs together). */
    maxItemsPerNode: z.number().int().min(1),
    /** Items all node runs of one execution put out together. */
    maxItemsPerExecution: z.number().int().min(1),
    /** JSON bytes of the items one node run puts out. */
    maxBytesPerNode: z.number().int().min(1),
    /** JSON bytes of every node run's input and output items: what the execution stores. */
    maxBytesPerExecution: z.number().int().min(1),
  })
  .partial();
export type RunLimits = Required<z.infer<typeof runLimitsSchema>>;

/** Defaults of the run limits (also the server's configuration defaults). */
export const defaultRunLimits: RunLimits = {
  maxNodeRuns: 10_000,
  maxItemsPerNode: 100_000,
  maxItemsPerExecution: 1_000_000,
  maxBytesPerNode: 16 * 1024 * 1024,
  // Below ENGINE_MAX_FRAME_BYTES, so a run within it can always send its result.
  maxBytesPerExecution: 48 * 1024 * 1024,
};

/**
 * Where HTTP Request may connect. Each entry of `allow` and `deny` is an IP
 * address, a CIDR range, a host name or `*.` and a domain (its subdomains).
 */
export const networkPolicySchema = z.object({
  /** `block`: refuse private, loopback, link-local, … addresses; `allow`: reach them (cloud metadata stays refused). */
  privateAddresses: z.enum(['allow', 'block']),
  /** Always reachable, whatever the rest says. */
  allow: z.array(z.string().max(300)).max(1_000),
  /** Never reachable (unless also allowed). */
  deny: z.array(z.string().max(300)).max(1_000),
});
export type NetworkPolicy = z.infer<typeof networkPolicySchema>;

/** What an engine does when a job names no policy (a server from before policies): the safe side. */
export const defaultNetworkPolicy: NetworkPolicy = { privateAddresses: 'block', allow: [], deny: [] };

/** Node ids in one partial job, at most (a workflow has far fewer nodes). */
export const MAX_PARTIAL_NODES = 10_000;

const nodeIdSchema = z.string().min(1).max(200);

export const reusedRunSchema = z.object({
  nodeId: nodeIdSchema,
  runIndex: z.number().int().min(0).max(1_000_000),
  /** The base run's output, items by output handle, as the JSON text it stored (the engine parses it once). */
  output: z.string(),
  /** Its paired items as stored (shared/src/runs/paired.ts): `$('A').item` walks back through it. */
  paired: z.string().optional(),
});
export type ReusedRun = z.infer<typeof reusedRunSchema>;

export const partialJobSchema = z.object({
  startNodeIds: z.array(nodeIdSchema).max(MAX_PARTIAL_NODES),
  subgraph: z.array(nodeIdSchema).max(MAX_PARTIAL_NODES),
  /** Nothing after it runs (`toHere`, `step`). */
  destination: nodeIdSchema.optional(),
  /** In the order the base ran them (by each one's last run): the engine hands their items on in that order. */
  reuse: z.array(reusedRunSchema).max(MAX_PARTIAL_NODES),
});
export type PartialJob = z.infer<typeof partialJobSchema>;

/**
 * One credential's secret as a job carries it: the stored data of its type (shared/src/api/credentials.ts) with
 * the type beside it. The single source of the engine's `Credential` and the store's `CredentialSecret`; the
 * fields are only typed here (the API checked them when they were stored), so a rule tightened later does not
 * fail jobs of credentials stored before it. `storedFitsJob` below keeps the two schemas in step.
 */
export const jobCredentialSchema = z.union([
  z.object({ type: z.literal('apiKeyHeader'), name: z.string(), value: z.string() }),
  z.object({ type: z.literal('bearer'), token: z.string() }),
  z.object({ type: z.literal('basic'), user: z.string(), password: z.string() }),
  z.object({
    type: z.literal('smtp'),
    host: z.string(),
    port: z.number(),
    secure: z.boolean(),
    user: z.string(),
    password: z.string(),
    disableStartTls: z.boolean(),
    hostName: z.string(),
  }),
  z.object({ type: z.literal('crypto'), hmacSecret: z.string(), signPrivateKey: z.string() }),
  z.object({
    type: z.literal('postgres'),
    host: z.string(),
    port: z.number(),
    database: z.string(),
    user: z.string(),
    password: z.string(),
    ssl: z.enum(['disable', 'allow', 'require']),
    allowUnauthorizedCerts: z.boolean(),
  }),
  z.object({
    type: z.literal('mysql'),
    host: z.string(),
    port: z.number(),
    database: z.string(),
    user: z.string(),
    password: z.string(),
    ssl: z.boolean(),
    allowUnauthorizedCerts: z.boolean(),
  }),
]);
export type JobCredential = z.infer<typeof jobCredentialSchema>;

/** What the store decrypts for a job: a credential's checked data with its type beside it. */
type StoredCredential =
  z.output<typeof credentialDataSchema> extends infer C
    ? C extends { type: infer T; data: infer D }
      ? { type: T } & D
      : never
    : never;
/** Does not compile when a credential type is stored but a job cannot carry it (or carries other fields). */
export type StoredFitsJob<S extends JobCredential = StoredCredential> = S;

export const jobSchema = z.object({
  executionId: z.string(),
  workflow: z.object({ id: z.string(), name: z.string(), active: z.boolean() }),
  mode: z.enum(executionModes),
  /** The version's content hash: one hash, one definition, ever (engines may keep what they parsed). */
  versionHash: z.string(),
  /**
   * The workflow definition of the version to run. The envelope checks only
   * that it is an object: an engine validates it with validateDefinition (as
   * the server did when it saved the version) once per version hash, see
   * definitionOf in the engine's client, so a webhook that runs a cached
   * version again does not pay for a full check.
   */
  definition: z.custom<WorkflowDefinition>(
    (value) => typeof value === 'object' && value !== null && !Array.isArray(value),
    'the definition must be an object',
  ),
  startNodeId: z.string().optional(),
  triggerItems: items.optional(),
  /**
   * Pinned outputs by node id (manual and test runs): a pinned node does not run, its pin is its first
   * output (docs/plans/n8n-daily.md §2.4). Production runs get none.
   */
  pins: z.record(z.string(), z.array(z.record(z.string(), z.unknown()))).optional(),
  /**
   * A partial run (docs/plans/n8n-daily.md §3.3), as `planRun` planned it: only the subgraph's nodes are
   * scheduled, the reused runs are seeded as this run's own (their text unchanged), and each start node gets
   * its inputs from its reused and pinned parents. Left out: a whole run, as before.
   */
  partial: partialJobSchema.optional(),
  /** Secrets of the credentials the version's nodes name, by id (decrypted by the server for this job only). */
  credentials: z.record(z.string(), jobCredentialSchema).optional(),
  /** Budgets of this execution; engine defaults (defaultRunLimits) for what is left out. */
  limits: runLimitsSchema.optional(),
  /** Where its HTTP requests may go; defaultNetworkPolicy when left out. */
  network: networkPolicySchema.optional(),
  /** The server's time zone (WEFT_TIMEZONE), for a workflow without one of its own (n8n's "DEFAULT"); UTC when left out. */
  timezone: z.string().min(1).max(64).optional(),
  /** The time limit of a workflow that sets none of its own (the instance settings); left out: the engine's default. */
  defaultTimeoutSeconds: z.number().int().min(0).max(86_400).optional(),
  /**
   * A sub-workflow run its caller waits for (docs/plans/n8n-daily.md §6.2): the engine runs it at once, beside
   * its concurrency, under the caller's signal, and hands its result to the caller's Execute Workflow node.
   */
  inline: z.object({ parentExecutionId: z.string(), requestId: z.string() }).optional(),
});
export type Job = z.infer<typeof jobSchema>;

/** Sub-workflow versions Execute Workflow may ask for. */
export const subrunVersions = ['published', 'named', 'draft'] as const;

export const serverToEngineSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('run'), job: jobSchema }),
  z.object({ type: z.literal('cancel'), executionId: z.string() }),
  /** The child run exists; with wait its inline `run` follows on this socket. */
  z.object({ type: z.literal('subrunStarted'), requestId: z.string(), childExecutionId: z.string() }),
  /** The server would not start the child: why, for the node's error. */
  z.object({ type: z.literal('subrunRefused'), requestId: z.string(), message: z.string() }),
]);
export type ServerToEngine = z.infer<typeof serverToEngineSchema>;

export const engineToServerSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('hello'),
    engineId: z.string().min(1).max(100),
    concurrency: z.number().int().min(1).max(1000),
  }),
  z.object({ type: z.literal('heartbeat') }),
  z.object({ type: z.literal('event'), executionId: z.string(), event: nodeEventSchema }),
  z.object({ type: z.literal('finished'), executionId: z.string(), result: runResultSchema }),
  /** Execute Workflow asks for a child run of `workflowId` with these items (JSON text of `{ json }` items). */
  z.object({
    type: z.literal('subrun'),
    executionId: z.string(),
    requestId: z.string().min(1).max(100),
    nodeId: z.string().min(1).max(64),
    workflowId: z.string().min(1).max(200),
    version: z.enum(subrunVersions),
    versionName: z.string().max(200).optional(),
    items: z.string(),
    wait: z.boolean(),
  }),
]);
export type EngineToServer = z.infer<typeof engineToServerSchema>;

/** WebSocket close codes of the engine channel. */
export const EngineCloseCodes = {
  unauthorized: 4401,
  badMessage: 4400,
  lost: 4408,
} as const;

/** A frame from an engine: one message or a list of them, at most ENGINE_MAX_BATCH. */
export const engineBatchSchema = z.array(engineToServerSchema).max(ENGINE_MAX_BATCH);
