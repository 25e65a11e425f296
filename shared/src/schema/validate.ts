import { z } from 'zod';
import type { Issue } from '../errors.ts';
import { getNodeDefinition, hasInput, hasOutput } from '../nodes/catalog.ts';
import { checkParamValue, isFilled, isShown } from './params.ts';
import {
  definitionEdgeSchema,
  definitionNodeSchema,
  workflowDefinitionSchema,
  type DefinitionEdge,
  type DefinitionNode,
  type WorkflowDefinition,
} from './definition.ts';
import { checkPin, pinBytes, PIN_MAX_TOTAL } from './pins.ts';
import { edgeId } from './roots.ts';

export type ValidationResult =
  { ok: true; definition: WorkflowDefinition; warnings: Issue[] } | { ok: false; issues: Issue[] };

export interface ValidateOptions {
  /** Also require what a run needs: required parameters and credentials filled in. */
  forRun?: boolean;
}

type Label = (index: number) => string;

/** `Node "HTTP Request" (n2)`, from whatever the raw input has at nodes[index]. */
const nodeLabeler = (raw: unknown): Label => {
  const nodes = (raw as { nodes?: unknown } | null)?.nodes;
  return (index) => {
    const node = Array.isArray(nodes) ? (nodes[index] as Record<string, unknown> | undefined) : undefined;
    const name = typeof node?.name === 'string' ? node.name : undefined;
    const id = typeof node?.id === 'string' ? node.id : undefined;
    if (name && id) return `Node "${name}" (${id})`;
    if (name) return `Node "${name}"`;
    if (id) return `Node ${id}`;
    return `Node #${index + 1}`;
  };
};

const formatPath = (path: readonly PropertyKey[]): string =>
  path
    .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
    .join('')
    .replace(/^\./, '');

const fromZod = (error: z.ZodError, label: Label, prefix: (string | number)[] = []): Issue[] =>
  error.issues.map((issue) => {
    const path = [...prefix, ...issue.path.filter((p): p is string | number => typeof p !== 'symbol')];
    let message: string;
    if (path[0] === 'nodes' && typeof path[1] === 'number') {
      const field = formatPath(path.slice(2));
      message = `${label(path[1])}${field ? `, field "${field}"` : ''}: ${issue.message}`;
    } else if (path[0] === 'edges' && typeof path[1] === 'number') {
      const field = formatPath(path.slice(2));
      message = `Edge #${path[1] + 1}${field ? `, field "${field}"` : ''}: ${issue.message}`;
    } else {
      message = `${path.length > 0 ? `Field "${formatPath(path)}"` : 'Workflow'}: ${issue.message}`;
    }
    return { path, message, severity: 'error' as const };
  });

/**
 * Yjs picks how to store a value by its `constructor`: a plain object whose
 * own "constructor" key shadows that is refused ("Unexpected content type"),
 * so such a parameter or credentials value could never be written.
 */
const unstorable = (value: unknown): boolean =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && Object.hasOwn(value, 'constructor');

const checkNode = (node: DefinitionNode, index: number, label: string, opts: ValidateOptions, out: Issue[]): void => {
  const at = (...rest: (string | number)[]): (string | number)[] => ['nodes', index, ...rest];
  for (const [name, value] of Object.entries(node.parameters)) {
    if (unstorable(value)) {
      out.push({
        path: at('parameters', name),
        message: `${label}, parameter "${name}": an object with a "constructor" key cannot be stored`,
        severity: 'error',
      });
    }
  }
  if (unstorable(node.credentials)) {
    out.push({
      path: at('credentials', 'constructor'),
      message: `${label}: "constructor" cannot name a credential`,
      severity: 'error',
    });
  }
  const def = getNodeDefinition(node.type);
  if (!def) {
    out.push({
      path: at('type'),
      message: `${label}: type "${node.type}" is not supported by Weft; it is kept as an unsupported placeholder`,
      severity: 'warning',
    });
    return;
  }
  if (node.typeVersion > def.version) {
    out.push({
      path: at('typeVersion'),
      message: `${label}: version ${node.typeVersion} of "${node.type}" is newer than this Weft knows (${def.version})`,
      severity: 'error',
    });
  }
  const effective: Record<string, unknown> = {};
  for (const spec of def.params) effective[spec.name] = spec.default;
  Object.assign(effective, node.parameters);
  for (const [name, value] of Object.entries(node.parameters)) {
    const spec = def.params.find((p) => p.name === name);
    if (!spec) {
      out.push({
        path: at('parameters', name),
        message: `${label}: unknown parameter "${name}" (kept)`,
        severity: 'warning',
      });
      continue;
    }
    const problem = checkParamValue(spec, value);
    if (problem)
      out.push({
        path: at('parameters', name),
        message: `${label}, parameter "${name}": ${problem}`,
        severity: 'error',
      });
  }
  for (const slot of Object.keys(node.credentials ?? {})) {
    if (!def.credentials?.some((c) => c.name === slot)) {
      out.push({
        path: at('credentials', slot),
        message: `${label}: "${node.type}" has no credential "${slot}"`,
        severity: 'error',
      });
    }
  }
  if (opts.forRun && !node.disabled) {
    for (const spec of def.params) {
      if (spec.required && isShown(spec.showWhen, effective) && !isFilled(effective[spec.name])) {
        out.push({
          path: at('parameters', spec.name),
          message: `${label}, parameter "${spec.name}": is required`,
          severity: 'error',
        });
      }
    }
    for (const slot of def.credentials ?? []) {
      if (isShown(slot.showWhen, effective) && !node.credentials?.[slot.name]) {
        out.push({
          path: at('credentials', slot.name),
          message: `${label}: choose a credential for "${slot.label}"`,
          severity: 'error',
        });
      }
    }
  }
};

type Indexed<T> = { value: T; index: number };
type ParsedEdge = z.infer<typeof definitionEdgeSchema>;

const checkEdges = (
  nodes: Indexed<DefinitionNode>[],
  edges: Indexed<ParsedEdge>[],
  label: Label,
  out: Issue[],
): DefinitionEdge[] => {
  const byId = new Map(nodes.map((n) => [n.value.id, n]));
  const seen = new Set<string>();
  const kept: DefinitionEdge[] = [];
  for (const { value: edge, index: i } of edges) {
    const at = (field: string): (string | number)[] => ['edges', i, field];
    const s = byId.get(edge.source);
    const t = byId.get(edge.target);
    let ok = true;
    if (s === undefined) {
      out.push({
        path: at('source'),
        message: `Edge #${i + 1}: source node "${edge.source}" does not exist`,
        severity: 'error',
      });
      ok = false;
    } else if (!hasOutput(s.value.type, edge.sourceHandle)) {
      out.push({
        path: at('sourceHandle'),
        message: `Edge #${i + 1}: ${label(s.index)} has no output "${edge.sourceHandle}"`,
        severity: 'error',
      });
      ok = false;
    }
    if (t === undefined) {
      out.push({
        path: at('target'),
        message: `Edge #${i + 1}: target node "${edge.target}" does not exist`,
        severity: 'error',
      });
      ok = false;
    } else if (!hasInput(t.value.type, edge.targetHandle)) {
      out.push({
        path: at('targetHandle'),
        message: `Edge #${i + 1}: ${label(t.index)} has no input "${edge.targetHandle}"`,
        severity: 'error',
      });
      ok = false;
    }
    if (!ok) continue;
    const id = edgeId(edge);
    if (seen.has(id)) {
      out.push({
        path: ['edges', i],
        message: `Edge #${i + 1} repeats an earlier edge and is ignored`,
        severity: 'warning',
      });
      continue;
    }
    seen.add(id);
    kept.push({ ...edge, id });
  }
  return kept;
};

/**
 * The pins a document may hold (pins.ts): of nodes that exist, within the per-node limit, and, in id order,
 * while they add up to no more than the workflow's. The others are left out with a warning, as repair would.
 */
const keptPins = (
  pins: Record<string, Record<string, unknown>[]>,
  ids: ReadonlyMap<string, number>,
  out: Issue[],
): Record<string, Record<string, unknown>[]> | undefined => {
  const kept: Record<string, Record<string, unknown>[]> = {};
  let total = 0;
  for (const id of Object.keys(pins).sort()) {
    const items = pins[id] ?? [];
    const problem = ids.has(id) ? checkPin({ items, by: '', at: 0, source: 'import' }) : `Node ${id} does not exist`;
    const bytes = problem ? 0 : pinBytes({ items });
    const over = !problem && total + bytes > PIN_MAX_TOTAL;
    if (problem || over) {
      out.push({
        path: ['pins', id],
        message: `Pinned data of node ${id} is left out: ${problem ?? `the workflow's pins would be over their ${PIN_MAX_TOTAL / 1048576} MB`}`,
        severity: 'warning',
      });
      continue;
    }
    total += bytes;
    kept[id] = items;
  }
  return Object.keys(kept).length > 0 ? kept : undefined;
};

/** The top level alone; nodes and edges are checked one by one so every bad one is reported. */
const envelopeSchema = workflowDefinitionSchema.extend({
  nodes: z.array(z.unknown()).max(10_000),
  edges: z.array(z.unknown()).max(50_000),
});

/**
 * Validates a workflow definition (import, API, engine). Every problem is
 * reported, each naming the node (by name and id) and the field; warnings
 * (unsupported node types, unknown parameters) do not fail validation.
 */
export const validateDefinition = (input: unknown, opts: ValidateOptions = {}): ValidationResult => {
  const label = nodeLabeler(input);
  const envelope = envelopeSchema.safeParse(input);
  if (!envelope.success) return { ok: false, issues: fromZod(envelope.error, label) };
  const issues: Issue[] = [];
  const nodes: Indexed<DefinitionNode>[] = [];
  // Edges to a node that is itself malformed are not reported again as dangling.
  const brokenIds = new Set<string>();
  envelope.data.nodes.forEach((raw, index) => {
    const parsed = definitionNodeSchema.safeParse(raw);
    if (parsed.success) nodes.push({ value: parsed.data, index });
    else {
      issues.push(...fromZod(parsed.error, label, ['nodes', index]));
      const id = (raw as { id?: unknown } | null)?.id;
      if (typeof id === 'string') brokenIds.add(id);
    }
  });
  const edges: Indexed<ParsedEdge>[] = [];
  envelope.data.edges.forEach((raw, index) => {
    const parsed = definitionEdgeSchema.safeParse(raw);
    if (parsed.success) edges.push({ value: parsed.data, index });
    else issues.push(...fromZod(parsed.error, label, ['edges', index]));
  });

  const ids = new Map<string, number>();
  const names = new Map<string, number>();
  for (const { value: node, index: i } of nodes) {
    const firstId = ids.get(node.id);
    if (firstId !== undefined) {
      issues.push({
        path: ['nodes', i, 'id'],
        message: `${label(i)}: id "${node.id}" is already used by ${label(firstId)}`,
        severity: 'error',
      });
    } else ids.set(node.id, i);
    const firstName = names.get(node.name);
    if (firstName !== undefined) {
      issues.push({
        path: ['nodes', i, 'name'],
        message: `${label(i)}: name "${node.name}" is already used by ${label(firstName)}; node names must be unique`,
        severity: 'error',
      });
    } else names.set(node.name, i);
    checkNode(node, i, label(i), opts, issues);
  }
  // n8n's maxNodes: a workflow is called through one Execute Workflow Trigger, so it may have one. Two people
  // can each add one at once, so a document may hold two: it cannot run (or be published) until one goes.
  const callTriggers = nodes.filter((n) => n.value.type === 'executeWorkflowTrigger');
  for (const { index: i } of callTriggers.slice(1)) {
    issues.push({
      path: ['nodes', i, 'type'],
      message: `${label(i)}: a workflow has at most one Execute Workflow Trigger (${label(callTriggers[0]?.index ?? 0)} is one)`,
      severity: opts.forRun ? 'error' : 'warning',
    });
  }
  const checkable = edges.filter((e) => !brokenIds.has(e.value.source) && !brokenIds.has(e.value.target));
  const keptEdges = checkEdges(nodes, checkable, label, issues);

  // Issues in input order: by node or edge index, then as found.
  const order = (i: Issue): number =>
    (i.path[0] === 'nodes' ? 0 : i.path[0] === 'edges' ? 1_000_000 : -1) +
    (typeof i.path[1] === 'number' ? i.path[1] : 0);
  issues.sort((a, b) => order(a) - order(b));
  if (issues.some((i) => i.severity === 'error')) return { ok: false, issues };
  const def = envelope.data;
  const pins = def.pins ? keptPins(def.pins, ids, issues) : undefined;
  const definition: WorkflowDefinition = {
    weft: def.weft,
    name: def.name,
    ...(def.description ? { description: def.description } : {}),
    settings: def.settings,
    nodes: nodes.map((n) => n.value),
    edges: keptEdges,
    ...(pins ? { pins } : {}),
  };
  return { ok: true, definition, warnings: issues };
};
