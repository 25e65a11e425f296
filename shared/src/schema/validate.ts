import type { z } from 'zod';
import type { Issue } from '../errors.ts';
import { getNodeDefinition, hasInput, hasOutput } from '../nodes/catalog.ts';
import { checkParamValue, isFilled, isShown } from './params.ts';
import {
  workflowDefinitionSchema,
  type definitionEdgeSchema,
  type DefinitionEdge,
  type DefinitionNode,
  type WorkflowDefinition,
} from './definition.ts';
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

const fromZod = (error: z.ZodError, label: Label): Issue[] =>
  error.issues.map((issue) => {
    const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
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

const checkNode = (node: DefinitionNode, index: number, label: string, opts: ValidateOptions, out: Issue[]): void => {
  const at = (...rest: (string | number)[]): (string | number)[] => ['nodes', index, ...rest];
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

const checkEdges = (
  def: { nodes: DefinitionNode[]; edges: z.infer<typeof definitionEdgeSchema>[] },
  label: Label,
  out: Issue[],
): DefinitionEdge[] => {
  const index = new Map(def.nodes.map((n, i) => [n.id, i]));
  const seen = new Set<string>();
  const kept: DefinitionEdge[] = [];
  def.edges.forEach((edge, i) => {
    const at = (field: string): (string | number)[] => ['edges', i, field];
    const s = index.get(edge.source);
    const t = index.get(edge.target);
    let ok = true;
    if (s === undefined) {
      out.push({
        path: at('source'),
        message: `Edge #${i + 1}: source node "${edge.source}" does not exist`,
        severity: 'error',
      });
      ok = false;
    } else if (!hasOutput((def.nodes[s] as DefinitionNode).type, edge.sourceHandle)) {
      out.push({
        path: at('sourceHandle'),
        message: `Edge #${i + 1}: ${label(s)} has no output "${edge.sourceHandle}"`,
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
    } else if (!hasInput((def.nodes[t] as DefinitionNode).type, edge.targetHandle)) {
      out.push({
        path: at('targetHandle'),
        message: `Edge #${i + 1}: ${label(t)} has no input "${edge.targetHandle}"`,
        severity: 'error',
      });
      ok = false;
    }
    if (!ok) return;
    const id = edgeId(edge);
    if (seen.has(id)) {
      out.push({
        path: ['edges', i],
        message: `Edge #${i + 1} repeats an earlier edge and is ignored`,
        severity: 'warning',
      });
      return;
    }
    seen.add(id);
    kept.push({ ...edge, id });
  });
  return kept;
};

/**
 * Validates a workflow definition (import, API, engine). Every problem is
 * reported, each naming the node (by name and id) and the field; warnings
 * (unsupported node types, unknown parameters) do not fail validation.
 */
export const validateDefinition = (input: unknown, opts: ValidateOptions = {}): ValidationResult => {
  const label = nodeLabeler(input);
  const parsed = workflowDefinitionSchema.safeParse(input);
  if (!parsed.success) return { ok: false, issues: fromZod(parsed.error, label) };
  const def = parsed.data;
  const issues: Issue[] = [];

  const ids = new Map<string, number>();
  const names = new Map<string, number>();
  def.nodes.forEach((node, i) => {
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
  });
  const edges = checkEdges(def, label, issues);

  if (issues.some((i) => i.severity === 'error')) return { ok: false, issues };
  const definition: WorkflowDefinition = {
    weft: def.weft,
    name: def.name,
    ...(def.description ? { description: def.description } : {}),
    settings: def.settings,
    nodes: def.nodes,
    edges,
  };
  return { ok: true, definition, warnings: issues };
};
