import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { n8nParameterTable } from '#shared/interop/n8n/n8n-parameter-table.ts';
import { CODE_PATHS, git } from './budget.ts';
import type { Family } from './differ.ts';
import { graphCase } from './graph-gen.ts';
import type { N8nWorkflowJson, NodeCase } from './node-case.ts';

/**
 * What the differential harness covers, measured rather than written down:
 * every `Family` exported by a `*-gen.ts` file is sampled (its generator
 * only, nothing runs), and the parameters of the sampled cases are compared
 * with n8n's own node descriptions — which type versions, which values of
 * each choice parameter (operation, mode, …), which options, which filter
 * operators appear. Families may add what sampling cannot see
 * (`Family.coverage()`). The last recorded result of each family is read
 * from test-results/n8n-diff/<family>.json and shown only when it was
 * produced on the code as it is now.
 */

const here = new URL('./', import.meta.url);
const resultsDir = fileURLToPath(new URL('../../../test-results/n8n-diff/', import.meta.url));
const n8nNodesJson = fileURLToPath(
  new URL('../../../bench/engine/n8n-baseline/node_modules/n8n-nodes-base/dist/types/nodes.json', import.meta.url),
);

/** Cases drawn from each family to see what it covers: far more than the short budget, cheap (no run). */
const SAMPLES = 3000;

const isFamily = (value: unknown): value is Family =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as Family).name === 'string' &&
  typeof (value as Family).generate === 'function' &&
  typeof (value as Family).shrink === 'function' &&
  typeof (value as Family).key === 'function';

/** Every family a generator module exports (alone or in a list), by name. */
export const discoverFamilies = async (): Promise<Family[]> => {
  const found = new Map<string, Family>();
  const files = readdirSync(fileURLToPath(here)).filter((f) => f.endsWith('-gen.ts'));
  for (const file of files.sort()) {
    const module = (await import(pathToFileURL(fileURLToPath(new URL(file, here))).href)) as Record<string, unknown>;
    for (const value of Object.values(module)) {
      for (const candidate of Array.isArray(value) ? value : [value]) {
        if (isFamily(candidate) && !found.has(candidate.name)) found.set(candidate.name, candidate);
      }
    }
  }
  return [...found.values()];
};

interface Property {
  name: string;
  displayName?: string;
  type?: string;
  options?: unknown[];
  values?: Property[];
}
interface Description {
  name: string;
  displayName: string;
  version: number | number[];
  properties: Property[];
}

/** One n8n node type as its description has it: versions, choice parameters with their values, options. */
export interface N8nType {
  type: string;
  label: string;
  versions: number[];
  /** Choice parameter (its path without list positions) → its label and values. */
  choices: Map<string, { label: string; values: Set<string> }>;
  /** Option path (`options.x`) → its label. */
  options: Map<string, string>;
}

const isProperty = (o: unknown): o is Property =>
  typeof o === 'object' && o !== null && typeof (o as Property).name === 'string' && 'type' in o;

const walkDescription = (t: N8nType, props: readonly Property[], prefix: string, labels: string[]): void => {
  for (const p of props) {
    const key = prefix ? `${prefix}.${p.name}` : p.name;
    const label = [...labels, p.displayName ?? p.name].join(' › ');
    if (prefix.startsWith('options') || key.startsWith('options.')) t.options.set(key, label);
    if (p.type === 'collection') {
      walkDescription(t, (p.options ?? []).filter(isProperty), key, key === 'options' ? [] : [label]);
    } else if (p.type === 'fixedCollection') {
      for (const group of p.options ?? []) {
        const g = group as { name?: string; values?: Property[] };
        if (typeof g.name === 'string') walkDescription(t, g.values ?? [], `${key}.${g.name}`, [label]);
      }
    } else if (p.type === 'options' || p.type === 'multiOptions') {
      const values = (p.options ?? [])
        .map((o) => (o as { value?: unknown }).value)
        .filter((v): v is string | number | boolean => ['string', 'number', 'boolean'].includes(typeof v))
        .map(String);
      const entry = t.choices.get(key) ?? { label, values: new Set<string>() };
      for (const v of values) entry.values.add(v);
      t.choices.set(key, entry);
    }
  }
};

/** n8n's descriptions of the node types Weft imports (those its parameter table has). */
export const n8nTypes = (): N8nType[] => {
  const descriptions = JSON.parse(readFileSync(n8nNodesJson, 'utf8')) as Description[];
  const byType = new Map<string, N8nType>();
  for (const d of descriptions) {
    if (!(d.name in n8nParameterTable)) continue;
    const t: N8nType = byType.get(d.name) ?? {
      type: d.name,
      label: d.displayName,
      versions: [],
      choices: new Map(),
      options: new Map(),
    };
    t.versions.push(...(Array.isArray(d.version) ? d.version : [d.version]));
    walkDescription(t, d.properties, '', []);
    byType.set(d.name, t);
  }
  for (const t of byType.values()) t.versions.sort((a, b) => a - b);
  return [...byType.values()].sort((a, b) => a.label.localeCompare(b.label));
};

/** What sampled cases of one node type showed. */
export interface Seen {
  families: Set<string>;
  versions: Set<number>;
  /** Choice parameter path → values seen. */
  choices: Map<string, Set<string>>;
  options: Set<string>;
  operators: Set<string>;
  /** Kinds of input items the cases use (empty input, nulls, dates as text, …). */
  itemKinds: Set<string>;
  /** Parameters given as plain values, as `={{ … }}` expressions, or both in one case. */
  valueForms: Set<string>;
  /** From the families' own coverage(). */
  declared: Map<string, Set<string>>;
}

const keyOf = (segments: readonly (string | number)[]) =>
  segments.filter((s): s is string => typeof s === 'string').join('.');

const record = (seen: Seen, t: N8nType | undefined, value: unknown, segments: (string | number)[]): void => {
  if (Array.isArray(value)) {
    value.forEach((v, i) => record(seen, t, v, [...segments, i]));
    return;
  }
  if (typeof value === 'object' && value !== null) {
    const o = value as Record<string, unknown>;
    const op = o.operator;
    if (typeof op === 'object' && op !== null) {
      const { type, operation } = op as { type?: unknown; operation?: unknown };
      if (typeof type === 'string' && typeof operation === 'string') seen.operators.add(`${type}:${operation}`);
    }
    for (const [k, v] of Object.entries(o)) record(seen, t, v, [...segments, k]);
    return;
  }
  const key = keyOf(segments);
  if (t?.options.has(key)) seen.options.add(key);
  if (t?.choices.has(key) && (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')) {
    const set = seen.choices.get(key) ?? new Set<string>();
    set.add(String(value));
    seen.choices.set(key, set);
  }
};

/** The item sets of Scope 1 (items.ts), recognised in a case's input. */
export const ITEM_KINDS = [
  'empty input',
  'nulls',
  'nested objects',
  'arrays',
  'numbers as text',
  'dates as text',
  'unicode',
  'mixed case',
  'same keys in another order',
  'large list (50+ items)',
] as const;

const DATE_TEXT = /^\d{4}-\d{2}-\d{2}|^\d{1,2}[/.]\d{1,2}[/.]\d{2,4}|^[A-Z][a-z]{2},? \d{1,2} [A-Z][a-z]{2}/;

const itemKinds = (items: readonly Record<string, unknown>[], firstInput: number): Set<string> => {
  const kinds = new Set<string>();
  if (firstInput === 0) kinds.add('empty input');
  if (items.length >= 50) kinds.add('large list (50+ items)');
  const orders = new Map<string, string>();
  const visit = (value: unknown, depth: number): void => {
    if (value === null) kinds.add('nulls');
    else if (Array.isArray(value)) {
      kinds.add('arrays');
      for (const v of value) visit(v, depth + 1);
    } else if (typeof value === 'object') {
      if (depth > 0) kinds.add('nested objects');
      for (const v of Object.values(value)) visit(v, depth + 1);
    } else if (typeof value === 'string') {
      if (/^\s*[-+]?\d+(\.\d+)?(e\d+)?\s*$/i.test(value)) kinds.add('numbers as text');
      if (DATE_TEXT.test(value)) kinds.add('dates as text');
      if (/[^ -~\t\n\r]/.test(value)) kinds.add('unicode');
      if (/[a-z]/.test(value) && /[A-Z]/.test(value)) kinds.add('mixed case');
    }
  };
  for (const item of items) {
    visit(item, 0);
    const keys = Object.keys(item);
    const sorted = [...keys].sort().join('\u0000');
    const order = keys.join('\u0000');
    const earlier = orders.get(sorted);
    if (earlier !== undefined && earlier !== order) kinds.add('same keys in another order');
    orders.set(sorted, order);
  }
  return kinds;
};

const valueForm = (parameters: unknown): string => {
  let expressions = 0;
  let plain = 0;
  const visit = (value: unknown): void => {
    if (typeof value === 'string') {
      if (value.startsWith('=')) expressions++;
      else plain++;
    } else if (typeof value === 'object' && value !== null) for (const v of Object.values(value)) visit(v);
    else if (value !== undefined && value !== null) plain++;
  };
  visit(parameters);
  return expressions === 0 ? 'plain values only' : plain === 0 ? 'expressions only' : 'expressions and plain values';
};

const freshSeen = (): Seen => ({
  families: new Set<string>(),
  versions: new Set<number>(),
  choices: new Map<string, Set<string>>(),
  options: new Set<string>(),
  operators: new Set<string>(),
  itemKinds: new Set<string>(),
  valueForms: new Set<string>(),
  declared: new Map<string, Set<string>>(),
});

/** Random workflows drawn to see which nodes the `graphs` family runs (Loop Over Items is only there). */
const GRAPH_SAMPLES = 1000;

/**
 * The nodes of whole workflows a family runs besides its node under test (a
 * sub-workflow's trigger, the random workflows' nodes): each counts as
 * covered by that family, with its version and parameters.
 */
const recordWorkflow = (
  seen: Map<string, Seen>,
  byType: ReadonlyMap<string, N8nType>,
  family: string,
  workflow: N8nWorkflowJson,
): void => {
  for (const node of workflow.nodes) {
    if (typeof node.type !== 'string' || !node.type.startsWith('n8n-nodes-base.')) continue;
    const type = node.type.slice('n8n-nodes-base.'.length);
    const s = seen.get(type) ?? freshSeen();
    s.families.add(family);
    if (typeof node.typeVersion === 'number') s.versions.add(node.typeVersion);
    record(s, byType.get(type), node.parameters, []);
    seen.set(type, s);
  }
};

/** Samples every family (and, with `graphs`, the random workflows): n8n type → what its cases covered. */
export const sampleCoverage = async (
  families: readonly Family[],
  types: readonly N8nType[],
  { graphs = false }: { graphs?: boolean } = {},
): Promise<Map<string, Seen>> => {
  const byType = new Map(types.map((t) => [t.type, t]));
  const seen = new Map<string, Seen>();
  for (const family of families) {
    const typesOfFamily = new Set<string>();
    // Some generators draw on what their setup starts (a local server's address).
    const teardown = await family.setup?.();
    for (let seed = 1; seed <= SAMPLES; seed++) {
      let c: NodeCase;
      try {
        c = family.generate(seed);
      } catch {
        continue;
      }
      typesOfFamily.add(c.type);
      const s = seen.get(c.type) ?? freshSeen();
      s.families.add(family.name);
      s.versions.add(c.typeVersion);
      record(s, byType.get(c.type), c.parameters, []);
      for (const kind of itemKinds([...c.items, ...(c.items2 ?? [])], c.items.length)) s.itemKinds.add(kind);
      s.valueForms.add(valueForm(c.parameters));
      seen.set(c.type, s);
      for (const child of Object.values(c.subworkflows ?? {})) recordWorkflow(seen, byType, family.name, child);
      // A Sticky Note on the canvas beside the node under test (never run, in either engine).
      if (c.sticky) {
        const note = seen.get('stickyNote') ?? freshSeen();
        note.families.add(family.name);
        note.versions.add(1);
        seen.set('stickyNote', note);
      }
    }
    await teardown?.();
    for (const type of typesOfFamily) {
      const s = seen.get(type);
      if (!s) continue;
      for (const [dimension, values] of Object.entries(family.coverage?.() ?? {})) {
        const set = s.declared.get(dimension) ?? new Set<string>();
        for (const v of values) set.add(v);
        s.declared.set(dimension, set);
      }
    }
  }
  if (graphs)
    for (let seed = 1; seed <= GRAPH_SAMPLES; seed++) recordWorkflow(seen, byType, 'graphs', graphCase(seed).workflow);
  return seen;
};

/** A family's last recorded result, as nodes.diff.ts (and graphs.diff.ts for `graphs`) writes it. */
export interface FamilyResult {
  family: string;
  commit?: string;
  uncommitted?: string[];
  at?: string;
  budget: number;
  seed: number;
  refused: number;
  diverging: number;
  reports: { signature: string; seed: number; count: number }[];
}

export type ResultState =
  | { state: 'none' }
  | { state: 'current'; result: FamilyResult }
  | { state: 'stale'; result: FamilyResult; why: string };

const changedSince = (commit: string): boolean => {
  try {
    git(['diff', '--quiet', commit, 'HEAD', '--', ...CODE_PATHS]);
    return false;
  } catch {
    return true;
  }
};

/** Code files changed in the working tree now: results cannot be said to hold for code that is not committed. */
export const uncommittedCode = (): string[] => {
  try {
    return git(['status', '--porcelain', '--', ...CODE_PATHS])
      .split('\n')
      .filter((l) => l !== '');
  } catch {
    return [];
  }
};

/**
 * A family's result, and whether it holds for the code now: it must have been
 * produced on a commit, with no uncommitted code, and no code may have
 * changed since (nor be uncommitted now).
 */
export const familyResult = (
  family: string,
  uncommittedNow: readonly string[],
  dir: string = resultsDir,
): ResultState => {
  const file = join(dir, `${family}.json`);
  if (!existsSync(file)) return { state: 'none' };
  let result: FamilyResult;
  try {
    result = { family, ...(JSON.parse(readFileSync(file, 'utf8')) as Omit<FamilyResult, 'family'>) };
  } catch {
    return { state: 'none' };
  }
  if (!result.commit || result.commit === 'unknown')
    return { state: 'stale', result, why: 'no record of the code it ran on' };
  const short = result.commit.slice(0, 10);
  if ((result.uncommitted ?? []).length > 0)
    return { state: 'stale', result, why: `ran on ${short} with uncommitted code changes` };
  if (changedSince(result.commit)) return { state: 'stale', result, why: `ran on ${short}; the code changed since` };
  if (uncommittedNow.length > 0)
    return { state: 'stale', result, why: `ran on ${short}; the code has uncommitted changes now` };
  return { state: 'current', result };
};
