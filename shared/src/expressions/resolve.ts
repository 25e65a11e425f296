import type { CustomData } from '../runs/custom-data.ts';
import type { Item, JsonObject } from '../runs/items.ts';
import type { PairedLookup } from '../runs/items.ts';
import { EXPRESSION } from '../sandbox/function-source.ts';
import { readsTime, SandboxError, type CallScope, type Sandbox } from '../sandbox/sandbox.ts';
import { ExpressionError, positionIn, sourceName } from './errors.ts';
import { parameterExpressions } from './parameter-expressions.ts';
import { readParametersOnce, runData, type RunFacts } from './run-data.ts';
import { asTemplateText, hostReaderOf, type HostReader, type HostScope } from './json-path.ts';
import { luxonReaderOf } from './luxon-chain.ts';
import {
  isExpression,
  parseTemplate,
  readsPairedItems,
  referencedNodes,
  TemplateError,
  type Segment,
} from './template.ts';

/**
 * Resolves a node's parameters for each of its input items. Every expression
 * of the node is evaluated for every item in one call into the sandbox, so a
 * node over 100 items costs one crossing, not hundreds.
 */

export interface ExpressionMeta extends RunFacts {
  workflow: { id: string; name: string; active: boolean };
  execution: { id: string; mode: string };
  /** The run's custom data (`$execution.customData`, the Execution Data node); one store for the whole run. */
  customData?: CustomData;
  /** Epoch ms of the evaluation ($now). */
  now: number;
  /** The workflow's IANA time zone ($now, $today and every DateTime made in the call are in it). */
  timezone: string;
  /** The node's whole input when it reads only part of it (Execute Once): `$input` and `$items()` read this. */
  input?: readonly Item[];
}

/** `$workflow` and `$execution` as JSON text, written once per run (a run shares one `execution` object). */
const metaTexts = new WeakMap<ExpressionMeta['execution'], string>();
export const callScope = (meta: ExpressionMeta): CallScope => {
  let metaText = metaTexts.get(meta.execution);
  if (metaText === undefined) {
    metaText = JSON.stringify({ workflow: meta.workflow, execution: meta.execution });
    metaTexts.set(meta.execution, metaText);
  }
  const scope: CallScope = { metaText, now: meta.now, zone: meta.timezone };
  if (meta.customData) scope.custom = meta.customData;
  return scope;
};

type Path = (string | number)[];

interface Leaf {
  path: Path;
  label: string;
  segments: Segment[];
  /** Function ids of the code segments, in order. */
  ids: number[];
  /** True when the whole value is one `{{ }}`: the result keeps its type. */
  single: boolean;
}

interface Plan {
  leaves: Leaf[];
  ids: number[];
  /** For each id: how the host answers it itself, when the code is a constant, a plain `$json` read (json-path.ts) or a Luxon chain (luxon-chain.ts). */
  readers: (HostReader | undefined)[];
  refs: string[];
  /** Whether some expression asks for paired items (see readsPairedItems). */
  paired: boolean;
  /** Whether some expression names `binary` ($binary, .binary): only then do the items' files go to the sandbox. */
  files: boolean;
}

/**
 * Items without their files, for expressions that do not read them: a file is up to the node budget of base64, and
 * carrying it into the sandbox for `{{ $json.name }}` would cost its parse and its memory (docs/decisions.md).
 */
const withoutFiles = (list: readonly Item[]): readonly Item[] =>
  list.some((i) => i.binary !== undefined) ? list.map((i) => (i.binary === undefined ? i : { json: i.json })) : list;

/** `$('Name').item` for each item, as the sandbox reads it: an index into refs[Name], the item itself, or the error. */
type PairedEntry = number | { i: Item } | { e: string };

/**
 * The paired items of each referenced node for each item being processed
 * (see the driver's nodeAccessor). Items that are in the node's output as
 * `refs` has it travel as their index there.
 */
export const pairedPayload = (
  refs: Record<string, readonly Item[]>,
  pairedOf: ((name: string) => PairedLookup[]) | undefined,
): Record<string, PairedEntry[]> => {
  const out: Record<string, PairedEntry[]> = {};
  if (!pairedOf) return out;
  for (const name of Object.keys(refs)) {
    const list = refs[name] ?? [];
    let at: Map<Item, number> | undefined;
    out[name] = pairedOf(name).map((r) => {
      if ('error' in r) return { e: r.error };
      at ??= new Map(list.map((item, i) => [item, i]));
      return at.get(r.item) ?? { i: { json: r.item.json } };
    });
  }
  return out;
};

const labelOf = (path: Path): string =>
  path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');

const collect = (value: unknown, path: Path, out: { path: Path; source: string }[]): void => {
  if (isExpression(value)) out.push({ path, source: value.slice(1) });
  else if (Array.isArray(value)) value.forEach((v, i) => collect(v, [...path, i], out));
  else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) collect(v, [...path, k], out);
  }
};

const fail = (node: string, label: string, segment: Segment, e: unknown, filename: string): never => {
  if (e instanceof SandboxError) {
    const at = positionIn(e.info.stack, filename);
    const position = at && 'code' in segment ? characterOf(segment, at.line - 2, at.column) : undefined;
    const detail =
      e.kind === 'timeout' || e.kind === 'memory' ? `the expression ${e.message}` : `${e.info.name}: ${e.info.message}`;
    throw new ExpressionError(node, label, detail, e.kind === 'runtime' || e.kind === 'syntax' ? position : undefined);
  }
  throw new ExpressionError(node, label, e instanceof Error ? e.message : String(e));
};

/** 1-based character in the whole expression of (line, column) in a code segment (line 0 = its first line). */
const characterOf = (segment: { code: string; offset: number }, line: number, column: number): number => {
  let start = 0;
  for (let l = 0; l < line; l++) {
    const next = segment.code.indexOf('\n', start);
    if (next === -1) break;
    start = next + 1;
  }
  return segment.offset + start + column;
};

/** How a value reads inside text (the sandbox has made it text already: see evaluate in the driver). */
const stringOf = (v: unknown): string => {
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
};

/** Copy-on-write set: containers on the path are cloned once per item. */
const setIn = (root: JsonObject, path: Path, value: unknown, cloned: Set<unknown>): JsonObject => {
  const top = cloned.has(root) ? root : { ...root };
  cloned.add(top);
  let at: Record<string | number, unknown> = top;
  for (let i = 0; i < path.length - 1; i++) {
    const key = path[i] as string | number;
    const child = at[key];
    let copy = child;
    if (!cloned.has(child)) {
      copy = Array.isArray(child) ? [...(child as unknown[])] : { ...(child as JsonObject) };
      cloned.add(copy);
      at[key] = copy;
    }
    at = copy as Record<string | number, unknown>;
  }
  at[path[path.length - 1] as string | number] = value;
  return top;
};

export class ParameterResolver {
  private readonly plans = new WeakMap<object, Plan>();

  constructor(private readonly sandbox: Sandbox) {}

  /** Whether the parameters hold any expression (nodes without one skip the sandbox). */
  hasExpressions(parameters: JsonObject): boolean {
    const found: { path: Path; source: string }[] = [];
    collect(parameters, [], found);
    return found.length > 0;
  }

  /**
   * One resolved parameter object per item (one object when there are no
   * items). `outputs` gives the items of nodes already run, for `$('Name')`.
   */
  resolve(
    node: string,
    parameters: JsonObject,
    items: readonly Item[],
    meta: ExpressionMeta,
    outputs: (name: string) => readonly Item[] | undefined,
    pairedOf?: (name: string) => PairedLookup[],
  ): JsonObject[] {
    const plan = this.planFor(node, parameters);
    const count = Math.max(items.length, 1);
    if (plan.leaves.length === 0) return new Array<JsonObject>(count).fill(parameters);
    // Paired items are worked out once per call, for the host's reads and the sandbox's alike.
    const pairedMemo = new Map<string, PairedLookup[]>();
    const paired = pairedOf
      ? (name: string) => {
          let found = pairedMemo.get(name);
          if (!found) pairedMemo.set(name, (found = pairedOf(name)));
          return found;
        }
      : undefined;
    // Constants and plain reads are answered here, for every item, unless one item needs the sandbox's own answer.
    const scope = hostScope(plan, outputs, paired, meta);
    const onHost: (unknown[] | undefined)[] = plan.readers.map((reader, k) =>
      reader ? readForEvery(items, count, reader, (plan.ids[k] ?? 0) < 0, scope) : undefined,
    );
    const sent: number[] = [];
    const rowAt: number[] = [];
    plan.ids.forEach((id, k) => {
      if (onHost[k]) return;
      rowAt[k] = sent.length;
      sent.push(id);
    });
    const results = sent.length > 0 ? this.evaluate(node, plan, sent, items, meta, outputs, paired) : [];
    const resolved: JsonObject[] = new Array<JsonObject>(count);
    for (let i = 0; i < count; i++) {
      const row = results[i] ?? [];
      let params = parameters;
      const cloned = new Set<unknown>();
      let k = 0;
      for (const leaf of plan.leaves) {
        const values: unknown[] = [];
        for (const segment of leaf.segments) {
          if (!('code' in segment)) continue;
          const host = onHost[k];
          const r = host ? { v: host[i] } : row[rowAt[k] ?? -1];
          k++;
          if (r?.e) {
            fail(node, leaf.label, segment, new SandboxError(r.e, 'runtime'), filenameOf(node, leaf.label));
          }
          values.push(r?.v);
        }
        let value: unknown;
        // As in n8n, an expression that gives undefined leaves the parameter undefined (not null): nodes tell a
        // missing value from a null one (HTTP Request leaves the field out; Edit Fields writes null).
        if (leaf.single) value = values[0];
        else {
          let v = 0;
          value = leaf.segments.map((s) => ('code' in s ? stringOf(values[v++]) : s.text)).join('');
        }
        params = setIn(params, leaf.path, value, cloned);
      }
      resolved[i] = params;
    }
    return resolved;
  }

  /** The sandbox's answers for the given ids: results[item][id's place in ids]. */
  private evaluate(
    node: string,
    plan: Plan,
    ids: number[],
    items: readonly Item[],
    meta: ExpressionMeta,
    outputs: (name: string) => readonly Item[] | undefined,
    pairedOf: ((name: string) => PairedLookup[]) | undefined,
  ): { v?: unknown; e?: SandboxErrorShape }[][] {
    const reads = readParametersOnce(plan, () =>
      plan.leaves.flatMap((l) => l.segments.flatMap((s) => ('code' in s ? [s.code] : []))),
    );
    const facts = runData(meta, plan.refs, reads);
    // $node["Name"].parameter works out the expressions among those parameters, which may name other nodes.
    const nested = reads ? parameterExpressions(this.sandbox, facts.params) : undefined;
    const refs: Record<string, readonly Item[]> = {};
    for (const name of nested ? [...plan.refs, ...nested.refs] : plan.refs) {
      const out = outputs(name);
      if (out) refs[name] = out;
    }
    const paired = plan.paired ? pairedPayload(refs, pairedOf) : undefined;
    if (!plan.files) {
      items = withoutFiles(items);
      for (const name of Object.keys(refs)) refs[name] = withoutFiles(refs[name] ?? []);
    }
    const all = meta.input && !plan.files ? withoutFiles(meta.input) : meta.input;
    const payload = JSON.stringify({
      ...(paired ? { items, refs, paired } : { items, refs }),
      ...(all ? { all } : {}),
      ...facts,
      ...nested?.data,
    });
    let text: string;
    try {
      text = this.sandbox.evaluate(ids, payload, callScope(meta));
    } catch (e) {
      // Out of time or memory: the whole batch stopped, so name every parameter it held.
      if (!(e instanceof SandboxError)) throw e;
      const labels = [...new Set(plan.leaves.map((l) => l.label))].join('", "');
      throw new ExpressionError(node, labels, `the expression ${e.message}`);
    }
    return JSON.parse(text) as { v?: unknown; e?: SandboxErrorShape }[][];
  }

  private planFor(node: string, parameters: JsonObject): Plan {
    const known = this.plans.get(parameters);
    if (known) return known;
    const found: { path: Path; source: string }[] = [];
    collect(parameters, [], found);
    const leaves: Leaf[] = [];
    const ids: number[] = [];
    const readers: (HostReader | undefined)[] = [];
    const refs = new Set<string>();
    let paired = false;
    let files = false;
    for (const { path, source } of found) {
      const label = labelOf(path);
      const filename = filenameOf(node, label);
      let segments: Segment[];
      try {
        segments = parseTemplate(source);
      } catch (e) {
        if (e instanceof TemplateError) throw new ExpressionError(node, label, e.message);
        throw e;
      }
      const leafIds: number[] = [];
      for (const segment of segments) {
        if (!('code' in segment)) continue;
        if (segment.code.trim() === '') throw new ExpressionError(node, label, 'an empty {{ }}', segment.offset);
        try {
          // One expression, as a function's return value: its code starts on line 2, column 1 (see characterOf).
          leafIds.push(this.sandbox.compile(EXPRESSION, segment.code, filename, readsTime(segment.code)));
        } catch (e) {
          fail(node, label, segment, e, filename);
        }
        for (const name of referencedNodes(segment.code)) refs.add(name);
        paired ||= readsPairedItems(segment.code);
        files ||= segment.code.includes('binary');
      }
      const single = segments.length === 1 && 'code' in (segments[0] as Segment);
      leaves.push({ path, label, segments, ids: leafIds, single });
      // A {{ }} with text around it is marked (~id): the sandbox turns its value into text as n8n's template does.
      ids.push(...(single ? leafIds : leafIds.map((id) => ~id)));
      for (const segment of segments)
        if ('code' in segment)
          readers.push(hostReaderOf(segment.code) ?? luxonReaderOf(segment.code, this.sandbox.host.timeZoneVersion));
    }
    const plan = { leaves, ids, readers, refs: [...refs], paired, files };
    this.plans.set(parameters, plan);
    return plan;
  }
}

interface SandboxErrorShape {
  name: string;
  message: string;
  stack: string;
}

/**
 * `$('Name')`'s items as the sandbox's nodeAccessor finds them (driver-source.ts): the node's output when it has
 * run, the paired item when the call works them out (else the item at the same index, or the first), undefined
 * wherever the sandbox would throw.
 */
const hostScope = (
  plan: Plan,
  outputs: (name: string) => readonly Item[] | undefined,
  paired: ((name: string) => PairedLookup[]) | undefined,
  meta: ExpressionMeta,
): HostScope => ({
  time: { now: meta.now, zone: meta.timezone },
  nodeItem: (name, which, index) => {
    const out = plan.refs.includes(name) ? outputs(name) : undefined;
    if (!out) return undefined;
    if (which === 'first') return out[0] ?? null;
    if (which === 'last') return out[out.length - 1] ?? null;
    if (!plan.paired || !paired) return out[index] ?? out[0] ?? null;
    const entry = paired(name)[index];
    return entry && 'item' in entry ? entry.item : undefined;
  },
});

/** The value for every item (as text inside a template), or undefined when one of them needs the sandbox. */
const readForEvery = (
  items: readonly Item[],
  count: number,
  reader: HostReader,
  text: boolean,
  scope: HostScope,
): unknown[] | undefined => {
  const values = new Array<unknown>(count);
  for (let i = 0; i < count; i++) {
    // With no items the sandbox's $json is {}.
    let read = reader(items[i]?.json ?? {}, i, scope);
    if (read && text) read = asTemplateText(read);
    if (!read) return undefined;
    values[i] = read.value;
  }
  return values;
};

const filenameOf = (node: string, label: string): string => sourceName('expr', node, label);
