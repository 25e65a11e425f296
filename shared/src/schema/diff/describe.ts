import type { NodeSettingsPatch } from '../write.ts';
import { edgeId, type EdgeValue } from '../roots.ts';
import type { DefinitionNode, Position, WorkflowDefinition } from '../definition.ts';
import { diffDefinitions, type Change } from './diff.ts';

/**
 * Where a value sits: `name`, `description`, `settings.<key>` for the
 * workflow; `parameters.<name>`, `notes`, `settings.<key>`,
 * `credentials.<slot>`, `type`, `typeVersion` for a node. Parameters are
 * prefixed so that one named "notes" cannot pass for the node's notes.
 */
export interface ValueChange {
  path: string;
  /** undefined where there was no value (a parameter added or removed, a setting at its default). */
  before: unknown;
  after: unknown;
}

export type NodeStatus = 'added' | 'removed' | 'moved' | 'changed' | 'same';

export interface NodeComparison {
  id: string;
  /** The name in `b`, or in `a` for a removed node. */
  name: string;
  type: string;
  /** Only moved beats changed: a node both moved and edited is 'changed' and keeps from/to. */
  status: NodeStatus;
  from?: Position;
  to?: Position;
  renamed?: { from: string; to: string };
  params: ValueChange[];
}

export type EdgeDesc = EdgeValue & { id: string };

export interface DefinitionComparison {
  nodes: NodeComparison[];
  edges: { added: EdgeDesc[]; removed: EdgeDesc[] };
  meta: ValueChange[];
}

const EMPTY: Omit<WorkflowDefinition, 'nodes'> = { weft: 1, name: '-', settings: {}, edges: [] };

/** The field changes of one node, as a list pane shows them. */
const valueChanges = (changes: readonly Change[]): ValueChange[] =>
  changes.flatMap((c): ValueChange[] => {
    switch (c.op) {
      case 'setParameter':
        return [{ path: `parameters.${c.param}`, before: c.before, after: c.value }];
      case 'removeParameter':
        return [{ path: `parameters.${c.param}`, before: c.before, after: undefined }];
      case 'setNotes':
        return [{ path: 'notes', before: c.before, after: c.notes }];
      case 'setNodeSettings':
        return (Object.entries(c.patch) as [keyof NodeSettingsPatch, unknown][]).map(([key, after]) => ({
          path: `settings.${key}`,
          before: c.before?.[key],
          after,
        }));
      case 'setCredential':
        return [{ path: `credentials.${c.slot}`, before: c.before, after: c.credentialId }];
      default:
        return [];
    }
  });

/**
 * A node whose type or version changed comes out of diffDefinitions as one
 * replaceNode; for people the fields that differ matter, so the two nodes are
 * diffed again as if the type had stayed.
 */
const replacedFields = (before: DefinitionNode, after: DefinitionNode): ValueChange[] => {
  const sameType = { ...before, type: after.type, typeVersion: after.typeVersion };
  const fields = valueChanges(diffDefinitions({ ...EMPTY, nodes: [sameType] }, { ...EMPTY, nodes: [after] }));
  const typeFields: ValueChange[] = [];
  if (before.type !== after.type) typeFields.push({ path: 'type', before: before.type, after: after.type });
  if (before.typeVersion !== after.typeVersion) {
    typeFields.push({ path: 'typeVersion', before: before.typeVersion, after: after.typeVersion });
  }
  return [...typeFields, ...fields];
};

const describeNode = (a: DefinitionNode | undefined, b: DefinitionNode, changes: readonly Change[]): NodeComparison => {
  const base = { id: b.id, name: b.name, type: b.type };
  if (!a) return { ...base, status: 'added', params: [] };
  const replaced = changes.some((c) => c.op === 'replaceNode');
  const params = replaced ? replacedFields(a, b) : valueChanges(changes);
  // Compared here rather than read from renameNode/moveNode: a replaced node has neither.
  const renamed = a.name !== b.name ? { renamed: { from: a.name, to: b.name } } : {};
  const moved = a.position.x !== b.position.x || a.position.y !== b.position.y;
  const where = moved ? { from: { ...a.position }, to: { ...b.position } } : {};
  const status: NodeStatus = params.length > 0 || a.name !== b.name ? 'changed' : moved ? 'moved' : 'same';
  return { ...base, status, ...where, ...renamed, params };
};

const nodeIdOf = (c: Change): string | undefined => {
  switch (c.op) {
    case 'addNode':
    case 'replaceNode':
      return c.node.id;
    case 'setName':
    case 'setDescription':
    case 'setSetting':
    case 'connect':
    case 'disconnect':
      return undefined;
    default:
      return c.id;
  }
};

const edgeDesc = (e: EdgeValue): EdgeDesc => ({
  id: edgeId(e),
  source: e.source,
  sourceHandle: e.sourceHandle,
  target: e.target,
  targetHandle: e.targetHandle,
});

/**
 * What differs between two versions of a workflow, grouped the way a diff
 * view draws it: each node of either side with its status and field changes,
 * edges added and removed, and the workflow's own fields.
 *
 * @example
 * const { nodes } = compareDefinitions(version, toDefinition(doc));
 * nodes.filter((n) => n.status !== 'same'); // what to colour on the canvas
 */
export const compareDefinitions = (a: WorkflowDefinition, b: WorkflowDefinition): DefinitionComparison => {
  const changes = diffDefinitions(a, b);
  const byNode = new Map<string, Change[]>();
  for (const c of changes) {
    const id = nodeIdOf(c);
    if (id !== undefined) byNode.set(id, [...(byNode.get(id) ?? []), c]);
  }
  const inA = new Map(a.nodes.map((n) => [n.id, n]));
  const inB = new Set(b.nodes.map((n) => n.id));
  const nodes: NodeComparison[] = [
    ...b.nodes.map((n) => describeNode(inA.get(n.id), n, byNode.get(n.id) ?? [])),
    ...a.nodes
      .filter((n) => !inB.has(n.id))
      .map((n): NodeComparison => ({ id: n.id, name: n.name, type: n.type, status: 'removed', params: [] })),
  ];

  // diffDefinitions reconnects the edges of a replaced node; only edges `a` lacked are new.
  const edgesOfA = new Set(a.edges.map((e) => edgeId(e)));
  const added: EdgeDesc[] = [];
  const removed: EdgeDesc[] = [];
  for (const c of changes) {
    if (c.op === 'connect' && !edgesOfA.has(edgeId(c.edge))) added.push(edgeDesc(c.edge));
    if (c.op === 'disconnect') removed.push(edgeDesc(c.edge));
  }

  const meta = changes.flatMap((c): ValueChange[] => {
    if (c.op === 'setName') return [{ path: 'name', before: c.before, after: c.name }];
    if (c.op === 'setDescription') return [{ path: 'description', before: c.before, after: c.description }];
    if (c.op === 'setSetting') return [{ path: `settings.${c.key}`, before: c.before, after: c.value }];
    return [];
  });
  return { nodes, edges: { added, removed }, meta };
};
