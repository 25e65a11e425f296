import type Database from 'better-sqlite3';
import type { Logger } from '#shared/log.ts';

/**
 * Notices commits made to the database by another process — an admin
 * command (`weft user disable`, `reset-password`) beside the running server —
 * so the server can check its open sockets again: a disabled account's
 * editors close within a few seconds, not at their next reconnect. SQLite's
 * `data_version` changes for a connection exactly when another connection
 * committed, so the check costs one pragma per interval and nothing while
 * nobody else writes.
 */
export const watchOutsideWrites = (
  sqlite: Database.Database,
  onWrite: () => void,
  logger: Logger,
  intervalMs = 2000,
): { stop(): void } => {
  let last: unknown;
  const check = () => {
    // A timer must not throw: a failed check is logged and the next one tries again.
    try {
      if (!sqlite.open) return;
      const version: unknown = sqlite.pragma('data_version', { simple: true });
      if (last !== undefined && version !== last) onWrite();
      last = version;
    } catch (error) {
      logger.error({ err: error }, 'checking for outside writes failed');
    }
  };
  check();
  const timer = setInterval(check, intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
};
