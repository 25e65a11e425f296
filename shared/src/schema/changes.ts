import type * as Y from 'yjs';
import { ID_PATTERN } from '../ids.ts';
import { ROOT_NODES, ROOT_PINS, NodeKey } from './roots.ts';

/**
 * What a transaction changed, named as "who changed this" asks about it
 * (docs/plans/collaboration.md §6.4): `node:<id>`, `node:<id>:param:<name>`
 * or `node:<id>:pin` (pinning or unpinning its output).
 * A parameter edit names the parameter only: the node's own line lists
 * moves, renames, notes and the like, so the two answers never repeat each
 * other. Edges and the workflow's meta are not named: nobody can ask about
 * them, so their rows would only cost writes.
 */
export type ChangeTarget = `node:${string}`;

/**
 * Most targets one transaction is credited with. A person's edit names a
 * handful; a raw client could name thousands of made-up keys in one update,
 * and each would be a row.
 */
export const MAX_TARGETS_PER_TRANSACTION = 100;

/** Longest parameter name a target may carry (as setParameter allows). */
export const MAX_PARAM_NAME = 128;

export const nodeTarget = (nodeId: string): ChangeTarget => `node:${nodeId}`;
export const paramTarget = (nodeId: string, name: string): ChangeTarget => `node:${nodeId}:param:${name}`;
export const pinTarget = (nodeId: string): ChangeTarget => `node:${nodeId}:pin`;

const TARGET = new RegExp(
  `^node:(${ID_PATTERN.source.replace(/^\^|\$$/g, '')})(?::param:([^\u0000]{1,${MAX_PARAM_NAME}})|(:pin))?$`,
  's',
);

/** A node, parameter or pin target as the changes route accepts it, or undefined. */
export const parseNodeTarget = (target: string): { nodeId: string; param?: string; pin?: true } | undefined => {
  const match = TARGET.exec(target);
  if (!match?.[1]) return undefined;
  if (match[3] !== undefined) return { nodeId: match[1], pin: true };
  return match[2] === undefined ? { nodeId: match[1] } : { nodeId: match[1], param: match[2] };
};

/** The keys from the root down to `type`, and the root's name; undefined for a type not in a root map. */
/** A shared type as a transaction lists it. */
type SharedType = Parameters<Y.Transaction['changed']['get']>[0];

const pathOf = (doc: Y.Doc, type: SharedType): { root: string; keys: (string | null)[] } | undefined => {
  const keys: (string | null)[] = [];
  let current: SharedType = type;
  while (current._item !== null) {
    keys.push(current._item.parentSub);
    const parent = current._item.parent;
    // A parent still named by ID is not integrated: nothing to attribute.
    if (parent === null || !('_item' in parent)) return undefined;
    current = parent as SharedType;
  }
  for (const [name, root] of doc.share) if (root === current) return { root: name, keys: keys.reverse() };
  return undefined;
};

/** Only what the changes route could be asked about: a well-formed node id, a parameter name it accepts. */
const targetOf = (root: string, keys: readonly (string | null)[]): ChangeTarget | undefined => {
  const [first, second, third] = keys;
  if (root === ROOT_PINS && typeof first === 'string' && keys.length === 1)
    return parseNodeTarget(pinTarget(first)) === undefined ? undefined : pinTarget(first);
  if (root !== ROOT_NODES || typeof first !== 'string') return undefined;
  const target =
    second === NodeKey.parameters && typeof third === 'string' ? paramTarget(first, third) : nodeTarget(first);
  return parseNodeTarget(target) === undefined ? undefined : target;
};

/**
 * The targets a transaction changed. Yjs lists the types whose own content
 * changed in `tr.changed` (with the keys, or null for text and list edits);
 * each is walked up to its root, so typing in a parameter's Y.Text names that
 * parameter, and adding or deleting a node names the node. Pure: it reads the
 * transaction and the document's structure, never their values.
 */
export const changedTargets = (doc: Y.Doc, tr: Y.Transaction): ChangeTarget[] => {
  const targets = new Set<ChangeTarget>();
  for (const [type, keys] of tr.changed) {
    const path = pathOf(doc, type);
    if (!path) continue;
    for (const key of keys) {
      const target = targetOf(path.root, key === null ? path.keys : [...path.keys, key]);
      if (target) targets.add(target);
      if (targets.size >= MAX_TARGETS_PER_TRANSACTION) return [...targets];
    }
  }
  return [...targets];
};
