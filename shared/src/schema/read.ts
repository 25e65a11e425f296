import * as Y from 'yjs';
import { getNodeDefinition } from '../nodes/catalog.ts';
import { isValidId } from '../ids.ts';
import {
  callerPolicyValues,
  type CallerPolicy,
  engineLossValues,
  executionOrderValues,
  onErrorValues,
  type EngineLossPolicy,
  type ExecutionOrder,
  type OnError,
  type Position,
} from './definition.ts';
import {
  edgesMap,
  HANDLE_PATTERN,
  MetaKey,
  metaMap,
  NodeKey,
  nodesMap,
  type EdgeValue,
  type NodeMap,
} from './roots.ts';

/**
 * Typed, defensive reads. A document can hold anything a buggy or hostile
 * client wrote, so readers never trust a value's type: a node whose `type` is
 * not a string is unreadable (null), other bad fields fall back to defaults.
 */

export interface NodeSnapshot {
  id: string;
  type: string;
  typeVersion: number;
  /** The name as stored; see resolveNames for the unique name shown to people. */
  name: string;
  position: Position;
  disabled: boolean;
  notes: string;
  parameters: Record<string, unknown>;
  credentials: Record<string, string>;
  retryOnFail: boolean;
  maxTries: number;
  waitBetweenTries: number;
  onError: OnError;
  timeoutSeconds: number;
  alwaysOutputData: boolean;
  executeOnce: boolean;
}

export const DEFAULT_NODE_SETTINGS = {
  retryOnFail: false,
  maxTries: 3,
  waitBetweenTries: 1000,
  onError: 'stopWorkflow' as OnError,
  timeoutSeconds: 0,
  alwaysOutputData: false,
  executeOnce: false,
};

const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

export const readPosition = (value: unknown): Position => {
  if (typeof value === 'object' && value !== null) {
    const { x, y } = value as { x?: unknown; y?: unknown };
    if (isFiniteNumber(x) && isFiniteNumber(y)) return { x, y };
  }
  return { x: 0, y: 0 };
};

/** A parameter value as plain JSON: Y.Text becomes its string. */
export const readParamValue = (value: unknown): unknown => (value instanceof Y.Text ? value.toJSON() : value);

/** A Y.Map narrowed from `unknown` holds unknown values, not `any`. */
const asMap = (value: unknown): Y.Map<unknown> | undefined =>
  value instanceof Y.Map ? (value as Y.Map<unknown>) : undefined;

export const readNodeMap = (id: string, value: unknown): NodeSnapshot | null => {
  const map = asMap(value);
  if (!map || !isValidId(id)) return null;
  const type = map.get(NodeKey.type);
  if (typeof type !== 'string' || type.length === 0) return null;
  const def = getNodeDefinition(type);
  const rawName = map.get(NodeKey.name);
  const typeVersion = map.get(NodeKey.typeVersion);
  const notes = map.get(NodeKey.notes);
  const params = map.get(NodeKey.parameters);
  const credentials = map.get(NodeKey.credentials);
  const onError = map.get(NodeKey.onError);
  const parameters: Record<string, unknown> = {};
  for (const [key, param] of asMap(params)?.entries() ?? []) parameters[key] = readParamValue(param);
  const creds: Record<string, string> = {};
  if (typeof credentials === 'object' && credentials !== null && !(credentials instanceof Y.AbstractType)) {
    for (const [slot, credId] of Object.entries(credentials as Record<string, unknown>)) {
      if (isValidId(credId)) creds[slot] = credId;
    }
  }
  const num = (key: string, fallback: number): number => {
    const v = map.get(key);
    return isFiniteNumber(v) ? v : fallback;
  };
  return {
    id,
    type,
    typeVersion: isFiniteNumber(typeVersion) && Number.isInteger(typeVersion) && typeVersion >= 1 ? typeVersion : 1,
    name: typeof rawName === 'string' && rawName.trim().length > 0 ? rawName : (def?.label ?? type),
    position: readPosition(map.get(NodeKey.position)),
    disabled: map.get(NodeKey.disabled) === true,
    notes: notes instanceof Y.Text ? notes.toJSON() : typeof notes === 'string' ? notes : '',
    parameters,
    credentials: creds,
    retryOnFail: map.get(NodeKey.retryOnFail) === true,
    maxTries: num(NodeKey.maxTries, DEFAULT_NODE_SETTINGS.maxTries),
    waitBetweenTries: num(NodeKey.waitBetweenTries, DEFAULT_NODE_SETTINGS.waitBetweenTries),
    onError: (onErrorValues as readonly unknown[]).includes(onError) ? (onError as OnError) : 'stopWorkflow',
    timeoutSeconds: num(NodeKey.timeoutSeconds, DEFAULT_NODE_SETTINGS.timeoutSeconds),
    alwaysOutputData: map.get(NodeKey.alwaysOutputData) === true,
    executeOnce: map.get(NodeKey.executeOnce) === true,
  };
};

export const getNodeMap = (doc: Y.Doc, id: string): NodeMap | undefined => {
  const map = nodesMap(doc).get(id);
  return map instanceof Y.Map ? map : undefined;
};

export const readNode = (doc: Y.Doc, id: string): NodeSnapshot | null => readNodeMap(id, nodesMap(doc).get(id));

/** Every readable node, in ascending id order (the order the naming rule uses). */
export const readNodes = (doc: Y.Doc): NodeSnapshot[] => {
  const out: NodeSnapshot[] = [];
  for (const [id, map] of nodesMap(doc).entries()) {
    const node = readNodeMap(id, map);
    if (node) out.push(node);
  }
  return out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
};

export const readEdgeValue = (value: unknown): EdgeValue | null => {
  if (typeof value !== 'object' || value === null || value instanceof Y.AbstractType) return null;
  const { source, sourceHandle, target, targetHandle } = value as Record<string, unknown>;
  if (!isValidId(source) || !isValidId(target)) return null;
  if (typeof sourceHandle !== 'string' || !HANDLE_PATTERN.test(sourceHandle)) return null;
  if (typeof targetHandle !== 'string' || !HANDLE_PATTERN.test(targetHandle)) return null;
  const { order } = value as Record<string, unknown>;
  const edge: EdgeValue = { source, sourceHandle, target, targetHandle };
  if (isEdgeOrder(order)) edge.order = order;
  return edge;
};

/** An edge's rank (EdgeValue.order): a non-negative safe integer; anything else counts as none. */
const isEdgeOrder = (value: unknown): value is number =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;

/** The last rank given in a transaction: connecting many edges in one (paste, push) scans the edges once. */
const lastRank = new WeakMap<Y.Transaction, number>();

/** The rank a new edge gets: after every edge there is (n8n's editor appends a connection). */
export const nextEdgeOrder = (doc: Y.Doc): number => {
  const tr = doc._transaction;
  let highest = tr ? lastRank.get(tr) : undefined;
  if (highest === undefined) {
    highest = -1;
    // Only the rank is read: an edge whose other fields are bad ranks among the rest all the same.
    for (const stored of edgesMap(doc).values()) {
      // A stored value is whatever a replica wrote, whatever the map's type says.
      const value: unknown = stored;
      const order: unknown =
        typeof value === 'object' && value !== null ? (value as { order?: unknown }).order : undefined;
      if (isEdgeOrder(order) && order > highest) highest = order;
    }
  }
  if (tr) lastRank.set(tr, highest + 1);
  return highest + 1;
};

/** Edges in definition order: by rank (none first), then by id. */
export const compareEdges = (a: { id: string; order?: number }, b: { id: string; order?: number }): number =>
  (a.order ?? -1) - (b.order ?? -1) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** Every stored edge with a well-formed value, keyed by its stored key. */
export const readStoredEdges = (doc: Y.Doc): [string, EdgeValue | null][] =>
  [...edgesMap(doc).entries()].map(([key, value]) => [key, readEdgeValue(value)]);

export interface MetaSnapshot {
  schemaVersion: number | undefined;
  name: string;
  description: string;
  settings: {
    timezone?: string;
    timeoutSeconds?: number;
    executionOrder?: ExecutionOrder;
    onEngineLoss?: EngineLossPolicy;
    errorWorkflow?: string;
    errorWorkflowOnManual?: boolean;
    callerPolicy?: CallerPolicy;
    callerIds?: string[];
    minutesSavedPerRun?: number;
  };
}

export const readMeta = (doc: Y.Doc): MetaSnapshot => {
  const meta = metaMap(doc);
  const version = meta.get(MetaKey.schemaVersion);
  const name = meta.get(MetaKey.name);
  const description = meta.get(MetaKey.description);
  const settings = meta.get(MetaKey.settings);
  const out: MetaSnapshot['settings'] = {};
  const settingsMap = asMap(settings);
  if (settingsMap) {
    const tz = settingsMap.get('timezone');
    const timeout = settingsMap.get('timeoutSeconds');
    if (typeof tz === 'string' && tz.length > 0 && tz.length <= 64) out.timezone = tz;
    if (isFiniteNumber(timeout) && Number.isInteger(timeout) && timeout >= 0 && timeout <= 86_400) {
      out.timeoutSeconds = timeout;
    }
    const order = settingsMap.get('executionOrder');
    if ((executionOrderValues as readonly unknown[]).includes(order)) out.executionOrder = order as ExecutionOrder;
    const onLoss = settingsMap.get('onEngineLoss');
    if ((engineLossValues as readonly unknown[]).includes(onLoss)) out.onEngineLoss = onLoss as EngineLossPolicy;
    // A peer may write anything into the shared map: what is not a workflow id or a boolean is left out.
    const errorWorkflow = settingsMap.get('errorWorkflow');
    if (isValidId(errorWorkflow)) out.errorWorkflow = errorWorkflow;
    const onManual = settingsMap.get('errorWorkflowOnManual');
    if (typeof onManual === 'boolean') out.errorWorkflowOnManual = onManual;
    const callers = settingsMap.get('callerPolicy');
    if ((callerPolicyValues as readonly unknown[]).includes(callers)) out.callerPolicy = callers as CallerPolicy;
    const callerIds = settingsMap.get('callerIds');
    if (Array.isArray(callerIds)) out.callerIds = callerIds.filter(isValidId).slice(0, 1000);
    const saved = settingsMap.get('minutesSavedPerRun');
    if (isFiniteNumber(saved) && saved >= 0 && saved <= 100_000) out.minutesSavedPerRun = saved;
  }
  return {
    schemaVersion: isFiniteNumber(version) ? version : undefined,
    name: typeof name === 'string' && name.trim().length > 0 ? name : 'Untitled workflow',
    description: description instanceof Y.Text ? description.toJSON() : '',
    settings: out,
  };
};
