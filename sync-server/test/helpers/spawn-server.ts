import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { testDatabaseUrl } from './test-database.ts';
import { freePort } from '../../../shared/test/support/free-port.ts';

const MAIN = fileURLToPath(new URL('../../src/main.ts', import.meta.url));

export interface SpawnedServer {
  child: ChildProcess;
  port: number;
  baseUrl: string;
  wsUrl: string;
  /** Everything the process printed (JSON log lines). */
  output: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * The real server as a child process (`node --import tsx sync-server/src/main.ts`),
 * resolved once it logs "listening". Used where the test must kill the process.
 */
export const spawnServer = async (
  dataDir: string,
  options: { port?: number; env?: Record<string, string> } = {},
): Promise<SpawnedServer> => {
  const port = options.port ?? (await freePort());
  // In the sync-server-pg project the process runs on the data directory's PostgreSQL database.
  const databaseUrl = await testDatabaseUrl(dataDir);
  // A fresh clone has no built web app (CI runs the tests before the build), where static paths
  // answer 503 "not built": a one-page stand-in keeps what the server answers the same either way.
  const clientDir = join(dataDir, 'client');
  mkdirSync(clientDir, { recursive: true });
  writeFileSync(join(clientDir, 'index.html'), '<!doctype html><title>Weft</title><div id="root"></div>');
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, '--port', String(port), '--data-dir', dataDir], {
    env: {
      ...process.env,
      LOG_LEVEL: 'info',
      WEFT_ROOM_UNLOAD_MS: '100',
      WEFT_CLIENT_DIR: clientDir,
      ...(databaseUrl === undefined ? {} : { DATABASE_URL: databaseUrl }),
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output.join('')}`)), 20_000);
    const onData = (chunk: Buffer) => {
      output.push(chunk.toString());
      if (output.join('').includes('"msg":"listening"')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    void exited.then(({ code }) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${output.join('')}`));
    });
  });
  return { child, port, baseUrl: `http://127.0.0.1:${port}`, wsUrl: `ws://127.0.0.1:${port}/sync`, output, exited };
};
