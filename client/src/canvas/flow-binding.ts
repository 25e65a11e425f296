import type { Edge, EdgeChange, Node, NodeChange, XYPosition } from '@xyflow/react';
import * as Y from 'yjs';
import { getNodeDefinition, hasInput, hasOutput } from '#shared/nodes/index.ts';
import { origins } from '#shared/origins.ts';
import {
  disconnect,
  edgesMap,
  getNodeMap,
  moveNode,
  NodeKey,
  nodesMap,
  readEdgeValue,
  readNodeMap,
  readPosition,
  type EdgeValue,
  type NodeSnapshot,
} from '#shared/schema/index.ts';
import { initialSize } from './node-size.ts';

/**
 * The incremental binding between a workflow's Y.Doc and React Flow.
 *
 * React Flow re-renders a node only when its object changes, so the binding
 * keeps one object per node and replaces just the ones a transaction touched:
 * a remote edit of one node re-renders that node, not the graph. Local-only
 * state (selection, measured size, the position while dragging) lives beside
 * the document state and is merged into the same objects.
 *
 * Drags stream: positions show locally at once and are written to the document
 * at most every `dragWriteMs`, the last one at the drop. While a node is being
 * dragged here its local position wins over older positions arriving from the
 * network, so it does not jump back under the pointer.
 */

/** What a node shows and edits, without its position: a move alone keeps this object. */
export type NodeContent = Omit<NodeSnapshot, 'position'>;

export interface FlowNodeData extends Record<string, unknown> {
  node: NodeContent;
}

export type FlowNode = Node<FlowNodeData, 'workflow'>;
export type FlowEdge = Edge;

export interface FlowSnapshot {
  nodes: FlowNode[];
  edges: FlowEdge[];
}

interface LocalNodeState {
  selected?: boolean;
  measured?: { width?: number; height?: number };
  dragging?: boolean;
  dragPosition?: XYPosition;
}

export interface FlowBindingOptions {
  /** Least time between two position writes while dragging (the drop is always written). */
  dragWriteMs?: number;
  /** Called when a drag starts and ends, so the undo manager can make one step of it. */
  onDragBoundary?: (phase: 'start' | 'end') => void;
  now?: () => number;
}

const sameIds = (a: ReadonlySet<string>, b: readonly string[]): boolean =>
  a.size === b.length && b.every((id) => a.has(id));

export class FlowBinding {
  private readonly docNodes = new Map<string, NodeSnapshot>();
  private readonly contents = new Map<string, NodeContent>();
  private readonly local = new Map<string, LocalNodeState>();
  private readonly nodeObjects = new Map<string, FlowNode>();
  private readonly edgeObjects = new Map<string, FlowEdge>();
  private readonly selectedEdges = new Set<string>();
  private snapshot: FlowSnapshot = { nodes: [], edges: [] };
  private nodesDirty = true;
  private edgesDirty = true;
  private readonly listeners = new Set<() => void>();
  private readonly dragWriteMs: number;
  private readonly now: () => number;
  private lastDragWrite = 0;
  private dragTimer: ReturnType<typeof setTimeout> | undefined;
  private inDrag = false;
  private destroyed = false;

  constructor(
    readonly doc: Y.Doc,
    private readonly options: FlowBindingOptions = {},
  ) {
    this.dragWriteMs = options.dragWriteMs ?? 50;
    this.now = options.now ?? (() => performance.now());
    for (const [id, value] of nodesMap(doc).entries()) {
      const node = readNodeMap(id, value);
      if (node) this.setDocNode(node);
    }
    for (const id of this.docNodes.keys()) this.rebuildNode(id);
    this.rebuildAllEdges();
    this.publish();
    nodesMap(doc).observeDeep(this.onNodesEvents);
    edgesMap(doc).observe(this.onEdgesEvent);
  }

  // ---- reading -------------------------------------------------------------

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): FlowSnapshot => this.snapshot;

  /** What one node shows and edits (a new object after each change of it, except a move). */
  getNode = (id: string): NodeContent | undefined => this.contents.get(id);

  /** Whether a drag is in progress here (the editor holds back heavy panels until the drop). */
  isDragging = (): boolean => this.inDrag;

  selectedNodeIds(): string[] {
    return [...this.local].filter(([id, s]) => s.selected && this.docNodes.has(id)).map(([id]) => id);
  }

  selectedEdgeIds(): string[] {
    return [...this.selectedEdges].filter((id) => this.edgeObjects.has(id));
  }

  // ---- changes from React Flow ----------------------------------------------

  /** React Flow's node changes: selection and sizes stay local, drags stream into the document. */
  applyNodeChanges = (changes: readonly NodeChange<FlowNode>[]): void => {
    const touched = new Set<string>();
    let dragEnded = false;
    for (const change of changes) {
      if (change.type === 'select') {
        this.localOf(change.id).selected = change.selected;
        touched.add(change.id);
      } else if (change.type === 'dimensions') {
        if (change.dimensions) this.localOf(change.id).measured = { ...change.dimensions };
        touched.add(change.id);
      } else if (change.type === 'position') {
        const state = this.localOf(change.id);
        if (change.dragging) {
          if (!this.inDrag) {
            this.inDrag = true;
            this.options.onDragBoundary?.('start');
          }
          state.dragging = true;
          if (change.position) state.dragPosition = { ...change.position };
        } else {
          if (change.position) state.dragPosition = { ...change.position };
          state.dragging = false;
          dragEnded = true;
        }
        touched.add(change.id);
      }
      // 'remove' is handled by deleteSelection (one transaction for nodes and edges);
      // 'add' and 'replace' never come from React Flow for a controlled graph.
    }
    if (dragEnded) this.endDrag();
    else if (this.inDrag) this.scheduleDragWrite();
    for (const id of touched) this.rebuildNode(id);
    if (touched.size > 0) this.publish();
  };

  applyEdgeChanges = (changes: readonly EdgeChange<FlowEdge>[]): void => {
    let changed = false;
    for (const change of changes) {
      if (change.type !== 'select') continue;
      if (change.selected) this.selectedEdges.add(change.id);
      else this.selectedEdges.delete(change.id);
      const edge = this.edgeObjects.get(change.id);
      if (edge && (edge.selected ?? false) !== change.selected) {
        this.edgeObjects.set(change.id, { ...edge, selected: change.selected });
        this.edgesDirty = true;
        changed = true;
      }
    }
    if (changed) this.publish();
  };

  /** Selects exactly these nodes (and no edges), as after a paste. */
  select(nodeIds: readonly string[]): void {
    const wanted = new Set(nodeIds);
    const current = this.selectedNodeIds();
    if (sameIds(wanted, current) && this.selectedEdges.size === 0) return;
    for (const id of new Set([...current, ...wanted])) {
      this.localOf(id).selected = wanted.has(id);
      this.rebuildNode(id);
    }
    for (const id of this.selectedEdges) {
      const edge = this.edgeObjects.get(id);
      if (edge) this.edgeObjects.set(id, { ...edge, selected: false });
      this.edgesDirty = true;
    }
    this.selectedEdges.clear();
    this.publish();
  }

  /** Deletes nodes (with their edges) and edges in one transaction: one undo step. */
  deleteElements(nodeIds: readonly string[], edgeIds: readonly string[]): void {
    if (nodeIds.length === 0 && edgeIds.length === 0) return;
    this.doc.transact(() => {
      const edges = edgesMap(this.doc);
      const gone = new Set(nodeIds);
      for (const [key, value] of [...edges.entries()]) {
        const edge = readEdgeValue(value);
        if (edge && (gone.has(edge.source) || gone.has(edge.target))) edges.delete(key);
      }
      for (const id of edgeIds) disconnect(this.doc, id, origins.ui);
      for (const id of nodeIds) nodesMap(this.doc).delete(id);
    }, origins.ui);
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    clearTimeout(this.dragTimer);
    nodesMap(this.doc).unobserveDeep(this.onNodesEvents);
    edgesMap(this.doc).unobserve(this.onEdgesEvent);
    this.listeners.clear();
  }

  // ---- drags -----------------------------------------------------------------

  private scheduleDragWrite(): void {
    const wait = this.lastDragWrite + this.dragWriteMs - this.now();
    if (wait <= 0) {
      this.writeDragPositions();
      return;
    }
    if (this.dragTimer === undefined) {
      this.dragTimer = setTimeout(() => {
        this.dragTimer = undefined;
        this.writeDragPositions();
      }, wait);
    }
  }

  private writeDragPositions(): void {
    clearTimeout(this.dragTimer);
    this.dragTimer = undefined;
    this.lastDragWrite = this.now();
    const moves: [string, XYPosition][] = [];
    for (const [id, state] of this.local) {
      if (state.dragPosition && this.docNodes.has(id)) moves.push([id, state.dragPosition]);
    }
    if (moves.length === 0) return;
    this.doc.transact(() => {
      for (const [id, position] of moves) {
        const current = this.docNodes.get(id)?.position;
        if (current?.x !== position.x || current.y !== position.y) moveNode(this.doc, id, position, origins.ui);
      }
    }, origins.ui);
  }

  private endDrag(): void {
    this.writeDragPositions();
    for (const [id, state] of this.local) {
      if (state.dragging) continue;
      if (state.dragPosition) {
        state.dragPosition = undefined;
        this.rebuildNode(id);
      }
    }
    if ([...this.local.values()].every((s) => !s.dragging) && this.inDrag) {
      this.inDrag = false;
      this.options.onDragBoundary?.('end');
    }
  }

  // ---- changes from the document --------------------------------------------

  private readonly onNodesEvents = (events: Y.YEvent<Y.AbstractType<unknown>>[]): void => {
    const nodes = nodesMap(this.doc);
    const changed = new Set<string>();
    const moved = new Set<string>();
    for (const event of events) {
      if (event.target === nodes) {
        for (const key of event.keys.keys()) changed.add(key);
        continue;
      }
      // A change inside a node (its map, parameters, texts): the path starts with its id.
      const id: unknown = event.path[0];
      if (typeof id !== 'string') continue;
      const keys = event.path.length === 1 ? [...event.keys.keys()] : [];
      if (keys.length === 1 && keys[0] === NodeKey.position) moved.add(id);
      else changed.add(id);
    }
    // Moves alone (the stream of a drag): new position, same content, so forms and labels do not re-render.
    for (const id of moved) {
      const had = this.docNodes.get(id);
      if (changed.has(id) || !had) continue;
      this.docNodes.set(id, { ...had, position: readPosition(getNodeMap(this.doc, id)?.get(NodeKey.position)) });
      this.rebuildNode(id);
    }
    const existence = new Set<string>();
    for (const id of changed) {
      const had = this.docNodes.get(id);
      const node = readNodeMap(id, nodes.get(id));
      if (node) this.setDocNode(node);
      else {
        this.docNodes.delete(id);
        this.contents.delete(id);
      }
      if (!node) {
        this.local.delete(id);
        this.nodeObjects.delete(id);
        this.nodesDirty = true;
      } else this.rebuildNode(id);
      // Edges depend on whether their ends exist and on the end's type (its handles).
      if (!had || !node || had.type !== node.type) existence.add(id);
    }
    if (existence.size > 0) this.rebuildEdgesTouching(existence);
    this.publish();
  };

  private readonly onEdgesEvent = (event: Y.YMapEvent<EdgeValue>): void => {
    for (const key of event.keys.keys()) this.rebuildEdge(key);
    this.publish();
  };

  // ---- building React Flow objects -------------------------------------------

  private setDocNode(node: NodeSnapshot): void {
    this.docNodes.set(node.id, node);
    const { position: _position, ...content } = node;
    this.contents.set(node.id, content);
  }

  private localOf(id: string): LocalNodeState {
    let state = this.local.get(id);
    if (!state) {
      state = {};
      this.local.set(id, state);
    }
    return state;
  }

  private rebuildNode(id: string): void {
    this.nodesDirty = true;
    const node = this.docNodes.get(id);
    if (!node) {
      this.nodeObjects.delete(id);
      return;
    }
    const state = this.local.get(id) ?? {};
    const def = getNodeDefinition(node.type);
    const size = initialSize(node, def?.annotation === true);
    const object: FlowNode = {
      id,
      type: 'workflow',
      position: state.dragPosition ?? node.position,
      data: this.dataOf(id),
      selected: state.selected ?? false,
      dragging: state.dragging ?? false,
      initialWidth: size.width,
      initialHeight: size.height,
      // Sticky notes sit behind the graph.
      zIndex: def?.annotation ? -1 : 0,
    };
    if (state.measured) object.measured = state.measured;
    this.nodeObjects.set(id, object);
  }

  /** One data object per content object, so a move keeps `data` and the node's own render. */
  private readonly dataCache = new WeakMap<NodeContent, FlowNodeData>();
  private dataOf(id: string): FlowNodeData {
    const content = this.contents.get(id) as NodeContent;
    let data = this.dataCache.get(content);
    if (!data) {
      data = { node: content };
      this.dataCache.set(content, data);
    }
    return data;
  }

  private edgeVisible(edge: EdgeValue): boolean {
    const source = this.docNodes.get(edge.source);
    const target = this.docNodes.get(edge.target);
    return (
      source !== undefined &&
      target !== undefined &&
      hasOutput(source.type, edge.sourceHandle) &&
      hasInput(target.type, edge.targetHandle)
    );
  }

  private rebuildEdge(key: string): void {
    this.edgesDirty = true;
    const edge = readEdgeValue(edgesMap(this.doc).get(key));
    if (!edge || !this.edgeVisible(edge)) {
      this.edgeObjects.delete(key);
      return;
    }
    this.edgeObjects.set(key, {
      id: key,
      source: edge.source,
      sourceHandle: edge.sourceHandle,
      target: edge.target,
      targetHandle: edge.targetHandle,
      selected: this.selectedEdges.has(key),
      className: edge.sourceHandle === 'error' ? 'edge-error' : undefined,
    });
  }

  private rebuildAllEdges(): void {
    this.edgesDirty = true;
    this.edgeObjects.clear();
    for (const key of edgesMap(this.doc).keys()) this.rebuildEdge(key);
  }

  private rebuildEdgesTouching(nodeIds: ReadonlySet<string>): void {
    for (const [key, value] of edgesMap(this.doc).entries()) {
      const edge = readEdgeValue(value);
      if (edge && (nodeIds.has(edge.source) || nodeIds.has(edge.target))) this.rebuildEdge(key);
    }
  }

  /**
   * A new snapshot for what changed: React Flow rebuilds its edge lookups
   * whenever the edges array changes, so an unchanged part keeps its array.
   */
  private publish(): void {
    if (!this.nodesDirty && !this.edgesDirty) return;
    this.snapshot = {
      nodes: this.nodesDirty ? [...this.nodeObjects.values()] : this.snapshot.nodes,
      edges: this.edgesDirty ? [...this.edgeObjects.values()] : this.snapshot.edges,
    };
    this.nodesDirty = false;
    this.edgesDirty = false;
    for (const listener of this.listeners) listener();
  }
}
