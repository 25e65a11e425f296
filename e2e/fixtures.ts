import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test as base, expect, type Page } from '@playwright/test';
import { serverNodeFlags } from '../scripts/server-flags.mjs';

/**
 * The real Weft server for browser tests: the built bundle `npm start` runs
 * (dist/server/main.js), on 127.0.0.1 and a free port, with a fresh data
 * directory per worker.
 */
export interface WeftServer {
  baseURL: string;
  wsURL: string;
  dataDir: string;
}

/**
 * A server of its own, for a test that needs a fresh instance (e.g. to be its first account, the admin),
 * with `env` added to its environment (e.g. `WEFT_SIGNUP`).
 */
export const startServer = async (
  env: Record<string, string> = {},
): Promise<{ server: WeftServer; child: ChildProcess; dataDir: string }> => {
  const dataDir = mkdtempSync(join(tmpdir(), 'weft-e2e-'));
  const child = spawn(
    process.execPath,
    [...serverNodeFlags, 'dist/server/main.js', '--port', '0', '--data-dir', dataDir],
    {
      // The browser tests' HTTP Request nodes call servers on this machine: allowed explicitly (the
      // default refuses private and loopback addresses while sign-up is open).
      env: { ...process.env, LOG_LEVEL: 'info', WEFT_HTTP_ALLOW: '127.0.0.1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 20_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /"port":(\d+).*"msg":"listening"/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code}):\n${output}`));
    });
  });
  return {
    server: { baseURL: `http://127.0.0.1:${port}`, wsURL: `ws://127.0.0.1:${port}/sync`, dataDir },
    child,
    dataDir,
  };
};

/** Stops a server `startServer` started and removes its data directory. */
export const stopServer = async ({ child, dataDir }: { child: ChildProcess; dataDir: string }): Promise<void> => {
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
  rmSync(dataDir, { recursive: true, force: true });
};

export const test = base.extend<object, { weft: WeftServer }>({
  weft: [
    async ({}, use) => {
      const started = await startServer();
      await use(started.server);
      await stopServer(started);
    },
    { scope: 'worker' },
  ],
  baseURL: async ({ weft }, use) => {
    await use(weft.baseURL);
  },
});

export { expect };

/** Signs up through the UI and waits for the workflow list. */
export const signUpInBrowser = async (
  page: Page,
  name: string,
  email: string,
  password = 'correct horse battery',
): Promise<void> => {
  await page.goto('/signup');
  await page.getByLabel('Name').fill(name);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign up' }).click();
  await expect(page.getByPlaceholder('New workflow name')).toBeVisible();
};
