import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launch, occurrences, type Launched } from '../helpers/launch.ts';
import {
  childrenOf,
  environmentOf,
  eventually,
  isRunning,
  killHard,
  portIsFree,
  processInfo,
  rawCmdlineOf,
  runningProcesses,
  type ProcessInfo,
} from '../helpers/process-tree.ts';
import { restClient } from '../helpers/rest.ts';
import { freePort } from '../../../shared/test/support/free-port.ts';
import { tempDir } from '../helpers/temp-dir.ts';
import { rawSqlAt } from '../helpers/raw-sql.ts';

/**
 * No orphans: when a Weft process dies, the processes it started go with it,
 * and the signals a terminal or a supervisor sends stop the tree gracefully,
 * once. Real processes throughout: the server from its sources and from the
 * bundle, the launcher `npm start` runs, npm itself, and the engine child.
 */

const root = fileURLToPath(new URL('../../..', import.meta.url));
const serverSources = `${root}sync-server/src/main.ts`;
const serverBundle = `${root}dist/server/main.js`;
const launcher = `${root}scripts/start.mjs`;

const JOINED = '"msg":"engine joined"';
const STOPPED = '"msg":"stopped"';
/** The engine leaves "within a few seconds" of its server. */
const ENGINE_GONE_MS = 5_000;

/** The test's environment without npm's variables (`npm test` sets them): only npm itself sets them here. */
const env = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({
  ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('npm_'))),
  LOG_LEVEL: 'info',
  WEFT_ROOM_UNLOAD_MS: '100',
  WEFT_SKIP_BUILD: '1',
  ...extra,
});

interface Setup {
  dir: string;
  port: number;
  remove: () => void;
}
const setups: Setup[] = [];
const extraPids: number[] = [];

/** A fresh data directory and port; whatever still runs for them is killed after the test. */
const setup = async (): Promise<Setup> => {
  const dir = tempDir('weft-orphans-');
  const made = { dir: dir.path, port: await freePort(), remove: dir.remove };
  setups.push(made);
  return made;
};

/** Weft processes of one setup: servers name its data directory, engines its port. */
const serversOf = (s: Setup): ProcessInfo[] =>
  runningProcesses().filter((p) => p.cmdline.includes(s.dir) && /server\/(src\/)?main\.[jt]s/.test(p.cmdline));
const enginesOf = (s: Setup): ProcessInfo[] =>
  runningProcesses().filter(
    (p) => p.cmdline.includes(`--server http://127.0.0.1:${s.port}`) && /engine\/(src\/)?main\.[jt]s/.test(p.cmdline),
  );
/** Seconds the run in flight waits (a Wait node) when the stop is asked for. */
const RUN_SECONDS = 2;

/** Signs up, imports Manual Trigger → Wait, runs it and resolves with the execution id once it runs. */
const startRun = async (baseUrl: string, seconds: number): Promise<string> => {
  const rest = restClient(baseUrl);
  const ann = await rest.signup('ann@example.com');
  const at = (x: number) => ({ x, y: 0 });
  const imported = await rest.call<{ id: string }>('POST', '/api/workflows/import', {
    body: {
      weft: 1,
      name: 'Busy',
      nodes: [
        { id: 'start', name: 'Start', type: 'manualTrigger', typeVersion: 1, position: at(0), parameters: {} },
        {
          id: 'pause',
          name: 'Pause',
          type: 'wait',
          typeVersion: 1,
          position: at(200),
          parameters: { amount: seconds, unit: 'seconds' },
        },
      ],
      edges: [{ source: 'start', target: 'pause' }],
    },
    as: ann.as,
  });
  expect(imported.status).toBe(201);
  const run = await rest.call<{ id: string }>('POST', `/api/workflows/${imported.body.id}/run`, { as: ann.as });
  expect(run.status, JSON.stringify(run.body)).toBeLessThan(300);
  await eventually(
    'the run to start',
    async () =>
      (await rest.call<{ status: string }>('GET', `/api/executions/${run.body.id}`, { as: ann.as })).body.status ===
      'running',
    10_000,
  );
  return run.body.id;
};

/** An execution's status and error, read from the database file once the server is gone. */
const executionOutcome = async (s: Setup, id: string): Promise<unknown> =>
  (await rawSqlAt(s.dir, 'SELECT status, error FROM executions WHERE id = ?', [id]))[0];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Sends a signal unless the process (or group) is gone already. */
const signalIfRunning = (target: number, signal: NodeJS.Signals) => {
  try {
    process.kill(target, signal);
  } catch {
    // gone: it cannot receive this copy
  }
};
const engineChildOf = (serverPid: number): ProcessInfo | undefined =>
  childrenOf(serverPid).find((p) => /engine\/(src\/)?main\.[jt]s/.test(p.cmdline));

afterEach(() => {
  for (const pid of extraPids.splice(0)) killHard(pid);
  for (const s of setups.splice(0)) {
    for (const p of runningProcesses()) {
      if (p.cmdline.includes(s.dir) || p.cmdline.includes(`127.0.0.1:${s.port}`)) killHard(p.pid);
    }
    s.remove();
  }
});

/** The launcher and npm run the bundle: build it as `npm run build` does (esbuild, only when stale). */
beforeAll(async () => {
  const build = launch(
    process.execPath,
    [
      '--import',
      'tsx',
      '--input-type=module',
      '-e',
      "const { buildServerIfNeeded } = await import('./scripts/build-server.ts'); await buildServerIfNeeded();",
    ],
    { cwd: root },
  );
  expect(await build.exit(90_000), build.output()).toEqual({ code: 0, signal: null });
}, 100_000);

/** The tree under a launcher, once its engine has joined: launcher → server → engine. */
const treeOf = async (launched: Launched, s: Setup, topPid = launched.pid) => {
  await launched.printed(JOINED);
  const servers = serversOf(s);
  expect(servers).toHaveLength(1);
  const server = servers[0] as ProcessInfo;
  const engine = engineChildOf(server.pid);
  expect(engine, 'the server has an engine child').toBeDefined();
  expect(isRunning(topPid)).toBe(true);
  return { server: server.pid, engine: (engine as ProcessInfo).pid };
};

const expectTreeGone = async (s: Setup, pids: number[]) => {
  await eventually('the tree to be gone', () => pids.every((pid) => !isRunning(pid)), 10_000);
  await eventually('the port to be free', () => portIsFree(s.port), 5_000);
  expect(serversOf(s)).toEqual([]);
  expect(enginesOf(s)).toEqual([]);
};

describe('no orphans', () => {
  it.each(['bundle', 'sources'] as const)(
    'the engine child (server run from its %s) gets an allow-listed environment and its token over IPC, on no command line',
    async (from) => {
      const s = await setup();
      const token = `configured-engine-token-${randomBytes(8).toString('hex')}`;
      const key = randomBytes(32).toString('hex');
      const server = launch(
        process.execPath,
        [
          ...(from === 'bundle' ? [serverBundle] : ['--import', 'tsx', serverSources]),
          '--port',
          String(s.port),
          '--data-dir',
          s.dir,
        ],
        {
          env: env({
            WEFT_ENCRYPTION_KEY: key,
            WEFT_ENGINE_TOKEN: token,
            WEFT_ENGINE_CONCURRENCY: '3',
            SOME_UNRELATED_SECRET: 'hunter2',
            TZ: 'Europe/Paris',
            WEFT_HTTP_ALLOW: '10.0.0.0/8',
          }),
        },
      );
      extraPids.push(server.pid);
      await server.printed(JOINED); // the engine joined: it has the configured token
      const engine = engineChildOf(server.pid);
      expect(engine).toBeDefined();
      const pid = (engine as ProcessInfo).pid;
      const environment = environmentOf(pid);
      expect(environment.has('WEFT_ENCRYPTION_KEY')).toBe(false);
      expect(environment.has('WEFT_ENGINE_TOKEN')).toBe(false);
      expect(environment.has('SOME_UNRELATED_SECRET')).toBe(false);
      expect(environment.has('WEFT_HTTP_ALLOW')).toBe(false); // server settings travel with the jobs
      expect(environment.get('WEFT_ENGINE_CONCURRENCY')).toBe('3');
      expect(environment.get('TZ')).toBe('Europe/Paris');
      expect(environment.get('PATH')).toBe(process.env.PATH);
      const names = [...environment.keys()].filter((name) => !/^(LC_|WEFT_ENGINE_|NODE_CHANNEL_)/.test(name));
      for (const name of names) {
        expect([
          'PATH',
          'HOME',
          'TMPDIR',
          'LANG',
          'LANGUAGE',
          'TZ',
          'LOG_LEVEL',
          'NODE_OPTIONS',
          'NODE_EXTRA_CA_CERTS',
        ]).toContain(name);
      }
      const everything = `${rawCmdlineOf(pid)}\n${[...environment.values()].join('\n')}`;
      expect(everything).not.toContain(token);
      expect(everything).not.toContain(key);
      expect(rawCmdlineOf(server.pid)).not.toContain(token);
      expect(rawCmdlineOf(pid)).toContain(from === 'bundle' ? 'dist/engine/main.js' : 'engine/src/main.ts');
    },
  );

  it('kill -9 of the server: its engine child exits within a few seconds, even while the server lies unreaped', async () => {
    const s = await setup();
    // The server's parent never reaps it (a supervisor busy elsewhere): killed, it stays a zombie.
    const parent = launch(
      '/bin/sh',
      [
        '-c',
        '"$0" "$1" --port "$2" --data-dir "$3" & exec sleep 120',
        process.execPath,
        serverBundle,
        String(s.port),
        s.dir,
      ],
      { env: env() },
    );
    extraPids.push(parent.pid);
    const { server, engine } = await treeOf(parent, s);
    expect(processInfo(server)?.ppid).toBe(parent.pid);

    process.kill(server, 'SIGKILL');
    await eventually('the server to die', () => processInfo(server)?.state === 'Z', 5_000);
    await eventually('the engine child to exit', () => !isRunning(engine), ENGINE_GONE_MS);
    expect(enginesOf(s)).toEqual([]);
    expect(processInfo(server)?.state, 'still an unreaped zombie').toBe('Z');
  });

  it('a crash-restart loop (kill -9 ten times, same data directory and port) leaves one server and one engine', async () => {
    const s = await setup();
    const start = () =>
      launch(process.execPath, [serverBundle, '--port', String(s.port), '--data-dir', s.dir], { env: env() });
    for (let round = 0; round < 10; round++) {
      const server = start();
      extraPids.push(server.pid);
      await server.printed('"msg":"listening"');
      // Killed as soon as its engine child exists: before that engine has connected, or soon after.
      await eventually(`round ${round}: an engine child`, () => engineChildOf(server.pid) !== undefined, 5_000);
      const engine = (engineChildOf(server.pid) as ProcessInfo).pid;
      server.child.kill('SIGKILL');
      await server.exit(5_000);
      // However long the supervisor waits before the restart, the engine does not outlive its server.
      await eventually(
        `round ${round}: the engine of the killed server to leave`,
        () => !isRunning(engine),
        ENGINE_GONE_MS,
      );
    }
    const last = start();
    extraPids.push(last.pid);
    await last.printed(JOINED);
    await eventually(
      'the engines of killed servers to be gone',
      () => serversOf(s).length === 1 && enginesOf(s).length === 1,
      ENGINE_GONE_MS,
    );
    expect(serversOf(s).map((p) => p.pid)).toEqual([last.pid]);
    expect(enginesOf(s).map((p) => p.ppid)).toEqual([last.pid]);
  }, 120_000);

  it('kill -9 of the launcher: the server stops gracefully and frees the port, its engine leaves', async () => {
    const s = await setup();
    const launched = launch(process.execPath, [launcher, '--port', String(s.port), '--data-dir', s.dir], {
      env: env(),
      detached: true,
    });
    extraPids.push(launched.pid);
    const { server, engine } = await treeOf(launched, s);
    expect(processInfo(server)?.ppid).toBe(launched.pid);

    launched.child.kill('SIGKILL');
    await expectTreeGone(s, [server, engine]);
    await eventually('the server to log its stop', () => launched.output().includes(STOPPED), 2_000);
    expect(launched.output()).toContain('"reason":"the launcher is gone"');
  });

  it('SIGTERM to npm alone (as supervisord or systemd KillMode=mixed send it): the tree stops gracefully', async () => {
    const s = await setup();
    const npm = launch('npm', ['start', '--', '--port', String(s.port), '--data-dir', s.dir], {
      env: env(),
      cwd: root,
      detached: true,
    });
    extraPids.push(npm.pid);
    const { server, engine } = await treeOf(npm, s);
    const starter = processInfo(server)?.ppid ?? -1;
    expect(processInfo(starter)?.cmdline).toContain('scripts/start.mjs');

    npm.child.kill('SIGTERM');
    await expectTreeGone(s, [starter, server, engine]);
    await eventually('the server to log its stop', () => npm.output().includes(STOPPED), 2_000);
    expect(occurrences(npm.output(), STOPPED)).toBe(1);
  });

  it.each(['SIGINT', 'SIGTERM', 'SIGHUP'] as const)(
    '%s to every process of the tree, more than once, during a run: the run finishes, the tree stops gracefully once',
    async (signal) => {
      const s = await setup();
      // In its own process group, as `setsid npm start` or a terminal's job.
      const launched = launch(process.execPath, [launcher, '--port', String(s.port), '--data-dir', s.dir], {
        env: env(),
        detached: true,
      });
      extraPids.push(launched.pid);
      const { server, engine } = await treeOf(launched, s);
      // A run in flight keeps the graceful stop busy (it waits for the run) while the copies arrive.
      const execution = await startRun(`http://127.0.0.1:${s.port}`, RUN_SECONDS);

      // What really arrives, milliseconds apart: the terminal (or `kill -- -group`) signals the launcher's
      // group, systemd (KillMode=control-group) signals every process, npm 10 passes its own copy on.
      signalIfRunning(-launched.pid, signal);
      await sleep(100);
      signalIfRunning(server, signal);
      signalIfRunning(engine, signal);
      await sleep(100);
      signalIfRunning(launched.pid, signal);

      expect(await launched.exit(15_000), launched.output()).toEqual({ code: 0, signal: null });
      await expectTreeGone(s, [server, engine]);
      const output = launched.output();
      expect(occurrences(output, STOPPED)).toBe(1);
      expect(output).not.toContain('second signal');
      expect(output).toContain(`"reason":"${signal}"`);
      expect(await executionOutcome(s, execution), output).toEqual({ status: 'succeeded', error: null });
    },
  );
});
