import { createRequire } from 'node:module';
import * as prng from 'lib0/prng';
import { beforeAll, describe, expect, it } from 'vitest';
import { findDirty } from '#shared/runs/dirty.ts';
import { definitionFingerprints } from '#shared/runs/fingerprint.ts';
import { planRun, type PlanBase } from '#shared/runs/partial-plan.ts';
import {
  bridgeDisabled,
  graphFromDefinition,
  reachable,
  restrict,
  stronglyConnected,
} from '#shared/runs/plan-graph.ts';
import type { WorkflowDefinition } from '#shared/schema/definition.ts';
import { caseBudget, familySelected, firstSeed } from './budget.ts';
import { baselineDir, ensureReferenceInstalled } from './reference.ts';

/**
 * Run to here, planned by Weft (shared/src/runs/partial-plan.ts) and by
 * n8n 2.41's own partial-execution utilities, as `runPartialWorkflow2`
 * chains them (filterDisabledNodes, findTriggerForPartialExecution,
 * findSubgraph, cleanRunData of the dirty nodes, findStartNodes,
 * handleCycles, cleanRunData of the start nodes), on random graphs with
 * Loop Over Items, cycles, disabled nodes, failed runs and outputs without
 * items. n8n is given Weft's dirty set as its `dirtyNodeNames`, so this
 * compares the planning, not the dirty decision (plan §14.4). Compared:
 * start nodes, the subgraph (without the disabled nodes Weft carries along)
 * and the nodes whose run data stays (Weft's reuse).
 *
 * Out of scope, counted and printed: destinations no enabled trigger reaches
 * (both then start from an ancestor with run data, and the two orders of
 * parents of one input differ: n8n's by source node, Weft's by edge), and
 * n8n's errors (its fallback start may be a disabled node it has filtered
 * out: "Node … is not part of this graph"). Known: n8n's findSubgraph also
 * keeps a cycle that no path from the trigger reaches; those nodes cannot run.
 */

interface N8nNode {
  name: string;
}
interface Graph {
  getNodes(): Map<string, N8nNode>;
  getStronglyConnectedComponents(): Set<N8nNode>[];
  getDirectParentConnections(node: N8nNode): unknown[];
  getNodesByNames(names: string[]): Set<N8nNode>;
}
type RunData = Record<string, { error?: unknown; [field: string]: unknown }[]>;
interface PartialUtils {
  DirectedGraph: { fromWorkflow(workflow: unknown): Graph };
  findTriggerForPartialExecution(workflow: unknown, destination: string, runData: RunData): N8nNode | undefined;
  filterDisabledNodes(graph: Graph): Graph;
  findSubgraph(options: { graph: Graph; destination: N8nNode; trigger: N8nNode }): Graph;
  cleanRunData(runData: RunData, graph: Graph, nodes: Set<N8nNode>): RunData;
  findStartNodes(options: {
    graph: Graph;
    trigger: N8nNode;
    destination: N8nNode;
    runData: RunData;
    pinData: Record<string, never>;
  }): Set<N8nNode>;
  handleCycles(graph: Graph, startNodes: Set<N8nNode>, trigger: N8nNode): Set<N8nNode>;
}
interface N8nWorkflow {
  getNode(name: string): N8nNode | null;
}
type WorkflowClass = new (parameters: Record<string, unknown>) => N8nWorkflow;

const load = (): { utils: PartialUtils; Workflow: WorkflowClass } => {
  const require = createRequire(`${baselineDir}package.json`);
  const utils = require('n8n-core/dist/execution-engine/partial-execution-utils/index.js') as PartialUtils;
  const { Workflow } = require('n8n-workflow') as { Workflow: WorkflowClass };
  return { utils, Workflow };
};

const typeGroup = (type: string): string[] => (type.endsWith('Trigger') ? ['trigger'] : []);
const nodeType = (type: string): unknown => ({
  description: { group: typeGroup(type), properties: [], inputs: ['main'], outputs: ['main', 'main'] },
});
const nodeTypes = { getByNameAndVersion: nodeType, getByName: nodeType, getKnownTypes: () => ({}) };

/** [source, output, target, input] by number; Loop Over Items' output 0 is `done`, 1 is `loop`. */
type Link = [string, number, string, number];
const handleOut = (id: string, output: number): string => {
  if (id.startsWith('loop')) return output === 0 ? 'done' : 'loop';
  return output === 0 ? 'main' : 'out1';
};
const n8nType = (id: string): string => {
  if (id.startsWith('trigger')) return 'n8n-nodes-base.manualTrigger';
  return id.startsWith('loop') ? 'n8n-nodes-base.splitInBatches' : 'n8n-nodes-base.noOp';
};
const weftType = (id: string): string => {
  if (id.startsWith('trigger')) return 'manualTrigger';
  return id.startsWith('loop') ? 'splitInBatches' : 'noOp';
};

interface Case {
  ids: string[];
  disabled: Set<string>;
  links: Link[];
  ran: Map<string, { outputs: number[]; failed: boolean }>;
  changed: Set<string>;
  destination: string;
}

const randomCase = (seed: number): Case => {
  const gen = prng.create(seed);
  const count = prng.int32(gen, 2, 9);
  const ids = Array.from({ length: count }, (_, i) => {
    if (i === 0 || prng.int32(gen, 0, 12) === 0) return `trigger${i}`;
    return prng.int32(gen, 0, 5) === 0 ? `loop${i}` : `n${i}`;
  });
  const disabled = new Set(ids.filter((id) => !id.startsWith('trigger') && prng.int32(gen, 0, 8) === 0));
  const links: Link[] = [];
  const seen = new Set<string>();
  const targets = ids.filter((id) => !id.startsWith('trigger'));
  for (let k = targets.length > 0 ? prng.int32(gen, 1, count * 2) : 0; k > 0; k--) {
    const link: Link = [prng.oneOf(gen, ids), prng.int32(gen, 0, 1), prng.oneOf(gen, targets), 0];
    link[3] = link[2].startsWith('loop') ? 0 : prng.int32(gen, 0, 1);
    if (seen.has(link.join())) continue;
    seen.add(link.join());
    links.push(link);
  }
  const ran = new Map(
    ids
      .filter(() => prng.int32(gen, 0, 3) > 0)
      .map((id) => [id, { outputs: [0, 1].filter(() => prng.bool(gen)), failed: prng.int32(gen, 0, 8) === 0 }]),
  );
  const changed = new Set(ids.filter((id) => !disabled.has(id) && prng.int32(gen, 0, 4) === 0));
  const destination = prng.oneOf(
    gen,
    ids.filter((id) => !disabled.has(id)),
  );
  return { ids, disabled, links, ran, changed, destination };
};

const definitionOf = (c: Case, edited: boolean): WorkflowDefinition => ({
  weft: 1,
  name: 'Plan',
  settings: {},
  nodes: c.ids.map((id, i) => ({
    id,
    name: id,
    type: weftType(id),
    typeVersion: 1,
    position: { x: i * 200, y: 0 },
    parameters: edited && c.changed.has(id) ? { edited: true } : {},
    ...(c.disabled.has(id) ? { disabled: true } : {}),
  })),
  // Grouped by source node, as n8n's connections object orders them.
  edges: [...c.links]
    .sort((a, b) => c.ids.indexOf(a[0]) - c.ids.indexOf(b[0]) || a[1] - b[1])
    .map(([s, o, t, i]) => ({
      id: `${s}${o}${t}${i}`,
      source: s,
      sourceHandle: handleOut(s, o),
      target: t,
      targetHandle: i === 0 ? 'main' : 'input2',
    })),
});

interface Outcome {
  start: string[];
  subgraph: string[];
  reuse: string[];
  /** The cycles the planner saw (n8n's, to tell its components apart from Weft's). */
  cycles?: string[];
}

const sorted = (ids: Iterable<string>): string[] => [...ids].sort();

const weftPlan = (c: Case): { outcome: Outcome | string; dirty: string[] } => {
  const before = definitionOf(c, false);
  const after = definitionOf(c, true);
  const base: PlanBase = {
    fingerprints: definitionFingerprints(before, { credentials: {} }),
    runs: Object.fromEntries(
      [...c.ran].map(([id, r]) => [
        id,
        { ok: !r.failed, lastRunIndex: 0, outputsWithData: r.outputs.map((o) => handleOut(id, o)) },
      ]),
    ),
  };
  const fingerprints = definitionFingerprints(after, { credentials: {} });
  const graph = graphFromDefinition(after);
  const dirty = findDirty({ graph, fingerprints, base, pinned: new Set(), references: new Map() });
  const result = planRun({ definition: after, fingerprints, base, scope: 'toHere', destination: c.destination });
  if (!result.ok) return { outcome: result.error.code, dirty: [...dirty.keys()] };
  const { plan } = result;
  const enabled = (id: string): boolean => !c.disabled.has(id);
  return {
    outcome: {
      start: sorted(plan.startNodeIds),
      subgraph: sorted(plan.subgraph.filter(enabled)),
      reuse: sorted(plan.reuse.filter(enabled)),
    },
    dirty: [...dirty.keys()],
  };
};

const n8nPlan = (n8n: ReturnType<typeof load>, c: Case, dirty: string[]): Outcome | string => {
  const { utils } = n8n;
  const connections: Record<string, { main: { node: string; type: 'main'; index: number }[][] }> = {};
  for (const id of c.ids) {
    for (const [s, o, t, i] of c.links) {
      if (s !== id) continue;
      const byOutput = (connections[s] ??= { main: [[], []] }).main;
      byOutput[o]?.push({ node: t, type: 'main', index: i });
    }
  }
  const workflow = new n8n.Workflow({
    id: 'w',
    active: false,
    nodeTypes,
    connections,
    pinData: {},
    nodes: c.ids.map((id, i) => ({
      id,
      name: id,
      type: n8nType(id),
      typeVersion: 1,
      position: [i * 200, 0],
      parameters: {},
      disabled: c.disabled.has(id),
    })),
  });
  const runData: RunData = {};
  for (const [id, r] of c.ran) {
    const main = [0, 1].map((o) => (r.outputs.includes(o) ? [{ json: { id } }] : []));
    runData[id] = [
      {
        startTime: 0,
        executionTime: 0,
        executionIndex: 0,
        source: [],
        data: { main },
        ...(r.failed ? { error: {} } : {}),
      },
    ];
  }
  const destination = workflow.getNode(c.destination);
  if (!destination) return 'no destination';
  const full = utils.DirectedGraph.fromWorkflow(workflow);
  if (full.getDirectParentConnections(destination).length === 0) {
    return { start: [c.destination], subgraph: [c.destination], reuse: [] };
  }
  const trigger = utils.findTriggerForPartialExecution(workflow, c.destination, runData);
  if (!trigger) return 'fallback start';
  const graph = utils.findSubgraph({ graph: utils.filterDisabledNodes(full), destination, trigger });
  let data = utils.cleanRunData(runData, graph, graph.getNodesByNames(dirty));
  let starts = utils.findStartNodes({ graph, trigger, destination, runData: data, pinData: {} });
  starts = utils.handleCycles(graph, starts, trigger);
  data = utils.cleanRunData(data, graph, starts);
  return {
    start: sorted([...starts].map((n) => n.name)),
    subgraph: sorted(graph.getNodes().keys()),
    reuse: sorted(Object.keys(data).filter((id) => !(data[id] ?? []).some((t) => t.error !== undefined))),
    cycles: graph
      .getStronglyConnectedComponents()
      .filter((c) => c.size > 1)
      .map((c) => sorted([...c].map((n) => n.name)).join(' '))
      .sort(),
  };
};

/**
 * Differences that come from orders n8n does not define, only inside cycles:
 * - which node of a cycle a start moves to (handle-cycles) when the trigger
 *   reaches the cycle at two points: n8n meets them depth first in its
 *   subgraph's edge order, which is the order its walk back from the
 *   destination found the edges; Weft in definition order;
 * - which trigger is chosen when the ancestors include a cycle (n8n's
 *   ancestor list there depends on which path its cache saw first).
 */
const knownDivergence = (
  graph: ReturnType<typeof graphFromDefinition>,
  ours: Outcome,
  theirs: Outcome,
  theirCycles: string[],
  destination: string,
): string | undefined => {
  if (JSON.stringify(ours) === JSON.stringify(theirs)) return undefined;
  const cycles = stronglyConnected(bridgeDisabled(graph)).filter((c) => c.size > 1);
  if (cycles.length === 0) return undefined;
  const inSubgraph = new Set(ours.subgraph);
  const planned = restrict(
    bridgeDisabled(graph),
    inSubgraph,
    (e) => e.source !== destination && !e.target.startsWith('trigger'),
  );
  const ourCycles = stronglyConnected(planned)
    .filter((c) => c.size > 1)
    .map((c) => sorted(c).join(' '))
    .sort();
  if (JSON.stringify(ourCycles) !== JSON.stringify(theirCycles))
    return "n8n's strongly connected components differ from Tarjan's";
  const trigger = (o: Outcome): string[] => o.subgraph.filter((id) => id.startsWith('trigger'));
  if (JSON.stringify(trigger(ours)) !== JSON.stringify(trigger(theirs))) return 'trigger chosen among cyclic ancestors';
  const onlyOurs = ours.start.filter((id) => !theirs.start.includes(id));
  const onlyTheirs = theirs.start.filter((id) => !ours.start.includes(id));
  const sameCycle = (a: string, b: string): boolean => cycles.some((c) => c.has(a) && c.has(b));
  if (
    onlyOurs.length === onlyTheirs.length &&
    onlyOurs.length > 0 &&
    onlyOurs.every((a) => onlyTheirs.some((b) => sameCycle(a, b)))
  ) {
    return 'another entry of the same cycle';
  }
  return undefined;
};

describe('n8n differential: partial-run plans', () => {
  beforeAll(ensureReferenceInstalled, 300_000);

  it.runIf(familySelected('partial-plan'))('plans Run to here as n8n 2.41 does, given the same dirty nodes', () => {
    const n8n = load();
    const budget = caseBudget('workflow') * 20;
    const seed = firstSeed();
    const skipped: Record<string, number> = {};
    const divergences: string[] = [];
    for (let i = 0; i < budget; i++) {
      const c = randomCase(seed + i);
      const weft = weftPlan(c);
      let theirs: Outcome | string;
      try {
        theirs = n8nPlan(n8n, c, weft.dirty);
      } catch (error) {
        theirs = `n8n threw: ${(error as Error).message.replace(/"[^"]*"/g, '…')}`;
      }
      if (typeof theirs === 'string') {
        skipped[theirs] = (skipped[theirs] ?? 0) + 1;
        continue;
      }
      const ours = weft.outcome;
      if (typeof ours === 'string') {
        divergences.push(`seed ${seed + i}: Weft refused (${ours}), n8n planned ${JSON.stringify(theirs)}`);
        continue;
      }
      // n8n's extra nodes on a cycle no path from the trigger reaches (but through the destination): known, and they cannot run.
      const graph = graphFromDefinition(definitionOf(c, true));
      const fromStarts = reachable(
        graph,
        theirs.subgraph.filter((id) => id.startsWith('trigger')),
        'out',
        (e) => e.source !== c.destination,
      );
      const extra = new Set(theirs.subgraph.filter((id) => !ours.subgraph.includes(id) && !fromStarts.has(id)));
      const theirCycles = theirs.cycles ?? [];
      const trimmed: Outcome = {
        start: theirs.start,
        subgraph: theirs.subgraph.filter((id) => !extra.has(id)),
        reuse: theirs.reuse.filter((id) => !extra.has(id)),
      };
      if (extra.size > 0)
        skipped['unreachable cycle kept by n8n'] = (skipped['unreachable cycle kept by n8n'] ?? 0) + 1;
      const known = knownDivergence(graph, ours, trimmed, theirCycles, c.destination);
      if (known) {
        skipped[known] = (skipped[known] ?? 0) + 1;
        continue;
      }
      if (JSON.stringify(ours) !== JSON.stringify(trimmed)) {
        divergences.push(
          `seed ${seed + i} → ${c.destination}: links ${c.links.map((l) => l.join('.')).join(' ')}\n` +
            `  Weft ${JSON.stringify(ours)}\n  n8n  ${JSON.stringify(trimmed)}`,
        );
      }
    }
    process.stdout.write(
      `partial plans: ${budget} cases from seed ${seed}; not compared: ${JSON.stringify(skipped)}\n`,
    );
    expect(divergences.slice(0, 5)).toEqual([]);
  });
});
