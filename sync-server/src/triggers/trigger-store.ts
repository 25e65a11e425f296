import type { RouteConflict } from './route-conflict.ts';

/**
 * The production trigger state every instance shares (docs/plans/scale-out.md
 * §6.6): whether a workflow is active on which published version, and the
 * webhook routes it then holds, one row per method and path. Each write is
 * one transaction, so "another active workflow listens on …" is decided by
 * the database, once, whichever instance asks.
 */

/** A path a Webhook node of the version answers on. */
export interface RouteSpec {
  method: string;
  /** Normalized (no leading or trailing slash); dynamic paths keep their `:name` segments. */
  path: string;
  nodeId: string;
}

export interface WebhookRoute extends RouteSpec {
  workflowId: string;
  versionHash: string;
}

export type ActivateResult =
  | { status: 'active' }
  | { status: 'conflict'; conflict: RouteConflict }
  /** The workflow is gone, or its published version is no longer `versionHash` (published meanwhile). */
  | { status: 'stale' };

export type PublishResult =
  | { status: 'published'; active: boolean }
  | { status: 'conflict'; conflict: RouteConflict }
  /** The workflow is active and `routes` was left out (its new version cannot serve): nothing was written. */
  | { status: 'unroutable' }
  | { status: 'stale' };

export interface TriggerStore {
  /**
   * Makes the workflow active on `versionHash`, which must be its published
   * version, holding exactly `routes` (its old ones go), unless another
   * workflow holds a colliding route: then nothing is written. With
   * `onlyIfActive` (a server starting), an inactive workflow is `stale`.
   */
  activate(
    workflowId: string,
    versionHash: string,
    routes: readonly RouteSpec[],
    options?: { onlyIfActive?: boolean },
  ): Promise<ActivateResult>;
  /**
   * Makes `versionHash` the published version; if the workflow is active its
   * routes become `routes` in the same transaction (all or nothing).
   */
  publish(workflowId: string, versionHash: string, routes: readonly RouteSpec[] | undefined): Promise<PublishResult>;
  /** Inactive, holding no route. A missing workflow is not an error. */
  deactivate(workflowId: string): Promise<void>;
  /** Every route held now. */
  routes(): Promise<WebhookRoute[]>;
  /**
   * Calls `fn` after another process committed a change of routes (at most
   * once per change, maybe late or never when the connection drops: callers
   * also re-read on their own). Resolves to stop.
   */
  onChange(fn: () => void): () => void;
}
