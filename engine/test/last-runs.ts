import type { RunResult } from '../src/runner/run-workflow.ts';

/** Each node's last run, in the order those ran (ExecutionStore.lastRuns). */
export const lastRunsInOrder = (result: RunResult) => {
  const last = new Map<string, RunResult['runs'][number]>();
  for (const r of result.runs) {
    last.delete(r.nodeId);
    last.set(r.nodeId, r);
  }
  return [...last.values()];
};
