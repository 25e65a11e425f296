/**
 * Planning a partial run: which nodes run again and which reuse the base
 * run's output. The server builds the job with it and the client marks the
 * canvas with it, so both see the same plan.
 *
 * The algorithm follows n8n's v2 partial execution
 * (packages/core/src/execution-engine/partial-execution-utils/ in
 * n8n-io/n8n: find-trigger-for-partial-execution, find-subgraph,
 * filter-disabled-nodes, find-start-nodes, handle-cycles, clean-run-data, as
 * `WorkflowExecute.runPartialWorkflow2` combines them). n8n is distributed
 * under the Sustainable Use License; this is Weft's own code written from a
 * reading of that algorithm and its tests, keyed by node id and handle name
 * instead of node name and output index. Where Weft decides differently, the
 * comment at that step says so.
 */
import { referencedNodes } from '../expressions/template.ts';
import type { WorkflowDefinition } from '../schema/definition.ts';
import { LOOP_DONE_OUTPUT, LOOP_EACH_OUTPUT, LOOP_NODE_TYPE } from './loop-handles.ts';
import { findDirty, referencesOf, type BaseNodeRun, type PlanBase, type Reason } from './dirty.ts';
import {
  ancestorsInN8nOrder,
  bridgeDisabled,
  depthFirstFind,
  graphFromDefinition,
  isTriggerNode,
  reachable,
  restrict,
  stronglyConnected,
  type PlanEdge,
  type PlanGraph,
} from './plan-graph.ts';

export type { BaseNodeRun, PlanBase, Reason } from './dirty.ts';
export { describeReason } from './dirty.ts';

export const runScopes = ['all', 'toHere', 'step'] as const;
export type RunScope = (typeof runScopes)[number];

export { LOOP_DONE_OUTPUT, LOOP_EACH_OUTPUT, LOOP_NODE_TYPE } from './loop-handles.ts';

export interface PlanInput {
  definition: WorkflowDefinition;
  /** This definition's fingerprints (`definitionFingerprints`, with the pins). */
  fingerprints: Readonly<Record<string, string>>;
  /** The run to build on; without one every node runs. */
  base?: PlanBase;
  /** Node id → its pin (only whether a node has one matters here). */
  pins?: Readonly<Record<string, unknown>>;
  scope: RunScope;
  /** Required for `toHere` and `step`. */
  destination?: string;
}

export interface RunPlan {
  scope: RunScope;
  destination?: string;
  /** Where the engine starts: each is scheduled with its inputs taken from reused and pinned parents. */
  startNodeIds: string[];
  /** Every node the run may touch (the engine schedules nothing else), in definition order. */
  subgraph: string[];
  /** Nodes whose base output is seeded as theirs, unchanged. */
  reuse: string[];
  /** Nodes that do not run and whose output is their pin. */
  pinned: string[];
  /** Nodes that run again (start nodes and everything after them in the subgraph). */
  run: string[];
  /** Why, for every node of the subgraph. */
  reasons: Record<string, Reason>;
}

export const planErrorCodes = ['step_needs_input', 'no_trigger', 'unknown_destination'] as const;
export type PlanErrorCode = (typeof planErrorCodes)[number];

export interface PlanError {
  code: PlanErrorCode;
  message: string;
  /** The node the message is about. */
  nodeId?: string;
}

export type PlanResult = { ok: true; plan: RunPlan } | { ok: false; error: PlanError };

interface Context {
  input: PlanInput;
  /** The whole workflow. */
  graph: PlanGraph;
  /** With disabled nodes bridged: the graph the path rules walk. */
  bridged: PlanGraph;
  dirty: Map<string, Reason>;
  pinned: ReadonlySet<string>;
}

const baseRun = (ctx: Context, id: string): BaseNodeRun | undefined => {
  const runs = ctx.input.base?.runs;
  return runs && Object.hasOwn(runs, id) ? runs[id] : undefined;
};

const nameOf = (ctx: Context, id: string): string => ctx.graph.nodes.get(id)?.name ?? id;

/**
 * find-trigger-for-partial-execution: the destination itself when it is an
 * enabled trigger; else, among its enabled ancestor triggers (in n8n's
 * ancestor order), one the base ran, then a pinned one (webhooks first), then
 * a webhook, then the first. n8n's pinned sort uses a comparator that is not
 * a consistent order; Weft keeps the ancestor order within webhooks and
 * within the rest.
 */
const findTrigger = (ctx: Context, destination: string): string | undefined => {
  const node = ctx.graph.nodes.get(destination);
  if (!node) return undefined;
  if (isTriggerNode(node) && node.disabled !== true) return destination;
  const triggers = ancestorsInN8nOrder(ctx.graph, destination).filter((id) => {
    const n = ctx.graph.nodes.get(id);
    return n !== undefined && isTriggerNode(n) && n.disabled !== true;
  });
  const ran = triggers.find((id) => baseRun(ctx, id) !== undefined);
  if (ran) return ran;
  const isWebhook = (id: string): boolean => ctx.graph.nodes.get(id)?.type.endsWith('webhook') === true;
  const pinnedTriggers = triggers.filter((id) => ctx.pinned.has(id));
  const pinnedPick = pinnedTriggers.find(isWebhook) ?? pinnedTriggers[0];
  if (pinnedPick) return pinnedPick;
  return triggers.find(isWebhook) ?? triggers[0];
};

/**
 * find-subgraph: the nodes on paths from the trigger to the destination. The
 * walk does not pass through the destination (nothing after it, no cycle back
 * into it) or into the trigger. n8n walks each path back from the
 * destination and also keeps a cycle it meets that never reaches the trigger;
 * those nodes could not run, and Weft leaves them out.
 */
const subgraphTo = (bridged: PlanGraph, trigger: string, destination: string): PlanGraph => {
  if (trigger === destination) return restrict(bridged, new Set([trigger]), () => false);
  const keepEdge = (e: PlanEdge): boolean => e.source !== destination && e.target !== trigger;
  const forward = reachable(bridged, [trigger], 'out', keepEdge);
  const backward = reachable(bridged, [destination], 'in', keepEdge);
  const nodes = new Set([...forward].filter((id) => backward.has(id)));
  return restrict(bridged, nodes, keepEdge);
};

/** Everything reachable from the trigger (a full run). */
const subgraphFrom = (bridged: PlanGraph, triggers: readonly string[]): PlanGraph =>
  restrict(bridged, reachable(bridged, triggers, 'out'));

/** n8n's `isALoop`: the node can reach itself. */
const isInCycle = (graph: PlanGraph, id: string): boolean =>
  (graph.out.get(id) ?? []).some((e) => reachable(graph, [e.target], 'out').has(id));

/**
 * find-start-nodes: from the trigger, the first node on each branch that is
 * dirty or is the destination, following only outputs that carried items in
 * the base run (or any output of a pinned node). A Loop Over Items whose
 * `done` output was empty in its last run did not finish, so it starts again
 * itself; when it is not in a loop yet, its `loop` output is what counts.
 */
const findStartNodes = (
  ctx: Context,
  graph: PlanGraph,
  trigger: string,
  destination: string | undefined,
  reasons: Map<string, Reason>,
): Set<string> => {
  const starts = new Set<string>();
  const expanded = new Set<string>();
  const stack = [trigger];
  const start = (id: string, reason: Reason): void => {
    starts.add(id);
    if (!reasons.has(id)) reasons.set(id, reason);
  };
  while (stack.length > 0) {
    const id = stack.pop() as string;
    const dirty = ctx.dirty.get(id);
    if (dirty) {
      start(id, dirty);
      continue;
    }
    if (id === destination) {
      start(id, { kind: 'destination' });
      continue;
    }
    const node = graph.nodes.get(id);
    const run = baseRun(ctx, id);
    if (node?.type === LOOP_NODE_TYPE) {
      const handle = isInCycle(graph, id) ? LOOP_DONE_OUTPUT : LOOP_EACH_OUTPUT;
      if (!(run?.lastOutputsWithData ?? run?.outputsWithData ?? []).includes(handle)) {
        start(id, { kind: 'loopNotDone' });
        continue;
      }
    }
    if (expanded.has(id)) continue;
    expanded.add(id);
    const children = (graph.out.get(id) ?? []).filter(
      (e) => ctx.pinned.has(id) || (run?.outputsWithData ?? []).includes(e.sourceHandle),
    );
    for (let i = children.length - 1; i >= 0; i--) stack.push((children[i] as PlanEdge).target);
  }
  return starts;
};

/**
 * handle-cycles: a start node inside a cycle is replaced by the cycle's first
 * node met depth first from the trigger, so a loop is never re-run from its
 * middle. A node looping onto itself alone is not a cycle here (as in n8n).
 */
const handleCycles = (
  ctx: Context,
  graph: PlanGraph,
  starts: ReadonlySet<string>,
  trigger: string,
  reasons: Map<string, Reason>,
): Set<string> => {
  const cycles = stronglyConnected(graph).filter((c) => c.size > 1);
  const out = new Set(starts);
  for (const id of starts) {
    const cycle = cycles.find((c) => c.has(id));
    if (!cycle) continue;
    const entry = depthFirstFind(graph, trigger, (n) => cycle.has(n));
    if (entry === undefined || entry === id) continue;
    out.delete(id);
    out.add(entry);
    if (!reasons.has(entry) || !ctx.dirty.has(entry)) {
      reasons.set(entry, { kind: 'loopEntry', nodeId: id, name: nameOf(ctx, id) });
    }
  }
  return out;
};

/**
 * clean-run-data, as a list: the start nodes and everything after them in the
 * subgraph run again, with the disabled nodes their edges pass through. A
 * disabled node between a reused parent and a start node runs (passes its
 * items on) again when it is dirty itself, for example when it was just
 * disabled: its base output is what it made while enabled.
 */
const nodesThatRun = (ctx: Context, graph: PlanGraph, starts: ReadonlySet<string>): Set<string> => {
  const run = reachable(graph, starts, 'out');
  for (const e of graph.edges) if (run.has(e.source)) for (const v of e.via) run.add(v);
  for (const s of starts) {
    for (const e of graph.in.get(s) ?? []) {
      const first = e.via.findIndex((v) => ctx.dirty.has(v));
      if (first !== -1) for (const v of e.via.slice(first)) run.add(v);
    }
  }
  return run;
};

const inDefinitionOrder = (ctx: Context, ids: Iterable<string>): string[] => {
  const set = new Set(ids);
  return [...ctx.graph.nodes.keys()].filter((id) => set.has(id));
};

/**
 * The plan's lists. A dirty node is never reused (n8n cleans the run data of
 * the dirty nodes before it looks for start nodes), except by Execute step,
 * which runs the destination on whatever its ancestors last gave.
 */
const finish = (
  ctx: Context,
  graph: PlanGraph,
  starts: ReadonlySet<string>,
  run: ReadonlySet<string>,
  reasons: Map<string, Reason>,
): RunPlan => {
  const subgraph = new Set(graph.nodes.keys());
  for (const e of graph.edges) for (const v of e.via) subgraph.add(v);
  const reuse: string[] = [];
  const pinned: string[] = [];
  for (const id of subgraph) {
    if (run.has(id)) continue;
    if (ctx.pinned.has(id)) {
      pinned.push(id);
      reasons.set(id, { kind: 'pinned' });
    } else if (baseRun(ctx, id)?.ok === true && (ctx.input.scope === 'step' || !ctx.dirty.has(id))) {
      reuse.push(id);
      reasons.set(id, { kind: 'reused' });
    }
  }
  for (const id of run) {
    if (reasons.has(id)) continue;
    const parent = (ctx.graph.in.get(id) ?? []).find((e) => run.has(e.source));
    const dirty = ctx.dirty.get(id);
    reasons.set(
      id,
      dirty ??
        (parent ? { kind: 'after', nodeId: parent.source, name: nameOf(ctx, parent.source) } : { kind: 'destination' }),
    );
  }
  for (const id of subgraph) if (!reasons.has(id)) reasons.set(id, ctx.dirty.get(id) ?? { kind: 'noBaseOutput' });
  const ordered: Record<string, Reason> = Object.create(null) as Record<string, Reason>;
  for (const id of inDefinitionOrder(ctx, subgraph)) ordered[id] = reasons.get(id) as Reason;
  return {
    scope: ctx.input.scope,
    ...(ctx.input.destination === undefined ? {} : { destination: ctx.input.destination }),
    startNodeIds: inDefinitionOrder(ctx, starts),
    subgraph: inDefinitionOrder(ctx, subgraph),
    reuse: inDefinitionOrder(ctx, reuse),
    pinned: inDefinitionOrder(ctx, pinned),
    run: inDefinitionOrder(ctx, run),
    reasons: ordered,
  };
};

/**
 * Execute step: only the destination runs, on its parents' base outputs or
 * pins; every ancestor with one is reused. A parent with neither cannot feed
 * it, and the step is refused (n8n asks to run the parents first).
 */
const planStep = (ctx: Context, destination: string): PlanResult => {
  for (const e of ctx.graph.in.get(destination) ?? []) {
    if (ctx.pinned.has(e.source) || baseRun(ctx, e.source)?.ok === true) continue;
    const name = nameOf(ctx, e.source);
    return {
      ok: false,
      error: {
        code: 'step_needs_input',
        message: `"${name}" has no output to run this step on: run it first, or pin its output`,
        nodeId: e.source,
      },
    };
  }
  const ancestors = reachable(ctx.graph, [destination], 'in');
  const graph = restrict(ctx.graph, ancestors);
  const reasons = new Map<string, Reason>([[destination, ctx.dirty.get(destination) ?? { kind: 'destination' }]]);
  const starts = new Set([destination]);
  return { ok: true, plan: finish(ctx, graph, starts, starts, reasons) };
};

const planToHere = (ctx: Context, destination: string): PlanResult => {
  const reasons = new Map<string, Reason>();
  // A node nothing leads to runs alone (n8n's "Edge Case 1").
  if ((ctx.graph.in.get(destination) ?? []).length === 0) {
    const graph = restrict(ctx.bridged, new Set([destination]), () => false);
    const starts = new Set([destination]);
    reasons.set(destination, ctx.dirty.get(destination) ?? { kind: 'destination' });
    return { ok: true, plan: finish(ctx, graph, starts, starts, reasons) };
  }
  let trigger = findTrigger(ctx, destination);
  // No trigger leads here: start from the nearest ancestor the base ran, as n8n does.
  trigger ??= ancestorsInN8nOrder(ctx.graph, destination).find(
    (id) => baseRun(ctx, id) !== undefined && ctx.bridged.nodes.has(id),
  );
  if (trigger === undefined) {
    return {
      ok: false,
      error: { code: 'no_trigger', message: 'Connect a trigger to run this node', nodeId: destination },
    };
  }
  const graph = subgraphTo(ctx.bridged, trigger, destination);
  const found = findStartNodes(ctx, graph, trigger, destination, reasons);
  const starts = handleCycles(ctx, graph, found, trigger, reasons);
  return { ok: true, plan: finish(ctx, graph, starts, nodesThatRun(ctx, graph, starts), reasons) };
};

/**
 * A whole run: from every trigger without inputs (the engine's default
 * starts), reusing what did not change. n8n runs the whole workflow fresh
 * here; reusing is Weft's default (docs/plans/n8n-daily.md §15.1).
 */
const planAll = (ctx: Context): PlanResult => {
  const triggers = [...ctx.bridged.nodes.values()]
    .filter((n) => isTriggerNode(n) && (ctx.bridged.in.get(n.id) ?? []).length === 0)
    .sort((a, b) => a.position.x - b.position.x || a.position.y - b.position.y)
    .map((n) => n.id);
  if (triggers.length === 0) {
    return { ok: false, error: { code: 'no_trigger', message: 'The workflow has no trigger node to start from' } };
  }
  const reasons = new Map<string, Reason>();
  const graph = subgraphFrom(ctx.bridged, triggers);
  const starts = new Set<string>();
  for (const trigger of triggers) {
    const own = restrict(graph, reachable(graph, [trigger], 'out'));
    const found = findStartNodes(ctx, own, trigger, undefined, reasons);
    for (const id of handleCycles(ctx, own, found, trigger, reasons)) starts.add(id);
  }
  return { ok: true, plan: finish(ctx, graph, starts, nodesThatRun(ctx, graph, starts), reasons) };
};

/**
 * Plans a run against a base run.
 *
 * @example
 * const result = planRun({ definition, fingerprints, base, pins, scope: 'toHere', destination: 'set2' });
 * if (result.ok) job.partial = { startNodeIds: result.plan.startNodeIds, subgraph: result.plan.subgraph, … };
 */
export const planRun = (input: PlanInput): PlanResult => {
  const graph = graphFromDefinition(input.definition);
  const pinned = new Set(Object.keys(input.pins ?? {}).filter((id) => graph.nodes.has(id)));
  const dirty = findDirty({
    graph,
    fingerprints: input.fingerprints,
    base: input.base,
    pinned,
    references: referencesOf(graph, referencedNodes),
  });
  const ctx: Context = { input, graph, bridged: bridgeDisabled(graph), dirty, pinned };
  if (input.scope === 'all') return planAll(ctx);
  const destination = input.destination;
  if (destination === undefined || !graph.nodes.has(destination)) {
    return {
      ok: false,
      error: { code: 'unknown_destination', message: `No node "${destination ?? ''}" to run in this workflow` },
    };
  }
  if (input.scope === 'step') return planStep(ctx, destination);
  // A disabled destination passes its items on; the path rules treat it as enabled so it can be reached.
  if (!ctx.bridged.nodes.has(destination)) {
    ctx.bridged = bridgeDisabled(
      graphFromDefinition({
        ...input.definition,
        nodes: input.definition.nodes.map((n) => (n.id === destination ? { ...n, disabled: false } : n)),
      }),
    );
  }
  return planToHere(ctx, destination);
};
