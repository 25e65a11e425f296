import * as Y from 'yjs';
import { ErrorCodes, UserError } from '#shared/errors.ts';
import { createId } from '#shared/ids.ts';
import { toDefinition } from '#shared/schema/to-definition.ts';
import { validateDefinition } from '#shared/schema/validate.ts';
import type { User } from '../accounts/account-store.ts';
import type { RoomManager } from '../rooms/room-manager.ts';
import type { EngineHub } from './engine-hub.ts';
import type { ExecutionMode, ExecutionRow, ExecutionStore } from './execution-store.ts';
import type { LiveStatus } from './live-status.ts';
import type { VersionStore } from './version-store.ts';

/**
 * Starting runs: the live document is saved as an immutable version first and
 * the execution names that version, so people can keep editing while it runs.
 */
export class ExecutionService {
  constructor(
    private readonly deps: {
      rooms: RoomManager;
      versions: VersionStore;
      executions: ExecutionStore;
      hub: EngineHub;
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
    const { definition, state } = await this.deps.rooms.withRoom(workflowId, (room) => ({
      definition: toDefinition(room.doc),
      state: Y.encodeStateAsUpdate(room.doc),
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
    return this.deps.versions.save(workflowId, state, checked.definition, authorId, this.now);
  }

  async run(
    workflowId: string,
    user: User | null,
    options: {
      mode?: ExecutionMode;
      versionHash?: string;
      startNodeId?: string;
      triggerItems?: unknown[];
      retryOf?: string;
    } = {},
  ): Promise<ExecutionRow> {
    this.checkQueue(workflowId);
    const versionHash = options.versionHash ?? (await this.snapshot(workflowId, user?.id ?? null));
    this.checkQueue(workflowId);
    // A manual run starts where a person would: at the Manual Trigger (the leftmost, if several).
    let startNodeId = options.startNodeId;
    if (!startNodeId && (options.mode ?? 'manual') === 'manual') {
      const manual = this.deps.versions
        .get(versionHash)
        ?.definition.nodes.filter((n) => n.type === 'manualTrigger' && !n.disabled)
        .sort((a, b) => a.position.x - b.position.x || a.position.y - b.position.y)[0];
      startNodeId = manual?.id;
    }
    const id = createId();
    // One commit for the new row and, when an engine has room, its hand-over.
    this.deps.executions.transaction(() => {
      this.deps.executions.create({
        id,
        workflowId,
        versionHash,
        mode: options.mode ?? 'manual',
        status: 'queued',
        createdBy: user?.id ?? null,
        createdAt: this.now,
        startNodeId: startNodeId ?? null,
        triggerItems: options.triggerItems ? JSON.stringify(options.triggerItems) : null,
        retryOf: options.retryOf ?? null,
      });
      this.deps.hub.enqueue(id, workflowId);
    });
    this.deps.live.started(workflowId, id);
    return this.deps.executions.get(id) as ExecutionRow;
  }

  /**
   * A flood of webhook calls for one workflow waits in its own line, not in
   * everyone's: past the cap, callers are told to come back (429).
   */
  private checkQueue(workflowId: string): void {
    if (this.deps.hub.queuedCount(workflowId) >= this.deps.maxQueuedPerWorkflow) {
      throw new UserError(
        ErrorCodes.tooManyRequests,
        `This workflow already has ${this.deps.maxQueuedPerWorkflow} runs waiting for an engine; try again shortly`,
        { retryAfterSeconds: 5 },
      );
    }
  }

  /** The workflow is being deleted: its queued and running executions stop first. */
  stopWorkflow(workflowId: string): void {
    this.deps.hub.stopWorkflow(workflowId);
  }

  /** Runs the same version again with the same trigger items. */
  async retry(execution: ExecutionRow, user: User): Promise<ExecutionRow> {
    return this.run(execution.workflowId, user, {
      mode: 'retry',
      versionHash: execution.versionHash,
      retryOf: execution.id,
      ...(execution.startNodeId ? { startNodeId: execution.startNodeId } : {}),
      ...(execution.triggerItems ? { triggerItems: JSON.parse(execution.triggerItems) as unknown[] } : {}),
    });
  }
}
