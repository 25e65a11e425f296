import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { buildClientIfNeeded } from '../../scripts/build-client.ts';
import { buildServerIfNeeded } from '../../scripts/build-server.ts';
import { serverNodeFlags } from '../../scripts/server-flags.mjs';
import { freePort } from '../../shared/test/support/free-port.ts';
import { fmt, mb, sleep } from '../lib/stats.ts';

/**
 * `npm run bench:binary`: the figures of the one binary (dist/weft), beside
 * `npm start`'s already-built server (node --max-semi-space-size=2
 * dist/server/main.js, on this machine's node):
 *
 * - size: raw, and xz-compressed (what a download would be);
 * - start-up: from spawning the process to the first 200 on /healthz, with a
 *   fresh data directory each time (so the database is created and
 *   migrated); 10 runs of each, alternating binary and server in one run so
 *   a drifting machine moves both; the medians are compared;
 * - RSS once idle: the server process and its engine child, 5 s after
 *   start-up, median of 3 runs each.
 *
 * The binary's one-time extraction of its SQLite addon happens in an
 * uncounted warm-up run. Builds dist/weft first if it is missing.
 */

const root = fileURLToPath(new URL('../..', import.meta.url));
const binary = join(root, 'dist/weft');
const RUNS = 10;
const RSS_RUNS = 3;
const log = (line: string) => process.stderr.write(`${line}\n`);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

type Kind = 'binary' | 'npm start';

const command = (kind: Kind, port: number, dataDir: string): [string, string[]] => {
  const flags = ['--port', String(port), '--data-dir', dataDir];
  return kind === 'binary'
    ? [binary, flags]
    : [process.execPath, [...serverNodeFlags, join(root, 'dist/server/main.js'), ...flags]];
};

/** One GET of /healthz: its status, or 0 when nothing answers yet. */
const healthz = (port: number): Promise<number> =>
  new Promise((resolve) => {
    const request = get({ host: '127.0.0.1', port, path: '/healthz', agent: false }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.on('error', () => resolve(0));
  });

interface Started {
  child: ChildProcess;
  port: number;
  dataDir: string;
  /** Milliseconds from spawn to the first 200 on /healthz. */
  startupMs: number;
}

const start = async (kind: Kind): Promise<Started> => {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'weft-bench-binary-'));
  const [file, args] = command(kind, port, dataDir);
  const began = performance.now();
  const child = spawn(file, args, { env: { ...process.env, LOG_LEVEL: 'warn' }, stdio: 'ignore' });
  const state = { exited: false };
  child.once('exit', () => (state.exited = true));
  for (;;) {
    if (state.exited) throw new Error(`${kind} exited before answering /healthz`);
    if ((await healthz(port)) === 200) break;
    if (performance.now() - began > 30_000) throw new Error(`${kind} did not answer /healthz in 30 s`);
    await sleep(2);
  }
  return { child, port, dataDir, startupMs: performance.now() - began };
};

const stop = async ({ child, dataDir }: Started): Promise<void> => {
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
  rmSync(dataDir, { recursive: true, force: true });
};

const rssOf = (pid: number): number => {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmRSS:'));
  return Number(line?.match(/\d+/)?.[0] ?? Number.NaN) * 1024;
};

const childrenOf = (pid: number): number[] =>
  readdirSync(`/proc/${pid}/task`).flatMap((task) =>
    readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8')
      .split(' ')
      .filter((s) => s.trim() !== '')
      .map(Number),
  );

if (!existsSync(binary)) {
  log('dist/weft is missing: building it (npm run build:binary)…');
  const built = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'scripts/build-binary.ts')], {
    stdio: 'inherit',
  });
  if (built.status !== 0) process.exit(built.status ?? 1);
}
await buildClientIfNeeded();
await buildServerIfNeeded();

log('size: compressing dist/weft with xz -6…');
const rawBytes = statSync(binary).size;
const xz = spawnSync('xz', ['-6', '-T0', '-c', binary], { maxBuffer: 1024 * 1024 * 1024 });
if (xz.status !== 0) throw new Error(`xz exited with ${xz.status}`);
const xzBytes = xz.stdout.length;

log('warm-up (the binary extracts its SQLite addon once)…');
for (const kind of ['binary', 'npm start'] as const) await stop(await start(kind));

const startup: Record<Kind, number[]> = { binary: [], 'npm start': [] };
for (let run = 0; run < RUNS; run++) {
  for (const kind of ['binary', 'npm start'] as const) {
    const started = await start(kind);
    startup[kind].push(started.startupMs);
    await stop(started);
  }
  log(
    `start-up run ${run + 1}/${RUNS}: binary ${fmt(startup.binary[run] ?? 0)} ms, npm start ${fmt(startup['npm start'][run] ?? 0)} ms`,
  );
}

const rss: Record<Kind, { server: number[]; engine: number[] }> = {
  binary: { server: [], engine: [] },
  'npm start': { server: [], engine: [] },
};
for (let run = 0; run < RSS_RUNS; run++) {
  for (const kind of ['binary', 'npm start'] as const) {
    const started = await start(kind);
    await sleep(5_000);
    const pid = started.child.pid ?? 0;
    const engines = childrenOf(pid);
    rss[kind].server.push(rssOf(pid));
    rss[kind].engine.push(engines.reduce((sum, child) => sum + rssOf(child), 0));
    await stop(started);
  }
  log(`RSS run ${run + 1}/${RSS_RUNS} done`);
}

const nodeVersion = (kind: Kind): string =>
  kind === 'binary' ? 'Node 24 (in the binary)' : `Node ${process.version.slice(1)}`;
const row = (kind: Kind) =>
  `| ${kind} | ${nodeVersion(kind)} | ${fmt(median(startup[kind]))} ms (${fmt(Math.min(...startup[kind]))}–${fmt(Math.max(...startup[kind]))}) | ${mb(median(rss[kind].server))} | ${mb(median(rss[kind].engine))} |`;
const report = [
  `# bench:binary, ${new Date().toISOString()}`,
  '',
  `dist/weft: ${fmt(rawBytes / 1e6)} MB raw (${mb(rawBytes).replace('MB', 'MiB')}), ${fmt(xzBytes / 1e6)} MB xz -6 (${fmt((100 * xzBytes) / rawBytes)} %)`,
  '',
  `| server | runtime | start-up to first 200 on /healthz, median of ${RUNS} (min–max) | RSS idle, server | RSS idle, engine child |`,
  '| --- | --- | --- | --- | --- |',
  row('binary'),
  row('npm start'),
  '',
].join('\n');
process.stdout.write(report);
mkdirSync(join(root, 'bench/results'), { recursive: true });
const file = join(root, `bench/results/binary-${new Date().toISOString().replace(/[:.]/g, '-')}.md`);
writeFileSync(file, report);
log(`written to ${file}`);
