import type * as Y from 'yjs';
import type { PlanBase } from '#shared/runs/dirty.ts';
import type { PlanResult, RunScope } from '#shared/runs/partial-plan.ts';
import { NodeKey } from '#shared/schema/roots.ts';

type PlanLive = typeof import('./plan-live.ts');

/** A run that can be built on: its id and what the plan needs of it. */
export interface RunBase {
  id: string;
  plan: PlanBase;
}

/** How long edits may go unplanned: the canvas marks follow typing without planning on every keystroke. */
const REPLAN_MS = 200;

/**
 * Plans the next "Run workflow" on the live document against the run it
 * would build on (the base), as the server will: which nodes run again, and
 * why. The canvas marks those nodes. One plan per change of the document or
 * the base, at most every 200 ms; each node's reason keeps its string while
 * unchanged, so a node re-renders only when its own mark moves.
 */
export class RunPlanner {
  private base: RunBase | null = null;
  private live: PlanLive | undefined;
  private loading: Promise<PlanLive> | undefined;
  private reasons = new Map<string, string>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly listeners = new Set<() => void>();

  constructor(private readonly doc: Y.Doc) {
    doc.on('afterTransaction', this.onTransaction);
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** The run the next run builds on; null runs every node. */
  getBase = (): RunBase | null => this.base;

  setBase(base: RunBase | null): void {
    if (base?.id === this.base?.id) return;
    this.base = base;
    if (base && !this.live) {
      this.load().then(
        () => this.replan(),
        // Offline with the chunk not cached: no marks, runs still work.
        () => undefined,
      );
      return;
    }
    this.replan();
  }

  private load(): Promise<PlanLive> {
    this.loading ??= import('./plan-live.ts').then(
      (m) => (this.live = m),
      (error: unknown) => {
        // Tried again with the next base (the chunk may be reachable by then).
        this.loading = undefined;
        throw error;
      },
    );
    return this.loading;
  }

  /** Why the node runs again in the next "Run workflow"; undefined when it will be reused, or nothing is reused. */
  willRun = (nodeId: string): string | undefined => this.reasons.get(nodeId);

  /**
   * A plan of the live document now; undefined until the planning code has loaded (`loaded()`), which it does
   * once there is a base to build on.
   */
  plan(scope: RunScope, destination?: string): PlanResult | undefined {
    return this.live?.planLive(this.doc, this.base?.plan, scope, destination);
  }

  /** Resolves once the planning code is loaded (tests, and a caller that needs a plan at once). */
  loaded(): Promise<void> {
    return this.load().then(() => undefined);
  }

  destroy(): void {
    clearTimeout(this.timer);
    this.doc.off('afterTransaction', this.onTransaction);
    this.listeners.clear();
  }

  /** Moving nodes changes no fingerprint: a drag, the busiest edit, plans nothing. */
  private readonly onTransaction = (transaction: Y.Transaction): void => {
    for (const keys of transaction.changed.values()) {
      for (const key of keys) {
        if (key !== NodeKey.position) {
          this.schedule();
          return;
        }
      }
    }
  };

  private readonly schedule = (): void => {
    if (this.timer !== undefined || !this.base) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.replan();
    }, REPLAN_MS);
  };

  private replan(): void {
    const result = this.base && this.live ? this.plan('all') : undefined;
    const next = result && this.live ? this.live.runReasons(result) : new Map<string, string>();
    let changed = next.size !== this.reasons.size;
    for (const [id, reason] of next) if (this.reasons.get(id) !== reason) changed = true;
    this.reasons = next;
    if (changed) for (const listener of this.listeners) listener();
  }
}
