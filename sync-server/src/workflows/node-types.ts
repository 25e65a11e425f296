import * as Y from 'yjs';
import { NodeKey, nodesMap } from '#shared/schema/index.ts';

/** The document's node types, sorted and distinct: what the list searches (workflow_node_types). */
export const nodeTypesOf = (doc: Y.Doc): string[] => {
  const types = new Set<string>();
  for (const node of nodesMap(doc).values()) {
    // A repair-pending document may hold anything under a node id: only a map with a string type counts.
    const value: unknown = node;
    const type: unknown = value instanceof Y.Map ? value.get(NodeKey.type) : undefined;
    if (typeof type === 'string') types.add(type);
  }
  return [...types].sort();
};
