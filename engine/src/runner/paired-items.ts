import { nodePorts } from '#shared/nodes/ports.ts';
import type { DefinitionNode } from '#shared/schema/definition.ts';
import { pairedItemMissing, pairedItemNoPath } from '#shared/runs/paired-errors.ts';
import {
  decodePaired,
  encodePaired,
  SOURCE_HANDLE_PREFIX,
  withSourceHandles,
  type InputStretch,
  type Pairing as StoredPairing,
  type PairedRecord,
} from '#shared/runs/paired.ts';
import type { WorkflowGraph } from './graph.ts';
import type { Item, NodeOutput, PairedLookup } from '#shared/runs/items.ts';

/**
 * Paired items, as n8n keeps them: every output item of a node run names the
 * input items that made it (`{ item, input }`), so `$('Node').item` can walk
 * back from the item being processed to the one a node further up made.
 *
 * The pairing is not stored on the items (they stay `{ json }`, as the engine
 * sends them): each node run keeps a record of its input lists, where each
 * stretch of them came from (node run, output), and its output. What an output
 * item pairs to is worked out only when something asks (an expression with
 * `.item`, the differential tests), by n8n's rules (WorkflowExecute's
 * addPairedItemLineage and assignPairedItems):
 * - an output item that *is* an input item object (IF, Filter, Sort, Limit,
 *   Merge append, a disabled node…) pairs to that input item;
 * - else what the node declared with `pairedWith` (Aggregate: all its inputs,
 *   Code: what the code returned or the item it ran for…);
 * - else n8n's default: a single input item → every output item pairs to it;
 *   one output with as many items as the input → by index; one output item
 *   from several input items → the first; otherwise none, and `.item` through
 *   that node fails as n8n's does ("Paired item data … is unavailable").
 */

export interface PairedItem {
  item: number;
  /** Input index (Merge's second input is 1); left out for the first, as n8n's JSON has it. */
  input?: number;
}

const declared = new WeakMap<Item, readonly PairedItem[]>();
/** Finished node runs (their NodeRun records) → lineage, for readers of the result (the differential tests). */
const lineages = new WeakMap<object, NodeLineage>();

/** A node's own pairing of an item it made (an empty list: paired to nothing). */
export const pairedWith = <T extends Item>(item: T, paired: PairedItem | readonly PairedItem[]): T => {
  declared.set(item, Array.isArray(paired) ? (paired as readonly PairedItem[]) : [paired as PairedItem]);
  return item;
};

/** n8n's `pairedItem` value as code may write it (a number, `{ item, input }`, a list of them), or undefined. */
export const parsePairedItem = (value: unknown): PairedItem[] | undefined => {
  if (value === undefined || value === null) return undefined;
  const list = Array.isArray(value) ? (value as unknown[]) : [value];
  const out: PairedItem[] = [];
  for (const p of list) {
    if (typeof p === 'number' && Number.isInteger(p) && p >= 0) out.push({ item: p });
    else if (typeof p === 'object' && p !== null && 'item' in p) {
      const { item, input } = p as { item: unknown; input?: unknown };
      if (typeof item !== 'number' || !Number.isInteger(item) || item < 0) continue;
      out.push(typeof input === 'number' && Number.isInteger(input) && input > 0 ? { item, input } : { item });
    }
  }
  return out;
};

/** A reused run to seed a partial run's lineage with (RunLineage.restore). */
export interface RestoredRun {
  node: DefinitionNode;
  runIndex: number;
  output: NodeOutput;
  /** Output handles in n8n's order. */
  outputs: readonly string[];
  /** node_runs.paired as the base run stored it. */
  paired?: string;
}

/** A stretch of an input list that one node run's output delivered. */
interface Segment {
  from: NodeLineage;
  output: string;
  count: number;
}

type Pairing = readonly PairedItem[] | undefined;

/**
 * Where a node run's input came from, kept to pair later items to it (n8n's `sourceOverwrite`: Loop Over Items
 * pairs each batch to the run that fed its first run, not to the loop's way back).
 */
export interface InputSource {
  readonly from: NodeLineage;
  readonly output: string;
}

/** One node run as paired items see it. */
export class NodeLineage {
  private output: NodeOutput = {};
  private outputs: readonly string[] = [];
  private pairs: Map<string, Pairing[]> | undefined;
  /** A reused run's paired text as its base run stored it: handed on unchanged. */
  private stored: string | undefined;
  /** Input handles in port order (a handle's position is n8n's input index), then any extra source handles. */
  private handles: string[];
  /** Real inputs: n8n's default pairing rules look at these only. */
  private readonly realInputs: number;
  private readonly sources: Record<string, Segment[]>;

  constructor(
    readonly name: string,
    inputHandles: readonly string[],
    readonly input: Readonly<Record<string, Item[]>>,
    sources: Readonly<Record<string, Segment[]>>,
    readonly nodeId = '',
    readonly runIndex = 0,
  ) {
    this.sources = sources;
    this.realInputs = inputHandles.filter((h) => !h.startsWith(SOURCE_HANDLE_PREFIX)).length;
    this.handles = withSourceHandles(inputHandles, Object.keys(sources));
  }

  get inputHandles(): readonly string[] {
    return this.handles;
  }

  /** Where this run's items on `handle` came from (the first producer of that list), if anything is known. */
  inputSource(handle: string): InputSource | undefined {
    const first = this.sources[handle]?.[0];
    return first ? { from: first.from, output: first.output } : undefined;
  }

  /**
   * The input index that pairs this run's items to `source`'s output (pairedWith(item, { item, input })): an extra
   * source handle, added once per source.
   */
  pairToSource(source: InputSource): number {
    for (let i = this.realInputs; i < this.handles.length; i++) {
      const s = this.sources[this.handles[i] as string]?.[0];
      if (s && s.from === source.from && s.output === source.output) return i;
    }
    const handle = `${SOURCE_HANDLE_PREFIX}${this.handles.length - this.realInputs}`;
    this.sources[handle] = [
      { from: source.from, output: source.output, count: source.from.outputLength(source.output) },
    ];
    this.handles = [...this.handles, handle];
    this.pairs = undefined;
    return this.handles.length - 1;
  }

  outputLength(handle: string): number {
    return this.output[handle]?.length ?? 0;
  }

  /** What node_runs.paired stores of this run (encodePaired): each output item's sources, each input's producers. */
  record(): PairedRecord {
    const outputs: Record<string, StoredPairing[]> = {};
    for (const handle in this.output) outputs[handle] = [...this.pairedItems(handle)];
    const inputs: Record<string, InputStretch[]> = {};
    for (const handle in this.sources) {
      inputs[handle] = (this.sources[handle] ?? []).map((s) => ({
        nodeId: s.from.nodeId,
        runIndex: s.from.runIndex,
        output: s.output,
        count: s.count,
      }));
    }
    return { outputs, inputs };
  }

  /** The run's output, and its output handles in n8n's order. */
  finish(output: NodeOutput, outputs: readonly string[]): void {
    this.output = output;
    this.outputs = outputs;
    this.pairs = undefined;
  }

  /** A reused run: its pairing as decoded from the base run's record, not worked out from items it never had. */
  restore(pairs: Readonly<Record<string, Pairing[]>>, stored: string | undefined): void {
    this.pairs = new Map(Object.entries(pairs));
    this.stored = stored;
  }

  itemAt(output: string, index: number): Item | undefined {
    return this.output[output]?.[index];
  }

  /** Where input item `index` of `handle` came from: a node run's output and its index there. */
  sourceOf(handle: string, index: number): { from: NodeLineage; output: string; index: number } | undefined {
    let start = 0;
    for (const s of this.sources[handle] ?? []) {
      if (index < start + s.count) return { from: s.from, output: s.output, index: index - start };
      start += s.count;
    }
    return undefined;
  }

  /** The pairing of each item of one output (undefined: none), by n8n's rules (see above). */
  pairedItems(output: string): readonly Pairing[] {
    this.pairs ??= this.computePairs();
    return this.pairs.get(output) ?? [];
  }

  /**
   * What node_runs.paired stores (the format of shared/src/runs/paired.ts's encodePaired), written straight
   * from the items: the engine does this for every node run, and building a pairing list per item first cost
   * about three times as much. Same rules as computePairs.
   */
  encoded(): string {
    if (this.stored !== undefined) return this.stored;
    if (this.pairs) return encodePaired(this.record());
    const identity = new Map<Item, number>();
    this.inputHandles.forEach((handle, input) => {
      (this.input[handle] ?? []).forEach((item, i) => {
        // Input and index in one number: a run's inputs are far below 2^21 items each.
        if (!identity.has(item)) identity.set(item, input * 2_097_152 + i);
      });
    });
    const handles = [...this.outputs, ...Object.keys(this.output).filter((h) => !this.outputs.includes(h))];
    const single = this.realInputs === 1;
    const inCount = single ? (this.input[this.inputHandles[0] as string]?.length ?? 0) : 0;
    const first = this.output[handles[0] ?? ''] ?? [];
    const oneOutput = handles.filter((h) => this.output[h] !== undefined).length <= 1 && this.outputs.length <= 1;
    const byDefault =
      single && inCount === 1 ? 'first' : single && oneOutput && inCount === first.length ? 'same' : undefined;
    const oneToFirst = single && oneOutput && first.length === 1 && inCount > 1;
    const out: Record<string, unknown> = {};
    for (const handle of handles) {
      const items = this.output[handle];
      if (!items) continue;
      let same = items.length > 1;
      let firstOnly = items.length > 1;
      const entries: unknown[] = new Array<unknown>(items.length);
      for (let index = 0; index < items.length; index++) {
        const item = items[index] as Item;
        const at = identity.get(item);
        let entry: unknown;
        if (at !== undefined) {
          const input = Math.floor(at / 2_097_152);
          const i = at % 2_097_152;
          entry = input > 0 ? [[i, input]] : i;
        } else {
          const d = declared.get(item);
          if (d) {
            const [only] = d;
            entry =
              d.length === 1 && only && !only.input ? only.item : d.map((p) => (p.input ? [p.item, p.input] : p.item));
          } else if (byDefault === 'first' || oneToFirst) entry = 0;
          else if (byDefault === 'same') entry = index;
          else entry = null;
        }
        entries[index] = entry;
        if (entry !== index) same = false;
        if (entry !== 0) firstOnly = false;
      }
      out[handle] = same ? 'same' : firstOnly ? 'first' : entries;
    }
    const inputs: Record<string, [string, number, string, number][]> = {};
    let anyInput = false;
    for (const handle in this.sources) {
      inputs[handle] = (this.sources[handle] ?? []).map((s) => [s.from.nodeId, s.from.runIndex, s.output, s.count]);
      anyInput = true;
    }
    return JSON.stringify(anyInput ? { out, in: inputs } : { out });
  }

  private computePairs(): Map<string, Pairing[]> {
    const identity = new Map<Item, readonly PairedItem[]>();
    this.inputHandles.forEach((handle, input) => {
      (this.input[handle] ?? []).forEach((item, i) => {
        if (!identity.has(item)) identity.set(item, [input > 0 ? { item: i, input } : { item: i }]);
      });
    });
    const handles = [...this.outputs, ...Object.keys(this.output).filter((h) => !this.outputs.includes(h))];
    const single = this.realInputs === 1;
    const inCount = single ? (this.input[this.inputHandles[0] as string]?.length ?? 0) : 0;
    const first = this.output[handles[0] ?? ''] ?? [];
    const oneOutput = handles.filter((h) => this.output[h] !== undefined).length <= 1 && this.outputs.length <= 1;
    // assignPairedItems: which default applies is decided once, for the whole run.
    const byDefault = (index: number): Pairing => {
      if (single && inCount === 1) return [{ item: 0 }];
      if (single && oneOutput && inCount === first.length) return [{ item: index }];
      if (single && oneOutput && first.length === 1 && inCount > 1) return [{ item: 0 }];
      return undefined;
    };
    const pairs = new Map<string, Pairing[]>();
    for (const handle of handles) {
      const items = this.output[handle] ?? [];
      pairs.set(
        handle,
        items.map((item, index) => identity.get(item) ?? declared.get(item) ?? byDefault(index)),
      );
    }
    return pairs;
  }
}

const missing = pairedItemMissing;
const noPath = pairedItemNoPath;

/** A node's input handles in port order (a snapshot's nodes never change: worked out once per node). */
const inputHandles = new WeakMap<DefinitionNode, readonly string[]>();
const inputHandlesOf = (node: DefinitionNode): readonly string[] => {
  let handles = inputHandles.get(node);
  if (!handles) {
    handles = nodePorts(node).inputs.map((p) => p.name);
    inputHandles.set(node, handles);
  }
  return handles;
};

/**
 * A run's lineage: which node run made each output list (an input list is
 * the very list a node run put out: the schedule hands lists on as they are),
 * and the walk back from an item to a node further up (n8n's getPairedItem).
 */
export class RunLineage {
  // A Map, not a WeakMap: it lives as long as the run, which holds every list anyway, and weak tables cost the GC.
  private readonly producers = new Map<readonly Item[], { from: NodeLineage; output: string }>();
  private parents: Map<string, Set<string>> | undefined;

  /** The lineage record of a run of `node` about to start with `input`. */
  start(node: DefinitionNode, input: Readonly<Record<string, Item[]>>, runIndex = 0): NodeLineage {
    let handles = inputHandlesOf(node);
    for (const h of Object.keys(input)) if (!handles.includes(h)) handles = [...handles, h];
    // Captured now: the producers of the lists a run gets (each list has one: run-workflow.ts ownLists).
    const sources: Record<string, Segment[]> = Object.create(null) as Record<string, Segment[]>;
    for (const h of handles) {
      const list = input[h];
      const producer = list ? this.producers.get(list) : undefined;
      if (list && producer) sources[h] = [{ ...producer, count: list.length }];
    }
    return new NodeLineage(node.name, handles, input, sources, node.id, runIndex);
  }

  /** A node run ended with `output` (handles in n8n's order): later runs that get its lists know where they came from. */
  finished(lineage: NodeLineage, output: NodeOutput, outputs: readonly string[], record?: object): void {
    lineage.finish(output, outputs);
    if (record) lineages.set(record, lineage);
    for (const handle in output) {
      const list = output[handle];
      if (list) this.producers.set(list, { from: lineage, output: handle });
    }
  }

  /**
   * The lineage of a partial run's reused run, from its stored paired text: its input stretches point at the
   * runs seeded before it (`seeded`: reused runs and pins, parents first), so `$('A').item` walks back through
   * nodes that did not run again. A stretch whose producer is not there (a run the base did not keep) ends
   * the list, and a walk through it fails as n8n's does when paired data is missing.
   */
  restore(
    seed: RestoredRun,
    seeded: (nodeId: string, runIndex: number) => NodeLineage | undefined,
    record?: object,
  ): NodeLineage {
    const sources = Object.create(null) as Record<string, Segment[]>;
    const counts: Record<string, number> = {};
    for (const handle in seed.output) counts[handle] = seed.output[handle]?.length ?? 0;
    const decoded = seed.paired === undefined ? undefined : decodePaired(seed.paired, counts);
    for (const [handle, stretches] of Object.entries(decoded?.inputs ?? {})) {
      const list: Segment[] = [];
      for (const s of stretches) {
        const from = seeded(s.nodeId, s.runIndex);
        // A gap would shift every later item onto the wrong source.
        if (!from) break;
        list.push({ from, output: s.output, count: s.count });
      }
      if (list.length > 0) sources[handle] = list;
    }
    // Made once its sources are known: the extra source handles (`$source:N`) come from them.
    const lineage = new NodeLineage(
      seed.node.name,
      inputHandlesOf(seed.node),
      {},
      sources,
      seed.node.id,
      seed.runIndex,
    );
    this.finished(lineage, seed.output, seed.outputs, record);
    lineage.restore(decoded?.outputs ?? {}, seed.paired);
    return lineage;
  }

  /** Whether `ancestor` is upstream of the node named `name` (n8n checks this before any walk). */
  isUpstream(ancestor: string, name: string, graph: WorkflowGraph): boolean {
    if (!this.parents) {
      this.parents = new Map();
      for (const g of graph.byId.values()) {
        for (const list of g.outgoing.values()) {
          for (const c of list) {
            const target = graph.byId.get(c.target)?.node.name;
            if (target === undefined) continue;
            let set = this.parents.get(target);
            if (!set) this.parents.set(target, (set = new Set()));
            set.add(g.node.name);
          }
        }
      }
    }
    const seen = new Set<string>();
    const todo = [name];
    while (todo.length > 0) {
      for (const p of this.parents.get(todo.pop() as string) ?? []) {
        if (p === ancestor) return true;
        if (!seen.has(p)) {
          seen.add(p);
          todo.push(p);
        }
      }
    }
    return false;
  }

  /**
   * For each item of `run`'s input `handle`, the item of `target` it descends
   * from. `method` names what asked, for n8n's error text.
   */
  pairedFrom(run: NodeLineage, handle: string, target: string, graph: WorkflowGraph, method = 'item'): PairedLookup[] {
    const items = run.input[handle] ?? [];
    if (!this.isUpstream(target, run.name, graph)) return items.map(() => noPath(target));
    const memo = new Map<NodeLineage, Map<string, PairedLookup>>();
    return items.map((_, index) => {
      const source = run.sourceOf(handle, index);
      if (!source) return noPath(target);
      return this.walk(source.from, source.output, source.index, target, method, memo);
    });
  }

  private walk(
    at: NodeLineage,
    output: string,
    index: number,
    target: string,
    method: string,
    memo: Map<NodeLineage, Map<string, PairedLookup>>,
  ): PairedLookup {
    const key = `${output}\u0000${index}`;
    let known = memo.get(at);
    const hit = known?.get(key);
    if (hit) return hit;
    const result = this.walkUncached(at, output, index, target, method, memo);
    if (!known) memo.set(at, (known = new Map<string, PairedLookup>()));
    known.set(key, result);
    return result;
  }

  private walkUncached(
    at: NodeLineage,
    output: string,
    index: number,
    target: string,
    method: string,
    memo: Map<NodeLineage, Map<string, PairedLookup>>,
  ): PairedLookup {
    const item = at.itemAt(output, index);
    if (at.name === target) return item ? { item } : missing(at.name, method);
    const paired = at.pairedItems(output)[index];
    if (!paired || paired.length === 0) return missing(at.name, method);
    let firstError: PairedLookup | undefined;
    let found: Item | undefined;
    for (const p of paired) {
      const handle = at.inputHandles[p.input ?? 0];
      if (handle === undefined) continue;
      const source = at.sourceOf(handle, p.item);
      const r = source
        ? this.walk(source.from, source.output, source.index, target, method, memo)
        : p.item < (at.input[handle]?.length ?? 0)
          ? noPath(target)
          : missing(at.name, method);
      if ('error' in r) {
        firstError ??= r;
        continue;
      }
      if (found && found !== r.item) {
        return { error: `Multiple matches: multiple matching items for item [${index}] of node '${at.name}'` };
      }
      found = r.item;
    }
    if (found) return { item: found };
    return firstError ?? noPath(target);
  }
}

/**
 * The producer a pairing's `input` names when it is an extra source (Loop Over Items' sourceOverwrite), for
 * readers of the result that show it as n8n does; undefined for a real input or a run without a record.
 */
export const pairingSourceOfRun = (
  run: object,
  input: number,
): { node: string; output: string; runIndex: number } | undefined => {
  const lineage = lineages.get(run);
  const handle = lineage?.inputHandles[input];
  if (!lineage || handle === undefined || !handle.startsWith(SOURCE_HANDLE_PREFIX)) return undefined;
  const source = lineage.inputSource(handle);
  return source ? { node: source.from.name, output: source.output, runIndex: source.from.runIndex } : undefined;
};

/** The pairing of each item of each output of a node run (`[]` for a run without a record: see RunOptions.recordPairedItems). */
export const pairedItemsOfRun = (run: object, output: string): readonly (readonly PairedItem[] | undefined)[] =>
  lineages.get(run)?.pairedItems(output) ?? [];
