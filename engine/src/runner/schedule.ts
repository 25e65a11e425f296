import { MAIN } from '#shared/nodes/types.ts';
import type { Measured, Part, PendingText } from './budget.ts';
import type { GraphNode, WorkflowGraph } from './graph.ts';
import type { Item, JsonObject, NodeOutput } from '#shared/runs/items.ts';
import { incomingOf, parentNodes, type Incoming } from './parents.ts';
import { firstWaiting, inputOfSlots, placeInWaiting, removeWaiting, type Waiting } from './waiting.ts';

/**
 * What runs next, in n8n's v1 execution order (n8n-core's WorkflowExecute):
 *
 * - Every delivery is its own run: a node fed by both outputs of an IF, or
 *   by two branches, runs once per branch, each run with that branch's items.
 * - After a node runs, the targets of its non-empty outputs are sorted by
 *   canvas position with n8n's comparator and put at the front of the stack
 *   one by one, so the top-most (then left-most) target runs first and its
 *   whole branch runs before the next target's (depth first).
 * - A node with more than one input (1 + its highest connected input) is held
 *   in a waiting entry until every input has items. A delivery fills the
 *   first entry whose slot for that input is still empty, or starts a new one.
 * - When the stack is empty, the first waiting node none of whose ancestors
 *   also waits runs with what its first entry has (missing inputs empty) —
 *   unless it needs all its inputs (Merge "choose branch"): then it never runs.
 */

export interface Execution {
  nodeId: string;
  /** Key of the execution's input text in PendingText. */
  key: string;
  /** Items by input handle. */
  input: Record<string, Item[]>;
  /** v0, a waiting entry's run: the node that delivered each input (null: none did). */
  sources?: (string | null)[];
}

/** A delivery about to be scheduled (n8n's `nodesToAdd`). */
interface Due {
  target: GraphNode;
  handle: string;
  items: Item[];
  part: Part | undefined;
  source: string;
}

/** n8n's sort of the targets due after a node ran (kept as it is: it is not a consistent comparator). */
const n8nPositionOrder = (a: Due, b: Due): number => {
  const pa = a.target.node.position;
  const pb = b.target.node.position;
  if (pa.y < pb.y) return 1;
  if (pa.y > pb.y) return -1;
  if (pa.x > pb.x) return -1;
  return 0;
};

/** Merge 2+ "choose branch" needs both inputs (n8n's `requiredInputs` [0, 1]): it never runs with one. */
const needsAllInputs = (node: GraphNode['node'], params: JsonObject): boolean =>
  node.type === 'merge' && params.mode === 'chooseBranch' && params.compat !== 'v1';

export class Schedule {
  /** The execution stack; its front (n8n's `shift`/`unshift`) is the array's end. */
  private readonly stack: Execution[] = [];
  private readonly waiting: Waiting = new Map();
  private readonly ancestors = new Map<string, Set<string>>();
  private incoming: Map<string, Incoming[][]> | undefined;
  private keys = 0;

  constructor(
    private readonly graph: WorkflowGraph,
    private readonly text: PendingText | undefined,
    private readonly paramsOf: (node: GraphNode['node']) => JsonObject,
  ) {}

  private newKey(): string {
    return String(this.keys++);
  }

  /** A start node's run, with the trigger's items. */
  start(nodeId: string, items: Item[], part: Part | undefined): void {
    const key = this.newKey();
    if (part) this.text?.add(key, MAIN, part);
    this.stack.unshift({ nodeId, key, input: { [MAIN]: items } });
  }

  next(): Execution | undefined {
    return this.stack.pop();
  }

  /** Hands a node run's output to the nodes it is connected to. */
  deliver(from: GraphNode, output: NodeOutput, measured: Measured): void {
    const due: Due[] = [];
    for (const handle of from.outputs) {
      const items = output[handle];
      // v1 order: an empty output schedules nothing.
      if (!items || items.length === 0) continue;
      const part = measured.parts?.get(handle);
      for (const c of from.outgoing.get(handle) ?? []) {
        const target = this.graph.byId.get(c.target);
        if (target) due.push({ target, handle: c.targetHandle, items, part, source: from.node.id });
      }
    }
    due.sort(n8nPositionOrder);
    for (const d of due) this.add(d);
  }

  private add({ target, handle, items, part, source }: Due): void {
    const id = target.node.id;
    if (target.inputCount <= 1) {
      const key = this.newKey();
      if (part) this.text?.add(key, handle, part);
      // No prototype: handle names come from the workflow, and "__proto__" must be just a name.
      const input = Object.create(null) as Record<string, Item[]>;
      input[handle] = items;
      this.stack.push({ nodeId: id, key, input });
      return;
    }
    const inputIndex = target.inputIndex.get(handle) ?? 0;
    const delivery = { target, handle, inputIndex, source, items, part };
    const { entry, complete } = placeInWaiting(this.waiting, delivery, this.text, () => this.newKey());
    if (complete) this.stack.push({ nodeId: id, key: entry.key, input: inputOfSlots(target, entry.slots) });
  }

  /**
   * After a node ran and nothing else is due: the first waiting node whose
   * ancestors are not waiting runs with the inputs it has.
   */
  releaseWaiting(): void {
    if (this.stack.length > 0 || this.waiting.size === 0) return;
    let ids = [...this.waiting.keys()];
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i] as string;
      const g = this.graph.byId.get(id);
      const entries = this.waiting.get(id);
      if (!g || !entries) continue;
      if (needsAllInputs(g.node, this.paramsOf(g.node))) continue;
      if ([...this.ancestorsOf(id)].some((a) => this.waiting.has(a))) continue;
      const entry = firstWaiting(entries);
      if (!entry) continue;
      removeWaiting(this.waiting, id, entry);
      if (entry.slots.some((s) => s !== null && s.length > 0)) {
        const input = inputOfSlots(g, entry.slots);
        for (const [handle] of g.inputIndex) input[handle] ??= [];
        this.stack.unshift({ nodeId: id, key: entry.key, input });
        return;
      }
      this.text?.take(entry.key);
      ids = [...this.waiting.keys()];
      i = -1;
    }
  }

  /** n8n's getParentNodes, as a set: in a loop a node is not its own ancestor, so it can be released. */
  private ancestorsOf(id: string): Set<string> {
    let found = this.ancestors.get(id);
    if (found) return found;
    this.incoming ??= incomingOf(this.graph);
    found = new Set(parentNodes(this.incoming, id));
    this.ancestors.set(id, found);
    return found;
  }
}
