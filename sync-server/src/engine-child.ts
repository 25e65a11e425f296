import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Logger } from '#shared/log.ts';
import { inBinary } from './binary/assets.ts';
import {
  ENGINE_PARENT_ENV,
  engineChildToParentSchema,
  type ParentToEngineChild,
} from '#shared/protocol/engine-child.ts';

/**
 * The engine `npm start` (and `weft`) runs beside the server: its own process (a crash or a
 * runaway run never takes the server down), restarted if it dies, stopped
 * gracefully with the server. Its executions in flight when it dies are
 * failed by the server's heartbeat check.
 *
 * It is tied to this process by an IPC channel rather than by a pid: the
 * kernel closes the channel however this process ends (kill -9 included, and
 * while it lies unreaped as a zombie, which a pid check takes for alive), and
 * the engine leaves when it closes. The token travels over that channel, so it
 * is on no command line and in no environment, and the environment is an
 * allow-list: the server's secrets (WEFT_ENCRYPTION_KEY above all) never reach
 * the process that runs workflow code.
 */

/**
 * The command that runs an engine: the `weft` binary runs itself as
 * `weft engine`; `npm start` runs the engine bundle beside the server's; from
 * sources (tests), its sources under tsx.
 */
const engineCommand = (): { args: string[] } | { missing: string } => {
  if (inBinary()) return { args: ['engine'] };
  const bundled = fileURLToPath(new URL('../engine/main.js', import.meta.url));
  if (existsSync(bundled)) return { args: [bundled] };
  const sources = fileURLToPath(new URL('../../engine/src/main.ts', import.meta.url));
  if (!existsSync(sources)) return { missing: bundled };
  try {
    return { args: ['--import', import.meta.resolve('tsx'), sources] };
  } catch {
    return { missing: bundled };
  }
};

/** Variables the engine is given by name: where things are, locale and time zone, logging, Node's own options. */
const PASSED = new Set([
  'PATH',
  'HOME',
  'TMPDIR',
  'LANG',
  'LANGUAGE',
  'TZ',
  'LOG_LEVEL',
  'NODE_OPTIONS',
  'NODE_EXTRA_CA_CERTS',
]);
/** And by prefix: locale categories and the engine's own settings (the rest, such as the network policy, comes with each job). */
const PASSED_PREFIXES = ['LC_', 'WEFT_ENGINE_'];
/** The token goes over the channel, never into the environment. */
const WITHHELD = new Set(['WEFT_ENGINE_TOKEN']);

/** The engine child's environment: the allow-list above, taken from the server's. */
export const engineEnvironment = (env: NodeJS.ProcessEnv): Record<string, string> => {
  const picked: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined || WITHHELD.has(name)) continue;
    if (PASSED.has(name) || PASSED_PREFIXES.some((prefix) => name.startsWith(prefix))) picked[name] = value;
  }
  picked[ENGINE_PARENT_ENV] = 'ipc';
  return picked;
};

/** After a SIGTERM the engine finishes its runs (10 s at most); past this it is killed. */
const STOP_WAIT_MS = 15_000;

export const startEngineChild = (options: {
  server: string;
  token: string;
  env: NodeJS.ProcessEnv;
  logger: Logger;
  /** Read/Write Files' folder (the server's WEFT_FILES_DIR or DATA_DIR/files). */
  filesDir?: string;
}) => {
  let child: ChildProcess | undefined;
  let stopping = false;
  let restartTimer: ReturnType<typeof setTimeout> | undefined;
  const command = engineCommand();
  if ('missing' in command) {
    options.logger.error({ enginePath: command.missing }, 'the engine is not built; runs wait until an engine joins');
    return { stop: () => Promise.resolve() };
  }
  const { args } = command;
  const start = () => {
    const files = options.filesDir !== undefined ? ['--files-dir', options.filesDir] : [];
    const spawned = spawn(process.execPath, [...args, '--server', options.server, ...files], {
      env: engineEnvironment(options.env),
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    child = spawned;
    let ended = false;
    const onEnd = (how: object) => {
      if (ended) return;
      ended = true;
      if (stopping) return;
      options.logger.error(how, 'the engine exited; restarting it in 1 s');
      restartTimer = setTimeout(start, 1_000);
    };
    spawned.on('message', (raw: unknown) => {
      if (!engineChildToParentSchema.safeParse(raw).success) {
        options.logger.warn({}, 'unreadable message from the engine child');
        return;
      }
      if (!spawned.connected) return;
      const reply: ParentToEngineChild = { type: 'token', token: options.token };
      spawned.send(reply, (error) => {
        if (error) options.logger.warn({ err: error.message }, 'could not hand the engine child its token');
      });
    });
    spawned.on('error', (error) => {
      options.logger.error({ err: error.message }, 'engine child process error');
      // Only a failed spawn has no pid; it emits no 'exit'.
      if (spawned.pid === undefined) onEnd({ err: error.message });
    });
    spawned.once('exit', (code, signal) => onEnd({ code, signal }));
  };
  start();
  return {
    stop: async (): Promise<void> => {
      stopping = true;
      clearTimeout(restartTimer);
      const running = child;
      if (!running || running.pid === undefined || running.exitCode !== null || running.signalCode !== null) return;
      const exited = new Promise((resolve) => running.once('exit', resolve));
      running.kill('SIGTERM');
      const killer = setTimeout(() => {
        options.logger.warn({}, 'the engine did not stop in time; killing it');
        running.kill('SIGKILL');
      }, STOP_WAIT_MS);
      await exited;
      clearTimeout(killer);
    },
  };
};
