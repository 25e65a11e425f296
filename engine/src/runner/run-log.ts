import { MAX_LOG_LINES, MAX_LOG_MESSAGE, type LogLevel, type LogLine } from '#shared/protocol/engine.ts';

/** Lines kept for the engine's own (failures, retries, the end) however much code prints. */
const ENGINE_RESERVE = 50;

/**
 * An execution's log as the engine writes it: retries, failures, and what
 * Code nodes print. Bounded, because user code decides how much it prints:
 * past the limit lines are counted, not kept, and one last line says so.
 * What code prints stops short of the limit, so how the run ended is always
 * there.
 */
export class RunLog {
  private readonly lines: LogLine[] = [];
  private dropped = 0;

  constructor(private readonly now: () => number) {}

  /** A line of the engine's own. */
  add(level: LogLevel, message: string, node?: string): void {
    this.push(level, message, node, MAX_LOG_LINES);
  }

  /** A line user code printed. */
  print(level: LogLevel, message: string, node: string): void {
    this.push(level, message, node, MAX_LOG_LINES - ENGINE_RESERVE);
  }

  private push(level: LogLevel, message: string, node: string | undefined, limit: number): void {
    if (this.lines.length >= limit) {
      this.dropped++;
      return;
    }
    const text = message.length > MAX_LOG_MESSAGE ? `${message.slice(0, MAX_LOG_MESSAGE - 1)}…` : message;
    this.lines.push({ at: this.now(), level, message: text, ...(node !== undefined ? { node } : {}) });
  }

  /** Lines dropped before they got here (a Code node's console past its limit). */
  drop(count: number): void {
    this.dropped += count;
  }

  /** The lines, and a last one for what was not kept. */
  done(): LogLine[] {
    if (this.dropped === 0) return this.lines;
    return [
      ...this.lines,
      {
        at: this.now(),
        level: 'warn',
        message: `${this.dropped} more log line${this.dropped === 1 ? ' was' : 's were'} not kept (a run keeps ${MAX_LOG_LINES - ENGINE_RESERVE} lines of what code prints)`,
      },
    ];
  }
}
