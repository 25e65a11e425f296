import * as Y from 'yjs';
import { ProtocolError } from './connection.ts';

/** Marks the shadow's transaction that applies a candidate update (the follower's are not checked). */
const CANDIDATE = Symbol('candidate update');

/** Looks at one transaction on the copy: a reason to refuse it, or undefined. */
export type Judge = (tr: Y.Transaction, shadow: Y.Doc) => string | undefined;

export type ReplicaVerdict =
  | { status: 'accepted' }
  | { status: 'refused'; reason: string }
  /**
   * The update depends on changes the document does not have yet (Yjs would
   * keep it pending): it cannot be judged, so it is neither accepted nor held.
   * The sender is asked for its whole difference instead, which a client that
   * really has those changes sends complete.
   */
  | { status: 'incomplete' };

/**
 * A second copy of a live document that a client's update is applied to
 * first, so rules can judge what it would change before it touches the live
 * document: Yjs cannot take an applied update back. The copy follows every
 * change of the live document (applying an update twice is a no-op), and is
 * rebuilt from it whenever a candidate was refused.
 */
export class ValidatingReplica {
  private shadow: Y.Doc;

  constructor(
    private readonly live: Y.Doc,
    /**
     * Defines the document's root types on each new copy. Yjs gives a root
     * first met in an update a placeholder type that `getMap` later replaces,
     * so the judge could not recognise the roots it is meant to allow.
     */
    private readonly prepare: (shadow: Y.Doc) => void = () => {},
  ) {
    this.shadow = this.copy();
    live.on('update', this.follow);
    live.on('destroy', () => {
      live.off('update', this.follow);
      this.shadow.destroy();
    });
  }

  /**
   * Applies the update to the copy and has `judge` look at the transaction
   * it caused (inside it: once it ends, Yjs may collect overwritten values).
   * Throws ProtocolError when the update cannot be decoded (the copy is rebuilt first).
   */
  check(update: Uint8Array, judge: Judge): ReplicaVerdict {
    const judged: { reason?: string | undefined; done: boolean } = { done: false };
    const onTransaction = (tr: Y.Transaction): void => {
      if (tr.origin !== CANDIDATE) return;
      judged.done = true;
      judged.reason = judge(tr, this.shadow);
    };
    this.shadow.on('afterTransaction', onTransaction);
    try {
      Y.applyUpdate(this.shadow, update, CANDIDATE);
    } catch (cause) {
      this.rebuild();
      throw new ProtocolError('malformed document update', { cause });
    } finally {
      this.shadow.off('afterTransaction', onTransaction);
    }
    const reason = judged.done ? judged.reason : 'the update was not applied';
    if (reason !== undefined) {
      this.rebuild();
      return { status: 'refused', reason };
    }
    if (hasPending(this.shadow)) {
      this.rebuild();
      return { status: 'incomplete' };
    }
    return { status: 'accepted' };
  }

  private readonly follow = (update: Uint8Array): void => {
    Y.applyUpdate(this.shadow, update);
  };

  private copy(): Y.Doc {
    const shadow = new Y.Doc({ gc: this.live.gc });
    this.prepare(shadow);
    Y.applyUpdate(shadow, Y.encodeStateAsUpdate(this.live));
    return shadow;
  }

  private rebuild(): void {
    this.shadow.destroy();
    this.shadow = this.copy();
  }
}

const hasPending = (doc: Y.Doc): boolean => doc.store.pendingStructs !== null || doc.store.pendingDs !== null;
