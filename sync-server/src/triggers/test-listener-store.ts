import type { RouteConflict } from './route-conflict.ts';

/**
 * Who listens for a test event on which path (docs/plans/scale-out.md §6.6),
 * shared by instances: "Listen" pressed through one instance is heard by a
 * test event sent to any. A listener past its `expiresAt` is free for
 * anyone, whether or not a row still says otherwise.
 */

export interface TestListenerRow {
  method: string;
  path: string;
  workflowId: string;
  userId: string;
  expiresAt: number;
}

export interface TestListenerStore {
  /**
   * The workflow listens on exactly `routes` until `expiresAt` (replacing
   * what it listened on), unless another workflow's listener, not expired at
   * `now`, collides: then nothing is written.
   */
  listen(
    workflowId: string,
    userId: string,
    routes: readonly { method: string; path: string }[],
    expiresAt: number,
    now: number,
  ): Promise<{ ok: true } | { ok: false; conflict: RouteConflict }>;
  /** The listeners of these methods not expired at `now`. */
  active(methods: readonly string[], now: number): Promise<TestListenerRow[]>;
  /** The workflow listens no more; true when it was listening. */
  stop(workflowId: string): Promise<boolean>;
  /** Removes the workflow's listeners expired at `now` (a renewed one stays); true when one went. */
  expire(workflowId: string, now: number): Promise<boolean>;
}
