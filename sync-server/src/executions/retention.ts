import { and, asc, count, inArray, lt, notInArray } from 'drizzle-orm';
import type { Logger } from '#shared/log.ts';
import type { Db } from '../db/open.ts';
import { executions } from '../db/schema.ts';

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
const UNFINISHED = ['queued', 'running'] as const;

export interface RetentionPolicy {
  /** 0 keeps executions however old. */
  maxAgeDays: number;
  /** 0: no limit on the count. */
  maxCount: number;
}

export class ExecutionRetention {
  private readonly timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly db: Db,
    private readonly policy: RetentionPolicy,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {
    if (policy.maxAgeDays === 0 && policy.maxCount === 0) return;
    this.timer = setInterval(() => this.tick(), TICK_MS);
    this.timer.unref();
  }

  /** One round of pruning; failures are logged and retried next tick (a timer must not throw). */
  tick(): number {
    let deleted = 0;
    try {
      for (let i = 0; i < BATCHES_PER_TICK; i++) {
        const n = this.pruneBatch();
        deleted += n;
        if (n < BATCH) break;
      }
      if (deleted > 0) this.logger.info({ deleted }, 'old executions deleted');
    } catch (error) {
      this.logger.error({ err: error }, 'deleting old executions failed; trying again later');
    }
    return deleted;
  }

  /** Deletes up to BATCH executions past the policy; answers how many. */
  private pruneBatch(): number {
    const { maxAgeDays, maxCount } = this.policy;
    return this.db.transaction((tx) => {
      const ids: string[] = [];
      if (maxAgeDays > 0) {
        const cutoff = this.now() - maxAgeDays * 24 * 60 * 60 * 1000;
        const old = tx
          .select({ id: executions.id })
          .from(executions)
          .where(and(lt(executions.createdAt, cutoff), notInArray(executions.status, [...UNFINISHED])))
          .orderBy(asc(executions.createdAt))
          .limit(BATCH)
          .all();
        ids.push(...old.map((r) => r.id));
      }
      if (maxCount > 0 && ids.length < BATCH) {
        const finished = notInArray(executions.status, [...UNFINISHED]);
        const total = tx.select({ n: count() }).from(executions).where(finished).get()?.n ?? 0;
        const over = Math.min(BATCH - ids.length, total - ids.length - maxCount);
        if (over > 0) {
          const oldest = tx
            .select({ id: executions.id })
            .from(executions)
            .where(ids.length > 0 ? and(finished, notInArray(executions.id, ids)) : finished)
            .orderBy(asc(executions.createdAt))
            .limit(over)
            .all();
          ids.push(...oldest.map((r) => r.id));
        }
      }
      if (ids.length === 0) return 0;
      return tx.delete(executions).where(inArray(executions.id, ids)).run().changes;
    });
  }

  close(): void {
    clearInterval(this.timer);
  }
}
