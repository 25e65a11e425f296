/**
 * How every `weft` command speaks: results on stdout (text for people, or
 * with --json exactly one JSON value for scripts — `run --wait --json`
 * streams one JSON object per line), everything else on stderr (progress,
 * notes, errors as one `weft: …` line, never a stack trace), and an exit
 * code from one table, the same in README.md and `weft --help`.
 */

export const ExitCode = {
  ok: 0,
  /** The work failed: a run that failed or was canceled, a server error, anything unexpected. */
  failed: 1,
  /** The command line or an input file is wrong, or the server rejected the input (400). */
  usage: 2,
  /** No such workflow, execution, user, database or file (404). */
  notFound: 3,
  /** No token, a bad or revoked token, a disabled account, or not allowed (401, 403). */
  authRefused: 4,
  /** No answer from the server, or from DATABASE_URL's PostgreSQL (connection refused, DNS, timeout). */
  unreachable: 5,
  /** The state forbids it: a server runs on the data directory, it needs migrating, the target exists, 409. */
  conflict: 6,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

export const EXIT_CODES_HELP = `Exit codes:
  0  ok
  1  failed: a run that failed or was canceled, a server error, anything unexpected
  2  usage: a wrong option or argument, a malformed input file, input the server rejected (400)
  3  not found: no such workflow, execution, user, database or file (404)
  4  auth refused: missing, bad or revoked token, disabled account, not allowed (401, 403)
  5  unreachable: no answer from the server at --url / WEFT_URL, or from the PostgreSQL at DATABASE_URL
  6  conflict: a server runs on the data directory, it needs "weft migrate", the file exists, or 409

Remote commands read --url / WEFT_URL (default http://127.0.0.1:8787) and --token / WEFT_TOKEN
(a personal API token: Account → API tokens, or POST /api/tokens).
Admin commands read --data-dir / DATA_DIR (default ./data) and DATABASE_URL, like the server.
With --json, stdout holds one JSON value (an error too: { "error": { "code", "message" } }).`;

/** A failure with its exit code and a stable code for --json; the message is one line for people. */
export class CliError extends Error {
  constructor(
    readonly exitCode: ExitCodeValue,
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'CliError';
  }
}

export const usageError = (message: string): CliError => new CliError(ExitCode.usage, 'usage', message);

export interface Output {
  readonly json: boolean;
  /** The command's result: `human` (lines) for people, `data` with --json. */
  result(human: string | string[], data: unknown): void;
  /** One JSON object on its own line (streams under --json), or a line for people. */
  event(human: string, data: unknown): void;
  /** A note on stderr (never part of the result). */
  note(line: string): void;
  progress(label: string): Progress;
}

export interface Progress {
  /** `done` of `total` units (pages, items); shown as a percentage. */
  update(done: number, total: number): void;
  end(summary?: string): void;
}

const write = (stream: NodeJS.WriteStream, text: string): void => {
  stream.write(text);
};

/**
 * On a terminal: one line redrawn in place. Elsewhere (a log, CI): a plain
 * line at each quarter, so long work still shows it moves without flooding.
 */
export const createProgress = (label: string, stream: NodeJS.WriteStream = process.stderr): Progress => {
  const tty = stream.isTTY;
  let lastQuarter = -1;
  let lastDraw = 0;
  let drawn = false;
  return {
    update: (done, total) => {
      const fraction = total > 0 ? Math.min(1, done / total) : 1;
      const percent = Math.floor(fraction * 100);
      if (tty) {
        const now = Date.now();
        if (now - lastDraw < 100 && fraction < 1) return;
        lastDraw = now;
        drawn = true;
        write(stream, `\r${label}: ${percent}% (${done}/${total})\u001b[K`);
        return;
      }
      const quarter = Math.floor(fraction * 4);
      if (quarter === lastQuarter) return;
      lastQuarter = quarter;
      write(stream, `${label}: ${percent}% (${done}/${total})\n`);
    },
    end: (summary) => {
      if (tty && drawn) write(stream, '\r\u001b[K');
      if (summary) write(stream, `${label}: ${summary}\n`);
    },
  };
};

export const createOutput = (json: boolean): Output => ({
  json,
  result: (human, data) => {
    if (json) write(process.stdout, `${JSON.stringify(data, null, 2)}\n`);
    else {
      const lines = Array.isArray(human) ? human : [human];
      if (lines.length > 0) write(process.stdout, `${lines.join('\n')}\n`);
    }
  },
  event: (human, data) => {
    write(process.stdout, json ? `${JSON.stringify(data)}\n` : `${human}\n`);
  },
  note: (line) => write(process.stderr, `${line}\n`),
  progress: (label) => createProgress(label),
});

/** Rows as aligned columns, for lists people read. */
export const table = (headers: string[], rows: string[][]): string[] => {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(headers), ...rows.map(line)];
};

/** A time for people: ISO 8601 in UTC, without milliseconds; '-' for none. */
export const when = (ms: number | null | undefined): string =>
  ms === null || ms === undefined ? '-' : new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** Prints a failure as the table says and answers the exit code. */
export const reportError = (error: unknown, json: boolean): ExitCodeValue => {
  const failure =
    error instanceof CliError
      ? error
      : new CliError(
          ExitCode.failed,
          'internal',
          `unexpected error: ${error instanceof Error ? error.message : String(error)}`,
          { cause: error },
        );
  write(process.stderr, `weft: ${failure.message}\n`);
  if (json) write(process.stdout, `${JSON.stringify({ error: { code: failure.code, message: failure.message } })}\n`);
  if (process.env.WEFT_DEBUG === '1' && failure.cause instanceof Error) {
    write(process.stderr, `${failure.cause.stack ?? failure.cause.message}\n`);
  }
  return failure.exitCode;
};
