import { getNodeDefinition } from '#shared/nodes/catalog.ts';
import { nodePorts } from '#shared/nodes/ports.ts';
import { MAIN } from '#shared/nodes/types.ts';
import type { DefinitionNode, WorkflowDefinition } from '#shared/schema/definition.ts';

/**
 * A definition as the runner walks it: nodes by id and name, and each node's
 * outgoing connections per output, outputs in port order and each output's
 * targets in edge order (n8n's connection order; the runner sorts what is
 * due by position as n8n does, see schedule.ts).
 */

export interface Connection {
  target: string;
  targetHandle: string;
}

export interface GraphNode {
  node: DefinitionNode;
  /** Output handle → targets, outputs in port order. */
  outgoing: Map<string, Connection[]>;
  /** Input handles that have at least one edge. */
  connectedInputs: Set<string>;
  /** Input handle → its index (n8n's input number, from 0). */
  inputIndex: Map<string, number>;
  /** 1 + the highest connected input index: n8n holds a node with more than one back until each has items. */
  inputCount: number;
  /** Nodes with an edge into this one. */
  parents: Set<string>;
  /** Output handles in port order (for routing a disabled node's items to its first output). */
  outputs: string[];
  /** The first output: what `$('Node')` and the webhook's default answer read. */
  firstOutput: string;
}

export interface WorkflowGraph {
  byId: Map<string, GraphNode>;
  byName: Map<string, GraphNode>;
  /** Triggers without inputs, left to right: where a run starts when no start node is named. */
  defaultStarts: string[];
  /** Nodes with an outgoing edge, in the order of their first edge (n8n's `connections` keys). */
  sourceOrder: string[];
}

/** Nodes that never run: annotations. */
const isAnnotation = (node: DefinitionNode): boolean => node.type === 'stickyNote';

export const buildGraph = (definition: WorkflowDefinition): WorkflowGraph => {
  const byId = new Map<string, GraphNode>();
  const byName = new Map<string, GraphNode>();
  for (const node of definition.nodes) {
    if (isAnnotation(node)) continue;
    const ports = nodePorts(node);
    const g: GraphNode = {
      node,
      outgoing: new Map(ports.outputs.map((p) => [p.name, []])),
      connectedInputs: new Set(),
      inputIndex: new Map(ports.inputs.map((p, i) => [p.name, i])),
      inputCount: 0,
      parents: new Set(),
      outputs: ports.outputs.map((p) => p.name),
      firstOutput: MAIN,
    };
    byId.set(node.id, g);
    byName.set(node.name, g);
  }
  const sources = new Set<string>();
  for (const edge of definition.edges) {
    const source = byId.get(edge.source);
    const target = byId.get(edge.target);
    if (!source || !target) continue;
    sources.add(edge.source);
    let list = source.outgoing.get(edge.sourceHandle);
    if (!list) {
      // Unsupported node types have handles the catalog does not know.
      list = [];
      source.outgoing.set(edge.sourceHandle, list);
      source.outputs.push(edge.sourceHandle);
    }
    list.push({ target: edge.target, targetHandle: edge.targetHandle });
    target.connectedInputs.add(edge.targetHandle);
    target.parents.add(edge.source);
    let index = target.inputIndex.get(edge.targetHandle);
    if (index === undefined) {
      // Unsupported node types: the importer names input n+1 "input<n+1>"; other names come next, in edge order.
      const numbered = /^input(\d+)$/.exec(edge.targetHandle);
      index = numbered ? Math.min(1000, Math.max(0, Number(numbered[1]) - 1)) : target.inputIndex.size;
      target.inputIndex.set(edge.targetHandle, index);
    }
    target.inputCount = Math.max(target.inputCount, index + 1);
  }
  for (const g of byId.values()) g.firstOutput = g.outputs[0] ?? MAIN;
  const defaultStarts = [...byId.values()]
    .filter((g) => isTrigger(g.node) && g.connectedInputs.size === 0)
    .sort((a, b) => a.node.position.x - b.node.position.x || a.node.position.y - b.node.position.y)
    .map((g) => g.node.id);
  return { byId, byName, defaultStarts, sourceOrder: [...sources] };
};

/** Snapshots never change, so a definition's graph is built once however often it runs. */
const graphs = new WeakMap<WorkflowDefinition, WorkflowGraph>();
export const graphOf = (definition: WorkflowDefinition): WorkflowGraph => {
  let graph = graphs.get(definition);
  if (!graph) {
    graph = buildGraph(definition);
    graphs.set(definition, graph);
  }
  return graph;
};

/** Trigger nodes: where runs start. */
export const isTrigger = (node: DefinitionNode): boolean => getNodeDefinition(node.type)?.category === 'trigger';
