import { useEffect, useRef, useState } from 'react';
import type { Awareness } from 'y-protocols/awareness';
import type * as Y from 'yjs';
import type { WorkflowRole } from '#shared/api/index.ts';
import { modeSchema } from '#shared/api/modes.ts';
import { serverEntry } from '../runs/server-entry.ts';
import { modeAllows } from './edit-mode.ts';

/** What the server does with a change made now: takes it, drops it for the edit mode (held), or cannot say yet. */
export type Verdict = 'accepted' | 'held' | 'unknown';

/**
 * Counts this device's changes the server holds back for the edit mode
 * (docs/decisions.md "Edit modes on the server"): it drops a non-holder's
 * updates, the document here keeps them, and they merge when this person
 * may write again. A change counts as one local transaction.
 *
 * The server says nothing when it drops an update, so the count follows
 * from what the client knows: a change made while the room's mode (from the
 * server's awareness entry) denies writing is held; one made with no server
 * to judge it (offline, or before the mode is known) waits, and is held if
 * the mode denies writing once it is known, since reconnecting sends it
 * then. Whenever the mode allows writing, the server asks for everything it
 * lacks and the count is back to zero. A change sent in the instant before
 * a lock reached this device is held by the server but not counted here;
 * it merges all the same, and Discard throws it away with the rest.
 */
export class HeldChanges {
  private held = 0;
  private waiting = 0;
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly doc: Y.Doc,
    private readonly verdict: () => Verdict,
  ) {
    doc.on('update', this.onUpdate);
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  count = (): number => this.held;

  /** Call when what the verdict reads may have changed (the connection, the mode). */
  recheck = (): void => {
    const verdict = this.verdict();
    if (verdict === 'unknown') return;
    if (verdict === 'accepted') {
      this.waiting = 0;
      this.set(0);
    } else {
      this.set(this.held + this.waiting);
      this.waiting = 0;
    }
  };

  destroy(): void {
    this.doc.off('update', this.onUpdate);
    this.listeners.clear();
  }

  private readonly onUpdate = (_update: Uint8Array, _origin: unknown, _doc: Y.Doc, tr: Y.Transaction): void => {
    // Remote changes (the server's, another tab's) and the stored copy loading arrive as non-local transactions.
    if (!tr.local) return;
    const verdict = this.verdict();
    if (verdict === 'held') this.set(this.held + 1);
    else if (verdict === 'unknown') this.waiting += 1;
  };

  private set(n: number): void {
    if (n === this.held) return;
    this.held = n;
    for (const listener of this.listeners) listener();
  }
}

interface SyncProvider {
  readonly awareness: Awareness;
  readonly wsconnected: boolean;
  readonly synced: boolean;
  on(event: 'status' | 'sync', listener: (...args: never[]) => void): void;
  off(event: 'status' | 'sync', listener: (...args: never[]) => void): void;
}

/** The verdict for this person from the provider's connection and the mode in the server's awareness entry. */
export const roomVerdict =
  (
    provider: Pick<SyncProvider, 'awareness' | 'wsconnected' | 'synced'>,
    userId: string,
    role: () => WorkflowRole | undefined,
  ) =>
  (): Verdict => {
    const entry = provider.wsconnected && provider.synced ? serverEntry(provider.awareness) : undefined;
    const who = role();
    if (!entry || !who) return 'unknown';
    const parsed = modeSchema.safeParse(entry.mode);
    // No mode field is parallel; a malformed one is judged by the server alone.
    if (entry.mode !== undefined && !parsed.success) return 'unknown';
    return modeAllows(parsed.success ? parsed.data : null, userId, who) ? 'accepted' : 'held';
  };

/** How many of this device's changes the server holds back now, followed while mounted. */
export const useHeldChanges = (
  doc: Y.Doc,
  provider: SyncProvider,
  userId: string,
  role: WorkflowRole | undefined,
): number => {
  const [count, setCount] = useState(0);
  // The role arrives after the document opens: read when judging, so changes made before it are not lost.
  const roleRef = useRef(role);
  const recheckRef = useRef<() => void>(() => undefined);
  useEffect(() => {
    const held = new HeldChanges(
      doc,
      roomVerdict(provider, userId, () => roleRef.current),
    );
    const { recheck } = held;
    recheckRef.current = recheck;
    provider.on('status', recheck);
    provider.on('sync', recheck);
    provider.awareness.on('change', recheck);
    const off = held.subscribe(() => setCount(held.count()));
    recheck();
    return () => {
      off();
      provider.off('status', recheck);
      provider.off('sync', recheck);
      provider.awareness.off('change', recheck);
      held.destroy();
    };
  }, [doc, provider, userId]);
  useEffect(() => {
    roleRef.current = role;
    recheckRef.current();
  }, [role]);
  return count;
};
