import { createTimeOrderedId } from '#shared/ids.ts';
import type { WorkflowDefinition } from '#shared/schema/definition.ts';
import type { ExecutionMode, ExecutionRow, NewExecution } from './execution-store.ts';
import { LOST_RETRY_KEY_PREFIX } from './execution-service.ts';

/**
 * Error workflows (docs/plans/n8n-daily.md §7): when a run fails, the
 * workflow its version names in `settings.errorWorkflow` runs, started at
 * its Error Trigger with the failed run's facts as the item. Both execution
 * stores call `planErrorRun` inside the transaction that records the
 * failure, with the facts they read in it, and insert what it answers there
 * too: the failure and its error run are committed together, and the trigger
 * key `error:<failed id>` makes it one run however many times, or on however
 * many instances, the failure is written.
 *
 * The rules:
 * - only `failed` runs (not canceled ones), and never a run of mode `error`:
 *   an error workflow that fails starts nothing, so there are no chains or loops;
 * - manual and test runs only with `errorWorkflowOnManual` (n8n never fires for them);
 * - a run lost with its engine that the workflow retries (`onEngineLoss: retry`) waits for its retry: the
 *   retry's failure starts the error workflow;
 * - with no error workflow set, a workflow whose version has an Error Trigger
 *   is its own error workflow for its production runs, as n8n's
 *   execute-error-workflow.ts does;
 * - the error workflow runs its published version (a workflow never
 *   published runs nothing), from its Error Trigger;
 * - who: one of the failing workflow's owners must be able to run the error
 *   workflow — be its owner or editor, or the instance admin. Anyone who can
 *   edit a workflow could otherwise make it start any workflow whose id they
 *   learned. (The error workflow's owner can always run it.)
 * What stops an error run is written as a line in the failed run's log.
 */

/** Whether the run is the retry of a lost run (execution-service.ts lostRetryKey): it is not retried again. */
const isLostRetry = (triggerKey: string | null): boolean => triggerKey?.startsWith(LOST_RETRY_KEY_PREFIX) === true;

/** The key that makes a failure's error run happen once. */
export const errorRunKey = (failedId: string): string => `error:${failedId}`;

/** What the error run's item needs of the failed run, read in the failure's transaction. */
export interface ErrorRunFacts {
  failed: Pick<ExecutionRow, 'id' | 'workflowId' | 'mode' | 'status' | 'error' | 'retryOf' | 'triggerKey'>;
  /** It failed because its engine or server instance was lost. */
  lost: boolean;
  /** The failed workflow's name (its listing copy). */
  workflowName: string;
  /** The version the failed run ran. */
  definition: Pick<WorkflowDefinition, 'settings' | 'nodes'> | undefined;
  /** The last node run recorded for the failed run (the one that failed, when a node did). */
  lastRun: { nodeId: string; name: string; status: string; input: string; error: string | null } | undefined;
  /** The workflow that would run, when one would. */
  target: ErrorTarget | undefined;
}

export interface ErrorTarget {
  id: string;
  /** undefined: no such workflow (deleted). */
  found?: {
    publishedHash: string | null;
    /** The enabled Error Trigger of the published version, if it has one. */
    triggerNodeId: string | undefined;
    /** Whether one of the failing workflow's owners can run it (module comment). */
    allowed: boolean;
  };
}

export type ErrorRunPlan =
  | { kind: 'none' }
  | { kind: 'log'; level: 'info' | 'warn'; message: string }
  | { kind: 'run'; row: NewExecution; message: string };

const PERSON_MODES: readonly ExecutionMode[] = ['manual', 'test'];

/**
 * Which workflow a failed run's error run would be of, before anything is read about it: its setting, or
 * itself for a production run of a version with an Error Trigger; undefined when none would run.
 */
export const errorWorkflowOf = (
  failed: Pick<ExecutionRow, 'id' | 'workflowId' | 'mode' | 'status'>,
  definition: Pick<WorkflowDefinition, 'settings' | 'nodes'> | undefined,
): string | undefined => {
  if (failed.status !== 'failed' || failed.mode === 'error' || !definition) return undefined;
  const byPerson = PERSON_MODES.includes(failed.mode);
  const { errorWorkflow, errorWorkflowOnManual } = definition.settings;
  if (errorWorkflow !== undefined) return byPerson && errorWorkflowOnManual !== true ? undefined : errorWorkflow;
  return !byPerson && errorTriggerOf(definition) !== undefined ? failed.workflowId : undefined;
};

/** The enabled Error Trigger a run of the version starts at (the leftmost, as n8n takes the first). */
export const errorTriggerOf = (definition: Pick<WorkflowDefinition, 'nodes'>): string | undefined =>
  definition.nodes
    .filter((n) => n.type === 'errorTrigger' && n.disabled !== true)
    .sort((a, b) => a.position.x - b.position.x || a.position.y - b.position.y)[0]?.id;

/** The first item the failed node received (its first input that had one), or null. */
const firstInputItem = (input: string | undefined): unknown => {
  if (!input) return null;
  try {
    const byHandle = JSON.parse(input) as unknown;
    if (typeof byHandle !== 'object' || byHandle === null) return null;
    for (const items of Object.values(byHandle as Record<string, unknown>)) {
      const first = Array.isArray(items) ? (items[0] as { json?: unknown } | undefined) : undefined;
      if (first && typeof first === 'object') return first.json ?? null;
    }
  } catch {
    // Items the engine sent are JSON; anything else says nothing about the item.
  }
  return null;
};

/** n8n's error workflow item, with Weft's `execution.error.node` and `execution.item`. */
export const errorTriggerItem = (facts: ErrorRunFacts, publicUrl: string | undefined): Record<string, unknown> => {
  const { failed, lastRun } = facts;
  const failedNode = lastRun?.status === 'failed' ? lastRun : undefined;
  const type = failedNode ? facts.definition?.nodes.find((n) => n.id === failedNode.nodeId)?.type : undefined;
  const base = (publicUrl ?? '').replace(/\/+$/, '');
  return {
    execution: {
      id: failed.id,
      url: `${base}/w/${encodeURIComponent(failed.workflowId)}?execution=${encodeURIComponent(failed.id)}`,
      ...(failed.retryOf ? { retryOf: failed.retryOf } : {}),
      error: {
        message: failedNode?.error ?? failed.error ?? 'The run failed',
        // Weft's node errors have no stack trace: the run's own error line stands in for it.
        stack: failed.error ?? failedNode?.error ?? '',
        node: failedNode ? { id: failedNode.nodeId, name: failedNode.name, type: type ?? null } : null,
      },
      ...(lastRun ? { lastNodeExecuted: lastRun.name } : {}),
      mode: failed.mode,
      item: failedNode ? firstInputItem(failedNode.input) : null,
    },
    workflow: { id: failed.workflowId, name: facts.workflowName },
  };
};

/** What a failure starts, from the facts read in its transaction. */
export const planErrorRun = (facts: ErrorRunFacts, publicUrl: string | undefined, now: number): ErrorRunPlan => {
  const targetId = errorWorkflowOf(facts.failed, facts.definition);
  const target = facts.target;
  if (targetId === undefined || target?.id !== targetId) return { kind: 'none' };
  const refuse = (why: string): ErrorRunPlan => ({
    kind: 'log',
    level: 'warn',
    message: `The error workflow ${targetId} did not run: ${why}`,
  });
  // engine-loss-retry.ts runs it once more; that run's own failure starts the error workflow.
  if (facts.lost && facts.definition?.settings.onEngineLoss === 'retry' && !isLostRetry(facts.failed.triggerKey))
    return {
      kind: 'log',
      level: 'info',
      message: `The error workflow ${targetId} did not run: this lost run is retried, and runs it if that fails too`,
    };
  const found = target.found;
  if (!found) return refuse('there is no such workflow (deleted?)');
  if (!found.allowed) return refuse("none of this workflow's owners can run it");
  if (found.publishedHash === null) return refuse('it was never published');
  if (found.triggerNodeId === undefined) return refuse('its published version has no enabled Error Trigger');
  const id = createTimeOrderedId();
  return {
    kind: 'run',
    message: `The error workflow ${targetId} runs as execution ${id}`,
    row: {
      id,
      workflowId: targetId,
      versionHash: found.publishedHash,
      mode: 'error',
      createdBy: null,
      createdAt: now,
      startNodeId: found.triggerNodeId,
      triggerItems: JSON.stringify([{ json: errorTriggerItem(facts, publicUrl) }]),
      retryOf: null,
      triggerKey: errorRunKey(facts.failed.id),
      pins: null,
    },
  };
};

/** How a store hands the error runs it committed to the queue (server.ts sets it before the queue starts). */
export interface ErrorRunSetup {
  /** The server's public URL (WEFT_PUBLIC_URL): the failed run's link; without it the link is a path. */
  publicUrl: string | undefined;
  /** Whether error runs get an outbox entry in the same transaction (the cluster's queue). */
  outbox: boolean;
  /** An error run is committed: the queue takes it. Must not throw. */
  started(run: { id: string; workflowId: string; createdAt: number }): void;
}
