import type { Logger } from '#shared/log.ts';
import type { ExecutionStore } from '../executions/execution-store.ts';
import type { LiveStatus } from '../executions/live-status.ts';
import type { ServerMetrics } from './server-metrics.ts';

/**
 * Counts every run that ends on this instance by status and mode. The end
 * (engine hub, the cluster queue's cancels and losses) names the status and
 * usually the mode; when it does not (a run that ended before an engine had
 * it), the mode is read from the run's row by its key after the end is
 * committed, off the run's path. Returns the unsubscribe.
 */
export const countExecutionEnds = ({
  live,
  executions,
  metrics,
  logger,
}: {
  live: LiveStatus;
  executions: Pick<ExecutionStore, 'get'>;
  metrics: ServerMetrics;
  logger: Logger;
}): (() => void) =>
  live.onFinished((executionId, status, mode) => {
    // The engine hub knows the mode of the runs it handed out: most ends need no read.
    if (mode !== undefined) {
      metrics.executionEnded(status, mode);
      return;
    }
    executions
      .get(executionId)
      // A run deleted with its workflow in the meantime still ended: its mode is unknown.
      .then((row) => metrics.executionEnded(status, row?.mode ?? 'unknown'))
      .catch((error: unknown) => logger.warn({ err: error, executionId }, 'counting an execution end failed'));
  });
