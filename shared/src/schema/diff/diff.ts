import type { NodeSettingsPatch } from '../write.ts';
import { DEFAULT_NODE_SETTINGS } from '../read.ts';
import { edgeId, type EdgeValue } from '../roots.ts';
import type { DefinitionNode, Position, WorkflowDefinition } from '../definition.ts';
import { sameJson } from './canonical-json.ts';

/**
 * What changed between two definitions (for push: the one a folder was
 * pulled at, and the folder now), node by node and field by field: push
 * applies exactly these to the live document, so every field nobody changed
 * in the file keeps what others made of it since the pull.
 *
 * A change that replaces a value also carries the value it replaces
 * (`before`, absent where there was none), so a diff view can say
 * "old → new". Applying a change never reads it.
 */
export type Change =
  | { op: 'setName'; name: string; before?: string }
  | { op: 'setDescription'; description: string; before?: string }
  | {
      op: 'setSetting';
      key: WorkflowSettingKey;
      value: string | number | boolean | undefined;
      before?: string | number | boolean;
    }
  | { op: 'addNode'; node: DefinitionNode }
  | { op: 'removeNode'; id: string; name: string }
  /** The type or its version changed: the node is removed and added again under the same id. */
  | { op: 'replaceNode'; node: DefinitionNode; before?: DefinitionNode }
  | { op: 'renameNode'; id: string; from: string; to: string }
  | { op: 'moveNode'; id: string; name: string; position: Position; before?: Position }
  | { op: 'setParameter'; id: string; name: string; param: string; value: unknown; before?: unknown }
  | { op: 'removeParameter'; id: string; name: string; param: string; before?: unknown }
  | { op: 'setNotes'; id: string; name: string; notes: string; before?: string }
  | { op: 'setNodeSettings'; id: string; name: string; patch: NodeSettingsPatch; before?: NodeSettingsPatch }
  | { op: 'setCredential'; id: string; name: string; slot: string; credentialId: string | null; before?: string | null }
  | { op: 'connect'; edge: EdgeValue }
  | { op: 'disconnect'; edge: EdgeValue }
  /** Pinned data (exchange JSON only): one atomic value a node, so the last writer wins, as in the editor. */
  | { op: 'setPin'; id: string; name: string; items: PinItems; before?: PinItems }
  | { op: 'removePin'; id: string; name: string; before?: PinItems };

type PinItems = Record<string, unknown>[];

export const workflowSettingKeys = [
  'timezone',
  'timeoutSeconds',
  'executionOrder',
  'onEngineLoss',
  'errorWorkflow',
  'errorWorkflowOnManual',
] as const;
export type WorkflowSettingKey = (typeof workflowSettingKeys)[number];

type SettingKey =
  | 'disabled'
  | 'retryOnFail'
  | 'maxTries'
  | 'waitBetweenTries'
  | 'onError'
  | 'timeoutSeconds'
  | 'alwaysOutputData'
  | 'executeOnce';

const settingOf = (node: DefinitionNode, key: SettingKey): unknown =>
  node[key] ?? (key === 'disabled' ? false : DEFAULT_NODE_SETTINGS[key]);

const edgeValue = (e: EdgeValue): EdgeValue => ({
  source: e.source,
  sourceHandle: e.sourceHandle,
  target: e.target,
  targetHandle: e.targetHandle,
});

const nodeChanges = (base: DefinitionNode, local: DefinitionNode): Change[] => {
  const { id } = local;
  const name = local.name;
  const out: Change[] = [];
  if (base.name !== local.name) out.push({ op: 'renameNode', id, from: base.name, to: local.name });
  if (base.position.x !== local.position.x || base.position.y !== local.position.y) {
    out.push({ op: 'moveNode', id, name, position: { ...local.position }, before: { ...base.position } });
  }
  const params = new Set([...Object.keys(base.parameters), ...Object.keys(local.parameters)]);
  for (const param of [...params].sort()) {
    const inBase = Object.hasOwn(base.parameters, param);
    const inLocal = Object.hasOwn(local.parameters, param);
    const before = inBase ? { before: base.parameters[param] } : {};
    if (!inLocal) out.push({ op: 'removeParameter', id, name, param, ...before });
    else if (!inBase || !sameJson(base.parameters[param], local.parameters[param])) {
      out.push({ op: 'setParameter', id, name, param, value: local.parameters[param], ...before });
    }
  }
  if ((base.notes ?? '') !== (local.notes ?? '')) {
    out.push({ op: 'setNotes', id, name, notes: local.notes ?? '', before: base.notes ?? '' });
  }
  const differs = (key: SettingKey): boolean => settingOf(base, key) !== settingOf(local, key);
  const patch: NodeSettingsPatch = {};
  if (differs('disabled')) patch.disabled = local.disabled ?? false;
  if (differs('retryOnFail')) patch.retryOnFail = local.retryOnFail ?? DEFAULT_NODE_SETTINGS.retryOnFail;
  if (differs('maxTries')) patch.maxTries = local.maxTries ?? DEFAULT_NODE_SETTINGS.maxTries;
  if (differs('waitBetweenTries'))
    patch.waitBetweenTries = local.waitBetweenTries ?? DEFAULT_NODE_SETTINGS.waitBetweenTries;
  if (differs('onError')) patch.onError = local.onError ?? DEFAULT_NODE_SETTINGS.onError;
  if (differs('timeoutSeconds')) patch.timeoutSeconds = local.timeoutSeconds ?? DEFAULT_NODE_SETTINGS.timeoutSeconds;
  if (differs('alwaysOutputData')) patch.alwaysOutputData = local.alwaysOutputData ?? false;
  if (differs('executeOnce')) patch.executeOnce = local.executeOnce ?? false;
  if (Object.keys(patch).length > 0) {
    const before = Object.fromEntries(Object.keys(patch).map((key) => [key, settingOf(base, key as SettingKey)]));
    out.push({ op: 'setNodeSettings', id, name, patch, before });
  }
  const slots = new Set([...Object.keys(base.credentials ?? {}), ...Object.keys(local.credentials ?? {})]);
  for (const slot of [...slots].sort()) {
    const before = base.credentials?.[slot] ?? null;
    const after = local.credentials?.[slot] ?? null;
    if (before !== after) out.push({ op: 'setCredential', id, name, slot, credentialId: after, before });
  }
  return out;
};

export const diffDefinitions = (base: WorkflowDefinition, local: WorkflowDefinition): Change[] => {
  const out: Change[] = [];
  if (base.name !== local.name) out.push({ op: 'setName', name: local.name, before: base.name });
  if ((base.description ?? '') !== (local.description ?? '')) {
    out.push({ op: 'setDescription', description: local.description ?? '', before: base.description ?? '' });
  }
  for (const key of workflowSettingKeys) {
    const before = base.settings[key];
    if (before !== local.settings[key]) {
      out.push({ op: 'setSetting', key, value: local.settings[key], ...(before === undefined ? {} : { before }) });
    }
  }

  const baseNodes = new Map(base.nodes.map((n) => [n.id, n]));
  const localNodes = new Map(local.nodes.map((n) => [n.id, n]));
  const replaced = new Set<string>();
  for (const node of [...base.nodes].sort((a, b) => (a.id < b.id ? -1 : 1))) {
    if (!localNodes.has(node.id)) out.push({ op: 'removeNode', id: node.id, name: node.name });
  }
  for (const node of [...local.nodes].sort((a, b) => (a.id < b.id ? -1 : 1))) {
    const before = baseNodes.get(node.id);
    if (!before) out.push({ op: 'addNode', node });
    else if (before.type !== node.type || before.typeVersion !== node.typeVersion) {
      replaced.add(node.id);
      out.push({ op: 'replaceNode', node, before });
    } else out.push(...nodeChanges(before, node));
  }

  const baseEdges = new Map(base.edges.map((e) => [edgeId(e), edgeValue(e)]));
  const localEdges = new Map(local.edges.map((e) => [edgeId(e), edgeValue(e)]));
  for (const [id, edge] of [...baseEdges].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (!localEdges.has(id)) out.push({ op: 'disconnect', edge });
  }
  for (const [id, edge] of [...localEdges].sort(([a], [b]) => (a < b ? -1 : 1))) {
    // A replaced node lost its edges with it: the ones the file keeps are connected again.
    if (!baseEdges.has(id) || replaced.has(edge.source) || replaced.has(edge.target)) out.push({ op: 'connect', edge });
  }

  const basePins = base.pins ?? {};
  const localPins = local.pins ?? {};
  for (const id of [...new Set([...Object.keys(basePins), ...Object.keys(localPins)])].sort()) {
    const name = localNodes.get(id)?.name ?? baseNodes.get(id)?.name ?? id;
    const before = Object.hasOwn(basePins, id) ? { before: basePins[id] as PinItems } : {};
    const items = Object.hasOwn(localPins, id) ? localPins[id] : undefined;
    if (items === undefined) {
      // A removed node's pin goes with it (repair): no change of its own.
      if (localNodes.has(id)) out.push({ op: 'removePin', id, name, ...before });
    } else if (!Object.hasOwn(basePins, id) || !sameJson(basePins[id], items)) {
      out.push({ op: 'setPin', id, name, items, ...before });
    }
  }
  return out;
};

/** One line for people (and the `text` of --json): what the change does. */
export const describeChange = (change: Change): string => {
  switch (change.op) {
    case 'setName':
      return `rename the workflow to "${change.name}"`;
    case 'setDescription':
      return 'change the description';
    case 'setSetting':
      return `set ${change.key} to ${change.value === undefined ? 'its default' : JSON.stringify(change.value)}`;
    case 'addNode':
      return `add node "${change.node.name}" (${change.node.id})`;
    case 'removeNode':
      return `remove node "${change.name}" (${change.id})`;
    case 'replaceNode':
      return `replace node "${change.node.name}" (${change.node.id}) with a ${change.node.type} v${change.node.typeVersion}`;
    case 'renameNode':
      return `rename node "${change.from}" (${change.id}) to "${change.to}"`;
    case 'moveNode':
      return `move node "${change.name}" to (${change.position.x}, ${change.position.y})`;
    case 'setParameter':
      return `node "${change.name}": set parameter ${change.param}`;
    case 'removeParameter':
      return `node "${change.name}": reset parameter ${change.param}`;
    case 'setNotes':
      return `node "${change.name}": change the notes`;
    case 'setNodeSettings':
      return `node "${change.name}": set ${Object.keys(change.patch).join(', ')}`;
    case 'setCredential':
      return `node "${change.name}": ${change.credentialId ? 'choose' : 'clear'} credential ${change.slot}`;
    case 'connect':
      return `connect ${change.edge.source}:${change.edge.sourceHandle} → ${change.edge.target}:${change.edge.targetHandle}`;
    case 'disconnect':
      return `disconnect ${change.edge.source}:${change.edge.sourceHandle} → ${change.edge.target}:${change.edge.targetHandle}`;
    case 'setPin':
      return `node "${change.name}": pin ${change.items.length} item${change.items.length === 1 ? '' : 's'}`;
    case 'removePin':
      return `node "${change.name}": unpin`;
  }
};
