import { Cron } from 'croner';
import { ErrorCodes, UserError } from '#shared/errors.ts';
import { scheduleRefusal } from '#shared/nodes/schedule-rules.ts';
import { paramText } from '#shared/schema/params.ts';
import type { Logger } from '#shared/log.ts';
import type { VersionHistory } from '../history/version-history.ts';
import type { WorkflowDefinition } from '#shared/schema/definition.ts';
import { methodOf, normalizePath, webhookNodes } from './webhook-nodes.ts';
import { isDynamicPath, nodePaths } from './webhook-paths.ts';
import type { User } from '../accounts/account-store.ts';
import type { ExecutionService } from '../executions/execution-service.ts';
import type { LiveStatus } from '../executions/live-status.ts';
import type { VersionStore } from '../executions/version-store.ts';
import type { WorkflowStore } from '../workflows/workflow-store.ts';
import { BullSchedules } from './bull-schedules.ts';
import type { RouteConflict } from './route-conflict.ts';
import { RouteCache, type WebhookMatch } from './route-cache.ts';
import { LocalSchedules, type ScheduleSpec, type Schedules, type Tick } from './schedules.ts';
import type { RouteSpec, TriggerStore } from './trigger-store.ts';

export type { WebhookMatch, WebhookTarget } from './route-cache.ts';

/**
 * Production triggers: publish makes the current document a workflow's
 * production version; an active workflow answers its webhooks and runs its
 * schedules from that version (never the live document).
 *
 * What is active, and which webhook routes it holds, lives in the database
 * (TriggerStore), written in one transaction with the active flag, so with
 * several instances any of them answers any webhook and a path is taken once
 * (docs/plans/scale-out.md §6.6). Schedules tick in this process on a single
 * server, and on shared BullMQ job schedulers with REDIS_URL (§6.7).
 */

/** An activation whose published version moved meanwhile is tried again this many times. */
const ACTIVATE_ATTEMPTS = 3;

interface Plan {
  routes: RouteSpec[];
  schedules: ScheduleSpec[];
}

export class TriggerService {
  private readonly routes: RouteCache;
  private readonly schedules: Schedules;

  constructor(
    private readonly deps: {
      workflows: WorkflowStore;
      versions: VersionStore;
      executions: ExecutionService;
      live: LiveStatus;
      /** Active flags and webhook routes, shared by every instance on the database. */
      store: TriggerStore;
      /** Records each publish in the version history (closing the open editing session). */
      history?: VersionHistory;
      logger: Logger;
      /** The zone of workflows without one of their own (WEFT_TIMEZONE); UTC when left out. */
      timezone?: string;
      /** With REDIS_URL: schedules tick once per tick across the instances sharing this Redis. */
      redis?: { url: string; prefix: string } | undefined;
    },
  ) {
    this.routes = new RouteCache(deps.store, deps.versions, deps.logger);
    const fire = (tick: Tick) => this.fire(tick);
    this.schedules = deps.redis
      ? new BullSchedules({
          url: deps.redis.url,
          prefix: deps.redis.prefix,
          fire,
          stillActive: async (workflowId) => (await deps.workflows.get(workflowId))?.active === true,
          logger: deps.logger,
        })
      : new LocalSchedules(fire, deps.logger);
  }

  /**
   * Registers the active workflows again (their routes are written anew, which
   * also fills them in for workflows activated before routes were stored);
   * the server listens only once this resolved.
   */
  async start(): Promise<void> {
    const active: { workflowId: string; versionHash: string; specs: ScheduleSpec[] }[] = [];
    for (const { id, publishedHash } of await this.deps.workflows.listActive()) {
      try {
        const plan = await this.plan(publishedHash);
        // Only if still active: another instance may have deactivated it since the list was read.
        const result = await this.deps.store.activate(id, publishedHash, plan.routes, { onlyIfActive: true });
        if (result.status === 'conflict') throw conflictError(result.conflict);
        if (result.status === 'active')
          active.push({ workflowId: id, versionHash: publishedHash, specs: plan.schedules });
      } catch (e) {
        this.deps.logger.warn(
          { workflowId: id, err: e instanceof Error ? e.message : String(e) },
          'could not reactivate',
        );
      }
    }
    await this.routes.refresh();
    await this.schedules.reconcile(active);
  }

  /** Saves the current document as the production version (and re-registers an active workflow). */
  async publish(workflowId: string, user: User): Promise<string> {
    const hash = await this.deps.executions.snapshot(workflowId, user.id);
    // An inactive workflow may publish a version it could not serve yet: activating it says why.
    let plan: Plan | undefined;
    let planError: unknown;
    try {
      plan = await this.plan(hash);
    } catch (e) {
      planError = e;
    }
    const result = await this.deps.store.publish(workflowId, hash, plan?.routes);
    if (result.status === 'unroutable') throw planError;
    if (result.status === 'conflict') throw conflictError(result.conflict);
    if (result.status === 'stale') throw new UserError(ErrorCodes.notFound, `Workflow ${workflowId} was deleted`);
    if (result.active && plan) {
      await this.schedules.set(workflowId, hash, plan.schedules);
      await this.routes.refresh();
    }
    this.deps.live.trigger(workflowId, { active: result.active, publishedHash: hash });
    // Published is published: a history write that fails is logged, not answered as a failed publish.
    await this.deps.history?.published(workflowId, user.id, hash).catch((error: unknown) => {
      this.deps.logger.error({ err: error, workflowId }, 'recording the publish in the version history failed');
    });
    return hash;
  }

  async activate(workflowId: string): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const row = await this.deps.workflows.get(workflowId);
      if (!row?.publishedHash) throw new UserError(ErrorCodes.conflict, 'Publish the workflow before activating it');
      const plan = await this.plan(row.publishedHash);
      const result = await this.deps.store.activate(workflowId, row.publishedHash, plan.routes);
      if (result.status === 'conflict') throw conflictError(result.conflict);
      if (result.status === 'stale') {
        if (attempt < ACTIVATE_ATTEMPTS) continue;
        throw new UserError(ErrorCodes.conflict, 'The workflow was published again meanwhile; try again');
      }
      try {
        await this.schedules.set(workflowId, row.publishedHash, plan.schedules);
      } catch (error) {
        // Redis away: rather inactive than active without its schedules (a tick of a stray one runs nothing).
        await this.deps.store.deactivate(workflowId);
        throw error;
      }
      await this.routes.refresh();
      this.deps.live.trigger(workflowId, { active: true, publishedHash: row.publishedHash });
      return;
    }
  }

  async deactivate(workflowId: string): Promise<void> {
    await this.deps.store.deactivate(workflowId);
    await this.schedules.remove(workflowId);
    await this.routes.refresh();
    this.deps.live.trigger(workflowId, {
      active: false,
      publishedHash: (await this.deps.workflows.get(workflowId))?.publishedHash ?? null,
    });
  }

  /** The workflow is being deleted: its triggers stop everywhere and nothing of it stays in memory. */
  async remove(workflowId: string): Promise<void> {
    // Deactivated first, so other instances hear of it (a cascading delete says nothing).
    await this.deps.store.deactivate(workflowId);
    await this.schedules.remove(workflowId);
    await this.routes.refresh();
    this.deps.live.forget(workflowId);
  }

  /** `segments`: the request path's segments, each decoded on its own (a `%2F` stays inside its segment). */
  webhook(
    method: string,
    path: string,
    segments: readonly string[] = path.split('/'),
  ): Promise<WebhookMatch | undefined> {
    return this.routes.find(method, normalizePath(path), segments);
  }

  async close(): Promise<void> {
    this.routes.close();
    await this.schedules.close();
  }

  /** A tick of an active workflow's schedule; with `tickMillis` (BullMQ) at most one run per tick. */
  private async fire(tick: Tick): Promise<void> {
    const { workflowId, versionHash, nodeId, timezone, tickMillis } = tick;
    const options = {
      mode: 'schedule' as const,
      versionHash,
      startNodeId: nodeId,
      triggerItems: [{ json: { timestamp: new Date(tickMillis ?? Date.now()).toISOString(), timezone } }],
    };
    if (tickMillis === undefined) {
      await this.deps.executions.run(workflowId, null, options);
      return;
    }
    // A tick of a scheduler that outlived its activation (or its version) runs nothing.
    const row = await this.deps.workflows.get(workflowId);
    if (!row?.active || row.publishedHash !== versionHash) return;
    await this.deps.executions.runOnce(workflowId, null, {
      ...options,
      triggerKey: `schedule:${workflowId}:${nodeId}:${tickMillis}`,
    });
  }

  /** What a version needs registered, checked as n8n checks on activation; throws what is wrong. */
  private async plan(hash: string): Promise<Plan> {
    const version = await this.deps.versions.get(hash);
    if (!version) throw new UserError(ErrorCodes.conflict, 'The published version is missing');
    return { routes: webhookRoutesOf(version.definition), schedules: this.schedulesOf(version.definition) };
  }

  private schedulesOf(definition: WorkflowDefinition): ScheduleSpec[] {
    return definition.nodes
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
          definition.settings.timezone ?? this.deps.timezone ?? 'UTC',
        );
        try {
          new Cron(expression, { timezone, paused: true }).stop();
        } catch (e) {
          throw new UserError(
            ErrorCodes.validationFailed,
            `Schedule "${node.name}": "${expression}" is not a cron expression (${e instanceof Error ? e.message : String(e)})`,
          );
        }
        return { nodeId: node.id, expression, timezone };
      });
  }
}

const webhookRoutesOf = (definition: WorkflowDefinition): RouteSpec[] =>
  webhookNodes(definition).flatMap((node) => {
    const paths = nodePaths(node);
    if (paths.length === 0) throw new UserError(ErrorCodes.validationFailed, `Webhook "${node.name}" has no path`);
    return paths.map((path) => ({ method: methodOf(node), path, nodeId: node.id }));
  });

const conflictError = ({ method, taken, requested }: RouteConflict): UserError =>
  new UserError(
    ErrorCodes.conflict,
    isDynamicPath(requested)
      ? `Another active workflow already listens on ${method} /webhook/${taken}, which overlaps /webhook/${requested}`
      : `Another active workflow already listens on ${method} /webhook/${requested}`,
  );
