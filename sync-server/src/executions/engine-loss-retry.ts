import type { Logger } from '#shared/log.ts';
import { defaultSettings } from '#shared/schema/definition.ts';
import { LOST_RETRY_KEY_PREFIX, type ExecutionService } from './execution-service.ts';
import type { ExecutionStore } from './execution-store.ts';
import type { VersionStore } from './version-store.ts';

/**
 * A workflow's `onEngineLoss` setting at work: a run that failed because its
 * engine, or the server instance holding it, went away is run once more
 * from the start when the version it ran says `retry`
 * (docs/plans/scale-out.md §6.4). A retry that is lost in turn fails for good,
 * so a run that kills every engine it reaches (a memory bomb) cannot go round
 * the cluster for ever. The retry is keyed by the lost run, so two instances
 * that both notice one loss start one retry.
 */
export class EngineLossRetry {
  private readonly pending = new Set<Promise<void>>();
  private closed = false;

  constructor(
    private readonly deps: {
      executions: ExecutionStore;
      versions: VersionStore;
      service: ExecutionService;
      logger: Logger;
      now?: () => number;
    },
  ) {}

  /** A run was lost (its failure is stored). Never throws: what goes wrong is logged on the run. */
  lost(executionId: string): void {
    if (this.closed) return;
    const work = this.retry(executionId)
      .catch((error: unknown) => this.deps.logger.error({ err: error, executionId }, 'retrying a lost run failed'))
      .finally(() => this.pending.delete(work));
    this.pending.add(work);
  }

  private async retry(executionId: string): Promise<void> {
    const { executions, versions, service } = this.deps;
    const row = await executions.get(executionId);
    // Gone with its workflow, or ended otherwise after all (stopped by someone first).
    if (row?.status !== 'failed') return;
    const version = await versions.get(row.versionHash);
    const policy = version?.definition.settings.onEngineLoss ?? defaultSettings.onEngineLoss;
    if (policy !== 'retry') return;
    if (row.triggerKey?.startsWith(LOST_RETRY_KEY_PREFIX)) {
      await this.note(executionId, 'warn', 'Not retried again: this run was itself the retry of a lost run');
      return;
    }
    try {
      const again = await service.retryLost(row);
      // Undefined: another instance retried it first, and noted so.
      if (again)
        await this.note(executionId, 'info', `Retried as ${again.id} (the workflow retries runs whose engine is lost)`);
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      await this.note(executionId, 'error', `Could not be retried: ${why}`);
    }
  }

  private note(executionId: string, level: 'info' | 'warn' | 'error', message: string): Promise<void> {
    return this.deps.executions.log(executionId, level, message, (this.deps.now ?? Date.now)());
  }

  /** Starts no more retries and waits for those under way (before the stores close). */
  async close(): Promise<void> {
    this.closed = true;
    while (this.pending.size > 0) await Promise.all(this.pending);
  }
}
