import type { Logger } from '#shared/log.ts';
import type { RunResultMessage } from '#shared/protocol/engine.ts';
import type { ExecutionStore } from './execution-store.ts';

interface Finishing {
  id: string;
  result: RunResultMessage;
  now: number;
  /** Lost with its engine (error-workflows.ts waits for the workflow's retry). */
  lost?: boolean;
  /** Runs once the end is recorded (or could not be), with what was recorded. */
  done: (result: RunResultMessage) => void;
}

/** An end the database refused even as a failure; written again later. */
interface Unrecorded {
  id: string;
  result: RunResultMessage;
  now: number;
  attempts: number;
}

/** How often, and how many times, an end that could not be written at all is tried again. */
const RETRY_MS = 1_000;
const MAX_RETRIES = 600;

/**
 * Records run ends in batches: everything that ends while the previous batch
 * commits shares the next commit, and at most one commit is in flight, so ends
 * are recorded in the order they came. The commit runs from a timer, where a
 * rejection must not escape, so every failure is handled here: when the batch
 * cannot be committed (a run of a workflow deleted meanwhile, SQLITE_FULL,
 * SQLITE_BUSY) each run is recorded on its own; a run whose own record fails
 * is marked failed with the reason. If even that cannot be written (the
 * database is locked by another process), the end is written again every
 * second for ten minutes, so the run does not stay "running" once the
 * database is back (a restart fails what is still left). Waiters hear how the
 * run ended once that is committed (or known not to be), so a webhook caller
 * is never left hanging.
 */
export class FinishBatcher {
  private pending: Finishing[] = [];
  private unrecorded: Unrecorded[] = [];
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  /** The last write queued: every write waits for the one before, so one finishAll is in flight at a time. */
  private tail: Promise<void> = Promise.resolve();
  private scheduled = false;
  private closing = false;

  constructor(
    private readonly store: ExecutionStore,
    private readonly logger: Logger,
  ) {}

  add(id: string, result: RunResultMessage, now: number, done: (result: RunResultMessage) => void, lost = false): void {
    this.pending.push({ id, result, now, done, ...(lost ? { lost } : {}) });
    if (this.scheduled) return;
    this.scheduled = true;
    // After this turn's callbacks, not a turn later: the store batches further itself (SQLite's group
    // commit shares one commit among the turn's writes), and a slot is free only once its end is stored.
    process.nextTick(() => {
      this.scheduled = false;
      void this.inLane(() => this.commitPending());
    });
  }

  /** Records what is pending now, after the writes before it (shutdown). */
  flush(): Promise<void> {
    return this.inLane(() => this.commitPending());
  }

  /** Runs `work` after every write queued before it; never rejects (a timer must not throw). */
  private inLane(work: () => Promise<void>): Promise<void> {
    const next = this.tail.then(work).catch((error: unknown) => {
      this.logger.error({ err: error }, 'recording run results failed');
    });
    this.tail = next;
    return next;
  }

  /** Commits every end that arrived until now in one batch: those that came while the last write ran share it. */
  private async commitPending(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    let recorded: RunResultMessage[];
    try {
      await this.store.finishAll(batch);
      recorded = batch.map((f) => f.result);
    } catch (error) {
      this.logger.error({ err: error, runs: batch.length }, 'committing run results failed; recording each run alone');
      recorded = [];
      for (const f of batch) recorded.push(await this.recordAlone({ ...f, attempts: 0 }));
    }
    batch.forEach((f, i) => {
      try {
        f.done(recorded[i] ?? f.result);
      } catch (error) {
        this.logger.error({ err: error, executionId: f.id }, 'announcing the end of a run failed');
      }
    });
  }

  /** Writes one run's end, or its failure; answers what the run is now known as. Never rejects. */
  private async recordAlone(f: Unrecorded): Promise<RunResultMessage> {
    try {
      await this.store.finishAll([f]);
      return f.result;
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      const failed: RunResultMessage = {
        status: 'failed',
        error: `The run's result could not be stored: ${reason}`,
        runs: [],
        lastOutput: [],
      };
      try {
        await this.store.finishAll([{ id: f.id, result: failed, now: f.now }]);
        this.logger.error({ err: error, executionId: f.id }, 'storing a run result failed; the run is marked failed');
      } catch (again) {
        this.logger.error({ err: again, executionId: f.id }, 'storing a run result failed; trying again shortly');
        this.retryLater({ ...f, attempts: f.attempts + 1 });
      }
      return failed;
    }
  }

  private retryLater(entry: Unrecorded): void {
    if (entry.attempts > MAX_RETRIES) {
      this.logger.error({ executionId: entry.id }, 'giving up storing a run result; the next start fails the run');
      return;
    }
    this.unrecorded.push(entry);
    // Past close() the last try is close's own.
    if (this.retryTimer || this.closing) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      const due = this.unrecorded;
      this.unrecorded = [];
      void this.inLane(async () => {
        for (const entry of due) await this.recordAlone(entry);
      });
    }, RETRY_MS);
    this.retryTimer.unref();
  }

  /** Ends that are still waiting to be written (tests). */
  get unrecordedCount(): number {
    return this.unrecorded.length;
  }

  async close(): Promise<void> {
    this.closing = true;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    await this.flush();
    // One last try for what the database refused so far; whatever stays the next start fails.
    await this.inLane(async () => {
      const due = this.unrecorded;
      this.unrecorded = [];
      for (const entry of due) {
        try {
          await this.store.finishAll([entry]);
        } catch (error) {
          this.logger.error({ err: error, executionId: entry.id }, 'a run result was not stored before the stop');
        }
      }
    });
  }
}
