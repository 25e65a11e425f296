import { changedParts, type FingerprintChange } from './fingerprint.ts';
import type { PlanGraph } from './plan-graph.ts';

/**
 * Which nodes of a workflow are dirty against a base run, and why. A node is
 * dirty when its fingerprint differs from the base run's, when it has no
 * successful run in the base, when a parent is dirty, or when a node its
 * expressions name with `$('X')` is dirty (docs/plans/n8n-daily.md §0).
 * n8n decides the first two per node (`isDirty` in `find-start-nodes.ts`)
 * and gets the third from `clean-run-data.ts`; the fourth is Weft's.
 */

/** What the base run left behind for one node: its last run and which outputs carried items. */
export interface BaseNodeRun {
  /** The node's last run in the base succeeded. */
  ok: boolean;
  lastRunIndex: number;
  /** Output handles that carried at least one item in any of the node's runs. */
  outputsWithData: readonly string[];
  /** Output handles with items in its last run (the Loop Over Items rule); `outputsWithData` when absent. */
  lastOutputsWithData?: readonly string[];
}

export interface PlanBase {
  /** The base execution's `fingerprints`. */
  fingerprints: Readonly<Record<string, string>>;
  /** Node id → its last run in the base execution. */
  runs: Readonly<Record<string, BaseNodeRun>>;
}

/**
 * The names of the nodes a piece of text reads with `$('Name')`,
 * `$node['Name']` and their kin: the evaluator's `referencedNodes`
 * (expressions/template.ts), which the engine uses to send those outputs.
 */
export type NodeReferenceReader = (text: string) => Iterable<string>;

export type Reason =
  /** Nothing to build on: every node runs. */
  | { kind: 'noBase' }
  /** Its fingerprint differs from the base run's in this part. */
  | { kind: 'changed'; part: FingerprintChange }
  /** The base run's workflow did not have it. */
  | { kind: 'added' }
  | { kind: 'noBaseOutput' }
  | { kind: 'failedInBase' }
  | { kind: 'upstream'; nodeId: string; name: string }
  | { kind: 'references'; nodeId: string; name: string }
  /** The node asked for ("Execute step", "Run to here"). */
  | { kind: 'destination' }
  /** A Loop Over Items whose `done` output was empty in its last run: the loop did not finish. */
  | { kind: 'loopNotDone' }
  /** Starts the loop (cycle) that a changed node sits in, so the loop runs from its beginning. */
  | { kind: 'loopEntry'; nodeId: string; name: string }
  /** Runs again because a node before it runs again. */
  | { kind: 'after'; nodeId: string; name: string }
  | { kind: 'reused' }
  | { kind: 'pinned' };

const PART_TEXT: Record<FingerprintChange, string> = {
  config: 'parameters changed',
  credentials: 'credential changed',
  inputs: 'input connections changed',
  pin: 'pinned data changed',
};

/** The reason as the canvas tooltip says it. */
export const describeReason = (reason: Reason): string => {
  switch (reason.kind) {
    case 'noBase':
      return 'no earlier run to reuse';
    case 'changed':
      return PART_TEXT[reason.part];
    case 'added':
      return 'added since the base run';
    case 'noBaseOutput':
      return 'no output in the base run';
    case 'failedInBase':
      return 'failed in the base run';
    case 'upstream':
      return `upstream ${reason.name} changed`;
    case 'references':
      return `uses $('${reason.name}') which changed`;
    case 'destination':
      return 'the node to run';
    case 'loopNotDone':
      return 'the loop did not finish in the base run';
    case 'loopEntry':
      return `starts the loop that ${reason.name} is in`;
    case 'after':
      return `runs after ${reason.name}`;
    case 'reused':
      return 'unchanged: output reused';
    case 'pinned':
      return 'pinned data';
  }
};

const stringsIn = (value: unknown, out: string[]): void => {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) stringsIn(v, out);
  else if (typeof value === 'object' && value !== null) for (const v of Object.values(value)) stringsIn(v, out);
};

/**
 * Node id → the ids of the nodes its parameters name. Every string is read,
 * not only `=` expressions, because a Code node's source names nodes too; a
 * name read by mistake can only make a node run again, never reuse it wrongly.
 */
export const referencesOf = (graph: PlanGraph, read: NodeReferenceReader): Map<string, Set<string>> => {
  const idByName = new Map([...graph.nodes.values()].map((n) => [n.name, n.id]));
  const refs = new Map<string, Set<string>>();
  for (const node of graph.nodes.values()) {
    const texts: string[] = [];
    stringsIn(node.parameters, texts);
    const named = new Set<string>();
    for (const text of texts) {
      if (!text.includes('$')) continue;
      for (const name of read(text)) {
        const id = idByName.get(name);
        if (id !== undefined && id !== node.id) named.add(id);
      }
    }
    if (named.size > 0) refs.set(node.id, named);
  }
  return refs;
};

export interface DirtyInput {
  /** The whole workflow, disabled nodes included (a node that was disabled changed). */
  graph: PlanGraph;
  fingerprints: Readonly<Record<string, string>>;
  base: PlanBase | undefined;
  pinned: ReadonlySet<string>;
  references: ReadonlyMap<string, ReadonlySet<string>>;
}

const ownReason = (input: DirtyInput, id: string): Reason | undefined => {
  const { base } = input;
  if (!base) return { kind: 'noBase' };
  const now = input.fingerprints[id];
  const before = Object.hasOwn(base.fingerprints, id) ? base.fingerprints[id] : undefined;
  if (before === undefined) return { kind: 'added' };
  if (now === undefined) return { kind: 'changed', part: 'config' };
  const [part] = changedParts(now, before);
  if (part) return { kind: 'changed', part };
  // A pinned node's output is its pin, whatever the base run did.
  if (input.pinned.has(id)) return undefined;
  const run = Object.hasOwn(base.runs, id) ? base.runs[id] : undefined;
  if (!run) return { kind: 'noBaseOutput' };
  if (!run.ok) return { kind: 'failedInBase' };
  return undefined;
};

/**
 * Node id → why it is dirty, for the dirty nodes only. A node's own change
 * wins over an inherited one; an inherited reason names the nearest cause
 * (breadth first from the nodes that changed themselves).
 */
export const findDirty = (input: DirtyInput): Map<string, Reason> => {
  const { graph } = input;
  const dirty = new Map<string, Reason>();
  const queue: string[] = [];
  for (const id of graph.nodes.keys()) {
    const reason = ownReason(input, id);
    if (reason) {
      dirty.set(id, reason);
      queue.push(id);
    }
  }
  const readers = new Map<string, string[]>();
  for (const [reader, named] of input.references) {
    for (const id of named) {
      const list = readers.get(id);
      if (list) list.push(reader);
      else readers.set(id, [reader]);
    }
  }
  for (let at = 0; at < queue.length; at++) {
    const id = queue[at] as string;
    const name = graph.nodes.get(id)?.name ?? id;
    const mark = (target: string, reason: Reason): void => {
      if (dirty.has(target)) return;
      dirty.set(target, reason);
      queue.push(target);
    };
    for (const e of graph.out.get(id) ?? []) mark(e.target, { kind: 'upstream', nodeId: id, name });
    for (const reader of readers.get(id) ?? []) mark(reader, { kind: 'references', nodeId: id, name });
  }
  return dirty;
};
