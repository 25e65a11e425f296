import * as Y from 'yjs';
import { hasInput, hasOutput } from '../nodes/catalog.ts';
import { origins, type Origin } from '../origins.ts';
import { resolveNames } from './names.ts';
import { readNodes, readStoredEdges } from './read.ts';
import { pinsMap, pinsToDelete } from './pins.ts';
import { edgeId, edgesMap, metaMap, NodeKey, nodesMap } from './roots.ts';

/**
 * Concurrent edits can leave a merged document with duplicate node names or
 * edges whose node was deleted (SPEC DOC4, DOC5). toDefinition already hides
 * both; repair writes the same outcome into the document so every replica
 * stores it. The sync server runs it after applying client updates, so one
 * writer does it, not every client.
 */

export interface Violations {
  /** Stored edge keys to delete: dangling, malformed, or naming a missing handle. */
  edgesToDelete: string[];
  /** Edges stored under a key that is not their canonical id. */
  edgesToRekey: [string, string][];
  /** nodeId → the unique name the naming rule gives it. */
  renames: Map<string, string>;
  /** Pins of missing nodes, ill-formed, or past a limit (pins.ts pinsToDelete). */
  pinsToDelete: string[];
}

export const findViolations = (doc: Y.Doc): Violations => {
  const nodes = readNodes(doc);
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const resolved = resolveNames(nodes);
  const renames = new Map<string, string>();
  for (const node of nodes) {
    const name = resolved.get(node.id);
    if (name !== undefined && name !== node.name) renames.set(node.id, name);
  }
  const edgesToDelete: string[] = [];
  const edgesToRekey: [string, string][] = [];
  for (const [key, edge] of readStoredEdges(doc)) {
    const source = edge && byId.get(edge.source);
    const target = edge && byId.get(edge.target);
    if (
      !edge ||
      !source ||
      !target ||
      !hasOutput(source.type, edge.sourceHandle) ||
      !hasInput(target.type, edge.targetHandle)
    ) {
      edgesToDelete.push(key);
    } else if (key !== edgeId(edge)) {
      edgesToRekey.push([key, edgeId(edge)]);
    }
  }
  return { edgesToDelete, edgesToRekey, renames, pinsToDelete: pinsToDelete(doc) };
};

export const hasViolations = (v: Violations): boolean =>
  v.edgesToDelete.length > 0 || v.edgesToRekey.length > 0 || v.renames.size > 0 || v.pinsToDelete.length > 0;

/** Writes the repairs in one transaction; returns whether anything changed. */
export const repairDoc = (doc: Y.Doc, origin: Origin = origins.repair): boolean => {
  const v = findViolations(doc);
  if (!hasViolations(v)) return false;
  doc.transact(() => {
    const edges = edgesMap(doc);
    for (const key of v.edgesToDelete) edges.delete(key);
    for (const [from, to] of v.edgesToRekey) {
      const value = edges.get(from);
      edges.delete(from);
      if (value && !edges.has(to)) edges.set(to, value);
    }
    const nodes = nodesMap(doc);
    for (const [id, name] of v.renames) nodes.get(id)?.set(NodeKey.name, name);
    const pins = pinsMap(doc);
    for (const id of v.pinsToDelete) pins.delete(id);
  }, origin);
  return true;
};

/**
 * Whether a transaction could have created a violation: it added or removed
 * nodes or edges, changed a node's name, or touched a pin. Lets the server skip the full scan
 * for the common edits (moves, parameters, text).
 */
export const mayViolate = (doc: Y.Doc, tr: Y.Transaction): boolean => {
  const nodes: unknown = nodesMap(doc);
  const edges: unknown = edgesMap(doc);
  const pins: unknown = pinsMap(doc);
  for (const [type, keys] of tr.changed) {
    if (type === nodes || type === edges || type === pins) return true;
    // A root nobody had asked for by type when the update came is a placeholder (not a Y.Map), which the next
    // getMap replaces: it cannot be told apart here, so it may be the pins.
    if (type._item === null && !(type instanceof Y.Map)) return true;
    if (type instanceof Y.Map && type.parent === nodes && keys.has(NodeKey.name)) return true;
  }
  return false;
};

/** Whether a transaction changed the workflow's meta (name, description, settings). */
export const touchesMeta = (doc: Y.Doc, tr: Y.Transaction): boolean => {
  const meta: unknown = metaMap(doc);
  for (const type of tr.changedParentTypes.keys()) if (type === meta) return true;
  for (const type of tr.changed.keys()) if (type === meta) return true;
  return false;
};
