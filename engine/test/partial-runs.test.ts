import { describe, expect, it } from 'vitest';
import type { PartialJob } from '#shared/protocol/engine.ts';
import { definitionFingerprints } from '#shared/runs/fingerprint.ts';
import { planRun, type PlanBase, type RunScope } from '#shared/runs/partial-plan.ts';
import type { WorkflowDefinition } from '#shared/schema/definition.ts';
import type { RunResult } from '../src/runner/run-workflow.ts';
import { definition, edge, node, outputsByName, run } from './harness.ts';
import { lastRunsInOrder } from './last-runs.ts';

/**
 * Partial runs in the engine (docs/plans/n8n-daily.md §3.3): the plan comes
 * from shared/src/runs/partial-plan.ts, as the server makes it, and the base
 * is a real first run of the same engine.
 */

const trigger = node('Start', 'manualTrigger');
const code = (name: string, jsCode: string) => node(name, 'code', { jsCode });
const set = (name: string, field: string, value: string) =>
  node(name, 'set', { assignments: [{ name: field, value, type: 'string' }] });
/** Different on every run: equal outputs prove the node was reused, not run again. */
const random = (name: string, n = 1) =>
  code(name, `return Array.from({ length: ${n} }, (_, i) => ({ json: { i, r: Math.random() } }));`);

const pins = {} as Record<string, Record<string, unknown>[]>;

/** The base a server would build from a stored execution: fingerprints and each node's last run. */
const baseOf = (def: WorkflowDefinition, result: RunResult, pinned = pins): PlanBase => {
  const runs: Record<string, PlanBase['runs'][string]> = {};
  for (const r of result.runs) {
    runs[r.nodeId] = {
      ok: r.status === 'succeeded',
      lastRunIndex: r.runIndex,
      outputsWithData: Object.keys(r.output).filter((h) => (r.output[h]?.length ?? 0) > 0),
    };
  }
  return { fingerprints: definitionFingerprints(def, { credentials: {}, pins: pinned }), runs };
};

const partialJob = (
  def: WorkflowDefinition,
  base: { def: WorkflowDefinition; result: RunResult },
  scope: RunScope,
  destination?: string,
  pinned = pins,
): PartialJob => {
  const planned = planRun({
    definition: def,
    fingerprints: definitionFingerprints(def, { credentials: {}, pins: pinned }),
    base: baseOf(base.def, base.result, pinned),
    pins: pinned,
    scope,
    ...(destination === undefined ? {} : { destination }),
  });
  if (!planned.ok) throw new Error(planned.error.message);
  const { plan } = planned;
  return {
    startNodeIds: plan.startNodeIds,
    subgraph: plan.subgraph,
    ...(plan.destination === undefined ? {} : { destination: plan.destination }),
    // As the server sends them: in the order the base ran them.
    reuse: lastRunsInOrder(base.result)
      .filter((r) => plan.reuse.includes(r.nodeId))
      .map((r) => {
        if (!r.outputJson) throw new Error(`no base output for ${r.name}`);
        return {
          nodeId: r.nodeId,
          runIndex: r.runIndex,
          output: r.outputJson,
          ...(r.paired ? { paired: r.paired } : {}),
        };
      }),
  };
};

const origins = (result: RunResult) => Object.fromEntries(result.runs.map((r) => [r.name, r.origin]));

describe('partial runs', () => {
  it('reuses the unchanged chain, runs the changed node and what follows, and keeps the reused text as it was', async () => {
    const nodes = [
      trigger,
      random('A', 2),
      set('B', 'b', '={{ $json.r }}'),
      set('C', 'c', 'one'),
      set('D', 'd', '={{ $json.c }}'),
    ];
    const edges = [edge('Start', 'A'), edge('A', 'B'), edge('B', 'C'), edge('C', 'D')];
    const first = definition({ name: 'Chain', nodes, edges });
    const base = await run(first);
    expect(base.status).toBe('succeeded');
    const changed = definition({
      name: 'Chain',
      nodes: nodes.map((n) => (n.name === 'C' ? set('C', 'c', 'two') : n)),
      edges,
    });
    const job = partialJob(changed, { def: first, result: base }, 'all');
    expect(job.startNodeIds).toEqual(['C']);
    const again = await run(changed, { partial: job });
    expect(again.status).toBe('succeeded');
    expect(origins(again)).toEqual({ Start: 'reused', A: 'reused', B: 'reused', C: 'ran', D: 'ran' });
    expect(outputsByName(again).A).toEqual(outputsByName(base).A);
    expect(outputsByName(again).D).toEqual([{ d: 'two' }, { d: 'two' }]);
    const byName = (r: RunResult, name: string) => r.runs.find((x) => x.name === name);
    expect(byName(again, 'A')?.outputJson).toBe(byName(base, 'A')?.outputJson);
    expect(byName(again, 'A')?.paired).toBe(byName(base, 'A')?.paired);
    const reusedEvent = again.events.find((e) => e.name === 'A' && e.status === 'succeeded');
    expect(reusedEvent).toMatchObject({ origin: 'reused', itemsOut: { main: 2 } });
    expect(again.events.some((e) => e.name === 'A' && e.status === 'running')).toBe(false);
    // The new execution is a base itself: a second partial run on it reuses C too.
    const third = await run(changed, { partial: partialJob(changed, { def: changed, result: again }, 'all') });
    expect(origins(third)).toEqual({ Start: 'reused', A: 'reused', B: 'reused', C: 'reused', D: 'reused' });
  });

  it("$('A').item in a re-run node walks back through a reused node's stored lineage", async () => {
    const nodes = [
      trigger,
      code('A', 'return [{ json: { n: 1 } }, { json: { n: 2 } }, { json: { n: 3 } }];'),
      // Drops the first item: item i of B pairs with item i+1 of A, which only the lineage knows.
      code(
        'B',
        'return $input.all().slice(1).map((item, i) => ({ json: { m: item.json.n * 10 }, pairedItem: i + 1 }));',
      ),
      set('C', 'from', "={{ $('A').item.json.n }}"),
    ];
    const edges = [edge('Start', 'A'), edge('A', 'B'), edge('B', 'C')];
    const first = definition({ name: 'Lineage', nodes, edges });
    const base = await run(first);
    expect(outputsByName(base).C).toEqual([{ from: '2' }, { from: '3' }]);
    const changedNodes = nodes.map((n) => (n.name === 'C' ? set('C', 'from', "={{ 'n' + $('A').item.json.n }}") : n));
    const changed = definition({ name: 'Lineage', nodes: changedNodes, edges });
    const again = await run(changed, { partial: partialJob(changed, { def: first, result: base }, 'all') });
    expect(origins(again)).toMatchObject({ A: 'reused', B: 'reused', C: 'ran' });
    expect(again.status).toBe('succeeded');
    expect(outputsByName(again).C).toEqual([{ from: 'n2' }, { from: 'n3' }]);
  });

  it('a Merge with one reused parent and one that runs again waits for the second', async () => {
    const nodes = [trigger, random('A'), set('B', 'b', 'one'), node('Both', 'merge', { mode: 'append' })];
    const edges = [
      edge('Start', 'A'),
      edge('Start', 'B'),
      edge('A', 'Both', 'main', 'input1'),
      edge('B', 'Both', 'main', 'input2'),
    ];
    const first = definition({ name: 'Merge', nodes, edges });
    const base = await run(first);
    const changed = definition({
      name: 'Merge',
      nodes: nodes.map((n) => (n.name === 'B' ? set('B', 'b', 'two') : n)),
      edges,
    });
    const job = partialJob(changed, { def: first, result: base }, 'all');
    // Both is dirty too (its parent is): a start node that waits for B.
    expect(job.startNodeIds).toEqual(['B', 'Both']);
    const again = await run(changed, { partial: job });
    expect(origins(again)).toEqual({ Start: 'reused', A: 'reused', B: 'ran', Both: 'ran' });
    expect(again.runs.filter((r) => r.name === 'Both')).toHaveLength(1);
    const a = outputsByName(base).A?.[0];
    expect(outputsByName(again).Both).toEqual([a, { b: 'two' }]);
  });

  it('in the legacy (v0) order too, a Merge gets its reused input and the re-run one', async () => {
    const nodes = [trigger, random('A'), set('B', 'b', 'one'), node('Both', 'merge', { mode: 'append' })];
    const edges = [
      edge('Start', 'A'),
      edge('Start', 'B'),
      edge('A', 'Both', 'main', 'input1'),
      edge('B', 'Both', 'main', 'input2'),
    ];
    const settings = { executionOrder: 'v0' as const };
    const first = definition({ name: 'Merge v0', nodes, edges, settings });
    const base = await run(first);
    const changedNodes = nodes.map((n) => (n.name === 'B' ? set('B', 'b', 'two') : n));
    const changed = definition({ name: 'Merge v0', nodes: changedNodes, edges, settings });
    const job = partialJob(changed, { def: first, result: base }, 'all');
    const again = await run(changed, { partial: job });
    expect(again.status).toBe('succeeded');
    expect(origins(again)).toEqual({ Start: 'reused', A: 'reused', B: 'ran', Both: 'ran' });
    expect(outputsByName(again).Both).toEqual([outputsByName(base).A?.[0], { b: 'two' }]);
  });

  it('runs nothing past the destination (toHere)', async () => {
    const nodes = [trigger, random('A'), set('B', 'b', 'x'), set('C', 'c', 'y'), set('D', 'd', 'z')];
    const edges = [edge('Start', 'A'), edge('A', 'B'), edge('B', 'C'), edge('C', 'D')];
    const def = definition({ name: 'To here', nodes, edges });
    const base = await run(def);
    const job = partialJob(def, { def, result: base }, 'toHere', 'C');
    const again = await run(def, { partial: job });
    expect(again.status).toBe('succeeded');
    expect(origins(again)).toEqual({ Start: 'reused', A: 'reused', B: 'reused', C: 'ran' });
    expect(again.events.some((e) => e.name === 'D')).toBe(false);
    // Even a job that names D in its subgraph does not run past its destination.
    const wider = await run(def, { partial: { ...job, subgraph: [...job.subgraph, 'D'] } });
    expect(wider.runs.some((r) => r.name === 'D')).toBe(false);
  });

  it('step runs the destination only, on its reused or pinned parents', async () => {
    const nodes = [trigger, random('A'), code('Boom', "throw new Error('I ran');"), set('C', 'c', '={{ $json.p }}')];
    const edges = [edge('Start', 'A'), edge('A', 'Boom'), edge('Boom', 'C')];
    const def = definition({ name: 'Step', nodes, edges });
    const pinned = { Boom: [{ p: 'pinned' }] };
    const base = await run(def, { pins: pinned });
    expect(base.status).toBe('succeeded');
    const job = partialJob(def, { def, result: base }, 'step', 'C', pinned);
    expect(job.startNodeIds).toEqual(['C']);
    const again = await run(def, { partial: job, pins: pinned });
    expect(again.status).toBe('succeeded');
    expect(origins(again)).toEqual({ Start: 'reused', A: 'reused', Boom: 'pinned', C: 'ran' });
    expect(outputsByName(again).C).toEqual([{ c: 'pinned' }]);
    expect(again.runs.filter((r) => r.origin === 'ran')).toHaveLength(1);
  });

  it('a reused output that is not items is not trusted: logged, and its children get nothing from it', async () => {
    const def = definition({ name: 'Bad', nodes: [trigger, set('B', 'b', 'x')], edges: [edge('Start', 'B')] });
    const again = await run(def, {
      partial: {
        startNodeIds: ['B'],
        subgraph: ['Start', 'B'],
        reuse: [{ nodeId: 'Start', runIndex: 0, output: '{"main":[1]}' }],
      },
    });
    expect(again.status).toBe('succeeded');
    expect(again.runs).toHaveLength(0);
    expect(again.logs.some((l) => l.level === 'warn' && l.node === 'Start')).toBe(true);
  });
});
