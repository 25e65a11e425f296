import { getNodeDefinition } from '../nodes/catalog.ts';
import type { DefinitionNode, WorkflowDefinition } from '../schema/definition.ts';

/**
 * The graph a run plan walks: nodes by id, edges with their handles, and for
 * an edge that stands for a chain through disabled nodes, that chain (`via`).
 * Built once per plan; functions here never mutate a graph they are given.
 */

export interface PlanEdge {
  source: string;
  sourceHandle: string;
  target: string;
  targetHandle: string;
  /** The target's input number (its port order): n8n orders parents by it. */
  inputIndex: number;
  /** Disabled nodes this edge passes through, in order, after bridging. */
  via: readonly string[];
}

export interface PlanGraph {
  /** Nodes in definition order. */
  nodes: ReadonlyMap<string, DefinitionNode>;
  edges: readonly PlanEdge[];
  out: ReadonlyMap<string, readonly PlanEdge[]>;
  in: ReadonlyMap<string, readonly PlanEdge[]>;
}

const isAnnotation = (node: DefinitionNode): boolean => getNodeDefinition(node.type)?.annotation === true;
export const isTriggerNode = (node: DefinitionNode): boolean => getNodeDefinition(node.type)?.trigger === true;

export const makeGraph = (nodes: Iterable<DefinitionNode>, edges: readonly PlanEdge[]): PlanGraph => {
  const byId = new Map<string, DefinitionNode>();
  const out = new Map<string, PlanEdge[]>();
  const inc = new Map<string, PlanEdge[]>();
  for (const node of nodes) {
    byId.set(node.id, node);
    out.set(node.id, []);
    inc.set(node.id, []);
  }
  const kept: PlanEdge[] = [];
  for (const edge of edges) {
    const from = out.get(edge.source);
    const to = inc.get(edge.target);
    if (!from || !to) continue;
    from.push(edge);
    to.push(edge);
    kept.push(edge);
  }
  return { nodes: byId, edges: kept, out, in: inc };
};

/** The definition as a graph; sticky notes never run and are left out. */
export const graphFromDefinition = (definition: WorkflowDefinition): PlanGraph => {
  const nodes = definition.nodes.filter((n) => !isAnnotation(n));
  // Inputs never depend on parameters (only outputs do, see nodes/ports.ts).
  const inputIndex = new Map(nodes.map((n) => [n.id, (getNodeDefinition(n.type)?.inputs ?? []).map((p) => p.name)]));
  const edges: PlanEdge[] = [];
  for (const e of definition.edges) {
    const inputs = inputIndex.get(e.target);
    if (!inputs || !inputIndex.has(e.source)) continue;
    const index = inputs.indexOf(e.targetHandle);
    edges.push({ ...e, inputIndex: index === -1 ? inputs.length : index, via: [] });
  }
  return makeGraph(nodes, edges);
};

// Ids and handles cannot contain a space (ID_PATTERN, HANDLE_PATTERN). The chain is part of the key: a path
// through a disabled node beside a direct edge between the same handles is a second delivery when the workflow
// runs, and the engine must keep that disabled node in a partial run's subgraph to pass its items on.
const edgeKey = (e: PlanEdge): string =>
  `${e.source} ${e.sourceHandle} ${e.inputIndex} ${e.targetHandle} ${e.target} ${e.via.join(' ')}`;

/**
 * n8n's `filter-disabled-nodes.ts`: each disabled node is taken out and every
 * parent is connected to every child in its place, so paths through it still
 * count. Triggers stay even when disabled: they have no parents to bridge
 * from, and the engine starts a full run at them as at any other trigger.
 * An edge from a node to itself through a disabled node is dropped.
 */
export const bridgeDisabled = (graph: PlanGraph): PlanGraph => {
  const disabled = [...graph.nodes.values()].filter((n) => n.disabled === true && !isTriggerNode(n));
  if (disabled.length === 0) return graph;
  const nodes = new Map(graph.nodes);
  let edges = new Map(graph.edges.map((e) => [edgeKey(e), e]));
  for (const node of disabled) {
    const incoming = [...edges.values()].filter((e) => e.target === node.id && e.source !== node.id);
    const outgoing = [...edges.values()].filter((e) => e.source === node.id && e.target !== node.id);
    const next = new Map([...edges].filter(([, e]) => e.source !== node.id && e.target !== node.id));
    for (const a of incoming) {
      for (const b of outgoing) {
        const bridged: PlanEdge = {
          source: a.source,
          sourceHandle: a.sourceHandle,
          target: b.target,
          targetHandle: b.targetHandle,
          inputIndex: b.inputIndex,
          via: [...a.via, node.id, ...b.via],
        };
        const key = edgeKey(bridged);
        if (!next.has(key)) next.set(key, bridged);
      }
    }
    edges = next;
    nodes.delete(node.id);
  }
  return makeGraph(nodes.values(), [...edges.values()]);
};

/** The graph restricted to some nodes and some of the edges between them. */
export const restrict = (
  graph: PlanGraph,
  keep: ReadonlySet<string>,
  edgeFilter: (e: PlanEdge) => boolean = () => true,
): PlanGraph =>
  makeGraph(
    [...graph.nodes.values()].filter((n) => keep.has(n.id)),
    graph.edges.filter((e) => keep.has(e.source) && keep.has(e.target) && edgeFilter(e)),
  );

/** Every node reachable from `from` (included) along edges that pass `follow`. */
export const reachable = (
  graph: PlanGraph,
  from: Iterable<string>,
  direction: 'out' | 'in',
  follow: (e: PlanEdge) => boolean = () => true,
): Set<string> => {
  const seen = new Set<string>();
  const stack = [...from].filter((id) => graph.nodes.has(id));
  while (stack.length > 0) {
    const id = stack.pop() as string;
    if (seen.has(id)) continue;
    seen.add(id);
    for (const e of (direction === 'out' ? graph.out : graph.in).get(id) ?? []) {
      if (follow(e)) stack.push(direction === 'out' ? e.target : e.source);
    }
  }
  return seen;
};

/**
 * Strongly connected components (Tarjan's algorithm, iterative so a long
 * chain cannot overflow the stack), in the order Tarjan closes them.
 */
export const stronglyConnected = (graph: PlanGraph): Set<string>[] => {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: Set<string>[] = [];
  for (const root of graph.nodes.keys()) {
    if (index.has(root)) continue;
    const work: { id: string; next: number }[] = [{ id: root, next: 0 }];
    index.set(root, counter);
    low.set(root, counter++);
    stack.push(root);
    onStack.add(root);
    while (work.length > 0) {
      const frame = work[work.length - 1] as { id: string; next: number };
      const children = graph.out.get(frame.id) ?? [];
      if (frame.next < children.length) {
        const child = (children[frame.next++] as PlanEdge).target;
        if (!index.has(child)) {
          index.set(child, counter);
          low.set(child, counter++);
          stack.push(child);
          onStack.add(child);
          work.push({ id: child, next: 0 });
        } else if (onStack.has(child)) {
          low.set(frame.id, Math.min(low.get(frame.id) as number, index.get(child) as number));
        }
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.id, Math.min(low.get(parent.id) as number, low.get(frame.id) as number));
      if (low.get(frame.id) === index.get(frame.id)) {
        const component = new Set<string>();
        let member: string;
        do {
          member = stack.pop() as string;
          onStack.delete(member);
          component.add(member);
        } while (member !== frame.id);
        components.push(component);
      }
    }
  }
  return components;
};

/** The first node, depth first from `from` (children in edge order), that `match` accepts. */
export const depthFirstFind = (graph: PlanGraph, from: string, match: (id: string) => boolean): string | undefined => {
  const seen = new Set<string>();
  const stack = [from];
  while (stack.length > 0) {
    const id = stack.pop() as string;
    if (seen.has(id)) continue;
    seen.add(id);
    if (match(id)) return id;
    const children = (graph.out.get(id) ?? []).map((e) => e.target);
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i] as string);
  }
  return undefined;
};

/**
 * A node's ancestors in the order n8n's `Workflow.getParentNodes` lists them
 * (its `getConnectedNodes` over the connections by destination), which
 * n8n's trigger choice depends on. n8n builds the list by moving each parent
 * to the front as it meets it, inputs in order, with the parent's own
 * ancestors in front of it; the first place a node ends up in is where it
 * was last met. That is the same as a post-order walk over the parents in
 * reverse order keeping each node's first appearance, which this does in
 * linear time and without recursion. (In a cycle n8n's list also depends on
 * which path its cache saw first; this keeps the walk's order.)
 */
export const ancestorsInN8nOrder = (graph: PlanGraph, id: string): string[] => {
  const parentsOf = (node: string): string[] =>
    [...(graph.in.get(node) ?? [])]
      .map((e, order) => ({ e, order }))
      .sort((a, b) => a.e.inputIndex - b.e.inputIndex || a.order - b.order)
      .map(({ e }) => e.source)
      .reverse();
  const out: string[] = [];
  const state = new Map<string, 'open' | 'done'>([[id, 'open']]);
  const stack: { node: string; parents: string[]; next: number }[] = [{ node: id, parents: parentsOf(id), next: 0 }];
  while (stack.length > 0) {
    const frame = stack[stack.length - 1] as { node: string; parents: string[]; next: number };
    if (frame.next < frame.parents.length) {
      const parent = frame.parents[frame.next++] as string;
      if (state.has(parent)) continue;
      state.set(parent, 'open');
      stack.push({ node: parent, parents: parentsOf(parent), next: 0 });
      continue;
    }
    stack.pop();
    if (frame.node !== id) {
      state.set(frame.node, 'done');
      out.push(frame.node);
    }
  }
  return out;
};
