import type { WorkflowDefinition } from '../definition.ts';
import { diffDefinitions, type Change } from './diff.ts';
import { mergeDefinitions } from './merge.ts';

/**
 * The changes that make the live document a restored version (design §7.3).
 * Applied with applyChanges in one transaction on the server's live
 * document: fields the version shares with the live state are not written,
 * so edits arriving afterwards on them merge as ordinary CRDT edits.
 *
 * @example
 * room.change(userId, (doc) => applyChanges(doc, restoreChanges(toDefinition(doc), version), origin));
 */
export const restoreChanges = (live: WorkflowDefinition, target: WorkflowDefinition): Change[] =>
  diffDefinitions(live, target);

/**
 * The changes that undo a restore without undoing what people did since:
 * a three-way merge where base = `target` (what the restore produced),
 * theirs = `before` (the state the restore replaced) and `current` = the live
 * document now. A field changed after the restore keeps its current value;
 * a field untouched since goes back to `before`. A node the restore brought
 * back is removed again only if nobody edited or connected it since.
 *
 * @example
 * room.change(userId, (doc) => applyChanges(doc, undoRestoreChanges(version, before, toDefinition(doc)), origin));
 */
export const undoRestoreChanges = (
  target: WorkflowDefinition,
  before: WorkflowDefinition,
  current: WorkflowDefinition,
): Change[] => diffDefinitions(current, mergeDefinitions(target, before, current));
