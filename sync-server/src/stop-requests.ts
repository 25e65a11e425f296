import type { Logger } from '#shared/log.ts';

/**
 * Repeats of one stop request arrive within this long of the first. One
 * request often arrives more than once: systemd signals every process of the
 * unit and scripts/start.mjs also passes its copy on; a terminal's Ctrl-C
 * reaches the whole foreground group. Measured, the copies come milliseconds
 * apart; a person pressing Ctrl-C again to insist takes longer than this.
 */
export const SAME_REQUEST_MS = 1_000;

const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/**
 * Resolves with the reason of the first request to stop gracefully: SIGINT,
 * SIGTERM or SIGHUP, or the launcher going away — a server started with an
 * IPC channel (scripts/start.mjs opens one) stops when it closes, which the
 * kernel does however the launcher died. A signal that comes later than
 * SAME_REQUEST_MS after the first request ends the process at once.
 */
export const stopRequested = (logger: Logger): Promise<string> =>
  new Promise((resolve) => {
    let firstAt: number | undefined;
    const request = (reason: string, insistable: boolean) => {
      const now = Date.now();
      if (firstAt === undefined) {
        firstAt = now;
        resolve(reason);
        return;
      }
      if (!insistable || now - firstAt < SAME_REQUEST_MS) {
        logger.info({ reason }, 'already stopping');
        return;
      }
      logger.warn({ signal: reason }, 'second signal; exiting now');
      process.exit(1);
    };
    for (const signal of STOP_SIGNALS) process.on(signal, () => request(signal, true));
    if (typeof process.send === 'function') {
      if (process.connected) process.once('disconnect', () => request('the launcher is gone', false));
      else request('the launcher is gone', false);
    }
  });
