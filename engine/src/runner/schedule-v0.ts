import { MAIN } from '#shared/nodes/types.ts';
import type { Measured, Part, PendingText } from './budget.ts';
import type { GraphNode, WorkflowGraph } from './graph.ts';
import type { Item, NodeOutput } from '#shared/runs/items.ts';
import type { Execution, Schedule } from './schedule.ts';
import { incomingOf, parentNodes, type Incoming } from './parents.ts';
import { firstWaiting, inputOfSlots, placeInWaiting, removeWaiting, type Waiting } from './waiting.ts';

/**
 * What runs next, in n8n's legacy "v0" execution order (n8n-core's
 * WorkflowExecute with `settings.executionOrder` other than "v1": what a
 * workflow saved before n8n 1.0, or imported without the setting, runs by).
 * It differs from v1 (schedule.ts) in these ways:
 *
 * - Breadth first: what is due goes to the back of the queue (n8n's `push`),
 *   in connection order (outputs in order, each output's connections in
 *   order), not sorted by position.
 * - An empty output still delivers to an input other than the first (n8n:
 *   `connectionData.index > 0 && isLegacyExecutionOrder`), so a Merge's
 *   second input counts as arrived with no items.
 * - When a delivery starts a node waiting for its other inputs, each other
 *   input whose branch has not run yet gets its highest node that has not run
 *   queued with one empty item `{ json: {} }` (n8n's "force input node
 *   execution"), unless that node is on the queue already, or hangs below the
 *   node that just ran on an output that was empty.
 * - When nothing is queued, the first waiting node none of whose ancestors
 *   waits runs with what it has, even a Merge that chooses a branch (v0 has
 *   no required inputs).
 *
 * The runner does the rest of v0: a node whose first input is empty does not
 * run (run-workflow.ts) — unless it was released from waiting with nothing
 * delivered to its first input and a later input has items from the node
 * itself or a node below it (a loop coming round, `loopInput`). Waiting entries are numbered and filled as in v1 (waiting.ts).
 */

export type Scheduler = Pick<Schedule, 'start' | 'next' | 'deliver' | 'releaseWaiting'>;

/**
 * Outputs that, in n8n, have only their first output list (a disabled node's,
 * and Always Output Data's on a node that did not run): their other outputs
 * deliver nothing, not even to a later input. Any other output a node left
 * out is an empty list in n8n, which v0 delivers to later inputs.
 */
const firstOnly = new WeakSet<NodeOutput>();
export const onlyFirstOutput = (output: NodeOutput): NodeOutput => {
  firstOnly.add(output);
  return output;
};

const EMPTY_ITEM_TEXT = '[{"json":{}}]';
const EMPTY_ITEM_PART: Part = { text: EMPTY_ITEM_TEXT, bytes: EMPTY_ITEM_TEXT.length };

export class ScheduleV0 implements Scheduler {
  /** The queue; its front (n8n's `shift`) is index 0, new work goes to the back (`push`). */
  private readonly queue: Execution[] = [];
  private readonly waiting: Waiting = new Map();
  /** Node id → each run's output (n8n's runData), for "has it run" and "was its input empty". */
  private readonly runData = new Map<string, NodeOutput[]>();
  /** Node id → input index → connections into it, in n8n's order. */
  private readonly incoming: ReadonlyMap<string, Incoming[][]>;
  private readonly parentsMemo = new Map<string, string[]>();
  private keys = 0;

  constructor(
    private readonly graph: WorkflowGraph,
    private readonly text: PendingText | undefined,
  ) {
    this.incoming = incomingOf(graph);
  }

  private newKey(): string {
    return String(this.keys++);
  }

  start(nodeId: string, items: Item[], part: Part | undefined): void {
    const key = this.newKey();
    const g = this.graph.byId.get(nodeId);
    const handle = g ? firstInput(g) : MAIN;
    if (part) this.text?.add(key, handle, part);
    this.queue.push({ nodeId, key, input: { [handle]: items } });
  }

  next(): Execution | undefined {
    return this.queue.shift();
  }

  deliver(from: GraphNode, output: NodeOutput, measured: Measured): void {
    const id = from.node.id;
    let runs = this.runData.get(id);
    if (!runs) this.runData.set(id, (runs = []));
    const runIndex = runs.length;
    runs.push(output);
    const only = firstOnly.has(output) ? from.firstOutput : undefined;
    for (const handle of from.outputs) {
      if (only !== undefined && handle !== only) continue;
      const items = output[handle] ?? [];
      const part = measured.parts?.get(handle);
      for (const c of from.outgoing.get(handle) ?? []) {
        const target = this.graph.byId.get(c.target);
        if (!target) continue;
        const inputIndex = target.inputIndex.get(c.targetHandle) ?? 0;
        if (items.length === 0 && inputIndex === 0) continue;
        this.add(from, runIndex, target, c.targetHandle, inputIndex, items, part);
      }
    }
  }

  /** n8n's addNodeToBeExecuted, v0 branches. */
  private add(
    from: GraphNode,
    runIndex: number,
    target: GraphNode,
    handle: string,
    inputIndex: number,
    items: Item[],
    part: Part | undefined,
  ): void {
    const id = target.node.id;
    if (target.inputCount <= 1) {
      const key = this.newKey();
      if (part) this.text?.add(key, handle, part);
      const input = Object.create(null) as Record<string, Item[]>;
      input[handle] = items;
      this.queue.push({ nodeId: id, key, input });
      return;
    }
    const delivery = { target, handle, inputIndex, source: from.node.id, items, part };
    const { entry, complete, wasWaiting } = placeInWaiting(this.waiting, delivery, this.text, () => this.newKey());
    if (complete) {
      this.queue.push({ nodeId: id, key: entry.key, input: inputOfSlots(target, entry.slots) });
      return;
    }
    if (!wasWaiting) this.forceInputs(from, runIndex, target, items);
  }

  /**
   * n8n v0's "force input node execution": for each other input of `target`
   * whose branch has not run, queue that branch's highest node that has not
   * run, with one empty item.
   */
  private forceInputs(from: GraphNode, runIndex: number, target: GraphNode, items: Item[]): void {
    const parent = from.node.id;
    const children: string[] = [];
    for (const handle of from.outputs) for (const c of from.outgoing.get(handle) ?? []) children.push(c.target);
    for (const list of this.incoming.get(target.node.id) ?? []) {
      for (const conn of list) {
        const node = conn.source;
        if (node === parent) continue;
        const queued = new Set(this.queue.map((e) => e.nodeId));
        if (children.includes(node) && !this.incomingIsEmpty(this.incoming.get(node)?.[0] ?? [], runIndex)) continue;
        if (queued.has(node) || this.runData.has(node)) continue;
        const chain = [...this.parentsOf(node), node].reverse();
        let toAdd: string | undefined = node;
        for (const p of chain) {
          if ((p !== node && children.includes(p)) || queued.has(p)) {
            toAdd = undefined;
            break;
          }
          if (this.runData.has(p)) break;
          toAdd = p;
        }
        if (toAdd === undefined) continue;
        if (this.parentsOf(toAdd).includes(parent) && items.length === 0) continue;
        const into = this.incoming.get(toAdd);
        if (into !== undefined && !this.incomingIsEmpty(into[0] ?? [], runIndex)) continue;
        const g = this.graph.byId.get(toAdd);
        if (!g) continue;
        const key = this.newKey();
        const handle = firstInput(g);
        this.text?.add(key, handle, EMPTY_ITEM_PART);
        const input = Object.create(null) as Record<string, Item[]>;
        input[handle] = [{ json: {} }];
        this.queue.push({ nodeId: toAdd, key, input });
      }
    }
  }

  /** n8n's incomingConnectionIsEmpty: none of the connections' sources put items out in run `runIndex`. */
  private incomingIsEmpty(connections: Incoming[], runIndex: number): boolean {
    for (const c of connections) {
      const output = this.runData.get(c.source)?.[runIndex];
      const handle = this.graph.byId.get(c.source)?.outputs[c.output];
      const items = output && handle !== undefined ? output[handle] : undefined;
      if (items !== undefined && items.length !== 0) return false;
    }
    return true;
  }

  /** n8n's getParentNodes: every ancestor, the farthest first (its getConnectedNodes order). */
  private parentsOf(id: string): string[] {
    let found = this.parentsMemo.get(id);
    if (!found) {
      found = parentNodes(this.incoming, id);
      this.parentsMemo.set(id, found);
    }
    return found;
  }

  releaseWaiting(): void {
    if (this.queue.length > 0 || this.waiting.size === 0) return;
    let ids = [...this.waiting.keys()];
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i] as string;
      const g = this.graph.byId.get(id);
      const entries = this.waiting.get(id);
      if (!g || !entries) continue;
      if (this.parentsOf(id).some((a) => this.waiting.has(a))) continue;
      const entry = firstWaiting(entries);
      if (!entry) continue;
      removeWaiting(this.waiting, id, entry);
      if (entry.slots.some((s) => s !== null && s.length > 0)) {
        const input = inputOfSlots(g, entry.slots);
        for (const [handle] of g.inputIndex) input[handle] ??= [];
        this.queue.push({ nodeId: id, key: entry.key, input, sources: entry.sources });
        return;
      }
      this.text?.take(entry.key);
      ids = [...this.waiting.keys()];
      i = -1;
    }
  }
}

/** The handle of a node's first input (n8n's input 0). */
export const firstInput = (g: GraphNode): string => {
  for (const [handle, index] of g.inputIndex) if (index === 0) return handle;
  return MAIN;
};

/**
 * n8n v0's prepareConnectionInputData for a node whose first input is empty:
 * when nothing was delivered to that input (`source.main[0] === null`, a
 * waiting entry released without it), the first later input with items that
 * came from the node itself or one of its descendants — a loop — is what the
 * node reads instead, and it runs. Returns that input's handle.
 */
export const loopInput = (graph: WorkflowGraph, g: GraphNode, execution: Execution): string | undefined => {
  const { sources } = execution;
  if (!sources || sources[0] !== null) return undefined;
  let below: Set<string> | undefined;
  for (const [handle, index] of [...g.inputIndex].sort((a, b) => a[1] - b[1])) {
    const source = sources[index];
    if (index === 0 || !source || !execution.input[handle]?.length) continue;
    below ??= descendantsOf(graph, g.node.id);
    if (source === g.node.id || below.has(source)) return handle;
  }
  return undefined;
};

/** Every node reachable from `id` (n8n's getChildNodes, as a set: only membership is asked). */
const descendantsOf = (graph: WorkflowGraph, id: string): Set<string> => {
  const found = new Set<string>();
  const queue = [id];
  while (queue.length > 0) {
    const at = graph.byId.get(queue.pop() as string);
    if (!at) continue;
    for (const list of at.outgoing.values())
      for (const c of list) {
        if (found.has(c.target)) continue;
        found.add(c.target);
        queue.push(c.target);
      }
  }
  return found;
};
