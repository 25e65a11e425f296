import * as Y from 'yjs';
import { ErrorCodes, UserError } from '#shared/errors.ts';
import { createId } from '#shared/ids.ts';
import { getNodeDefinition } from '#shared/nodes/catalog.ts';
import { pinItemsOf, readPins } from '#shared/schema/pins.ts';
import { toDefinition } from '#shared/schema/to-definition.ts';
import { validateDefinition } from '#shared/schema/validate.ts';
import type { User } from '../accounts/account-store.ts';
import type { RoomManager } from '../rooms/room-manager.ts';
import type { RunResultMessage } from '#shared/protocol/engine.ts';
import type { ExecutionMode, ExecutionRow, ExecutionStore } from './execution-store.ts';
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
}

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
    if (!startNodeId && mode === 'manual') {
      const pinned = pins ? (JSON.parse(pins) as Record<string, unknown>) : {};
      const leftmost = (await this.deps.versions.get(versionHash))?.definition.nodes
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
    // Checked and reserved in one synchronous step: nothing can slip in between.
    this.checkQueue(workflowId);
    this.storing.set(workflowId, (this.storing.get(workflowId) ?? 0) + 1);
    const id = createId();
    const createdAt = this.now;
    let created: boolean;
    try {
      // Stored as queued before the hub hears of it: an engine can only be handed a run that is
      // committed, and a run committed but not yet handed over is requeued by the next start.
      ({ created } = await this.deps.executions.createQueued(
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
          ...(options.triggerKey === undefined ? {} : { triggerKey: options.triggerKey }),
        },
        { outbox: this.deps.queue.usesOutbox },
      ));
    } finally {
      // Released in the same turn as the run joins the queue: it is counted in one place or the other.
      const left = (this.storing.get(workflowId) ?? 1) - 1;
      if (left > 0) this.storing.set(workflowId, left);
      else this.storing.delete(workflowId);
    }
    if (!created) return undefined;
    beforeQueued?.(id);
    this.deps.queue.enqueue(id, workflowId);
    this.deps.live.started(workflowId, id, createdAt);
    const row = await this.deps.executions.get(id);
    // Only a delete of the whole workflow takes the row away this soon.
    if (!row) throw new UserError(ErrorCodes.notFound, `Workflow ${workflowId} was deleted`);
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
});

const pinsText = (doc: Y.Doc): string | null => {
  const pins = readPins(doc);
  return Object.keys(pins).length > 0 ? JSON.stringify(pinItemsOf(pins)) : null;
};
