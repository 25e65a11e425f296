import { ErrorCodes, UserError } from '#shared/errors.ts';
import type { WorkflowDefinition } from '#shared/schema/definition.ts';
import type { TestWebhookListenDto } from '#shared/api/access.ts';
import { silentLogger, type Logger } from '#shared/log.ts';
import { methodOf, normalizePath, webhookNodes } from './webhook-nodes.ts';
import { findDynamic, isDynamicPath, nodePaths, type DynamicRoute } from './webhook-paths.ts';
import type { TestListenerStore } from './test-listener-store.ts';

/**
 * `/webhook-test/<path>`: while building, an editor presses "Listen for test
 * event" and, for a limited time, the workflow's current document answers its
 * webhook paths there — that workflow only, registered explicitly, as n8n
 * does. Nothing is scanned per request, and a stranger cannot run a draft
 * nobody is listening for.
 *
 * Who listens is in the database (TestListenerStore), so "Listen" pressed
 * through one instance is heard by a test event sent to any
 * (docs/plans/scale-out.md §6.6). The instance that registered it ends it on
 * time and says so to editors; were it gone, the row simply lapses.
 */

/** How long one "Listen" lasts (n8n uses 120 s too). */
export const TEST_WEBHOOK_LISTEN_MS = 120_000;

export interface TestListener {
  workflowId: string;
  /** The editor who pressed Listen: runs are theirs, and stop when they may no longer edit. */
  userId: string;
  expiresAt: number;
}

export class TestWebhooks {
  /** workflow id → the expiry timer of a listening this instance registered. */
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();

  constructor(
    private readonly store: TestListenerStore,
    private readonly options: {
      /** Told when a workflow starts or stops listening (everyone in its room sees it). */
      onChange?: (workflowId: string, state: TestWebhookListenDto | null) => void;
      now?: () => number;
      listenMs?: number;
      logger?: Logger;
    } = {},
  ) {}

  private get now(): number {
    return (this.options.now ?? Date.now)();
  }

  /**
   * Starts (or renews) listening for the webhooks of `definition`, the
   * workflow's current document. A path another workflow listens on is a
   * conflict; so is a workflow without webhook paths.
   */
  async listen(workflowId: string, userId: string, definition: WorkflowDefinition): Promise<TestWebhookListenDto> {
    const routes: { method: string; path: string }[] = [];
    const paths: string[] = [];
    for (const node of webhookNodes(definition)) {
      const method = methodOf(node);
      for (const path of nodePaths(node)) {
        routes.push({ method, path });
        if (!paths.includes(path)) paths.push(path);
      }
    }
    if (routes.length === 0) {
      throw new UserError(ErrorCodes.validationFailed, 'The workflow has no enabled Webhook node with a path');
    }
    const now = this.now;
    const listenMs = this.options.listenMs ?? TEST_WEBHOOK_LISTEN_MS;
    const expiresAt = now + listenMs;
    const result = await this.store.listen(workflowId, userId, routes, expiresAt, now);
    if (!result.ok) {
      throw new UserError(
        ErrorCodes.conflict,
        `Another workflow is listening for test events on ${result.conflict.method} /webhook-test/${result.conflict.requested}`,
      );
    }
    clearTimeout(this.timers.get(workflowId));
    const timer = setTimeout(() => {
      this.timers.delete(workflowId);
      // Only if not renewed meanwhile (through any instance): a renewal moved its expiry on.
      void this.store
        .expire(workflowId, this.now)
        .then((ended) => {
          if (ended) this.options.onChange?.(workflowId, null);
        })
        .catch((error: unknown) =>
          (this.options.logger ?? silentLogger).error({ err: error, workflowId }, 'ending a test listener failed'),
        );
    }, listenMs);
    timer.unref();
    this.timers.set(workflowId, timer);
    const state = { expiresAt, paths };
    this.options.onChange?.(workflowId, state);
    return state;
  }

  /**
   * Who listens on `METHOD path` right now (HEAD reaches a GET webhook); a
   * static path first, then dynamic ones. `segments`: the request path's
   * segments, each decoded on its own.
   */
  async find(
    method: string,
    path: string,
    segments: readonly string[] = path.split('/'),
  ): Promise<TestListener | undefined> {
    const key = normalizePath(path);
    const methods = method === 'HEAD' ? ['HEAD', 'GET'] : [method];
    const rows = await this.store.active(methods, this.now);
    for (const m of methods) {
      const row = rows.find((r) => r.method === m && r.path === key && !isDynamicPath(r.path));
      if (row) return listenerOf(row);
    }
    for (const m of methods) {
      const routes: DynamicRoute<TestListener>[] = rows
        .filter((r) => r.method === m && isDynamicPath(r.path))
        .map((r) => ({ path: r.path, pattern: r.path.split('/'), target: listenerOf(r) }));
      const found = findDynamic(routes, segments);
      if (found) return found.route.target;
    }
    return undefined;
  }

  /** Stops listening (the editor, the workflow deleted, the listener's access gone), whichever instance registered it. */
  async stop(workflowId: string): Promise<void> {
    clearTimeout(this.timers.get(workflowId));
    this.timers.delete(workflowId);
    if (await this.store.stop(workflowId)) this.options.onChange?.(workflowId, null);
  }

  /** The rows outlive this instance and lapse on their own; only the timers go. */
  close(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }
}

const listenerOf = (row: TestListener): TestListener => ({
  workflowId: row.workflowId,
  userId: row.userId,
  expiresAt: row.expiresAt,
});
