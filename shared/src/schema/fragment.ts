import type * as Y from 'yjs';
import { ErrorCodes, UserError } from '../errors.ts';
import { createId } from '../ids.ts';
import type { Origin } from '../origins.ts';
import { DEFINITION_FORMAT, type Position, type WorkflowDefinition } from './definition.ts';
import { toDefinition } from './to-definition.ts';
import { validateDefinition } from './validate.ts';
import { addNode, connect } from './write.ts';

/**
 * Copy and paste: a selection travels as a workflow definition (the exchange
 * format), so it pastes into another workflow, another Weft, or a text file.
 */

/** The nodes with these ids and the edges between them, as a definition. */
export const extractFragment = (doc: Y.Doc, nodeIds: readonly string[]): WorkflowDefinition => {
  const wanted = new Set(nodeIds);
  const full = toDefinition(doc);
  const nodes = full.nodes.filter((n) => wanted.has(n.id));
  const kept = new Set(nodes.map((n) => n.id));
  return {
    weft: DEFINITION_FORMAT,
    name: full.name,
    settings: {},
    nodes,
    edges: full.edges.filter((e) => kept.has(e.source) && kept.has(e.target)),
  };
};

export interface InsertFragmentOptions {
  /** Where the fragment's top-left corner lands; default: where it was, shifted by `offset`. */
  at?: Position;
  /** Shift from the original positions when `at` is not given (a duplicate beside its original). */
  offset?: Position;
  origin?: Origin;
}

/**
 * Adds a fragment's nodes (fresh ids, names made unique against the workflow)
 * and their edges in one transaction: one undo step, one update on the wire.
 * Throws a UserError listing every problem when the text is not a valid
 * definition; nothing is written then. Returns the new nodes' ids.
 */
export const insertFragment = (doc: Y.Doc, input: unknown, options: InsertFragmentOptions = {}): string[] => {
  const result = validateDefinition(input);
  if (!result.ok) {
    throw new UserError(ErrorCodes.validationFailed, 'That is not a Weft workflow or selection', {
      issues: result.issues,
    });
  }
  const { nodes, edges } = result.definition;
  if (nodes.length === 0) return [];
  const minX = Math.min(...nodes.map((n) => n.position.x));
  const minY = Math.min(...nodes.map((n) => n.position.y));
  const shift = options.at
    ? { x: options.at.x - minX, y: options.at.y - minY }
    : { x: options.offset?.x ?? 0, y: options.offset?.y ?? 0 };
  const ids = new Map<string, string>();
  doc.transact(() => {
    for (const node of nodes) {
      const id = createId();
      ids.set(node.id, id);
      addNode(doc, {
        ...node,
        id,
        position: { x: node.position.x + shift.x, y: node.position.y + shift.y },
      });
    }
    for (const edge of edges) {
      const source = ids.get(edge.source);
      const target = ids.get(edge.target);
      if (source && target) connect(doc, { ...edge, source, target });
    }
  }, options.origin);
  return [...ids.values()];
};
