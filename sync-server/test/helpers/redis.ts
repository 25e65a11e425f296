import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort } from '../../../shared/test/support/free-port.ts';

/**
 * A throwaway Redis on a free port of 127.0.0.1, for tests, benchmarks and
 * `npm run cluster`: Debian's redis-server (`apt-get install redis-server`),
 * no persistence (Weft keeps nothing in Redis that is not in PostgreSQL).
 */
export interface ThrowawayRedis {
  url: string;
  port: number;
  /** The running server's process id (0 while it is down). */
  readonly pid: number;
  /** Kills it at once (SIGKILL), as a crash would: for tests of Redis going away. */
  kill(): Promise<void>;
  /** Starts it again on the same port (after kill). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

const REDIS_SERVER = '/usr/bin/redis-server';

export const startRedis = async ({ timeoutMs = 20_000 }: { timeoutMs?: number } = {}): Promise<ThrowawayRedis> => {
  if (!existsSync(REDIS_SERVER))
    throw new Error(`Redis is not installed (no ${REDIS_SERVER}): apt-get install redis-server`);
  const dir = mkdtempSync(join(tmpdir(), 'weft-redis-'));
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  let child: ReturnType<typeof spawn> | undefined;
  let exited: Promise<void> = Promise.resolve();

  const launch = async () => {
    const started = spawn(
      REDIS_SERVER,
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
      { stdio: 'ignore' },
    );
    child = started;
    exited = new Promise((resolve) => started.once('exit', () => resolve()));
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (started.exitCode !== null) throw new Error(`redis-server exited at start (code ${started.exitCode})`);
      const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
      probe.on('error', () => undefined);
      try {
        await probe.connect();
        await probe.ping();
        probe.disconnect();
        return;
      } catch (error) {
        probe.disconnect();
        if (Date.now() > deadline)
          throw new Error(`redis-server did not answer within ${timeoutMs} ms: ${String(error)}`);
        await new Promise((resolve) => setTimeout(resolve, 30));
      }
    }
  };

  const kill = async () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
  };

  await launch();
  return {
    url,
    port,
    get pid() {
      return child?.pid ?? 0;
    },
    kill,
    restart: launch,
    stop: async () => {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
};
