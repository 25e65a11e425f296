import { readdirSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';

/**
 * What Linux says about running processes, read from /proc: which process
 * started which, what it runs, and its environment. Zombies (dead, not yet
 * reaped) count as gone: they hold no port and run nothing.
 */

export interface ProcessInfo {
  pid: number;
  ppid: number;
  state: string;
  /** The command line, arguments joined by spaces. */
  cmdline: string;
}

const read = (path: string): string | undefined => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined; // gone meanwhile
  }
};

export const processInfo = (pid: number): ProcessInfo | undefined => {
  const stat = read(`/proc/${pid}/stat`);
  const cmdline = read(`/proc/${pid}/cmdline`);
  if (stat === undefined || cmdline === undefined) return undefined;
  // "pid (comm) state ppid …": comm may hold spaces and parentheses.
  const [state = '?', ppid = '0'] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { pid, ppid: Number(ppid), state, cmdline: cmdline.split('\0').join(' ').trim() };
};

/** Every process running now (zombies left out). */
export const runningProcesses = (): ProcessInfo[] =>
  readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map((name) => processInfo(Number(name)))
    .filter((info): info is ProcessInfo => info !== undefined && info.state !== 'Z');

export const isRunning = (pid: number): boolean => {
  const info = processInfo(pid);
  return info !== undefined && info.state !== 'Z';
};

export const childrenOf = (pid: number): ProcessInfo[] => runningProcesses().filter((p) => p.ppid === pid);

/** A process's environment as a map. */
export const environmentOf = (pid: number): Map<string, string> => {
  const raw = readFileSync(`/proc/${pid}/environ`, 'utf8');
  return new Map(
    raw
      .split('\0')
      .filter((entry) => entry.includes('='))
      .map((entry) => [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)]),
  );
};

/** The command line exactly as /proc has it (NUL-separated). */
export const rawCmdlineOf = (pid: number): string => readFileSync(`/proc/${pid}/cmdline`, 'utf8');

/** True when nothing accepts connections on 127.0.0.1:port. */
export const portIsFree = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.setTimeout(1_000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
  });

/** Polls an async check every 50 ms until it holds; fails after `timeoutMs`. */
export const eventually = async (what: string, check: () => boolean | Promise<boolean>, timeoutMs: number) => {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

/** SIGKILL, ignoring a process that is already gone. */
export const killHard = (pid: number | undefined): void => {
  if (pid === undefined) return;
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
};
