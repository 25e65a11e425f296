import type { Logger } from '#shared/log.ts';
import type { DefinitionNode } from '#shared/schema/definition.ts';
import type { VersionStore } from '../executions/version-store.ts';
import { findDynamic, isDynamicPath, type DynamicRoute } from './webhook-paths.ts';
import type { TriggerStore } from './trigger-store.ts';

export interface WebhookTarget {
  workflowId: string;
  versionHash: string;
  node: DefinitionNode;
}

/** A webhook found for a request, with the path parameters its dynamic path took. */
export interface WebhookMatch {
  target: WebhookTarget;
  params: Record<string, string>;
}

/** A route changed by someone else is served within this long, even if its news was lost. */
export const ROUTE_REFRESH_MS = 5_000;
/** A request for a path this instance does not know re-reads the routes at most this often. */
export const MISS_REREAD_MS = 1_000;

/**
 * This instance's copy of the webhook routes every instance shares
 * (docs/plans/scale-out.md §6.6): a hit is one Map lookup, as on a single
 * server. The copy is read again whole when the store says another process
 * changed routes, every ROUTE_REFRESH_MS in case that news was lost, and on a
 * miss (at most every MISS_REREAD_MS), so a route activated elsewhere is
 * found by its first request.
 */
export class RouteCache {
  /** "METHOD path" → target. */
  private webhooks = new Map<string, WebhookTarget>();
  /** method → dynamic paths (`users/:id`), tried only when no static path matches. */
  private dynamic = new Map<string, DynamicRoute<WebhookTarget>[]>();
  /** A version's webhook nodes by id: versions never change, so they are read once. */
  private readonly nodes = new Map<string, Map<string, DefinitionNode>>();
  private loadedAt = Number.NEGATIVE_INFINITY;
  private running: Promise<void> | undefined;
  private queued: Promise<void> | undefined;
  private readonly timer: NodeJS.Timeout;
  private readonly unwatch: () => void;

  private readonly missRereadMs: number;

  constructor(
    private readonly store: TriggerStore,
    private readonly versions: VersionStore,
    private readonly logger: Logger,
    options: { refreshMs?: number; missRereadMs?: number; now?: () => number } = {},
  ) {
    this.now = options.now ?? Date.now;
    this.missRereadMs = options.missRereadMs ?? MISS_REREAD_MS;
    const background = (): void => {
      this.refresh().catch((error: unknown) => this.logger.warn({ err: error }, 'reading webhook routes failed'));
    };
    this.unwatch = store.onChange(background);
    this.timer = setInterval(background, options.refreshMs ?? ROUTE_REFRESH_MS);
    this.timer.unref();
  }

  private readonly now: () => number;

  /** `segments`: the request path's segments, each decoded on its own. */
  async find(method: string, path: string, segments: readonly string[]): Promise<WebhookMatch | undefined> {
    const hit = this.lookup(method, path, segments);
    if (hit || this.now() - this.loadedAt < this.missRereadMs) return hit;
    await this.refresh();
    return this.lookup(method, path, segments);
  }

  /**
   * Resolves once the routes were read after this call began: a refresh in
   * flight may have read before a write the caller just made, so a second
   * one follows it (and serves every caller that came meanwhile).
   */
  refresh(): Promise<void> {
    if (!this.running) {
      this.running = this.load().finally(() => {
        this.running = undefined;
      });
      return this.running;
    }
    this.queued ??= this.running
      .catch(() => undefined)
      .then(() => {
        this.queued = undefined;
        return this.refresh();
      });
    return this.queued;
  }

  close(): void {
    clearInterval(this.timer);
    this.unwatch();
  }

  private lookup(method: string, path: string, segments: readonly string[]): WebhookMatch | undefined {
    const target = this.webhooks.get(`${method} ${path}`);
    if (target) return { target, params: {} };
    const found = findDynamic(this.dynamic.get(method) ?? [], segments);
    return found && { target: found.route.target, params: found.params };
  }

  private async load(): Promise<void> {
    const startedAt = this.now();
    const routes = await this.store.routes();
    const webhooks = new Map<string, WebhookTarget>();
    const dynamic = new Map<string, DynamicRoute<WebhookTarget>[]>();
    for (const route of routes) {
      const node = (await this.nodesOf(route.versionHash))?.get(route.nodeId);
      if (!node) {
        this.logger.warn({ workflowId: route.workflowId, nodeId: route.nodeId }, 'a webhook route without its node');
        continue;
      }
      const target = { workflowId: route.workflowId, versionHash: route.versionHash, node };
      if (isDynamicPath(route.path)) {
        const list = dynamic.get(route.method) ?? [];
        list.push({ path: route.path, pattern: route.path.split('/'), target });
        dynamic.set(route.method, list);
      } else webhooks.set(`${route.method} ${route.path}`, target);
    }
    const inUse = new Set(routes.map((r) => r.versionHash));
    for (const hash of this.nodes.keys()) if (!inUse.has(hash)) this.nodes.delete(hash);
    this.webhooks = webhooks;
    this.dynamic = dynamic;
    this.loadedAt = startedAt;
  }

  private async nodesOf(hash: string): Promise<Map<string, DefinitionNode> | undefined> {
    const known = this.nodes.get(hash);
    if (known) return known;
    const version = await this.versions.get(hash);
    if (!version) return undefined;
    const nodes = new Map(version.definition.nodes.map((n) => [n.id, n]));
    this.nodes.set(hash, nodes);
    return nodes;
  }
}
