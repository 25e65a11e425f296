import type { Logger } from '#shared/log.ts';
import type { EditPolicy } from './edit-policy.ts';
import type { ModeStore } from './mode-store.ts';

/** How often the modes this instance follows are read again, for news that never arrived. */
export const MODE_REFRESH_MS = 5_000;

/**
 * Keeps this instance's policy in step with modes other instances change
 * (docs/plans/collaboration.md §5.3): a notification re-reads that
 * workflow's row; a re-read of every followed mode every few seconds covers
 * notifications lost while the listening connection was down.
 */
export const followModes = ({
  store,
  policy,
  logger,
  refreshMs = MODE_REFRESH_MS,
}: {
  store: ModeStore;
  policy: EditPolicy;
  logger: Logger;
  refreshMs?: number;
}): { stop(): void } => {
  const refresh = (ids?: string[]): void => {
    policy.refresh(ids).catch((error: unknown) => logger.warn({ err: error }, 're-reading edit modes failed'));
  };
  const stopListening = store.onChange((workflowId) => {
    if (workflowId === undefined) refresh();
    else if (policy.follows(workflowId)) refresh([workflowId]);
  });
  const timer = setInterval(() => refresh(), refreshMs);
  timer.unref();
  return {
    stop: () => {
      stopListening();
      clearInterval(timer);
    },
  };
};
