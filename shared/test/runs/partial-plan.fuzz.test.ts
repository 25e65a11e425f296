import * as prng from 'lib0/prng';
import { describe, expect, it } from 'vitest';
import { findDirty, referencesOf } from '../../src/runs/dirty.ts';
import { definitionFingerprints } from '../../src/runs/fingerprint.ts';
import { planRun, runScopes, type PlanBase, type RunPlan } from '../../src/runs/partial-plan.ts';
import { graphFromDefinition } from '../../src/runs/plan-graph.ts';
import { referencedNodes } from '../../src/expressions/template.ts';
import type { DefinitionNode, WorkflowDefinition } from '../../src/schema/definition.ts';
import { workflow, type NodeSpec } from './plan-fixtures.ts';

/**
 * Random workflows (cycles, Loop Over Items, disabled nodes, pins, $('X')
 * references), random base runs and random edits: the plan never throws and
 * keeps its invariants. Longer: WEFT_FUZZ_RUNS=5000 npx vitest run shared/test/runs.
 * Reproduce a failure with WEFT_FUZZ_SEED=<seed printed in the failure>.
 */
const runs = Number(process.env.WEFT_FUZZ_RUNS ?? 300);
const fixedSeed = process.env.WEFT_FUZZ_SEED ? Number(process.env.WEFT_FUZZ_SEED) : undefined;
const baseSeed = fixedSeed ?? Date.now() % 1_000_000_000;
const seeds = fixedSeed !== undefined ? [fixedSeed] : Array.from({ length: runs }, (_, i) => baseSeed + i);

const OUTPUTS = ['main', 'out1', 'loop', 'done'];
const INPUTS = ['main', 'input2'];

interface Scenario {
  before: WorkflowDefinition;
  after: WorkflowDefinition;
  base: PlanBase | undefined;
  pins: Record<string, unknown[]>;
  scope: (typeof runScopes)[number];
  destination: string;
}

const scenario = (seed: number): Scenario => {
  const gen = prng.create(seed);
  const count = prng.int32(gen, 1, 10);
  const ids = Array.from({ length: count }, (_, i) => {
    const kind = prng.int32(gen, 0, 9);
    if (i === 0 || kind === 0) return `trigger${i}`;
    if (kind === 1) return `loop${i}`;
    return `n${i}`;
  });
  const specs: NodeSpec[] = ids.map((id) => ({
    id,
    ...(prng.int32(gen, 0, 7) === 0 ? { disabled: true } : {}),
    ...(prng.int32(gen, 0, 5) === 0 ? { parameters: { v: `={{ $('${prng.oneOf(gen, ids)}').item.json.x }}` } } : {}),
  }));
  const edges = new Set<string>();
  const edgeCount = prng.int32(gen, 0, count * 2);
  for (let i = 0; i < edgeCount; i++) {
    const target = prng.oneOf(gen, ids);
    if (target.startsWith('trigger')) continue;
    edges.add(`${prng.oneOf(gen, ids)}:${prng.oneOf(gen, OUTPUTS)}>${target}:${prng.oneOf(gen, INPUTS)}`);
  }
  const before = workflow(specs, [...edges]);
  const after = structuredClone(before);
  for (const node of after.nodes) {
    const roll = prng.int32(gen, 0, 9);
    if (roll === 0) node.parameters = { ...node.parameters, edited: true };
    if (roll === 1) node.disabled = node.disabled !== true;
  }
  if (prng.bool(gen)) after.edges = after.edges.filter(() => prng.int32(gen, 0, 5) > 0);
  const pins = Object.fromEntries(ids.filter(() => prng.int32(gen, 0, 6) === 0).map((id) => [id, [{ json: { id } }]]));
  const basePins = prng.bool(gen) ? pins : {};
  const base: PlanBase | undefined =
    prng.int32(gen, 0, 5) === 0
      ? undefined
      : {
          fingerprints: definitionFingerprints(before, { credentials: {}, pins: basePins }),
          runs: Object.fromEntries(
            ids
              .filter(() => prng.int32(gen, 0, 4) > 0)
              .map((id) => {
                const outputs = OUTPUTS.filter(() => prng.bool(gen));
                return [
                  id,
                  {
                    ok: prng.int32(gen, 0, 6) > 0,
                    lastRunIndex: 0,
                    outputsWithData: outputs,
                    lastOutputsWithData: outputs.filter(() => prng.bool(gen)),
                  },
                ];
              }),
          ),
        };
  return { before, after, base, pins, scope: prng.oneOf(gen, [...runScopes]), destination: prng.oneOf(gen, ids) };
};

const reachableFrom = (def: WorkflowDefinition, from: Iterable<string>): Set<string> => {
  const seen = new Set<string>();
  const stack = [...from];
  while (stack.length > 0) {
    const id = stack.pop() as string;
    if (seen.has(id)) continue;
    seen.add(id);
    for (const e of def.edges) if (e.source === id) stack.push(e.target);
  }
  return seen;
};

const checkPlan = (s: Scenario, plan: RunPlan): void => {
  const subgraph = new Set(plan.subgraph);
  const run = new Set(plan.run);
  const reuse = new Set(plan.reuse);
  const pinned = new Set(plan.pinned);
  for (const id of plan.startNodeIds) expect(run.has(id), `start ${id} runs`).toBe(true);
  for (const id of [...run, ...reuse, ...pinned]) expect(subgraph.has(id), `${id} in subgraph`).toBe(true);
  for (const id of reuse) {
    expect(run.has(id) || pinned.has(id), `${id} reused and run or pinned`).toBe(false);
    expect(s.base?.runs[id]?.ok, `${id} reused with a successful base run`).toBe(true);
    expect(Object.hasOwn(s.pins, id), `pinned ${id} is not reused`).toBe(false);
  }
  for (const id of pinned) expect(run.has(id), `${id} pinned and run`).toBe(false);
  expect(Object.keys(plan.reasons).sort()).toEqual([...subgraph].sort());
  // Everything that runs follows from a start node, or is a disabled node passing items on to one.
  const downstream = reachableFrom(s.after, plan.startNodeIds);
  for (const id of run) {
    const passesOn =
      s.after.nodes.some((n) => n.id === id && n.disabled === true) &&
      plan.startNodeIds.some((start) => reachableFrom(s.after, [id]).has(start));
    expect(downstream.has(id) || passesOn, `${id} runs but no start leads to it`).toBe(true);
  }
  if (plan.scope === 'step') expect(plan.run).toEqual([s.destination]);
  if (plan.scope === 'toHere') expect(subgraph.has(s.destination), 'destination in subgraph').toBe(true);
  if (plan.scope === 'all') {
    // A full run never reuses a node after one that runs again, nor one that changed.
    for (const e of s.after.edges) {
      if (run.has(e.source) && subgraph.has(e.target))
        expect(reuse.has(e.target), `${e.target} after a rerun`).toBe(false);
    }
    const graph = graphFromDefinition(s.after);
    const dirty = findDirty({
      graph,
      fingerprints: definitionFingerprints(s.after, { credentials: {}, pins: s.pins }),
      base: s.base,
      pinned: new Set(Object.keys(s.pins)),
      references: referencesOf(graph, referencedNodes),
    });
    for (const id of reuse) expect(dirty.has(id), `dirty ${id} reused`).toBe(false);
  }
};

describe(`partial plan fuzz (seeds ${seeds[0]}…${seeds.at(-1)})`, () => {
  it('keeps its invariants on random workflows', () => {
    for (const seed of seeds) {
      const s = scenario(seed);
      try {
        const result = planRun({
          definition: s.after,
          fingerprints: definitionFingerprints(s.after, { credentials: {}, pins: s.pins }),
          ...(s.base ? { base: s.base } : {}),
          pins: s.pins,
          scope: s.scope,
          destination: s.destination,
        });
        if (result.ok) checkPlan(s, result.plan);
        else expect(['step_needs_input', 'no_trigger']).toContain(result.error.code);
      } catch (error) {
        const nodes = s.after.nodes.map((n: DefinitionNode) => `${n.id}${n.disabled === true ? '(off)' : ''}`);
        const edges = s.after.edges.map((e) => e.id);
        throw new Error(
          `Fuzz seed ${seed} failed (replay: WEFT_FUZZ_SEED=${seed}): ${(error as Error).message}\n` +
            `  scope ${s.scope} → ${s.destination}; nodes ${nodes.join(' ')}; edges ${edges.join(' ')}`,
        );
      }
    }
  });
});
