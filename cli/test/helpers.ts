import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

/**
 * The `weft` command as a real process (`node --import tsx cli/src/main.ts`),
 * as a script or a person runs it, and the workflows the CLI tests run.
 */

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));

export interface WeftResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface WeftOptions {
  env?: Record<string, string | undefined>;
  /** Written to its stdin, which is then closed. */
  input?: string;
  timeoutMs?: number;
}

/** Environment of a CLI process: none of the caller's Weft settings leak in. */
const cleanEnv = (extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv => {
  const omit = new Set(['WEFT_URL', 'WEFT_TOKEN', 'DATA_DIR', 'WEFT_ENCRYPTION_KEY', 'DATABASE_URL', 'REDIS_URL']);
  const merged = Object.entries({ ...process.env, ...extra }).filter(
    (entry): entry is [string, string] => entry[1] !== undefined && (!omit.has(entry[0]) || entry[0] in extra),
  );
  return Object.fromEntries(merged);
};

export interface RunningWeft {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** Resolves once stdout holds `text`. */
  printed: (text: string, timeoutMs?: number) => Promise<void>;
  done: Promise<WeftResult>;
}

export const startWeft = (args: readonly string[], options: WeftOptions = {}): RunningWeft => {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], {
    env: cleanEnv(options.env),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdin.on('error', () => {});
  child.stdin.end(options.input ?? '');
  const timeoutMs = options.timeoutMs ?? 45_000;
  const done = new Promise<WeftResult>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`weft ${args.join(' ')} did not end within ${timeoutMs} ms\n${stdout}\n${stderr}`));
    }, timeoutMs);
    // 'close', not 'exit': it comes once the pipes are drained too.
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    printed: async (text, waitMs = 20_000) => {
      const until = Date.now() + waitMs;
      while (!stdout.includes(text)) {
        if (child.exitCode !== null) throw new Error(`weft ended before printing ${text}:\n${stdout}\n${stderr}`);
        if (Date.now() > until) throw new Error(`weft did not print ${text} in ${waitMs} ms:\n${stdout}\n${stderr}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    done,
  };
};

export const weft = (args: readonly string[], options: WeftOptions = {}): Promise<WeftResult> =>
  startWeft(args, options).done;

/** Runs weft with --json and parses stdout; the exit code must be `code` (0 unless said). */
export const weftJson = async <T = Record<string, unknown>>(
  args: readonly string[],
  options: WeftOptions & { code?: number } = {},
): Promise<T> => {
  const result = await weft([...args, '--json'], options);
  expect(result.code, `weft ${args.join(' ')}\n${result.stdout}\n${result.stderr}`).toBe(options.code ?? 0);
  return JSON.parse(result.stdout) as T;
};

/**
 * A failure as the README promises it: the documented exit code, one
 * `weft: …` line on stderr naming the problem (with the server's list of
 * problems under it, if it sent one), and no stack trace.
 */
export const expectFailure = (result: WeftResult, code: number, message: RegExp): void => {
  const context = `exit ${result.code}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`;
  expect(result.code, context).toBe(code);
  expect(result.stderr, context).toMatch(/^weft: .+\n( {2}- .+\n)*$/);
  expect(result.stderr, context).toMatch(message);
  expect(result.stderr + result.stdout, context).not.toMatch(/\n\s+at .+:\d+:\d+/);
};

const at = (x: number) => ({ x, y: 0 });

export type FlowNode = Record<string, unknown> & { id: string; name: string };

export const node = (
  id: string,
  name: string,
  type: string,
  parameters: Record<string, unknown>,
  x: number,
  extra: Record<string, unknown> = {},
): FlowNode => ({ id, name, type, typeVersion: 1, position: at(x), parameters, ...extra });

/** A definition of nodes in a line: each one feeds the next. */
export const chain = (name: string, nodes: FlowNode[]) => ({
  weft: 1,
  name,
  nodes,
  edges: nodes.slice(1).map((n, i) => ({ source: (nodes[i] as FlowNode).id, target: n.id })),
});

export const trigger = (): FlowNode => node('start', 'Start', 'manualTrigger', {}, 0);

export const writeJson = (dir: string, name: string, value: unknown): string => {
  const file = join(dir, name);
  writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value));
  return file;
};
