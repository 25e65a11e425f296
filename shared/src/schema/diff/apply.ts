import * as Y from 'yjs';
import { ErrorCodes, UserError } from '../../errors.ts';
import type { Origin } from '../../origins.ts';
import { readNodes } from '../read.ts';
import { pinNode, unpinNode } from '../pins.ts';
import { edgeId } from '../roots.ts';
import {
  addNode,
  connect,
  deleteNode,
  disconnect,
  getNotesText,
  getParameterText,
  moveNode,
  removeParameter,
  renameNode,
  setNodeCredential,
  setNodeSettings,
  setNotes,
  setParameter,
  setWorkflowDescription,
  setWorkflowName,
  setWorkflowSetting,
} from '../write.ts';
import type { DefinitionNode } from '../definition.ts';
import type { Change } from './diff.ts';
import { applyTextEdits, textEdits } from './text-diff.ts';

const of = <K extends Change['op']>(changes: readonly Change[], op: K): Extract<Change, { op: K }>[] =>
  changes.filter((c): c is Extract<Change, { op: K }> => c.op === op);

const addFromDefinition = (doc: Y.Doc, node: DefinitionNode, origin: Origin): void => {
  addNode(
    doc,
    {
      id: node.id,
      type: node.type,
      typeVersion: node.typeVersion,
      name: node.name,
      position: node.position,
      parameters: node.parameters,
      ...(node.disabled !== undefined ? { disabled: node.disabled } : {}),
      ...(node.notes !== undefined ? { notes: node.notes } : {}),
      ...(node.credentials !== undefined ? { credentials: node.credentials } : {}),
      ...(node.retryOnFail !== undefined ? { retryOnFail: node.retryOnFail } : {}),
      ...(node.maxTries !== undefined ? { maxTries: node.maxTries } : {}),
      ...(node.waitBetweenTries !== undefined ? { waitBetweenTries: node.waitBetweenTries } : {}),
      ...(node.onError !== undefined ? { onError: node.onError } : {}),
      ...(node.timeoutSeconds !== undefined ? { timeoutSeconds: node.timeoutSeconds } : {}),
      ...(node.alwaysOutputData !== undefined ? { alwaysOutputData: node.alwaysOutputData } : {}),
      ...(node.executeOnce !== undefined ? { executeOnce: node.executeOnce } : {}),
    },
    origin,
  );
};

const nameHolder = (doc: Y.Doc, name: string, exceptId: string): string | undefined =>
  readNodes(doc).find((n) => n.id !== exceptId && n.name === name)?.id;

/**
 * Renames so that swaps and chains work: a node whose new name another
 * renamed node still holds waits, and when every waiting one is blocked by
 * another, one steps aside under a temporary name (the same transaction
 * renames it again, so no peer ever sees that name).
 */
const applyRenames = (doc: Y.Doc, renames: Extract<Change, { op: 'renameNode' }>[], origin: Origin): void => {
  let pending = [...renames];
  const parked = new Set<string>();
  while (pending.length > 0) {
    const ready = pending.find((r) => nameHolder(doc, r.to, r.id) === undefined);
    if (ready) {
      renameNode(doc, ready.id, ready.to, origin);
      pending = pending.filter((r) => r !== ready);
      continue;
    }
    const movable = pending.find(
      (r) => !parked.has(r.id) && pending.some((other) => nameHolder(doc, other.to, other.id) === r.id),
    );
    if (!movable) {
      const blocked = pending[0];
      throw new UserError(
        ErrorCodes.conflict,
        `Node ${blocked?.id ?? ''} cannot be renamed to "${blocked?.to ?? ''}": another node has that name`,
      );
    }
    parked.add(movable.id);
    renameNode(doc, movable.id, `weft-cli-renaming-${movable.id}`, origin);
  }
};

/**
 * Applies changes to a workflow document through the schema's write
 * functions, in an order where each step is valid: edges and nodes go before
 * names are reused, nodes come before the edges that need them. A text field
 * gets a line-by-line text edit, not a replacement, so characters others typed
 * into it elsewhere stay. The caller wraps this in one transaction.
 */
export const applyChanges = (doc: Y.Doc, changes: readonly Change[], origin: Origin): void => {
  for (const c of of(changes, 'setName')) setWorkflowName(doc, c.name, origin);
  for (const c of of(changes, 'setDescription')) setWorkflowDescription(doc, c.description, origin);
  for (const c of of(changes, 'setSetting')) setWorkflowSetting(doc, c.key, c.value, origin);
  for (const c of of(changes, 'disconnect')) disconnect(doc, edgeId(c.edge), origin);
  for (const c of of(changes, 'removeNode')) deleteNode(doc, c.id, origin);
  for (const c of of(changes, 'replaceNode')) deleteNode(doc, c.node.id, origin);
  applyRenames(doc, of(changes, 'renameNode'), origin);
  for (const c of of(changes, 'addNode')) addFromDefinition(doc, c.node, origin);
  for (const c of of(changes, 'replaceNode')) addFromDefinition(doc, c.node, origin);
  for (const c of of(changes, 'moveNode')) moveNode(doc, c.id, c.position, origin);
  for (const c of of(changes, 'removeParameter')) removeParameter(doc, c.id, c.param, origin);
  for (const c of of(changes, 'setParameter')) {
    const text = getParameterText(doc, c.id, c.param);
    if (text && typeof c.value === 'string') applyTextEdits(text, textEdits(text.toJSON(), c.value));
    else setParameter(doc, c.id, c.param, c.value, origin);
  }
  for (const c of of(changes, 'setNotes')) {
    const text = getNotesText(doc, c.id);
    if (text) applyTextEdits(text, textEdits(text.toJSON(), c.notes));
    else setNotes(doc, c.id, c.notes, origin);
  }
  for (const c of of(changes, 'setNodeSettings')) setNodeSettings(doc, c.id, c.patch, origin);
  for (const c of of(changes, 'setCredential')) setNodeCredential(doc, c.id, c.slot, c.credentialId, origin);
  for (const c of of(changes, 'connect')) connect(doc, c.edge, origin);
  // `by` is whoever sends the update: the server writes the sender's id over it (pins.ts, §2.3).
  // Unpins first: the workflow's total is checked as each pin is set.
  for (const c of of(changes, 'removePin')) unpinNode(doc, c.id, origin);
  for (const c of of(changes, 'setPin')) pinNode(doc, c.id, c.items, { by: '', source: 'import' }, origin);
};

/**
 * Applies the changes to `base` in one transaction and answers the Yjs update
 * that transaction made (undefined if it changed nothing). This is the
 * three-way merge of `weft push`: the update holds only what the changes did
 * relative to `base`, so applied to a later copy of the same document, Yjs
 * keeps every edit made there since `base`.
 */
export const updateFromChanges = (base: Y.Doc, changes: readonly Change[], origin: Origin): Uint8Array | undefined => {
  const updates: Uint8Array[] = [];
  const collect = (update: Uint8Array): void => {
    updates.push(update);
  };
  base.on('update', collect);
  try {
    base.transact(() => {
      applyChanges(base, changes, origin);
    }, origin);
  } finally {
    base.off('update', collect);
  }
  return updates.length === 0 ? undefined : Y.mergeUpdates(updates);
};
