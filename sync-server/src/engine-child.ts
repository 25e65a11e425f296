import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Logger } from '#shared/log.ts';

/**
 * The engine `npm start` runs beside the server: its own process (a crash or a
 * runaway run never takes the server down), restarted if it dies, stopped
 * gracefully with the server. Its executions in flight when it dies are
 * failed by the server's heartbeat check.
 */

const enginePath = fileURLToPath(new URL('../engine/main.js', import.meta.url));

export const startEngineChild = (options: { server: string; token: string; logger: Logger }) => {
  let child: ChildProcess | undefined;
  let stopping = false;
  let restartTimer: ReturnType<typeof setTimeout> | undefined;
  if (!existsSync(enginePath)) {
    options.logger.error({ enginePath }, 'the engine is not built; runs wait until an engine joins');
    return { stop: () => Promise.resolve() };
  }
  const start = () => {
    child = spawn(process.execPath, [enginePath, '--server', options.server], {
      env: { ...process.env, WEFT_ENGINE_TOKEN: options.token, WEFT_ENGINE_PARENT_PID: String(process.pid) },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    child.once('exit', (code, signal) => {
      if (stopping) return;
      options.logger.error({ code, signal }, 'the engine exited; restarting it in 1 s');
      restartTimer = setTimeout(start, 1_000);
    });
  };
  start();
  return {
    stop: async (): Promise<void> => {
      stopping = true;
      clearTimeout(restartTimer);
      const running = child;
      if (!running || running.exitCode !== null || running.signalCode !== null) return;
      const exited = new Promise((resolve) => running.once('exit', resolve));
      running.kill('SIGTERM');
      await exited;
    },
  };
};
