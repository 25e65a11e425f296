import type { RunResultMessage } from '#shared/protocol/engine.ts';
import type { EngineHub, RunLostListener } from './engine-hub.ts';
import type { ExecutionRow } from './execution-store.ts';

/**
 * Where stored runs wait for an engine, and how the rest of the server waits
 * on them and stops them. Alone (SQLite, no Redis) it is the engine hub's
 * in-process queue (`LocalRunQueue`); in a cluster it is BullMQ
 * (`BullRunQueue`), which engines attached to any instance take runs from.
 */
export interface RunQueue {
  /** createQueued writes an outbox entry with the run: the job is added from it (bull-run-queue.ts). */
  readonly usesOutbox: boolean;
  /** Picks up what a restart left; awaited before the server listens. */
  start(): Promise<void>;
  /**
   * The run is committed as `queued` (with its outbox entry, if any): it is owed a run. `row`, the row as
   * stored, spares a read when this instance hands it out.
   */
  enqueue(executionId: string, workflowId: string, row?: ExecutionRow): void;
  /** Runs of this workflow waiting for an engine, as far as this instance counts them (the queue cap). */
  queuedCount(workflowId: string): number;
  /** Runs waiting for an engine, all workflows (metrics): counted as queuedCount counts, no query. */
  queuedTotal(): number;
  /**
   * Resolves with the run's result when it ends, wherever it ran (webhooks
   * answer with it), or with undefined after `timeoutMs`; a caller that gave
   * up leaves nothing behind.
   */
  waitFor(executionId: string, timeoutMs: number): Promise<RunResultMessage | undefined>;
  /** Stops a run: a queued one at once, a running one through the engine that holds it. */
  cancel(executionId: string): Promise<void>;
  /** The workflow is being deleted: its waiting and running runs stop (resolves once every holder was told). */
  stopWorkflow(workflowId: string): Promise<void>;
  /**
   * Calls `fn` once for each run that failed because its engine or its server
   * instance was lost, after the failure is stored (wherever it is noticed:
   * the hub here, the cluster's reconciler for another instance's runs).
   */
  onRunLost(fn: RunLostListener): void;
  /** Takes no more runs; runs on this instance's engines end through the hub's close. */
  close(): Promise<void>;
}

/** Today's single-instance queue: the hub's FairQueue, its dispatch and its waiters. */
export class LocalRunQueue implements RunQueue {
  readonly usesOutbox = false;

  constructor(private readonly hub: EngineHub) {}

  start(): Promise<void> {
    return this.hub.start();
  }

  enqueue(executionId: string, workflowId: string, row?: ExecutionRow): void {
    this.hub.enqueue(executionId, workflowId, row);
  }

  queuedCount(workflowId: string): number {
    return this.hub.queuedCount(workflowId);
  }

  queuedTotal(): number {
    return this.hub.queuedTotal;
  }

  waitFor(executionId: string, timeoutMs: number): Promise<RunResultMessage | undefined> {
    return this.hub.waitFor(executionId, timeoutMs);
  }

  cancel(executionId: string): Promise<void> {
    this.hub.cancel(executionId);
    return Promise.resolve();
  }

  stopWorkflow(workflowId: string): Promise<void> {
    this.hub.stopWorkflow(workflowId);
    return Promise.resolve();
  }

  onRunLost(fn: RunLostListener): void {
    this.hub.onRunLost(fn);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
