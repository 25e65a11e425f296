import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serverNodeFlags } from '../../scripts/server-flags.mjs';
import { freePort } from '../../shared/test/support/free-port.ts';

/**
 * The two servers under test, each in its own process so CPU and RSS are
 * read per server from /proc. Weft runs as `npm start` runs it (the built
 * dist/server/main.js, auth on, SQLite on disk; the bench builds it first);
 * the reference is @y/websocket-server@0.1.1's own bin, memory only.
 */

const root = fileURLToPath(new URL('../..', import.meta.url));
const CLK_TCK = 100;

export interface ServerProcess {
  name: 'weft' | 'reference';
  port: number;
  pid: number;
  wsBase: string;
  httpBase: string;
  dataDir: string;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

const waitForOutput = (child: ChildProcess, pattern: RegExp, what: string): Promise<void> =>
  new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`${what} did not start:\n${out}`)), 30_000);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      if (pattern.test(out)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited (${code}):\n${out}`));
    });
  });

/** Stops the process; removes its data directory unless the caller owns it. */
const stopper =
  (child: ChildProcess, removeDir: string | undefined) =>
  async (signal: NodeJS.Signals = 'SIGTERM') => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill(signal);
      await exited;
    }
    if (removeDir) rmSync(removeDir, { recursive: true, force: true });
  };

export const startWeft = async (
  env: Record<string, string> = {},
  dataDir?: string,
  nodeArgs: string[] = [],
): Promise<ServerProcess> => {
  const port = await freePort();
  const dir = dataDir ?? mkdtempSync(join(tmpdir(), 'weft-bench-'));
  const child = spawn(
    process.execPath,
    [...serverNodeFlags, ...nodeArgs, join(root, 'dist/server/main.js'), '--port', String(port), '--data-dir', dir],
    { env: { ...process.env, LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'pipe'], cwd: root },
  );
  // LOG_LEVEL=warn hides the "listening" line; poll the health endpoint instead.
  const until = Date.now() + 30_000;
  for (;;) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/healthz`);
      if (res.ok) break;
    } catch {
      if (Date.now() > until || child.exitCode !== null) throw new Error('weft did not start');
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  child.stdout.resume();
  child.stderr.on('data', (c: Buffer) => process.stderr.write(`[weft] ${c.toString()}`));
  return {
    name: 'weft',
    port,
    pid: child.pid ?? 0,
    wsBase: `ws://127.0.0.1:${port}/sync`,
    httpBase: `http://127.0.0.1:${port}`,
    dataDir: dir,
    stop: stopper(child, dataDir ? undefined : dir),
  };
};

export const startReference = async (
  env: Record<string, string> = {},
  nodeArgs: string[] = [],
): Promise<ServerProcess> => {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'yws-bench-'));
  const child = spawn(process.execPath, [...nodeArgs, join(root, 'node_modules/@y/websocket-server/src/server.js')], {
    env: { ...process.env, HOST: '127.0.0.1', PORT: String(port), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    cwd: dir,
  });
  await waitForOutput(child, /running at/, 'reference server');
  child.stdout.resume();
  child.stderr.resume();
  return {
    name: 'reference',
    port,
    pid: child.pid ?? 0,
    wsBase: `ws://127.0.0.1:${port}`,
    httpBase: `http://127.0.0.1:${port}`,
    dataDir: dir,
    stop: stopper(child, dir),
  };
};

/** CPU seconds (user + system) the process has used so far. */
export const cpuSeconds = (pid: number): number => {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
};

/**
 * CPU seconds of a process and every process under it, alive now: PostgreSQL
 * does its work in one backend per connection, forked from the postmaster.
 */
export const treeCpuSeconds = (rootPid: number): number => {
  const parentOf = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parentOf.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // Gone meanwhile.
    }
  }
  const inTree = (pid: number): boolean => {
    for (let p: number | undefined = pid, hops = 0; p !== undefined && p > 1 && hops < 64; hops++) {
      if (p === rootPid) return true;
      p = parentOf.get(p);
    }
    return false;
  };
  let total = 0;
  for (const pid of parentOf.keys()) {
    if (!inTree(pid)) continue;
    try {
      total += cpuSeconds(pid);
    } catch {
      // Gone meanwhile.
    }
  }
  return total;
};

/** Resident set size in bytes. */
export const rssBytes = (pid: number): number => {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /VmRSS:\s+(\d+) kB/.exec(status);
  return match ? Number(match[1]) * 1024 : 0;
};
