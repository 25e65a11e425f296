import type { BaseNodeRun, PlanBase } from './dirty.ts';

/** One node run of a base execution, as much of it as a plan needs. */
export interface BaseRunRecord {
  nodeId: string;
  runIndex: number;
  status: 'succeeded' | 'failed';
  /** Items by output handle. */
  itemsOut: Readonly<Record<string, number>>;
}

/**
 * What a finished execution leaves for the next plan: its fingerprints and, per node, its last run and the outputs
 * that carried items (in any run, and in the last one for the Loop Over Items rule).
 *
 * @example
 * const base = planBaseOf(detail.fingerprints, detail.nodeRuns.map(recordOfRun));
 */
export const planBaseOf = (fingerprints: Readonly<Record<string, string>>, runs: Iterable<BaseRunRecord>): PlanBase => {
  const byNode = new Map<string, { last: BaseRunRecord; withData: Set<string> }>();
  for (const run of runs) {
    const seen = byNode.get(run.nodeId);
    const entry = seen ?? { last: run, withData: new Set<string>() };
    if (run.runIndex >= entry.last.runIndex) entry.last = run;
    // A failed run's items are not an output to build on (the node runs again anyway).
    if (run.status === 'succeeded')
      for (const [handle, count] of Object.entries(run.itemsOut)) if (count > 0) entry.withData.add(handle);
    if (!seen) byNode.set(run.nodeId, entry);
  }
  const out = Object.create(null) as Record<string, BaseNodeRun>;
  for (const [nodeId, { last, withData }] of byNode) {
    out[nodeId] = {
      ok: last.status === 'succeeded',
      lastRunIndex: last.runIndex,
      outputsWithData: [...withData].sort(),
      lastOutputsWithData: Object.entries(last.status === 'succeeded' ? last.itemsOut : {})
        .filter(([, count]) => count > 0)
        .map(([handle]) => handle)
        .sort(),
    };
  }
  return { fingerprints, runs: out };
};

/** Items by handle, from a node run's output as stored (`{ handle: items[] }`); unreadable output counts as none. */
export const itemsOutOf = (output: unknown): Record<string, number> => {
  const out: Record<string, number> = {};
  if (output === null || typeof output !== 'object' || Array.isArray(output)) return out;
  for (const [handle, items] of Object.entries(output)) out[handle] = Array.isArray(items) ? items.length : 0;
  return out;
};
