import { z } from 'zod';

/**
 * A node run's paired items as `node_runs.paired` stores them
 * (docs/plans/n8n-daily.md §3.3): for each output item, the input items that
 * made it (n8n's `pairedItem`), and for each input list, which node run's
 * output delivered which stretch of it (n8n's `source`). A reused run seeds the
 * engine's lineage from it, so `$('A').item` still walks back through a node
 * that did not run again; the expression preview reads the same.
 *
 * The text is compact because a run writes it for every node run:
 * - an output is `"same"` when item i came from input item i (Set, Code per
 *   item…), `"first"` when every item came from input item 0 (one item in),
 *   else a list with one entry per item;
 * - an entry is `null` (no pairing known), a number (that item of the first
 *   input), or a list of numbers and `[item, input]` pairs (several sources,
 *   or a later input such as Merge's second);
 * - an input stretch is `[nodeId, runIndex, output, count]`.
 */

/**
 * Input handles named so are not ports: a node that pairs items to where an earlier run's input came from (Loop
 * Over Items, n8n's `sourceOverwrite`) records that producer as an extra input, `$source:0`, `$source:1`…, after
 * its real inputs; a pairing's `input` counts real inputs first, then these in order.
 */
export const SOURCE_HANDLE_PREFIX = '$source:';

/** `handles` (real inputs, in port order) followed by the extra source handles among `recorded`, in their order. */
export const withSourceHandles = (handles: readonly string[], recorded: Iterable<string>): string[] => {
  const extra: { handle: string; n: number }[] = [];
  for (const handle of recorded) {
    if (!handle.startsWith(SOURCE_HANDLE_PREFIX) || handles.includes(handle)) continue;
    const n = Number(handle.slice(SOURCE_HANDLE_PREFIX.length));
    if (Number.isInteger(n) && n >= 0) extra.push({ handle, n });
  }
  extra.sort((a, b) => a.n - b.n);
  return [...handles, ...extra.map((e) => e.handle)];
};

export interface PairedSource {
  item: number;
  /** Input index (Merge's second input is 1); left out for the first, as n8n's JSON has it. */
  input?: number;
}

/** undefined: nothing known (n8n's `.item` fails through it); `[]`: the node said "made from nothing". */
export type Pairing = readonly PairedSource[] | undefined;

/** The node run that delivered `count` items of an input list, in order. */
export interface InputStretch {
  nodeId: string;
  runIndex: number;
  output: string;
  count: number;
}

export interface PairedRecord {
  /** Output handle → the pairing of each of its items. */
  outputs: Record<string, Pairing[]>;
  /** Input handle → where its items came from, stretch by stretch (left out: nothing known). */
  inputs: Record<string, InputStretch[]>;
}

type Entry = null | number | (number | [number, number])[];

const entryOf = (pairing: Pairing): Entry => {
  if (pairing === undefined) return null;
  const [only] = pairing;
  if (pairing.length === 1 && only && !only.input) return only.item;
  return pairing.map((p) => (p.input ? [p.item, p.input] : p.item));
};

const allMatch = (list: readonly Pairing[], itemOf: (index: number) => number): boolean =>
  list.every((p, index) => p?.length === 1 && p[0]?.item === itemOf(index) && !p[0].input);

export const encodePaired = (record: PairedRecord): string => {
  const out: Record<string, Entry[] | 'same' | 'first'> = {};
  for (const [handle, list] of Object.entries(record.outputs)) {
    if (list.length > 1 && allMatch(list, (i) => i)) out[handle] = 'same';
    else if (list.length > 1 && allMatch(list, () => 0)) out[handle] = 'first';
    else out[handle] = list.map(entryOf);
  }
  const inputs: Record<string, [string, number, string, number][]> = {};
  let anyInput = false;
  for (const [handle, stretches] of Object.entries(record.inputs)) {
    inputs[handle] = stretches.map((s) => [s.nodeId, s.runIndex, s.output, s.count]);
    anyInput = true;
  }
  return JSON.stringify(anyInput ? { out, in: inputs } : { out });
};

const index = z.number().int().min(0);
const entrySchema = z.union([z.null(), index, z.array(z.union([index, z.tuple([index, index])]))]);
const encodedSchema = z.object({
  out: z.record(z.string(), z.union([z.literal('same'), z.literal('first'), z.array(entrySchema)])),
  in: z.record(z.string(), z.array(z.tuple([z.string(), index, z.string(), index]))).optional(),
});

const pairingOf = (entry: z.infer<typeof entrySchema>): Pairing => {
  if (entry === null) return undefined;
  if (typeof entry === 'number') return [{ item: entry }];
  return entry.map((e) =>
    typeof e === 'number' ? { item: e } : e[1] > 0 ? { item: e[0], input: e[1] } : { item: e[0] },
  );
};

/**
 * The record back from its text, given each output's item count (`same` and
 * `first` do not carry it). Undefined for text that is not a paired record:
 * it comes from storage or another process, and a bad one only loses lineage.
 */
export const decodePaired = (text: string, counts: Readonly<Record<string, number>>): PairedRecord | undefined => {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return undefined;
  }
  const parsed = encodedSchema.safeParse(raw);
  if (!parsed.success) return undefined;
  // Keys come from outside: no prototype for a "__proto__" to reach.
  const outputs = Object.create(null) as Record<string, Pairing[]>;
  for (const [handle, code] of Object.entries(parsed.data.out)) {
    const n = counts[handle] ?? 0;
    if (code === 'same') outputs[handle] = Array.from({ length: n }, (_, i) => [{ item: i }]);
    else if (code === 'first') outputs[handle] = Array.from({ length: n }, () => [{ item: 0 }]);
    else outputs[handle] = code.map(pairingOf);
  }
  const inputs = Object.create(null) as Record<string, InputStretch[]>;
  for (const [handle, stretches] of Object.entries(parsed.data.in ?? {})) {
    inputs[handle] = stretches.map(([nodeId, runIndex, output, count]) => ({ nodeId, runIndex, output, count }));
  }
  return { outputs, inputs };
};
