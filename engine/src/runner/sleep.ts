/** Cancellation of a run: waits end early when the run is canceled or times out. */

export class RunCanceled extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'RunCanceled';
  }
}

export const abortableSleep = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason instanceof Error ? signal.reason : new RunCanceled('canceled'));
      return;
    }
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason instanceof Error ? signal.reason : new RunCanceled('canceled'));
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
