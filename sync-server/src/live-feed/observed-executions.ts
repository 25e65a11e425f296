import type { ExecutionStore } from '../executions/execution-store.ts';

/** What the live feed hears from the store: a run whose status may have changed, or one deleted. */
export interface ExecutionChanges {
  changed(id: string): void;
  deleted(id: string, workflowId: string): void;
}

/**
 * The execution store, telling the live feed of every write that can change
 * a run's status. Status changes happen on many paths (the queue, engines,
 * a stop, a lost engine, error runs committed with a failure, sub-workflows);
 * they all go through the store, so observing it here misses none of them.
 * Notes are taken after the write resolved: a failed write announces nothing.
 */
export const observeExecutions = (store: ExecutionStore, changes: ExecutionChanges): ExecutionStore => ({
  createQueued: async (row, options) => {
    const result = await store.createQueued(row, options);
    if (result.created) changes.changed(row.id);
    return result;
  },
  relayOutbox: (limit, add) => store.relayOutbox(limit, add),
  deleteOutbox: (id) => store.deleteOutbox(id),
  claim: async (id, by) => {
    const outcome = await store.claim(id, by);
    if (outcome === 'claimed') changes.changed(id);
    return outcome;
  },
  queuedCounts: () => store.queuedCounts(),
  cancelQueued: async (id, error, now) => {
    const canceled = await store.cancelQueued(id, error, now);
    if (canceled) changes.changed(id);
    return canceled;
  },
  get: (id) => store.get(id),
  createChild: async (row, options) => {
    const outcome = await store.createChild(row, options);
    if (outcome === 'created') changes.changed(row.id);
    return outcome;
  },
  children: (id, limit) => store.children(id, limit),
  list: (filter) => store.list(filter),
  queued: () => store.queued(),
  running: () => store.running(),
  markRunning: async (id, engineId, now) => {
    const marked = await store.markRunning(id, engineId, now);
    if (marked) changes.changed(id);
    return marked;
  },
  finishAll: async (batch) => {
    await store.finishAll(batch);
    for (const record of batch) changes.changed(record.id);
  },
  fail: async (ids, status, error, now, options) => {
    const failed = await store.fail(ids, status, error, now, options);
    for (const id of failed) changes.changed(id);
    return failed;
  },
  // Error runs are inserted inside finishAll and fail: their start callback names them.
  setErrorRuns: (setup) =>
    store.setErrorRuns({
      ...setup,
      started: (run) => {
        changes.changed(run.id);
        setup.started(run);
      },
    }),
  nodeRuns: (id) => store.nodeRuns(id),
  nodeRun: (id, nodeId, runIndex) => store.nodeRun(id, nodeId, runIndex),
  lastRuns: (id) => store.lastRuns(id),
  log: (id, level, message, at, node) => store.log(id, level, message, at, node),
  logs: (id) => store.logs(id),
  delete: async (id) => {
    const row = await store.get(id);
    const deleted = await store.delete(id);
    if (deleted && row) changes.deleted(id, row.workflowId);
    return deleted;
  },
  pruneBatch: (policy, now, limit) => store.pruneBatch(policy, now, limit),
  addWebhookLatencies: (samples) => store.addWebhookLatencies(samples),
});
