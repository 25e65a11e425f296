import type { Part, PendingText } from './budget.ts';
import type { GraphNode } from './graph.ts';
import type { Item } from '#shared/runs/items.ts';

/**
 * n8n's `waitingExecution`: a node with more than one input is held in
 * numbered entries until each input has delivered. Both execution orders
 * (schedule.ts, schedule-v0.ts) place deliveries the same way, here.
 */

export interface WaitingEntry {
  /** Key of the entry's input text in PendingText. */
  key: string;
  /** Items by input index; null until that input delivers. */
  slots: (Item[] | null)[];
  /** The node that delivered each input (n8n's waitingExecutionSource `previousNode`); null until it does. */
  sources: (string | null)[];
}

/** Node id → its waiting entries by n8n's index; node ids in the order they started waiting. */
export type Waiting = Map<string, Map<number, WaitingEntry>>;

export interface Delivery {
  target: GraphNode;
  handle: string;
  inputIndex: number;
  /** The delivering node's id. */
  source: string;
  items: Item[];
  part: Part | undefined;
}

/**
 * Puts a delivery into the target's waiting entries (n8n's addNodeToBeExecuted):
 * the first entry, by index, whose slot for that input is still empty, or a
 * new one numbered by how many there are — overwriting one already at that
 * number, as n8n does. Returns the entry, removed from `waiting` when every
 * input has now delivered (`complete`).
 */
export const placeInWaiting = (
  waiting: Waiting,
  { target, handle, inputIndex, source, items, part }: Delivery,
  text: PendingText | undefined,
  newKey: () => string,
): { entry: WaitingEntry; complete: boolean; wasWaiting: boolean } => {
  const id = target.node.id;
  let entries = waiting.get(id);
  const wasWaiting = entries !== undefined;
  if (!entries) {
    entries = new Map();
    waiting.set(id, entries);
  }
  let entry: WaitingEntry | undefined;
  for (const index of [...entries.keys()].sort((a, b) => a - b)) {
    const candidate = entries.get(index);
    if (candidate && !candidate.slots[inputIndex]) {
      entry = candidate;
      break;
    }
  }
  if (!entry) {
    entry = {
      key: newKey(),
      slots: Array.from({ length: target.inputCount }, () => null),
      sources: Array.from({ length: target.inputCount }, () => null),
    };
    const index = entries.size;
    const overwritten = entries.get(index);
    if (overwritten) text?.take(overwritten.key);
    entries.set(index, entry);
  }
  entry.slots[inputIndex] = items;
  entry.sources[inputIndex] = source;
  if (part) text?.add(entry.key, handle, part);
  const complete = entry.slots.every((s) => s !== null);
  if (complete) removeWaiting(waiting, id, entry);
  return { entry, complete, wasWaiting };
};

export const removeWaiting = (waiting: Waiting, id: string, entry: WaitingEntry): void => {
  const entries = waiting.get(id);
  if (!entries) return;
  for (const [index, e] of entries) if (e === entry) entries.delete(index);
  if (entries.size === 0) waiting.delete(id);
};

/** The entry n8n releases first: the lowest index as text sorts it ("10" before "2"). */
export const firstWaiting = (entries: Map<number, WaitingEntry>): WaitingEntry | undefined => {
  const first = [...entries.keys()].map(String).sort()[0];
  return first === undefined ? undefined : entries.get(Number(first));
};

/** A run's input by handle from an entry's slots (no prototype: "__proto__" is just a handle name). */
export const inputOfSlots = (target: GraphNode, slots: (Item[] | null)[]): Record<string, Item[]> => {
  const input = Object.create(null) as Record<string, Item[]>;
  for (const [handle, index] of target.inputIndex) {
    const items = slots[index];
    if (items) input[handle] = items;
  }
  return input;
};
