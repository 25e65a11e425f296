import * as Y from 'yjs';
import { ErrorCodes, UserError, type ErrorCode } from '#shared/errors.ts';
import { createTimeOrderedId } from '#shared/ids.ts';
import { getNodeDefinition } from '#shared/nodes/catalog.ts';
import { definitionFingerprints } from '#shared/runs/fingerprint.ts';
import type { PlanErrorCode, RunScope } from '#shared/runs/partial-plan.ts';
import type { WorkflowDefinition } from '#shared/schema/definition.ts';
import { pinItemsOf, readPins } from '#shared/schema/pins.ts';
import { toDefinition } from '#shared/schema/to-definition.ts';
import { validateDefinition } from '#shared/schema/validate.ts';
import type { User } from '../accounts/account-store.ts';
import type { RoomManager } from '../rooms/room-manager.ts';
import type { CredentialStore } from '../credentials/credential-store.ts';
import type { ExecutionMode, ExecutionRow, ExecutionStore, NewExecution, Queued } from './execution-store.ts';
import { DEFAULT_MAX_REUSE_BYTES, type RunResultMessage } from '#shared/protocol/engine.ts';
import { parseFingerprints, planWithinCap, scopeOf } from './partial-runs.ts';
import type { LiveStatus } from './live-status.ts';
import type { RunQueue } from './run-queue.ts';
import type { VersionStore } from './version-store.ts';

export interface RunOptions {
  mode?: ExecutionMode;
  versionHash?: string;
  startNodeId?: string;
  triggerItems?: unknown[];
  retryOf?: string;
  /**
   * The pins the run uses, as stored (JSON `{ nodeId: items[] }`): a retry's are its original's. Left out, a
   * manual or test run reads the live document's; other runs use none.
   */
  pins?: string | null;
  /**
   * A partial run (docs/plans/n8n-daily.md §3.4): the scope, its destination node, and the execution whose
   * outputs it may reuse. Left out, a full run that reuses nothing, as before.
   */
  scope?: RunScope;
  destination?: string;
  base?: string;
  /** A retry's partial columns, as its original stored them: the hub plans the same job again from them. */
  replay?: Pick<ExecutionRow, 'baseExecutionId' | 'runScope' | 'destinationNodeId' | 'fingerprints'>;
}

/** Partial-run columns of a new row. */
type PartialColumns = Pick<NewExecution, 'baseExecutionId' | 'runScope' | 'destinationNodeId' | 'fingerprints'>;

/** Runs a person starts to try the workflow: they use its pins (n8n's pinned data). Production runs never do. */
const usesPins = (mode: ExecutionMode): boolean => mode === 'manual' || mode === 'test';

/**
 * Starting runs: the live document is saved as an immutable version first and
 * the execution names that version, so people can keep editing while it runs.
 */
export class ExecutionService {
  /**
   * Runs being stored right now, per workflow: they count against the queue
   * cap before they reach the hub's queue, so callers that arrive together
   * cannot all pass the check.
   */
  private readonly storing = new Map<string, number>();

  constructor(
    private readonly deps: {
      rooms: RoomManager;
      versions: VersionStore;
      executions: ExecutionStore;
      queue: RunQueue;
      live: LiveStatus;
      /** Executions of one workflow that may wait for an engine at once. */
      maxQueuedPerWorkflow: number;
      /** Credential stamps for fingerprints; without it every credential reads as unchanged. */
      credentials?: Pick<CredentialStore, 'stamps'>;
      /** Reused output bytes one partial run may carry (WEFT_MAX_REUSE_BYTES); past it nothing is reused. */
      maxReuseBytes?: number;
      now?: () => number;
    },
  ) {}

  private get now(): number {
    return (this.deps.now ?? Date.now)();
  }

  /** Saves the current document as a version; refuses a workflow that cannot run, listing why. */
  async snapshot(workflowId: string, authorId: string | null): Promise<string> {
    return (await this.capture(workflowId, authorId, false)).hash;
  }

  /** snapshot, and with `withPins` the document's pins at the same moment (JSON, null when there are none). */
  private async capture(
    workflowId: string,
    authorId: string | null,
    withPins: boolean,
  ): Promise<{ hash: string; pins: string | null }> {
    const { definition, state, pins } = await this.deps.rooms.withRoom(workflowId, (room) => ({
      definition: toDefinition(room.doc),
      state: Y.encodeStateAsUpdate(room.doc),
      pins: withPins ? pinsText(room.doc) : null,
    }));
    const checked = validateDefinition(definition, { forRun: true });
    if (!checked.ok) {
      const errors = checked.issues.filter((i) => i.severity === 'error');
      throw new UserError(
        ErrorCodes.validationFailed,
        `The workflow cannot run: ${errors.length} problem${errors.length === 1 ? '' : 's'}`,
        { issues: checked.issues },
      );
    }
    return { hash: await this.deps.versions.save(workflowId, state, checked.definition, authorId, this.now), pins };
  }

  /** The live document's pins, for a run of an already saved version. */
  private livePins(workflowId: string): Promise<string | null> {
    return this.deps.rooms.withRoom(workflowId, (room) => pinsText(room.doc));
  }

  async run(workflowId: string, user: User | null, options: RunOptions = {}): Promise<ExecutionRow> {
    const row = await this.runOnce(workflowId, user, options);
    // Without a trigger key a row is always created.
    if (!row) throw new UserError(ErrorCodes.conflict, 'This run was started already');
    return row;
  }

  /**
   * As `run`; with `triggerKey`, resolves undefined (and starts nothing) when
   * that key's run exists already — a schedule tick handled twice.
   */
  runOnce(
    workflowId: string,
    user: User | null,
    options: RunOptions & { triggerKey?: string },
  ): Promise<ExecutionRow | undefined> {
    return this.start(workflowId, user?.id ?? null, options);
  }

  /**
   * As `run`, with the run's end (undefined after `timeoutMs`) for a caller that answers with it (a webhook).
   * The waiter is in place before the run is queued: an engine can end a run before the row is read back, and a
   * waiter added after that would hear nothing (hostile suite, seed 1126562627).
   */
  async runAndWait(
    workflowId: string,
    user: User | null,
    options: RunOptions,
    timeoutMs: number,
  ): Promise<{ execution: ExecutionRow; ended: Promise<RunResultMessage | undefined> }> {
    let ended: Promise<RunResultMessage | undefined> | undefined;
    const execution = await this.start(workflowId, user?.id ?? null, options, (id) => {
      ended = this.deps.queue.waitFor(id, timeoutMs);
    });
    if (!execution || !ended) throw new UserError(ErrorCodes.conflict, 'This run was started already');
    return { execution, ended };
  }

  private async start(
    workflowId: string,
    createdBy: string | null,
    options: RunOptions & { triggerKey?: string },
    beforeQueued?: (executionId: string) => void,
  ): Promise<ExecutionRow | undefined> {
    this.checkQueue(workflowId);
    const mode = options.mode ?? 'manual';
    const withPins = options.pins === undefined && usesPins(mode);
    let versionHash = options.versionHash;
    let pins = options.pins ?? null;
    if (versionHash === undefined) ({ hash: versionHash, pins } = await this.capture(workflowId, createdBy, withPins));
    else if (withPins) pins = await this.livePins(workflowId);
    // A manual run starts where a person would: at the Manual Trigger (the leftmost, if several), or else at a
    // pinned trigger (a Webhook), which needs no test event (n8n's selectPinnedActivatorStarter).
    let startNodeId = options.startNodeId;
    // Read only by the runs that need it: a webhook's run stays one version lookup lighter.
    const needsDefinition = (!startNodeId && mode === 'manual') || (usesPins(mode) && !options.replay);
    const definition = needsDefinition ? (await this.deps.versions.get(versionHash))?.definition : undefined;
    if (!startNodeId && mode === 'manual') {
      const pinned = pins ? (JSON.parse(pins) as Record<string, unknown>) : {};
      const leftmost = definition?.nodes
        .filter((n) => !n.disabled && (n.type === 'manualTrigger' || Object.hasOwn(pinned, n.id)))
        .filter((n) => n.type === 'manualTrigger' || getNodeDefinition(n.type)?.trigger === true)
        .sort(
          (a, b) =>
            Number(b.type === 'manualTrigger') - Number(a.type === 'manualTrigger') ||
            a.position.x - b.position.x ||
            a.position.y - b.position.y,
        )[0];
      startNodeId = leftmost?.id;
    }
    const { columns, warning } = await this.partialColumns(workflowId, mode, options, definition, pins, startNodeId);
    // Checked and reserved in one synchronous step: nothing can slip in between.
    this.checkQueue(workflowId);
    this.storing.set(workflowId, (this.storing.get(workflowId) ?? 0) + 1);
    // Made in time order: each run's rows land beside the last run's in every index (shared/src/ids.ts).
    const id = createTimeOrderedId();
    const createdAt = this.now;
    let queued: Queued;
    try {
      // Stored as queued before the hub hears of it: an engine can only be handed a run that is
      // committed, and a run committed but not yet handed over is requeued by the next start.
      queued = await this.deps.executions.createQueued(
        {
          id,
          workflowId,
          versionHash,
          mode,
          createdBy,
          createdAt,
          startNodeId: startNodeId ?? null,
          triggerItems: options.triggerItems ? JSON.stringify(options.triggerItems) : null,
          retryOf: options.retryOf ?? null,
          pins,
          ...columns,
          ...(options.triggerKey === undefined ? {} : { triggerKey: options.triggerKey }),
        },
        { outbox: this.deps.queue.usesOutbox },
      );
    } finally {
      // Released in the same turn as the run joins the queue: it is counted in one place or the other.
      const left = (this.storing.get(workflowId) ?? 1) - 1;
      if (left > 0) this.storing.set(workflowId, left);
      else this.storing.delete(workflowId);
    }
    if (!queued.created) return undefined;
    beforeQueued?.(id);
    // Written before the run is queued (here; a cluster's relay may hand it out sooner): the engine's lines follow.
    if (warning) await this.deps.executions.log(id, 'warn', warning, createdAt);
    this.deps.queue.enqueue(id, workflowId, queued.row);
    const scope = columns.runScope ?? undefined;
    this.deps.live.started(
      workflowId,
      id,
      createdAt,
      scope && {
        scope,
        ...(columns.destinationNodeId ? { destination: columns.destinationNodeId } : {}),
        ...(columns.baseExecutionId ? { base: columns.baseExecutionId } : {}),
      },
    );
    return queued.row;
  }

  /**
   * The run's partial columns: the version's fingerprints on every manual and test run (any of them can be a
   * later run's base), and for a scoped run its base, scope and destination once the plan is known to work.
   * A retry keeps its original's. `warning` is the execution log's line when reuse was given up.
   */
  private async partialColumns(
    workflowId: string,
    mode: ExecutionMode,
    options: RunOptions,
    definition: WorkflowDefinition | undefined,
    pins: string | null,
    startNodeId: string | undefined,
  ): Promise<{ columns: PartialColumns; warning?: string }> {
    if (options.replay) return { columns: { ...options.replay, runScope: scopeOf(options.replay.runScope) } };
    if (!definition || !usesPins(mode)) return { columns: {} };
    const pinned = pins ? (JSON.parse(pins) as Record<string, unknown[]>) : undefined;
    const credentialIds = definition.nodes.flatMap((n) => Object.values(n.credentials ?? {}));
    const stamps = (await this.deps.credentials?.stamps(credentialIds)) ?? {};
    const fingerprints = definitionFingerprints(definition, {
      credentials: stamps,
      ...(pinned ? { pins: pinned } : {}),
    });
    const columns: PartialColumns = { fingerprints: JSON.stringify(fingerprints) };
    if (options.scope === undefined && options.base === undefined && options.destination === undefined) {
      return { columns };
    }
    const scope = options.scope ?? 'all';
    if (scope !== 'all' && options.destination === undefined) {
      throw new UserError(ErrorCodes.unknownDestination, `A "${scope}" run needs a destination: the id of its node`);
    }
    if (options.base !== undefined && options.triggerItems !== undefined) {
      // The trigger's output is new, so everything after it is too: there is nothing to reuse.
      throw new UserError(ErrorCodes.badRequest, 'A run with its own trigger items reuses nothing: leave out base');
    }
    const base = options.base === undefined ? undefined : await this.baseOf(workflowId, options.base);
    const {
      outcome,
      scope: ran,
      dropped,
    } = planWithinCap(
      {
        definition,
        fingerprints,
        pins: pinned,
        scope,
        destination: scope === 'all' ? undefined : options.destination,
        startNodeId,
        base: base && {
          fingerprints: parseFingerprints(base.fingerprints),
          runs: await this.deps.executions.lastRuns(base.id),
        },
      },
      this.deps.maxReuseBytes ?? DEFAULT_MAX_REUSE_BYTES,
    );
    if (!outcome.ok) throw new UserError(planErrorCodes[outcome.error.code], outcome.error.message);
    return {
      columns: {
        ...columns,
        runScope: ran,
        baseExecutionId: dropped === undefined && base ? base.id : null,
        destinationNodeId: scope === 'all' ? null : (options.destination ?? null),
      },
      ...(dropped === undefined ? {} : { warning: dropped }),
    };
  }

  /** The base of a partial run: an execution of this workflow that has ended. */
  private async baseOf(workflowId: string, id: string): Promise<ExecutionRow> {
    const row = await this.deps.executions.get(id);
    if (!row || row.workflowId !== workflowId) {
      throw new UserError(ErrorCodes.unknownBase, `Execution ${id} is not a run of this workflow`);
    }
    if (row.status === 'queued' || row.status === 'running') {
      throw new UserError(
        ErrorCodes.baseNotFinished,
        `Execution ${id} has not finished yet: wait for it, or run without it`,
      );
    }
    return row;
  }

  /**
   * A flood of webhook calls for one workflow waits in its own line, not in
   * everyone's: past the cap, callers are told to come back (429).
   */
  private checkQueue(workflowId: string): void {
    const waiting = this.deps.queue.queuedCount(workflowId) + (this.storing.get(workflowId) ?? 0);
    if (waiting >= this.deps.maxQueuedPerWorkflow) {
      throw new UserError(
        ErrorCodes.tooManyRequests,
        `This workflow already has ${this.deps.maxQueuedPerWorkflow} runs waiting for an engine; try again shortly`,
        { retryAfterSeconds: 5 },
      );
    }
  }

  /** The workflow is being deleted: its queued and running executions stop first. */
  stopWorkflow(workflowId: string): Promise<void> {
    return this.deps.queue.stopWorkflow(workflowId);
  }

  /** Runs the same version again with the same trigger items. */
  async retry(execution: ExecutionRow, user: User): Promise<ExecutionRow> {
    return this.run(execution.workflowId, user, retryOptions(execution));
  }

  /**
   * Runs again, for the same person, a run whose engine was lost: once — the
   * key makes a second call for the same lost run (another instance noticed
   * the loss too) start nothing, and resolve undefined.
   */
  retryLost(execution: ExecutionRow): Promise<ExecutionRow | undefined> {
    return this.start(execution.workflowId, execution.createdBy, {
      ...retryOptions(execution),
      triggerKey: lostRetryKey(execution.id),
    });
  }
}

const planErrorCodes: Record<PlanErrorCode, ErrorCode> = {
  step_needs_input: ErrorCodes.stepNeedsInput,
  no_trigger: ErrorCodes.noTrigger,
  unknown_destination: ErrorCodes.unknownDestination,
};

/** Trigger keys of automatic retries after an engine loss start with this: what marks a run as one. */
export const LOST_RETRY_KEY_PREFIX = 'engine-loss:';
export const lostRetryKey = (lostId: string): string => `${LOST_RETRY_KEY_PREFIX}${lostId}`;

const retryOptions = (execution: ExecutionRow): RunOptions => ({
  mode: 'retry',
  versionHash: execution.versionHash,
  retryOf: execution.id,
  ...(execution.startNodeId ? { startNodeId: execution.startNodeId } : {}),
  ...(execution.triggerItems ? { triggerItems: JSON.parse(execution.triggerItems) as unknown[] } : {}),
  // The pins the run used, not today's: a retry runs what ran.
  pins: execution.pins,
  // And the same reuse: the hub plans the same job from the same base (docs/decisions.md, partial runs).
  replay: {
    baseExecutionId: execution.baseExecutionId,
    runScope: execution.runScope,
    destinationNodeId: execution.destinationNodeId,
    fingerprints: execution.fingerprints,
  },
});

const pinsText = (doc: Y.Doc): string | null => {
  const pins = readPins(doc);
  return Object.keys(pins).length > 0 ? JSON.stringify(pinItemsOf(pins)) : null;
};
