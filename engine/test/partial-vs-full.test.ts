import { describe, expect, it } from 'vitest';
import { fromN8n } from '#shared/interop/n8n/index.ts';
import { MAIN } from '#shared/nodes/types.ts';
import type { PartialJob } from '#shared/protocol/engine.ts';
import { definitionFingerprints } from '#shared/runs/fingerprint.ts';
import { referencesOf } from '#shared/runs/dirty.ts';
import { planRun, type PlanBase } from '#shared/runs/partial-plan.ts';
import { graphFromDefinition, reachable } from '#shared/runs/plan-graph.ts';
import { referencedNodes } from '#shared/expressions/template.ts';
import type { WorkflowDefinition } from '#shared/schema/definition.ts';
import { validateDefinition } from '#shared/schema/validate.ts';
import type { NodeExecutor } from '../src/runner/types.ts';
import type { RunResult } from '../src/runner/run-workflow.ts';
import { run } from './harness.ts';
import { lastRunsInOrder } from './last-runs.ts';
import { graphCase } from './n8n-diff/graph-gen.ts';
import { Rng } from './n8n-diff/rng.ts';
import { TEST_DATA_TYPE } from './n8n-diff/weft.ts';

/**
 * A partial run gives what a fresh run gives: random workflows of the
 * differential harness (graph-gen), run once, one node disabled or enabled,
 * then run again both fresh and as a partial run on the first (the plan
 * from planRun, as the server makes it). Every node's last output must be
 * the same. Kept to what a partial run promises to equal: a base that
 * succeeded, the v1 order, no loops (a loop re-entered from its entry runs
 * its rounds again, and `$node[…].runIndex` counts differently) and no node
 * run twice (see below), as in n8n.
 */

const testData: NodeExecutor = (ctx) => {
  const data = ctx.node.parameters.data;
  const rows = JSON.parse(JSON.stringify(data ?? null)) as unknown;
  return { [MAIN]: (Array.isArray(rows) ? rows : []).map((json) => ({ json: json as Record<string, unknown> })) };
};

const runIt = (definition: WorkflowDefinition, partial?: PartialJob) =>
  run(definition, { extraExecutors: { [TEST_DATA_TYPE]: testData }, ...(partial ? { partial } : {}) });

const stamps = { credentials: {} };

const baseOf = (def: WorkflowDefinition, result: RunResult): PlanBase => {
  const runs: Record<string, PlanBase['runs'][string]> = {};
  for (const r of result.runs) {
    runs[r.nodeId] = {
      ok: r.status === 'succeeded',
      lastRunIndex: r.runIndex,
      outputsWithData: Object.keys(r.output).filter((h) => (r.output[h]?.length ?? 0) > 0),
    };
  }
  return { fingerprints: definitionFingerprints(def, stamps), runs };
};

/**
 * Each enabled node's last output. A disabled node that leads nowhere is not part of a partial run's plan at
 * all (n8n's filter-disabled-nodes drops it too), while a fresh run passes items through it: left out.
 */
const lastOutputs = (definition: WorkflowDefinition, result: RunResult): Record<string, unknown> => {
  const disabled = new Set(definition.nodes.filter((n) => n.disabled).map((n) => n.id));
  const out: Record<string, unknown> = {};
  for (const r of result.runs) {
    if (!disabled.has(r.nodeId))
      out[r.name] = { status: r.status, output: JSON.parse(r.outputJson ?? '{}') as unknown };
  }
  return out;
};

/** WEFT_PARTIAL_SEEDS: more workflows (10,000 take a few seconds). */
const SEEDS = Number(process.env.WEFT_PARTIAL_SEEDS ?? 2000);

describe('a partial run equals a fresh run', () => {
  it(`on ${SEEDS} random acyclic v1 workflows with one node toggled`, async () => {
    let compared = 0;
    for (let seed = 1; seed <= SEEDS; seed++) {
      const wf = graphCase(seed).workflow;
      if ((wf.settings as { executionOrder?: string }).executionOrder !== 'v1') continue;
      const imported = fromN8n(wf);
      const valid = validateDefinition(imported.definition);
      if (!valid.ok) continue;
      const first = valid.definition;
      const plan0 = planRun({ definition: first, fingerprints: definitionFingerprints(first, stamps), scope: 'all' });
      // Loops (a node that reaches itself) are left out: see above. So are expressions that read a node not
      // upstream of them: a partial run has only its subgraph's outputs (docs/decisions.md, partial runs).
      if (!plan0.ok || hasCycle(first) || readsAside(first)) continue;
      const rng = new Rng(seed * 7919);
      const candidates = first.nodes.filter((n) => n.type !== 'manualTrigger' && n.type !== TEST_DATA_TYPE);
      if (candidates.length === 0) continue;
      const target = rng.pick(candidates);
      const changed: WorkflowDefinition = {
        ...first,
        nodes: first.nodes.map((n) => (n.id === target.id ? { ...n, disabled: !n.disabled } : n)),
      };
      const base = await runIt(first);
      // A base that stopped early holds only some deliveries of a node fed twice: reusing it is n8n's
      // behaviour too, but not what a fresh run gives.
      if (base.status !== 'succeeded') continue;
      const fresh = await runIt(changed);
      // A node fed twice runs once per delivery, and a partial run hands the seeds' items on before anything
      // runs again, where a fresh run interleaves them (n8n's recreate-node-execution-stack does the same): the
      // last run can then differ, so workflows where a node runs twice are left out.
      if (new Set(fresh.runs.map((r) => r.nodeId)).size !== fresh.runs.length) continue;
      const planned = planRun({
        definition: changed,
        fingerprints: definitionFingerprints(changed, stamps),
        base: baseOf(first, base),
        scope: 'all',
      });
      if (!planned.ok) throw new Error(`seed ${seed}: ${planned.error.message}`);
      const partial = await runIt(changed, {
        startNodeIds: planned.plan.startNodeIds,
        subgraph: planned.plan.subgraph,
        reuse: lastRunsInOrder(base)
          .filter((r) => planned.plan.reuse.includes(r.nodeId))
          .map((r) => ({
            nodeId: r.nodeId,
            runIndex: r.runIndex,
            output: r.outputJson ?? '{}',
            paired: r.paired ?? '',
          })),
      });
      expect({ seed, status: partial.status, error: partial.error }).toEqual({
        seed,
        status: fresh.status,
        error: fresh.error,
      });
      // A fresh run that fails stops before nodes a partial run reuses: only their ends are compared then.
      if (fresh.status !== 'succeeded') continue;
      expect({ seed, nodes: lastOutputs(changed, partial) }).toEqual({ seed, nodes: lastOutputs(changed, fresh) });
      compared++;
    }
    // About one workflow in seven qualifies.
    expect(compared).toBeGreaterThan(SEEDS / 20);
  });
});

/** Some node's expressions name a node that is not upstream of it. */
const readsAside = (definition: WorkflowDefinition): boolean => {
  const graph = graphFromDefinition(definition);
  for (const [id, named] of referencesOf(graph, referencedNodes)) {
    const upstream = reachable(graph, [id], 'in');
    if ([...named].some((n) => !upstream.has(n))) return true;
  }
  return false;
};

const hasCycle = (definition: WorkflowDefinition): boolean => {
  const out = new Map<string, string[]>();
  for (const e of definition.edges) out.set(e.source, [...(out.get(e.source) ?? []), e.target]);
  const state = new Map<string, 1 | 2>();
  const visit = (id: string): boolean => {
    if (state.get(id) === 1) return true;
    if (state.get(id) === 2) return false;
    state.set(id, 1);
    for (const next of out.get(id) ?? []) if (visit(next)) return true;
    state.set(id, 2);
    return false;
  };
  return definition.nodes.some((n) => visit(n.id));
};
