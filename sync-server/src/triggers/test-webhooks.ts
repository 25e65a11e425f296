import { ErrorCodes, UserError } from '#shared/errors.ts';
import type { WorkflowDefinition } from '#shared/schema/definition.ts';
import type { TestWebhookListenDto } from '#shared/api/access.ts';
import { methodOf, normalizePath, webhookNodes } from './webhook-nodes.ts';
import { findDynamic, isDynamicPath, nodePaths, pathsOverlap, type DynamicRoute } from './webhook-paths.ts';

/**
 * `/webhook-test/<path>`: while building, an editor presses "Listen for test
 * event" and, for a limited time, the workflow's current document answers its
 * webhook paths there — that workflow only, registered explicitly, as n8n
 * does. Nothing is scanned per request, and a stranger cannot run a draft
 * nobody is listening for.
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
  /** "METHOD path" → who listens there. */
  private readonly byKey = new Map<string, TestListener>();
  /** method → dynamic paths (`users/:id`) listened on, tried when no static key matches. */
  private readonly dynamic = new Map<string, DynamicRoute<TestListener>[]>();
  /** workflow id → its keys. */
  private readonly byWorkflow = new Map<string, { keys: string[]; timer: ReturnType<typeof setTimeout> }>();

  constructor(
    private readonly options: {
      /** Told when a workflow starts or stops listening (everyone in its room sees it). */
      onChange?: (workflowId: string, state: TestWebhookListenDto | null) => void;
      now?: () => number;
      listenMs?: number;
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
  listen(workflowId: string, userId: string, definition: WorkflowDefinition): TestWebhookListenDto {
    const keys: string[] = [];
    const dynamic: { method: string; path: string; pattern: string[] }[] = [];
    const paths: string[] = [];
    for (const node of webhookNodes(definition)) {
      const method = methodOf(node);
      for (const path of nodePaths(node)) {
        const busy = () =>
          new UserError(
            ErrorCodes.conflict,
            `Another workflow is listening for test events on ${method} /webhook-test/${path}`,
          );
        if (isDynamicPath(path)) {
          const pattern = path.split('/');
          const taken = (this.dynamic.get(method) ?? []).find(
            (r) =>
              r.target.workflowId !== workflowId && r.target.expiresAt > this.now && pathsOverlap(r.pattern, pattern),
          );
          if (taken) throw busy();
          dynamic.push({ method, path, pattern });
        } else {
          const key = `${method} ${path}`;
          const taken = this.byKey.get(key);
          if (taken && taken.workflowId !== workflowId && taken.expiresAt > this.now) throw busy();
          keys.push(key);
        }
        if (!paths.includes(path)) paths.push(path);
      }
    }
    if (keys.length === 0 && dynamic.length === 0) {
      throw new UserError(ErrorCodes.validationFailed, 'The workflow has no enabled Webhook node with a path');
    }
    this.stop(workflowId);
    const listenMs = this.options.listenMs ?? TEST_WEBHOOK_LISTEN_MS;
    const expiresAt = this.now + listenMs;
    const listener: TestListener = { workflowId, userId, expiresAt };
    for (const key of keys) this.byKey.set(key, listener);
    for (const { method, path, pattern } of dynamic) {
      this.dynamic.set(method, [...(this.dynamic.get(method) ?? []), { path, pattern, target: listener }]);
    }
    const timer = setTimeout(() => this.stop(workflowId), listenMs);
    timer.unref();
    this.byWorkflow.set(workflowId, { keys, timer });
    const state = { expiresAt, paths };
    this.options.onChange?.(workflowId, state);
    return state;
  }

  /**
   * Who listens on `METHOD path` right now (HEAD reaches a GET webhook); a
   * static path first, then dynamic ones. `segments`: the request path's
   * segments, each decoded on its own.
   */
  find(method: string, path: string, segments: readonly string[] = path.split('/')): TestListener | undefined {
    const key = normalizePath(path);
    const methods = method === 'HEAD' ? ['HEAD', 'GET'] : [method];
    for (const m of methods) {
      const listener = this.byKey.get(`${m} ${key}`);
      if (listener && listener.expiresAt > this.now) return listener;
    }
    for (const m of methods) {
      const found = findDynamic(this.dynamic.get(m) ?? [], segments);
      if (found && found.route.target.expiresAt > this.now) return found.route.target;
    }
    return undefined;
  }

  /** Stops listening (expiry, the workflow deleted, the listener's access gone). */
  stop(workflowId: string): void {
    const entry = this.byWorkflow.get(workflowId);
    if (!entry) return;
    clearTimeout(entry.timer);
    this.byWorkflow.delete(workflowId);
    for (const key of entry.keys) if (this.byKey.get(key)?.workflowId === workflowId) this.byKey.delete(key);
    for (const [method, routes] of this.dynamic) {
      const kept = routes.filter((r) => r.target.workflowId !== workflowId);
      if (kept.length > 0) this.dynamic.set(method, kept);
      else this.dynamic.delete(method);
    }
    this.options.onChange?.(workflowId, null);
  }

  close(): void {
    for (const workflowId of [...this.byWorkflow.keys()]) this.stop(workflowId);
  }
}
