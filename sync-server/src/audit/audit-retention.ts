import type { Logger } from '#shared/log.ts';
import type { AuditStore } from './audit-store.ts';

/** WEFT_AUDIT_RETENTION_DAYS's default (docs/plans/collaboration.md §6.1). */
export const DEFAULT_AUDIT_RETENTION_DAYS = 365;
const TICK_MS = 60 * 60 * 1000;
const BATCH = 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Deletes audit events older than the retention, a bounded batch per hour
 * (harmless on every instance of a cluster: each deletes what is still
 * there). Zero days keeps everything and starts no timer.
 */
export class AuditRetention {
  private readonly timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly audit: AuditStore,
    private readonly retentionDays: number,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {
    if (retentionDays > 0) {
      this.timer = setInterval(() => void this.tick(), TICK_MS);
      this.timer.unref();
    }
  }

  /** One round; a failure is logged and the next round tries again (a timer must not throw). */
  async tick(): Promise<number> {
    if (this.retentionDays <= 0) return 0;
    try {
      return await this.audit.prune(this.now() - this.retentionDays * DAY_MS, BATCH);
    } catch (error) {
      this.logger.error({ err: error }, 'deleting old audit events failed; trying again later');
      return 0;
    }
  }

  close(): void {
    clearInterval(this.timer);
  }
}
