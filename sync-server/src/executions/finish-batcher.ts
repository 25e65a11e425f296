import type { Logger } from '#shared/log.ts';
import type { RunResultMessage } from '#shared/protocol/engine.ts';
import type { ExecutionStore } from './execution-store.ts';

interface Finishing {
  id: string;
  result: RunResultMessage;
  now: number;
  /** Runs once the end is recorded (or could not be), with what was recorded. */
  done: (result: RunResultMessage) => void;
}

/**
 * Records run ends in batches: everything that ends in one turn of the event
 * loop shares one commit. The commit runs in a timer, where a throw would end
 * the process, so every failure is handled here: when the batch cannot be
 * committed (a run of a workflow deleted meanwhile, SQLITE_FULL, SQLITE_BUSY)
 * each run is recorded on its own; a run whose own record fails is marked
 * failed with the reason, and if even that fails the error is logged (the
 * next start fails runs left "running"). Waiters always hear how the run
 * ended, so a webhook caller is never left hanging.
 */
export class FinishBatcher {
  private pending: Finishing[] = [];

  constructor(
    private readonly store: ExecutionStore,
    private readonly logger: Logger,
  ) {}

  add(id: string, result: RunResultMessage, now: number, done: (result: RunResultMessage) => void): void {
    if (this.pending.push({ id, result, now, done }) === 1) setImmediate(this.flush);
  }

  /** Records what is pending now (shutdown). */
  readonly flush = (): void => {
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    let recorded: RunResultMessage[];
    try {
      this.store.finishAll(batch);
      recorded = batch.map((f) => f.result);
    } catch (error) {
      this.logger.error({ err: error, runs: batch.length }, 'committing run results failed; recording each run alone');
      recorded = batch.map((f) => this.recordAlone(f));
    }
    batch.forEach((f, i) => {
      try {
        f.done(recorded[i] ?? f.result);
      } catch (error) {
        this.logger.error({ err: error, executionId: f.id }, 'announcing the end of a run failed');
      }
    });
  };

  private recordAlone(f: Finishing): RunResultMessage {
    try {
      this.store.finishAll([f]);
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
        this.store.finishAll([{ id: f.id, result: failed, now: f.now }]);
        this.logger.error({ err: error, executionId: f.id }, 'storing a run result failed; the run is marked failed');
      } catch (again) {
        this.logger.error(
          { err: again, executionId: f.id },
          'storing a run result failed and the run could not be marked failed',
        );
      }
      return failed;
    }
  }
}
