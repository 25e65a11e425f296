import type { Logger } from '#shared/log.ts';
import type { ExecutionRetentionPolicy, ExecutionStore } from './execution-store.ts';

/**
 * Execution retention: finished executions older than `maxAgeDays`, and past
 * the newest `maxCount`, are deleted in the background (their node runs and
 * logs go with them), a bounded batch per tick so a large backlog never holds
 * the event loop or the write lock for long. Queued and running executions
 * are never touched. Defaults follow n8n's (14 days, 10,000 executions).
 */

const TICK_MS = 60_000;
/** Executions deleted per transaction; a tick runs a few of them at most. */
const BATCH = 500;
const BATCHES_PER_TICK = 10;

export type RetentionPolicy = ExecutionRetentionPolicy;

export class ExecutionRetention {
  private readonly timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly store: ExecutionStore,
    /** A function is read at each round: the instance settings change it without a restart. */
    private readonly policy: RetentionPolicy | (() => RetentionPolicy),
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {
    if (typeof policy !== 'function' && policy.maxAgeDays === 0 && policy.maxCount === 0) return;
    this.timer = setInterval(() => {
      void this.tick().catch((error: unknown) => this.logger.error({ err: error }, 'a retention round failed'));
    }, TICK_MS);
    this.timer.unref();
  }

  /** One round of pruning; failures are logged and retried next tick (a timer must not throw). */
  async tick(): Promise<number> {
    let deleted = 0;
    const policy = typeof this.policy === 'function' ? this.policy() : this.policy;
    if (policy.maxAgeDays === 0 && policy.maxCount === 0) return 0;
    try {
      for (let i = 0; i < BATCHES_PER_TICK; i++) {
        const n = await this.store.pruneBatch(policy, this.now(), BATCH);
        deleted += n;
        if (n < BATCH) break;
      }
      if (deleted > 0) this.logger.info({ deleted }, 'old executions deleted');
    } catch (error) {
      this.logger.error({ err: error }, 'deleting old executions failed; trying again later');
    }
    return deleted;
  }

  close(): void {
    clearInterval(this.timer);
  }
}
