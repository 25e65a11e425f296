/**
 * Decides when a socket's unsent backlog means its reader has stopped
 * (SPEC SYNC8). A reader that drains, however slowly, may stay over the bound
 * for a while — a large first sync on a slow link — but not without limit:
 *
 * - over `hardFactor` × the bound: drop, whatever the progress;
 * - over the bound with nothing drained for `stallMs`: drop;
 * - under the bound: fine.
 */
export class Backpressure {
  private written = 0;
  private overSince: number | undefined;
  private drainedWhenChecked = 0;

  constructor(
    private readonly bound: number,
    private readonly stallMs = 1000,
    private readonly hardFactor = 8,
  ) {}

  /** Counts bytes handed to the socket. */
  wrote(bytes: number): void {
    this.written += bytes;
  }

  /** Whether to drop the socket, given its unsent bytes at `now` (ms). */
  shouldDrop(unsent: number, now: number): boolean {
    if (unsent > this.bound * this.hardFactor) return true;
    if (unsent <= this.bound) {
      this.overSince = undefined;
      return false;
    }
    const drained = this.written - unsent;
    if (this.overSince === undefined || drained > this.drainedWhenChecked) {
      this.overSince = now;
      this.drainedWhenChecked = drained;
      return false;
    }
    return now - this.overSince >= this.stallMs;
  }
}
