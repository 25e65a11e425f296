import type * as Y from 'yjs';
import { NodeKey } from '#shared/schema/roots.ts';
import { definitionFingerprints, withCredentialPartOf } from '#shared/runs/fingerprint.ts';
import { planRun, type PlanResult, type RunScope } from '#shared/runs/partial-plan.ts';
import { describeReason, type PlanBase } from '#shared/runs/dirty.ts';
import { pinItemsOf, readPins } from '#shared/schema/pins.ts';
import { toDefinition } from '#shared/schema/to-definition.ts';

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
    this.replan();
  }

  /** Why the node runs again in the next "Run workflow"; undefined when it will be reused, or nothing is reused. */
  willRun = (nodeId: string): string | undefined => this.reasons.get(nodeId);

  /** A plan of the live document now ("Execute step", "Run to here" check theirs before asking the server). */
  plan(scope: RunScope, destination?: string): PlanResult {
    const definition = toDefinition(this.doc);
    const pins = pinItemsOf(readPins(this.doc));
    const fingerprints = definitionFingerprints(definition, { credentials: {}, pins });
    const base = this.base?.plan;
    if (base) {
      for (const [id, fingerprint] of Object.entries(fingerprints)) {
        const before = Object.hasOwn(base.fingerprints, id) ? base.fingerprints[id] : undefined;
        if (before !== undefined) fingerprints[id] = withCredentialPartOf(fingerprint, before);
      }
    }
    return planRun({
      definition,
      fingerprints,
      ...(base ? { base } : {}),
      pins,
      scope,
      ...(destination === undefined ? {} : { destination }),
    });
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
    const next = new Map<string, string>();
    if (this.base) {
      const result = this.plan('all');
      if (result.ok) {
        for (const id of result.plan.run) {
          const reason = result.plan.reasons[id];
          next.set(id, reason ? describeReason(reason) : 'runs again');
        }
      }
    }
    let changed = next.size !== this.reasons.size;
    for (const [id, reason] of next) if (this.reasons.get(id) !== reason) changed = true;
    this.reasons = next;
    if (changed) for (const listener of this.listeners) listener();
  }
}
