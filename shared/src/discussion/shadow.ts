import * as Y from 'yjs';
import { discussionState } from './read.ts';
import { discussionRoots } from './roots.ts';
import {
  checkDiscussionChange,
  collectDiscussionChanges,
  DiscussionRule,
  type CollectResult,
  type DiscussionChange,
  type DiscussionContext,
} from './rules.ts';

/**
 * The server's validating replica in one call (§4.3): apply a candidate
 * update to the shadow doc, collect what its transaction changed, check it.
 * Accepted, it returns the changes (for `discussionFacts`). On a refusal the shadow already holds the update, so the caller must
 * rebuild it from the live document before the next check.
 */

/** What a doc holds back until missing structs arrive; Yjs re-encodes it on every update, so compare bytes. */
const pendingOf = (doc: Y.Doc): (Uint8Array | null)[] => [
  doc.store.pendingStructs?.update ?? null,
  doc.store.pendingDs,
];

const sameBytes = (a: Uint8Array, b: Uint8Array | null): boolean =>
  b !== null && a.length === b.length && a.every((byte, i) => byte === b[i]);

/**
 * A shadow doc whose roots are Y.Maps from the start, optionally filled from
 * the live doc (its pending structs included: encodeStateAsUpdate carries them).
 */
export const createShadowDoc = (from?: Y.Doc): Y.Doc => {
  const shadow = new Y.Doc();
  discussionRoots(shadow);
  if (from) Y.applyUpdate(shadow, Y.encodeStateAsUpdate(from));
  return shadow;
};

/**
 * @example
 * const verdict = checkUpdateOnShadow(shadow, update, { userId, role }, Date.now());
 * if (!verdict.ok) { shadow = createShadowDoc(live); throw new WriteRefused(verdict.reason); }
 */
export const checkUpdateOnShadow = (
  shadow: Y.Doc,
  update: Uint8Array,
  ctx: DiscussionContext,
  now: number,
  origin?: unknown,
): CollectResult => {
  const pendingBefore = pendingOf(shadow);
  const found: CollectResult[] = [];
  const capture = (tr: Y.Transaction): void => {
    found.push(judgeDiscussionTransaction(shadow, tr, ctx, now));
  };
  shadow.on('afterTransaction', capture);
  try {
    Y.applyUpdate(shadow, update, origin);
  } finally {
    shadow.off('afterTransaction', capture);
  }
  // Content waiting for structs the server lacks would be integrated later, inside another sender's transaction.
  const pendingAfter = pendingOf(shadow);
  if (pendingAfter.some((p, i) => p !== null && !sameBytes(p, pendingBefore[i] ?? null)))
    return { ok: false, rule: DiscussionRule.pending, reason: 'the update depends on changes the server lacks' };
  const changes: DiscussionChange[] = [];
  for (const result of found) {
    if (!result.ok) return result;
    changes.push(...result.changes);
  }
  return { ok: true, changes };
};

/**
 * Judges one transaction on a shadow discussion doc (called from its
 * `afterTransaction`, while overwritten values are still readable): what it
 * changed, checked against the rules for this sender. The server's validating
 * replica calls it for each candidate update.
 */
export const judgeDiscussionTransaction = (
  shadow: Y.Doc,
  tr: Y.Transaction,
  ctx: DiscussionContext,
  now: number,
): CollectResult => {
  let collected: CollectResult;
  try {
    collected = collectDiscussionChanges(shadow, tr);
  } catch (error) {
    return { ok: false, rule: DiscussionRule.root, reason: `unreadable change: ${String(error)}` };
  }
  if (!collected.ok) return collected;
  const verdict = checkDiscussionChange(collected.changes, ctx, now, discussionState(shadow));
  return verdict.ok ? collected : verdict;
};
