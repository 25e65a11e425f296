import { customDataSchema, type LogLevel, type RunResultMessage } from '#shared/protocol/engine.ts';
import type { CustomDataValues } from '#shared/runs/custom-data.ts';
import type { executionLogs, executions, nodeRuns } from '../db/schema.ts';
import type { LatencyRollup } from '../insights/rollup-sql.ts';
import type { ErrorRunSetup } from './error-workflows.ts';

/**
 * The durable record of every run: executions, their node runs and logs.
 * Every method is all-or-nothing and resolves once durable; no caller opens a
 * transaction, so a write that spans tables is one method here.
 */

export type ExecutionStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'canceled';
export type ExecutionMode = 'manual' | 'test' | 'webhook' | 'schedule' | 'retry' | 'error' | 'subworkflow';

export type ExecutionRow = typeof executions.$inferSelect;

/** The `custom_data` column's text for a result: null when the run saved nothing. */
export const customDataText = (values: CustomDataValues | undefined): string | null =>
  values && Object.keys(values).length > 0 ? JSON.stringify(values) : null;

/** The column read back; text that is not custom data as an engine may send it (checked on arrival) reads as null. */
export const parseCustomData = (text: string | null): CustomDataValues | null => {
  if (text === null) return null;
  try {
    const parsed = customDataSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
};

/** `custom=key:value` filters of the list: every pair must match exactly. */
export interface CustomFilter {
  key: string;
  value: string;
}
export type NodeRunRow = typeof nodeRuns.$inferSelect;
export type ExecutionLogRow = typeof executionLogs.$inferSelect;

/** A new run, stored as `queued` until an engine takes it. */
export interface NewExecution {
  id: string;
  workflowId: string;
  versionHash: string;
  mode: ExecutionMode;
  createdBy: string | null;
  createdAt: number;
  startNodeId: string | null;
  triggerItems: string | null;
  retryOf: string | null;
  /**
   * What made the run, once: a second row with the same key is not created
   * (a schedule's tick processed twice, docs/plans/scale-out.md §6.7).
   */
  triggerKey?: string | null;
  /** The pins the run uses, JSON `{ nodeId: items[] }`; manual and test runs and their retries only. */
  pins?: string | null;
  /** The run whose outputs this one may reuse (docs/plans/n8n-daily.md §3.4); null: nothing reused. */
  baseExecutionId?: string | null;
  /** 'all', 'toHere' or 'step' for a run that asked for a scope (the run route); null for other runs. */
  runScope?: 'all' | 'toHere' | 'step' | null;
  /** The node a `toHere` or `step` run ends at. */
  destinationNodeId?: string | null;
  /** JSON `{ nodeId: fingerprint }` of the version's nodes: any run that has them can be a later run's base. */
  fingerprints?: string | null;
}

/** A node's last run in an execution, what a partial run built on it may reuse (ExecutionStore.lastRuns). */
export interface LastNodeRun {
  nodeId: string;
  runIndex: number;
  status: 'succeeded' | 'failed';
  /** Items by output handle, as stored. */
  output: string;
  paired: string | null;
}

/** A new row's optional columns, null when left out (both dialects insert every column). */
export const partialColumns = (row: NewExecution) => ({
  ...row,
  triggerKey: row.triggerKey ?? null,
  pins: row.pins ?? null,
  baseExecutionId: row.baseExecutionId ?? null,
  runScope: row.runScope ?? null,
  destinationNodeId: row.destinationNodeId ?? null,
  fingerprints: row.fingerprints ?? null,
});

/** Node runs in the order they ran → the last of each node, in the order of those last runs. */
export const lastOfEach = (rows: readonly LastNodeRun[]): LastNodeRun[] => {
  const last = new Map<string, LastNodeRun>();
  for (const r of rows) {
    last.delete(r.nodeId);
    last.set(r.nodeId, r);
  }
  return [...last.values()];
};
/** A sub-workflow run (docs/plans/n8n-daily.md §6.2): who called it, and how deep in the chain of calls. */
export interface NewChildExecution extends NewExecution {
  parentExecutionId: string;
  parentNodeId: string;
  rootExecutionId: string;
  depth: number;
}

export interface ChildOptions {
  /** At most this many children of the root, all depths together: past it nothing is written ('tooMany'). */
  maxPerRoot: number;
  /** An inline child (its parent waits for it): stored running on the parent's engine, never queued. */
  running?: { engineId: string; instanceId?: string };
  /** A queued child's outbox entry in the same transaction (the cluster's queue), as createQueued does. */
  outbox?: boolean;
}

/** createQueued's answer: the stored row, or nothing when a run with the same trigger key exists. */
export type Queued = { created: true; row: ExecutionRow } | { created: false };

/** A committed run whose job may not be in the cluster's queue yet (job_outbox). */
export interface OutboxEntry {
  executionId: string;
  workflowId: string;
  /** BullMQ priority (lower first): 1 + the workflow's queued runs when it was stored. */
  priority: number;
}

/** What a claim found: taken for this engine, no longer queued (ran, canceled, gone), or the workflow is at its cap. */
export type ClaimOutcome = 'claimed' | 'notQueued' | 'atCapacity';

/** BullMQ's highest priority number. */
export const MAX_JOB_PRIORITY = 2_097_152;

export interface FinishRecord {
  id: string;
  result: RunResultMessage;
  now: number;
  /** The run failed because its engine (or server instance) was lost: the workflow may retry it. */
  lost?: boolean;
}

export interface ExecutionRetentionPolicy {
  /** 0 keeps executions however old. */
  maxAgeDays: number;
  /** 0: no limit on the count. */
  maxCount: number;
}

/**
 * What `list` answers. Every filter narrows (an empty list of workflow ids answers nothing). `readableBy`
 * joins the caller's memberships rather than passing every readable id, so a person in thousands of
 * workflows is still one index walk (docs/plans/home-insights.md §3).
 */
export interface ExecutionListFilter {
  workflowIds?: readonly string[];
  /** Runs of workflows this user is a member of; an admin's reads every workflow. */
  readableBy?: { userId: string; isAdmin: boolean };
  statuses?: readonly ExecutionStatus[];
  modes?: readonly ExecutionMode[];
  /** Created at or after (ms). */
  from?: number;
  /** Created at or before (ms). */
  to?: number;
  cursor?: { createdAt: number; id: string };
  limit: number;
  /** Runs whose custom data holds every one of these pairs. */
  custom?: readonly CustomFilter[];
}

/** A listed run with what the list shows beside it: its workflow's name and who started it. */
export type ExecutionListRow = ExecutionRow & { workflowName: string; createdByName: string | null };

export interface ExecutionStore {
  /**
   * Stores a run as `queued`; once this resolves a restart still owes it a run.
   * `created` is false, and nothing is written, when a run with the row's `triggerKey` exists.
   * With `outbox`, the run's outbox entry is written in the same transaction (the cluster's queue).
   */
  createQueued(row: NewExecution, options?: { outbox?: boolean }): Promise<Queued>;
  /**
   * Hands up to `limit` outbox entries, oldest first, to `add` and removes
   * them once it resolved; a rejection keeps them for the next call. Entries
   * another caller is handing out meanwhile are skipped, not waited for.
   * Answers how many were handed out.
   */
  relayOutbox(limit: number, add: (entries: OutboxEntry[]) => Promise<void>): Promise<number>;
  /** The run's job was added: its outbox entry goes. */
  deleteOutbox(executionId: string): Promise<void>;
  /**
   * queued → running on this engine of this instance, unless the workflow
   * already has `maxRunningPerWorkflow` runs running (0: no cap). Of two
   * claims of one run, exactly one answers 'claimed'.
   */
  claim(
    id: string,
    by: { engineId: string; instanceId: string; now: number; maxRunningPerWorkflow: number },
  ): Promise<ClaimOutcome>;
  /** Queued runs per workflow (workflows with none left out): the cluster's queue cap reads it. */
  queuedCounts(): Promise<Map<string, number>>;
  /** queued → canceled with this error; false when the run was not queued. */
  cancelQueued(id: string, error: string, now: number): Promise<boolean>;
  get(id: string): Promise<ExecutionRow | undefined>;
  /**
   * Stores a sub-workflow run, unless its root already has `maxPerRoot` children: counting them and the
   * insert are one step, so two calls at once cannot both pass the cap.
   */
  createChild(row: NewChildExecution, options: ChildOptions): Promise<'created' | 'tooMany'>;
  /** The runs this one called, oldest first, at most `limit`. */
  children(id: string, limit: number): Promise<ExecutionRow[]>;
  /** Newest first; `cursor` is the last row of the previous page (createdAt:id). */
  list(filter: ExecutionListFilter): Promise<ExecutionListRow[]>;
  /** Oldest first: the order they are owed a run. */
  queued(): Promise<ExecutionRow[]>;
  running(): Promise<ExecutionRow[]>;
  /** queued → running on this engine; false when the run is no longer queued (it was stopped or is gone). */
  markRunning(id: string, engineId: string, now: number): Promise<boolean>;
  /**
   * Records the ends of several runs (status, node runs, logs) in one
   * transaction: all of them or none. Only a queued or running run changes
   * status. Rejects if the commit fails; the caller decides (see FinishBatcher). A run that fails here and
   * names an error workflow gets that workflow's run inserted in the same transaction (error-workflows.ts).
   */
  finishAll(batch: readonly FinishRecord[]): Promise<void>;
  /**
   * Fails executions that are still queued or running; answers the ids it changed. As finishAll, a failure
   * that starts an error workflow's run inserts that run in the same transaction (error-workflows.ts).
   */
  fail(
    ids: string[],
    status: 'failed' | 'canceled',
    error: string,
    now: number,
    options?: { lost?: boolean },
  ): Promise<string[]>;
  /** How error runs committed with a failure reach the queue; until it is set, failures start none. */
  setErrorRuns(setup: ErrorRunSetup): void;
  /** In the order they ran. */
  nodeRuns(id: string): Promise<NodeRunRow[]>;
  /** One node run (its items' text included), or undefined: what the items route pages through. */
  nodeRun(id: string, nodeId: string, runIndex: number): Promise<NodeRunRow | undefined>;
  /** Each node's last run, in the order those ran, without its input: a partial run's base. */
  lastRuns(id: string): Promise<LastNodeRun[]>;
  /** Appends a line; lines of one execution are numbered in the order they are written. */
  log(id: string, level: LogLevel, message: string, at: number, node?: string): Promise<void>;
  /** In time order, then in the order written. */
  logs(id: string): Promise<ExecutionLogRow[]>;
  /** Deletes the execution with its node runs and logs; false when there was none. */
  delete(id: string): Promise<boolean>;
  /**
   * Deletes up to `limit` finished executions past the policy (older than
   * maxAgeDays, or past the newest maxCount); never a queued or running one.
   * Answers how many it deleted.
   */
  pruneBatch(policy: ExecutionRetentionPolicy, now: number, limit: number): Promise<number>;
  /**
   * Adds webhook answers' latencies, gathered in memory, to the insights rollup in one statement; entries of
   * workflows deleted meanwhile are dropped (insights/webhook-latency.ts).
   */
  addWebhookLatencies(entries: readonly LatencyRollup[]): Promise<void>;
}
