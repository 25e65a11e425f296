import { Cron } from 'croner';
import { ErrorCodes, UserError } from '#shared/errors.ts';
import { scheduleRefusal } from '#shared/nodes/schedule-rules.ts';
import { paramText } from '#shared/schema/params.ts';
import type { Logger } from '#shared/log.ts';
import type { DefinitionNode } from '#shared/schema/definition.ts';
import { methodOf, normalizePath, webhookNodes } from './webhook-nodes.ts';
import { findDynamic, isDynamicPath, nodePaths, pathsOverlap, type DynamicRoute } from './webhook-paths.ts';
import type { User } from '../accounts/account-store.ts';
import type { ExecutionService } from '../executions/execution-service.ts';
import type { LiveStatus } from '../executions/live-status.ts';
import type { VersionStore } from '../executions/version-store.ts';
import type { WorkflowStore } from '../workflows/workflow-store.ts';

/**
 * Production triggers: publish makes the current document a workflow's
 * production version; an active workflow answers its webhooks and runs its
 * schedules from that version (never the live document). Registrations are
 * rebuilt from the database by `start`, so a restart keeps them.
 */

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

export class TriggerService {
  /** "METHOD path" → target. */
  private readonly webhooks = new Map<string, WebhookTarget>();
  /** method → dynamic paths (`users/:id`), tried only when no static path matches. */
  private readonly dynamic = new Map<string, DynamicRoute<WebhookTarget>[]>();
  private readonly schedules = new Map<string, Cron[]>();

  constructor(
    private readonly deps: {
      workflows: WorkflowStore;
      versions: VersionStore;
      executions: ExecutionService;
      live: LiveStatus;
      logger: Logger;
      /** The zone of workflows without one of their own (WEFT_TIMEZONE); UTC when left out. */
      timezone?: string;
    },
  ) {}

  /** Registers the active workflows again; the server listens only once this resolved. */
  async start(): Promise<void> {
    for (const { id, publishedHash } of await this.deps.workflows.listActive()) {
      try {
        await this.register(id, publishedHash);
      } catch (e) {
        this.deps.logger.warn(
          { workflowId: id, err: e instanceof Error ? e.message : String(e) },
          'could not reactivate',
        );
      }
    }
  }

  /** Saves the current document as the production version (and re-registers an active workflow). */
  async publish(workflowId: string, user: User): Promise<string> {
    const hash = await this.deps.executions.snapshot(workflowId, user.id);
    const row = await this.deps.workflows.get(workflowId);
    if (row?.active) await this.register(workflowId, hash);
    await this.deps.workflows.setPublished(workflowId, hash);
    this.deps.live.trigger(workflowId, { active: row?.active ?? false, publishedHash: hash });
    return hash;
  }

  async activate(workflowId: string): Promise<void> {
    const row = await this.deps.workflows.get(workflowId);
    if (!row?.publishedHash) throw new UserError(ErrorCodes.conflict, 'Publish the workflow before activating it');
    await this.register(workflowId, row.publishedHash);
    await this.deps.workflows.setActive(workflowId, true);
    this.deps.live.trigger(workflowId, { active: true, publishedHash: row.publishedHash });
  }

  async deactivate(workflowId: string): Promise<void> {
    this.unregister(workflowId);
    await this.deps.workflows.setActive(workflowId, false);
    this.deps.live.trigger(workflowId, {
      active: false,
      publishedHash: (await this.deps.workflows.get(workflowId))?.publishedHash ?? null,
    });
  }

  /** The workflow is being deleted: its triggers stop and nothing of it stays in memory. */
  remove(workflowId: string): void {
    this.unregister(workflowId);
    this.deps.live.forget(workflowId);
  }

  /** `segments`: the request path's segments, each decoded on its own (a `%2F` stays inside its segment). */
  webhook(method: string, path: string, segments: readonly string[] = path.split('/')): WebhookMatch | undefined {
    const target = this.webhooks.get(`${method} ${normalizePath(path)}`);
    if (target) return { target, params: {} };
    const found = findDynamic(this.dynamic.get(method) ?? [], segments);
    return found && { target: found.route.target, params: found.params };
  }

  close(): void {
    for (const jobs of this.schedules.values()) for (const job of jobs) job.stop();
    this.schedules.clear();
  }

  /** Reads the version first; from there on checking for a taken path and taking it are one synchronous step. */
  private async register(workflowId: string, hash: string): Promise<void> {
    const version = await this.deps.versions.get(hash);
    if (!version) throw new UserError(ErrorCodes.conflict, 'The published version is missing');
    const hooks: { key: string; target: WebhookTarget }[] = [];
    const dynamic: { method: string; route: DynamicRoute<WebhookTarget> }[] = [];
    for (const node of webhookNodes(version.definition)) {
      const paths = nodePaths(node);
      if (paths.length === 0) throw new UserError(ErrorCodes.validationFailed, `Webhook "${node.name}" has no path`);
      const method = methodOf(node);
      const target = { workflowId, versionHash: hash, node };
      for (const path of paths) {
        if (isDynamicPath(path)) {
          const pattern = path.split('/');
          // Two workflows that could both answer one request would make the winner arbitrary.
          const taken = (this.dynamic.get(method) ?? []).find(
            (r) => r.target.workflowId !== workflowId && pathsOverlap(r.pattern, pattern),
          );
          if (taken) {
            throw new UserError(
              ErrorCodes.conflict,
              `Another active workflow already listens on ${method} /webhook/${taken.path}, which overlaps /webhook/${path}`,
            );
          }
          dynamic.push({ method, route: { path, pattern, target } });
          continue;
        }
        const key = `${method} ${path}`;
        const taken = this.webhooks.get(key);
        if (taken && taken.workflowId !== workflowId) {
          throw new UserError(
            ErrorCodes.conflict,
            `Another active workflow already listens on ${method} /webhook/${path}`,
          );
        }
        hooks.push({ key, target });
      }
    }
    const crons = version.definition.nodes
      .filter((n) => n.type === 'scheduleTrigger' && !n.disabled)
      .map((node) => {
        const expression = paramText(node.parameters.cronExpression);
        // What n8n's Schedule Trigger refuses when it is activated is refused here too, with n8n's words.
        const refusal = scheduleRefusal(node.parameters);
        if (refusal) {
          const what = refusal.message === 'Invalid interval' ? refusal.message : `${refusal.message} "${expression}"`;
          throw new UserError(ErrorCodes.validationFailed, `Schedule "${node.name}": ${what} (${refusal.reason})`);
        }
        const timezone = paramText(
          node.parameters.timezone,
          version.definition.settings.timezone ?? this.deps.timezone ?? 'UTC',
        );
        try {
          return { node, expression, timezone, check: new Cron(expression, { timezone, paused: true }) };
        } catch (e) {
          throw new UserError(
            ErrorCodes.validationFailed,
            `Schedule "${node.name}": "${expression}" is not a cron expression (${e instanceof Error ? e.message : String(e)})`,
          );
        }
      });
    // Everything checked: swap the old registration for the new one.
    this.unregister(workflowId);
    for (const { key, target } of hooks) this.webhooks.set(key, target);
    for (const { method, route } of dynamic) this.dynamic.set(method, [...(this.dynamic.get(method) ?? []), route]);
    this.schedules.set(
      workflowId,
      crons.map(({ node, expression, timezone, check }) => {
        check.stop();
        return new Cron(expression, { timezone, protect: true }, () => {
          void this.deps.executions
            .run(workflowId, null, {
              mode: 'schedule',
              versionHash: hash,
              startNodeId: node.id,
              triggerItems: [{ json: { timestamp: new Date().toISOString(), timezone } }],
            })
            .catch((e: unknown) =>
              this.deps.logger.error(
                { workflowId, err: e instanceof Error ? e.message : String(e) },
                'schedule run failed',
              ),
            );
        });
      }),
    );
  }

  private unregister(workflowId: string): void {
    for (const [key, target] of this.webhooks) if (target.workflowId === workflowId) this.webhooks.delete(key);
    for (const [method, routes] of this.dynamic) {
      const kept = routes.filter((r) => r.target.workflowId !== workflowId);
      if (kept.length > 0) this.dynamic.set(method, kept);
      else this.dynamic.delete(method);
    }
    for (const job of this.schedules.get(workflowId) ?? []) job.stop();
    this.schedules.delete(workflowId);
  }
}
