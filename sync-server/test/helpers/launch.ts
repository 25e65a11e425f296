import { spawn, type ChildProcess } from 'node:child_process';

/**
 * A real process whose output (stdout and stderr, JSON log lines for Weft's
 * parts) the test reads, with bounded waits for what it prints and for its end.
 */
export interface Launched {
  child: ChildProcess;
  pid: number;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves once the output holds `text`; rejects after `timeoutMs` or if the process ends first. */
  printed: (text: string, timeoutMs?: number) => Promise<void>;
  /** The exit, or a rejection after `timeoutMs`. */
  exit: (timeoutMs?: number) => Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** How many times `text` occurs in `output`. */
export const occurrences = (output: string, text: string): number => output.split(text).length - 1;

export const launch = (
  command: string,
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string; detached?: boolean } = {},
): Launched => {
  const child = spawn(command, args, {
    env: options.env ?? process.env,
    cwd: options.cwd,
    detached: options.detached ?? false,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (child.pid === undefined) throw new Error(`could not start ${command}`);
  const chunks: string[] = [];
  child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => chunks.push(chunk.toString()));
  let ended = false;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      ended = true;
      resolve({ code, signal });
    }),
  );
  const output = () => chunks.join('');
  const printed = async (text: string, timeoutMs = 20_000) => {
    const until = Date.now() + timeoutMs;
    while (!output().includes(text)) {
      if (ended) throw new Error(`${command} ended before printing ${text}:\n${output()}`);
      if (Date.now() > until) throw new Error(`${command} did not print ${text} within ${timeoutMs} ms:\n${output()}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  const exit = async (timeoutMs = 15_000) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`${command} did not exit within ${timeoutMs} ms:\n${output()}`)),
        timeoutMs,
      );
    });
    try {
      return await Promise.race([exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  };
  return { child, pid: child.pid, output, exited, printed, exit };
};
