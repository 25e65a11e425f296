import type { Logger } from '#shared/log.ts';
import type { InboxStore } from './inbox-store.ts';

/** Inbox items are kept this long; the comments themselves stay in the discussion. */
export const INBOX_KEEP_MS = 90 * 24 * 60 * 60 * 1000;
const TICK_MS = 60 * 60 * 1000;
const BATCH = 1000;

/**
 * Deletes inbox items older than 90 days, a bounded batch per hour (harmless
 * on every instance of a cluster: each deletes what is still there).
 */
export class InboxRetention {
  private readonly timer: ReturnType<typeof setInterval>;

  constructor(
    private readonly inbox: InboxStore,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {
    this.timer = setInterval(() => void this.tick(), TICK_MS);
    this.timer.unref();
  }

  /** One round; a failure is logged and the next round tries again (a timer must not throw). */
  async tick(): Promise<number> {
    try {
      return await this.inbox.prune(this.now() - INBOX_KEEP_MS, BATCH);
    } catch (error) {
      this.logger.error({ err: error }, 'deleting old inbox items failed; trying again later');
      return 0;
    }
  }

  close(): void {
    clearInterval(this.timer);
  }
}
