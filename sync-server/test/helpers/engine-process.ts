import { spawn, type ChildProcess } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A real engine process (engine/src/main.ts) joined to a test server over /engine. */

const root = fileURLToPath(new URL('../../../', import.meta.url));

/** The engine token test servers use (helpers/test-server.ts). */
export const TEST_ENGINE_TOKEN = 'test-engine-token-0123456789';

/** Starts an engine against `baseUrl`; resolves once it logged "engine ready". */
export const startEngine = (
  baseUrl: string,
  options: { env?: Record<string, string>; args?: string[] } = {},
): Promise<ChildProcess> =>
  new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'engine/src/main.ts', '--server', baseUrl, ...(options.args ?? [])],
      {
        cwd: root,
        env: {
          ...process.env,
          LOG_LEVEL: 'info',
          WEFT_ENGINE_TOKEN: TEST_ENGINE_TOKEN,
          // Read/Write Files in a test writes here, never into the source tree's ./data/files.
          WEFT_FILES_DIR: join(tmpdir(), `weft-test-files-${process.pid}`),
          ...options.env,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`engine did not start:\n${out}`));
    }, 20_000);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('engine ready')) {
        clearTimeout(timer);
        resolve(child);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`engine exited (${code}):\n${out}`));
    });
  });

/**
 * Stops an engine (SIGTERM, then SIGKILL for one too busy to hear it — one that never gives
 * the event loop a turn) and waits for it to exit; nothing if it already did.
 */
export const stopEngine = async (engine: ChildProcess | undefined): Promise<void> => {
  if (!engine || engine.exitCode !== null || engine.signalCode !== null) return;
  const exited = new Promise((r) => engine.once('exit', r));
  engine.kill('SIGTERM');
  const killer = setTimeout(() => engine.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(killer);
};

/** Polls `fn` every 20 ms until it gives a value; fails after `timeoutMs`. */
export const waitUntil = async <T>(
  fn: () => Promise<T | undefined> | T | undefined,
  what: string,
  timeoutMs = 10_000,
): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};
