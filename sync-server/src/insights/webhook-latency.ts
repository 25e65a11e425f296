import type { Logger } from '#shared/log.ts';
import type { ExecutionStore } from '../executions/execution-store.ts';
import { BUCKETS } from './buckets.ts';
import { HOUR_MS, latencyBucket, type LatencyRollup } from './rollup-sql.ts';

/** How often gathered latencies are written: one upsert per workflow-hour in each write. */
const FLUSH_MS = 2_000;
/** Workflow-hours held before a write is due anyway (a flood of distinct workflows stays bounded). */
const MAX_PENDING = 5_000;

/**
 * Webhook answer latencies (request arrived → answer sent), gathered in memory and added to
 * insights_webhook_hourly every FLUSH_MS: a webhook costs a map update, never a database write of its own.
 * Latencies gathered when the process dies uncleanly are lost (at most FLUSH_MS of them); close() writes the rest.
 */
export class WebhookLatency {
  private pending = new Map<string, LatencyRollup>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: Pick<ExecutionStore, 'addWebhookLatencies'>,
    private readonly logger: Logger,
  ) {}

  record(workflowId: string, latencyMs: number, at: number): void {
    const ms = Math.max(0, Math.round(latencyMs));
    const hour = at - (at % HOUR_MS);
    const key = `${hour}:${workflowId}`;
    let entry = this.pending.get(key);
    if (!entry) {
      entry = { workflowId, hour, responses: 0, latencyMs: 0, counts: Array.from({ length: BUCKETS }, () => 0) };
      this.pending.set(key, entry);
    }
    entry.responses += 1;
    entry.latencyMs += ms;
    const b = latencyBucket(ms);
    entry.counts[b] = (entry.counts[b] ?? 0) + 1;
    if (this.pending.size >= MAX_PENDING) void this.flush();
    else if (!this.timer) {
      this.timer = setTimeout(() => void this.flush(), FLUSH_MS);
      this.timer.unref();
    }
  }

  /** Writes what was gathered, after the write before it; never rejects (a failed write is logged and dropped). */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const due = [...this.pending.values()];
    this.pending = new Map();
    if (due.length === 0) return this.writing;
    this.writing = this.writing
      .then(() => this.store.addWebhookLatencies(due))
      .catch((error: unknown) => {
        this.logger.error({ err: error, rows: due.length }, 'recording webhook latencies failed');
      });
    return this.writing;
  }

  close(): Promise<void> {
    return this.flush();
  }
}
