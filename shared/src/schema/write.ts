import * as Y from 'yjs';
import { simpleDiffString } from 'lib0/diff';
import { ErrorCodes, UserError } from '../errors.ts';
import { createId, ID_PATTERN, isValidId } from '../ids.ts';
import { defaultParameters, getNodeDefinition, getParamSpec, hasInput, hasOutput } from '../nodes/catalog.ts';
import { isTextParam } from '../nodes/types.ts';
import type { Origin } from '../origins.ts';
import { CURRENT_SCHEMA_VERSION } from './migrations/versions.ts';
import { onErrorValues, type OnError, type Position } from './definition.ts';
import { uniqueName } from './names.ts';
import { getNodeMap, nextEdgeOrder, readEdgeValue, readNodeMap } from './read.ts';
import {
  edgeId,
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
 * Typed writes. Each runs in one transaction with the caller's origin; wrap
 * several in `doc.transact(fn, origin)` to make them one undo step and one
 * update on the wire.
 */

const notFound = (what: string): UserError => new UserError(ErrorCodes.notFound, what);
const bad = (message: string): UserError => new UserError(ErrorCodes.badRequest, message);

const jsonClone = <T>(value: T): T =>
  typeof value === 'object' && value !== null ? (JSON.parse(JSON.stringify(value)) as T) : value;

const requireNode = (doc: Y.Doc, id: string): NodeMap => {
  const map = getNodeMap(doc, id);
  if (!map) throw notFound(`Node ${id} does not exist`);
  return map;
};

/** Replace a Y.Text's content with the smallest edit, so concurrent typing elsewhere survives. */
export const replaceText = (text: Y.Text, next: string): void => {
  const { index, remove, insert } = simpleDiffString(text.toJSON(), next);
  if (remove > 0) text.delete(index, remove);
  if (insert.length > 0) text.insert(index, insert);
};

/** A stored parameter value: Y.Text for text kinds of known types, plain JSON otherwise. */
const toStoredParam = (type: string, name: string, value: unknown): unknown => {
  const spec = getParamSpec(type, name);
  if (spec && isTextParam(spec) && typeof value === 'string') return new Y.Text(value);
  return jsonClone(value);
};

export const initWorkflowDoc = (doc: Y.Doc, init: { name: string; description?: string }, origin?: Origin): void => {
  doc.transact(() => {
    const meta = metaMap(doc);
    meta.set(MetaKey.schemaVersion, CURRENT_SCHEMA_VERSION);
    meta.set(MetaKey.name, init.name);
    meta.set(MetaKey.description, new Y.Text(init.description ?? ''));
    meta.set(MetaKey.settings, new Y.Map());
  }, origin);
};

export const setWorkflowName = (doc: Y.Doc, name: string, origin?: Origin): void => {
  const trimmed = name.trim();
  if (trimmed.length === 0 || trimmed.length > 200) throw bad('A workflow name must have 1–200 characters');
  doc.transact(() => metaMap(doc).set(MetaKey.name, trimmed), origin);
};

export const setWorkflowDescription = (doc: Y.Doc, description: string, origin?: Origin): void => {
  doc.transact(() => {
    const meta = metaMap(doc);
    const text = meta.get(MetaKey.description);
    if (text instanceof Y.Text) replaceText(text, description);
    else meta.set(MetaKey.description, new Y.Text(description));
  }, origin);
};

export const setWorkflowSetting = (
  doc: Y.Doc,
  key:
    | 'timezone'
    | 'timeoutSeconds'
    | 'executionOrder'
    | 'onEngineLoss'
    | 'errorWorkflow'
    | 'errorWorkflowOnManual'
    | 'callerPolicy'
    | 'callerIds'
    | 'minutesSavedPerRun',
  value: string | number | boolean | readonly string[] | undefined,
  origin?: Origin,
): void => {
  doc.transact(() => {
    const meta = metaMap(doc);
    let settings = meta.get(MetaKey.settings);
    if (!(settings instanceof Y.Map)) {
      settings = new Y.Map();
      meta.set(MetaKey.settings, settings);
    }
    const map = settings as Y.Map<unknown>;
    if (value === undefined) map.delete(key);
    else map.set(key, value);
  }, origin);
};

export interface NewNode {
  id?: string;
  type: string;
  typeVersion?: number;
  /** Defaults to the type's label; made unique against the workflow's names. */
  name?: string;
  position: Position;
  parameters?: Record<string, unknown>;
  disabled?: boolean;
  notes?: string;
  credentials?: Record<string, string>;
  retryOnFail?: boolean;
  maxTries?: number;
  waitBetweenTries?: number;
  onError?: OnError;
  timeoutSeconds?: number;
  alwaysOutputData?: boolean;
  executeOnce?: boolean;
}

const storedNames = (doc: Y.Doc, exceptId?: string): Set<string> => {
  const names = new Set<string>();
  for (const [id, map] of nodesMap(doc).entries()) {
    if (id === exceptId) continue;
    const node = readNodeMap(id, map);
    if (node) names.add(node.name);
  }
  return names;
};

/** Builds the Y.Map for a node (not yet in a document). */
export const buildNodeMap = (input: NewNode & { name: string }): NodeMap => {
  const map: NodeMap = new Y.Map();
  const def = getNodeDefinition(input.type);
  map.set(NodeKey.type, input.type);
  map.set(NodeKey.typeVersion, input.typeVersion ?? def?.version ?? 1);
  map.set(NodeKey.name, input.name);
  map.set(NodeKey.position, { x: input.position.x, y: input.position.y });
  if (input.disabled) map.set(NodeKey.disabled, true);
  map.set(NodeKey.notes, new Y.Text(input.notes ?? ''));
  const params = new Y.Map<unknown>();
  const values = def ? { ...defaultParameters(input.type), ...input.parameters } : { ...input.parameters };
  for (const [name, value] of Object.entries(values)) params.set(name, toStoredParam(input.type, name, value));
  map.set(NodeKey.parameters, params);
  if (input.credentials && Object.keys(input.credentials).length > 0) {
    map.set(NodeKey.credentials, { ...input.credentials });
  }
  for (const key of ['retryOnFail', 'maxTries', 'waitBetweenTries', 'onError', 'timeoutSeconds'] as const) {
    if (input[key] !== undefined) map.set(NodeKey[key], input[key]);
  }
  for (const key of ['alwaysOutputData', 'executeOnce'] as const) {
    if (input[key]) map.set(NodeKey[key], true);
  }
  return map;
};

/** Adds a node and returns its id. */
export const addNode = (doc: Y.Doc, input: NewNode, origin?: Origin): string => {
  const id = input.id ?? createId();
  if (!ID_PATTERN.test(id)) throw bad(`Node id "${id}" must be 1–64 letters, digits, "_" or "-"`);
  if (input.type.length === 0) throw bad('A node needs a type');
  if (nodesMap(doc).has(id)) throw new UserError(ErrorCodes.conflict, `Node ${id} already exists`);
  const wanted = (input.name ?? getNodeDefinition(input.type)?.label ?? input.type).trim();
  doc.transact(() => {
    const name = uniqueName(wanted.length > 0 ? wanted : input.type, storedNames(doc));
    nodesMap(doc).set(id, buildNodeMap({ ...input, name }));
  }, origin);
  return id;
};

export const moveNode = (doc: Y.Doc, id: string, position: Position, origin?: Origin): void => {
  if (!Number.isFinite(position.x) || !Number.isFinite(position.y)) throw bad('A position needs finite x and y');
  const map = requireNode(doc, id);
  doc.transact(() => map.set(NodeKey.position, { x: position.x, y: position.y }), origin);
};

/** Renames a node; the name must be free (another node's name is a conflict). */
export const renameNode = (doc: Y.Doc, id: string, name: string, origin?: Origin): void => {
  const map = requireNode(doc, id);
  const trimmed = name.trim();
  if (trimmed.length === 0 || trimmed.length > 128) throw bad('A node name must have 1–128 characters');
  if (storedNames(doc, id).has(trimmed)) {
    throw new UserError(ErrorCodes.conflict, `Another node is already named "${trimmed}"`);
  }
  doc.transact(() => map.set(NodeKey.name, trimmed), origin);
};

/** Deletes a node and every edge that touches it. */
export const deleteNode = (doc: Y.Doc, id: string, origin?: Origin): void => {
  doc.transact(() => {
    const edges = edgesMap(doc);
    for (const [key, value] of [...edges.entries()]) {
      const edge = readEdgeValue(value);
      if (!edge || edge.source === id || edge.target === id) edges.delete(key);
    }
    nodesMap(doc).delete(id);
  }, origin);
};

export const setParameter = (doc: Y.Doc, id: string, name: string, value: unknown, origin?: Origin): void => {
  const map = requireNode(doc, id);
  if (name.length === 0 || name.length > 128) throw bad('A parameter name must have 1–128 characters');
  if (value === undefined) throw bad(`Parameter "${name}" needs a value`);
  const type = map.get(NodeKey.type) as string;
  doc.transact(() => {
    let params = map.get(NodeKey.parameters);
    if (!(params instanceof Y.Map)) {
      params = new Y.Map();
      map.set(NodeKey.parameters, params);
    }
    const paramsMap = params as Y.Map<unknown>;
    const current = paramsMap.get(name);
    if (current instanceof Y.Text && typeof value === 'string') replaceText(current, value);
    else paramsMap.set(name, toStoredParam(type, name, value));
  }, origin);
};

/** Removes a stored parameter; a known type's parameter then reads as its default again. */
export const removeParameter = (doc: Y.Doc, id: string, name: string, origin?: Origin): void => {
  const map = requireNode(doc, id);
  const params = map.get(NodeKey.parameters);
  if (!(params instanceof Y.Map)) return;
  doc.transact(() => (params as Y.Map<unknown>).delete(name), origin);
};

/** The Y.Text behind a text or code parameter, for editors that bind to it directly. */
export const getParameterText = (doc: Y.Doc, id: string, name: string): Y.Text | undefined => {
  const params: unknown = getNodeMap(doc, id)?.get(NodeKey.parameters);
  const value: unknown = params instanceof Y.Map ? (params as Y.Map<unknown>).get(name) : undefined;
  return value instanceof Y.Text ? value : undefined;
};

/** The Y.Text behind a node's notes, for editors that bind to it directly. */
export const getNotesText = (doc: Y.Doc, id: string): Y.Text | undefined => {
  const value: unknown = getNodeMap(doc, id)?.get(NodeKey.notes);
  return value instanceof Y.Text ? value : undefined;
};

export const setNotes = (doc: Y.Doc, id: string, notes: string, origin?: Origin): void => {
  const map = requireNode(doc, id);
  doc.transact(() => {
    const text = map.get(NodeKey.notes);
    if (text instanceof Y.Text) replaceText(text, notes);
    else map.set(NodeKey.notes, new Y.Text(notes));
  }, origin);
};

export interface NodeSettingsPatch {
  disabled?: boolean;
  retryOnFail?: boolean;
  maxTries?: number;
  waitBetweenTries?: number;
  onError?: OnError;
  timeoutSeconds?: number;
  alwaysOutputData?: boolean;
  executeOnce?: boolean;
}

const settingRules: Record<keyof NodeSettingsPatch, (v: unknown) => boolean> = {
  disabled: (v) => typeof v === 'boolean',
  retryOnFail: (v) => typeof v === 'boolean',
  maxTries: (v) => Number.isInteger(v) && (v as number) >= 1 && (v as number) <= 10,
  waitBetweenTries: (v) => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 3_600_000,
  onError: (v) => (onErrorValues as readonly unknown[]).includes(v),
  timeoutSeconds: (v) => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 86_400,
  alwaysOutputData: (v) => typeof v === 'boolean',
  executeOnce: (v) => typeof v === 'boolean',
};

export const setNodeSettings = (doc: Y.Doc, id: string, patch: NodeSettingsPatch, origin?: Origin): void => {
  const map = requireNode(doc, id);
  for (const [key, value] of Object.entries(patch)) {
    if (!Object.hasOwn(settingRules, key)) throw bad(`Unknown node setting "${key}"`);
    const rule = settingRules[key as keyof NodeSettingsPatch];
    if (value !== undefined && !rule(value)) throw bad(`Node setting "${key}" has an invalid value`);
  }
  doc.transact(() => {
    for (const [key, value] of Object.entries(patch)) if (value !== undefined) map.set(key, value);
  }, origin);
};

/** Points a node's credential slot at a credential id (null clears it). Never the secret itself. */
export const setNodeCredential = (
  doc: Y.Doc,
  id: string,
  slot: string,
  credentialId: string | null,
  origin?: Origin,
): void => {
  const map = requireNode(doc, id);
  if (credentialId !== null && !isValidId(credentialId)) throw bad('Invalid credential id');
  const current = map.get(NodeKey.credentials);
  const entries =
    typeof current === 'object' && current !== null && !(current instanceof Y.AbstractType)
      ? Object.entries(current as Record<string, string>).filter(([s]) => s !== slot)
      : [];
  if (credentialId !== null) entries.push([slot, credentialId]);
  const next = Object.fromEntries(entries);
  doc.transact(() => map.set(NodeKey.credentials, next), origin);
};

/**
 * Connects an output handle to an input handle and returns the edge id.
 * Connecting the same handles twice (by anyone, at any time) yields one edge.
 * The new edge comes last in the definition's edge order (EdgeValue.order).
 */
export const connect = (doc: Y.Doc, edge: EdgeValue, origin?: Origin): string => {
  if (!HANDLE_PATTERN.test(edge.sourceHandle) || !HANDLE_PATTERN.test(edge.targetHandle)) {
    throw bad('Handle names must be 1–64 letters, digits, "_" or "-"');
  }
  const source = readNodeMap(edge.source, nodesMap(doc).get(edge.source));
  const target = readNodeMap(edge.target, nodesMap(doc).get(edge.target));
  if (!source) throw notFound(`Source node ${edge.source} does not exist`);
  if (!target) throw notFound(`Target node ${edge.target} does not exist`);
  if (!hasOutput(source.type, edge.sourceHandle)) {
    throw bad(`Node "${source.name}" has no output "${edge.sourceHandle}"`);
  }
  if (!hasInput(target.type, edge.targetHandle)) {
    throw bad(`Node "${target.name}" has no input "${edge.targetHandle}"`);
  }
  const id = edgeId(edge);
  doc.transact(() => {
    const edges = edgesMap(doc);
    if (edges.has(id)) return;
    const { source: from, sourceHandle, target: to, targetHandle } = edge;
    edges.set(id, { source: from, sourceHandle, target: to, targetHandle, order: nextEdgeOrder(doc) });
  }, origin);
  return id;
};

export const disconnect = (doc: Y.Doc, id: string, origin?: Origin): void => {
  doc.transact(() => edgesMap(doc).delete(id), origin);
};
