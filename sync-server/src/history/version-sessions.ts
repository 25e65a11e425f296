import type { Logger } from '#shared/log.ts';
import type { HistoryStore } from './history-store.ts';
import type { VersionHistory } from './version-history.ts';

/** How often each instance looks for idle sessions. */
export const VERSION_SWEEP_MS = 60_000;
/** WEFT_VERSION_IDLE_MINUTES' default: a session nobody edited for this long becomes an auto version. */
export const VERSION_IDLE_MINUTES = 10;

/**
 * Cuts idle editing sessions into auto versions (docs/plans/collaboration.md
 * §7.1). Every instance runs it with no leader: a version is content-addressed
 * (two instances save one row) and the cut is conditional on the session's last
 * edit, so one of them writes the entry and the others write nothing.
 */
export const startVersionSessions = ({
  history,
  versions,
  logger,
  idleMs = VERSION_IDLE_MINUTES * 60_000,
  intervalMs = VERSION_SWEEP_MS,
  now = Date.now,
}: {
  history: HistoryStore;
  versions: VersionHistory;
  logger: Logger;
  idleMs?: number;
  intervalMs?: number;
  now?: () => number;
}): { sweep(): Promise<void>; stop(): Promise<void> } => {
  let running: Promise<void> | undefined;
  const sweepOnce = async (): Promise<void> => {
    for (const session of await history.dueSessions(now() - idleMs)) {
      try {
        await versions.cutIdle(session.workflowId, session.lastEditAt);
      } catch (error) {
        // The session stays open and is tried again next sweep.
        logger.warn({ err: error, workflowId: session.workflowId }, 'cutting an idle editing session failed');
      }
    }
  };
  const sweep = (): Promise<void> => {
    running ??= sweepOnce().finally(() => {
      running = undefined;
    });
    return running;
  };
  const timer = setInterval(() => {
    sweep().catch((error: unknown) => logger.error({ err: error }, 'the version session sweep failed'));
  }, intervalMs);
  timer.unref();
  return {
    sweep,
    stop: async () => {
      clearInterval(timer);
      await running?.catch(() => {});
    },
  };
};
