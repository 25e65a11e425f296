import type { PartialJob } from '#shared/protocol/engine.ts';
import type { WorkflowDefinition } from '#shared/schema/definition.ts';
import { isJsonObject, type Item, type NodeOutput } from '#shared/runs/items.ts';
import { buildGraph, type WorkflowGraph } from './graph.ts';

/**
 * What a partial run (docs/plans/n8n-daily.md §3.3) walks: the plan's
 * subgraph, cut at its destination. The server planned it with
 * shared/src/runs/partial-plan.ts; the engine only restricts itself to it.
 */

/**
 * The definition's graph with only the subgraph's nodes and the edges
 * between them. With a destination, only it and its ancestors are kept and
 * nothing leaves it (a loop back from it would run what comes after).
 */
export const partialGraph = (definition: WorkflowDefinition, partial: PartialJob): WorkflowGraph => {
  const inSubgraph = new Set(partial.subgraph);
  const { destination } = partial;
  let edges = definition.edges.filter(
    (e) => inSubgraph.has(e.source) && inSubgraph.has(e.target) && e.source !== destination,
  );
  let keep: ReadonlySet<string> = inSubgraph;
  if (destination !== undefined) {
    const ancestors = new Set([destination]);
    const todo = [destination];
    for (let id = todo.pop(); id !== undefined; id = todo.pop()) {
      for (const e of edges) {
        if (e.target === id && !ancestors.has(e.source)) {
          ancestors.add(e.source);
          todo.push(e.source);
        }
      }
    }
    keep = new Set([...inSubgraph].filter((id) => ancestors.has(id)));
    edges = edges.filter((e) => keep.has(e.source) && keep.has(e.target));
  }
  return buildGraph({ ...definition, nodes: definition.nodes.filter((n) => keep.has(n.id)), edges });
};

/**
 * Nodes of the subgraph that are neither reused nor pinned and whose parents
 * all are: they run on what their parents hand them, as start nodes do. The
 * plan names its start nodes; this also covers a disabled node the plan runs
 * again between a reused parent and a start node (it passes its items on).
 */
export const fedBySeeds = (graph: WorkflowGraph, partial: PartialJob, pins: ReadonlyMap<string, unknown>): string[] => {
  const seeded = new Set(partial.reuse.map((r) => r.nodeId));
  for (const id of pins.keys()) seeded.add(id);
  return [...graph.byId.values()]
    .filter((g) => !seeded.has(g.node.id) && g.parents.size > 0 && [...g.parents].every((p) => seeded.has(p)))
    .map((g) => g.node.id);
};

/** The nodes a partial run may run: the start nodes and everything after them in its graph. */
export const willRun = (graph: WorkflowGraph, starts: readonly string[]): Set<string> => {
  const found = new Set<string>();
  const todo = [...starts];
  for (let id = todo.pop(); id !== undefined; id = todo.pop()) {
    if (found.has(id)) continue;
    found.add(id);
    for (const list of graph.byId.get(id)?.outgoing.values() ?? []) for (const c of list) todo.push(c.target);
  }
  return found;
};

/**
 * A reused run's output text (items by output handle, as node_runs stores
 * it) as items, or undefined when it is not that shape: it came from
 * storage, and a bad one is not reused rather than trusted.
 */
export const parseStoredOutput = (text: string): NodeOutput | undefined => {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isJsonObject(raw)) return undefined;
  // No prototype: handle names come from the workflow, and "__proto__" must be just a name.
  const output = Object.create(null) as NodeOutput;
  for (const [handle, list] of Object.entries(raw)) {
    if (!Array.isArray(list)) return undefined;
    for (const item of list as unknown[]) if (!isJsonObject(item) || !isJsonObject(item.json)) return undefined;
    output[handle] = list as Item[];
  }
  return output;
};

/**
 * `ids` ordered so that a node comes after its parents among them (the
 * seeds: a reused run's lineage points at its parents'); what a cycle leaves
 * comes last, in the given order.
 */
export const parentsFirst = (graph: WorkflowGraph, ids: readonly string[]): string[] => {
  const among = new Set(ids);
  const waiting = new Map<string, number>();
  for (const id of ids) {
    let n = 0;
    for (const p of graph.byId.get(id)?.parents ?? []) if (among.has(p) && p !== id) n++;
    waiting.set(id, n);
  }
  const out: string[] = [];
  const ready = ids.filter((id) => waiting.get(id) === 0);
  const placed = new Set<string>();
  while (out.length < ids.length) {
    const next = ready.shift() ?? ids.find((id) => !placed.has(id));
    if (next === undefined) break;
    if (placed.has(next)) continue;
    placed.add(next);
    out.push(next);
    const children = new Set<string>();
    for (const list of graph.byId.get(next)?.outgoing.values() ?? []) for (const c of list) children.add(c.target);
    for (const child of children) {
      if (!among.has(child) || placed.has(child) || child === next) continue;
      const left = (waiting.get(child) ?? 1) - 1;
      waiting.set(child, left);
      if (left === 0) ready.push(child);
    }
  }
  return out;
};
