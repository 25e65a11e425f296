import { hasInput, hasOutput } from '../../nodes/catalog.ts';
import { DEFAULT_NODE_SETTINGS } from '../read.ts';
import { edgeId } from '../roots.ts';
import type { DefinitionEdge, DefinitionNode, WorkflowDefinition, WorkflowSettings } from '../definition.ts';
import { sameJson } from './canonical-json.ts';
import { workflowSettingKeys } from './diff.ts';

/**
 * Three-way merge of workflow definitions, field by field: where `current`
 * still holds `base`'s value, `theirs` is taken; where `current` changed it
 * since `base`, `current` keeps its value. Unlike a Yjs merge, which settles
 * two concurrent writes of one map key by client id, the later edit always
 * wins here, which is what undoing a restore promises its users.
 */

/** `theirs` unless `current` moved away from `base`. */
const pick = <T>(base: T, theirs: T, current: T): T => (sameJson(current, base) ? theirs : current);

const nodeSettingKeys = [
  'disabled',
  'retryOnFail',
  'maxTries',
  'waitBetweenTries',
  'onError',
  'timeoutSeconds',
  'alwaysOutputData',
  'executeOnce',
] as const;

const settingOf = (node: DefinitionNode, key: (typeof nodeSettingKeys)[number]): unknown =>
  node[key] ?? (key === 'disabled' ? false : DEFAULT_NODE_SETTINGS[key]);

const mergeRecord = <V>(
  base: Record<string, V> | undefined,
  theirs: Record<string, V> | undefined,
  current: Record<string, V> | undefined,
): Record<string, V> => {
  const keys = new Set([...Object.keys(base ?? {}), ...Object.keys(theirs ?? {}), ...Object.keys(current ?? {})]);
  const out: Record<string, V> = {};
  for (const key of [...keys].sort()) {
    const value = pick(base?.[key], theirs?.[key], current?.[key]);
    if (value !== undefined) out[key] = value;
  }
  return out;
};

/** Everything but the name and position, which merge on their own whatever the type. */
const content = ({ name: _name, position: _position, ...rest }: DefinitionNode): unknown => rest;

const mergeNode = (base: DefinitionNode, theirs: DefinitionNode, current: DefinitionNode): DefinitionNode => {
  const name = pick(base.name, theirs.name, current.name);
  const position = pick(base.position, theirs.position, current.position);
  if (base.type !== theirs.type || base.typeVersion !== theirs.typeVersion) {
    // Parameters of two types do not mix: theirs wins only if nobody touched the node's content since base.
    return sameJson(content(current), content(base)) ? { ...theirs, name, position } : { ...current, name, position };
  }
  const node: DefinitionNode = {
    ...current,
    name,
    position,
    parameters: mergeRecord(base.parameters, theirs.parameters, current.parameters),
  };
  const notes = pick(base.notes ?? '', theirs.notes ?? '', current.notes ?? '');
  if (notes.length > 0) node.notes = notes;
  else delete node.notes;
  const credentials = mergeRecord(base.credentials, theirs.credentials, current.credentials);
  if (Object.keys(credentials).length > 0) node.credentials = credentials;
  else delete node.credentials;
  // Stored with defaults filled in: diffDefinitions reads an absent setting as its default too.
  return Object.assign(
    node,
    Object.fromEntries(
      nodeSettingKeys.map((key) => [key, pick(settingOf(base, key), settingOf(theirs, key), settingOf(current, key))]),
    ),
  );
};

const mergeNodes = (base: WorkflowDefinition, theirs: WorkflowDefinition, current: WorkflowDefinition) => {
  const inBase = new Map(base.nodes.map((n) => [n.id, n]));
  const inTheirs = new Map(theirs.nodes.map((n) => [n.id, n]));
  const inCurrent = new Map(current.nodes.map((n) => [n.id, n]));
  const touching = (def: WorkflowDefinition, id: string): string[] =>
    def.edges
      .filter((e) => e.source === id || e.target === id)
      .map((e) => edgeId(e))
      .sort();
  const nodes: DefinitionNode[] = [];
  for (const node of current.nodes) {
    const b = inBase.get(node.id);
    const t = inTheirs.get(node.id);
    if (!b) nodes.push(node);
    else if (t) nodes.push(mergeNode(b, t, node));
    // Only in base: theirs removed it. It stays if anyone edited or connected it since base.
    else if (!sameJson(node, b) || !sameJson(touching(current, node.id), touching(base, node.id))) nodes.push(node);
  }
  // Only in theirs: base removed it (one deleted since base is left deleted).
  for (const node of theirs.nodes) if (!inBase.has(node.id) && !inCurrent.has(node.id)) nodes.push(node);
  return { nodes, inCurrent };
};

/**
 * Names must stay unique. A node that keeps its current name is never in
 * the way (current's names are unique), so every clash is settled by
 * giving the merge's new name up, repeatedly, until none is left.
 */
const keepNamesUnique = (nodes: DefinitionNode[], inCurrent: Map<string, DefinitionNode>): DefinitionNode[] => {
  let out = nodes;
  for (;;) {
    const count = new Map<string, number>();
    for (const n of out) count.set(n.name, (count.get(n.name) ?? 0) + 1);
    const clash = (n: DefinitionNode): boolean => {
      const was = inCurrent.get(n.id);
      return was !== undefined && was.name !== n.name && (count.get(n.name) ?? 0) > 1;
    };
    if (!out.some(clash)) return out;
    out = out.map((n) => (clash(n) ? { ...n, name: inCurrent.get(n.id)?.name ?? n.name } : n));
  }
};

const mergeEdges = (
  base: WorkflowDefinition,
  theirs: WorkflowDefinition,
  current: WorkflowDefinition,
  nodes: DefinitionNode[],
): DefinitionEdge[] => {
  const ids = (def: WorkflowDefinition): Set<string> => new Set(def.edges.map((e) => edgeId(e)));
  const inBase = ids(base);
  const inTheirs = ids(theirs);
  const inCurrent = ids(current);
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const seen = new Set<string>();
  const out: DefinitionEdge[] = [];
  for (const edge of [...current.edges, ...theirs.edges]) {
    const id = edgeId(edge);
    if (seen.has(id)) continue;
    seen.add(id);
    const keep = inCurrent.has(id) ? !inBase.has(id) || inTheirs.has(id) : inTheirs.has(id) && !inBase.has(id);
    const source = byId.get(edge.source);
    const target = byId.get(edge.target);
    // An edge whose node is gone, or whose handle the merged node type lacks, cannot be connected.
    if (!keep || !source || !target) continue;
    if (!hasOutput(source.type, edge.sourceHandle) || !hasInput(target.type, edge.targetHandle)) continue;
    out.push({ ...edge, id });
  }
  return out;
};

/** The merge of what `theirs` changed relative to `base` into `current`; see the module comment. */
export const mergeDefinitions = (
  base: WorkflowDefinition,
  theirs: WorkflowDefinition,
  current: WorkflowDefinition,
): WorkflowDefinition => {
  const settings: WorkflowSettings = {};
  for (const key of workflowSettingKeys) {
    const value = pick(base.settings[key], theirs.settings[key], current.settings[key]);
    if (value !== undefined) Object.assign(settings, { [key]: value });
  }
  const description = pick(base.description ?? '', theirs.description ?? '', current.description ?? '');
  const { nodes, inCurrent } = mergeNodes(base, theirs, current);
  const named = keepNamesUnique(nodes, inCurrent);
  return {
    weft: current.weft,
    name: pick(base.name, theirs.name, current.name),
    ...(description.length > 0 ? { description } : {}),
    settings,
    nodes: named,
    edges: mergeEdges(base, theirs, current, named),
  };
};
