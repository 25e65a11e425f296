import type { ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { Agent } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { buildServerIfNeeded } from '../../scripts/build-server.ts';
import { startPostgres, type ThrowawayPostgres } from '../../shared/test/support/throwaway-postgres.ts';
import { startRedis, type ThrowawayRedis } from '../../sync-server/test/helpers/redis.ts';
import { BENCH_ENGINE_TOKEN, callWebhook, setUpWebhookWorkflow, startBenchEngine } from '../engine/webhook-load.ts';
import { cpuSeconds, startWeft, treeCpuSeconds, type ServerProcess } from '../lib/processes.ts';
import { fmt, percentile, sleep } from '../lib/stats.ts';
import { weftToken, weftWorkflow } from '../lib/weft-setup.ts';
import { runFanout, type FanoutResult } from '../sync/fanout.ts';

/**
 * `npm run bench:cluster [-- --quick]`: Weft as one instance on SQLite (the
 * default, what bench:sync and bench:engine measure) beside 1 and 3
 * instances on one PostgreSQL and one Redis, all built as `npm start` runs
 * them, in one process run so the ratios hold on a noisy machine:
 *   - fan-out: 100 stock-protocol clients in one document (5 edits/s each),
 *     spread round-robin over the instances: deliveries/s, p50/p99 latency,
 *     CPU per delivery summed over every instance, PostgreSQL and Redis;
 *   - webhooks: requests/s end to end (webhook → IF → Set → Respond), with 2
 *     engines, spread round-robin over the instances.
 * Prints one table, writes the raw figures to bench/results/.
 */

const { values: args } = parseArgs({ options: { quick: { type: 'boolean', default: false } } });
const quick = args.quick;
const log = (line: string) => process.stderr.write(`${line}\n`);
const root = fileURLToPath(new URL('../..', import.meta.url));
/** 32 bytes in hex: instances of one cluster share the credential key. */
const KEY = '5'.repeat(64);

type Setup = 'sqlite ×1' | 'postgres+redis ×1' | 'postgres+redis ×3';
const SETUPS: Setup[] = ['sqlite ×1', 'postgres+redis ×1', 'postgres+redis ×3'];

interface Cluster {
  instances: ServerProcess[];
  cpu: () => number;
  stop: () => Promise<void>;
}

let databases = 0;
/** The instances of one setup, on a fresh database; `cpu` counts every process that serves it. */
const startSetup = async (setup: Setup, pgServer: ThrowawayPostgres, redis: ThrowawayRedis): Promise<Cluster> => {
  if (setup === 'sqlite ×1') {
    const weft = await startWeft({ WEFT_ENGINE: 'none', WEFT_ENGINE_TOKEN: BENCH_ENGINE_TOKEN });
    return { instances: [weft], cpu: () => cpuSeconds(weft.pid), stop: () => weft.stop() };
  }
  const name = `bench_${++databases}`;
  const admin = new pg.Client({ connectionString: pgServer.urlFor('postgres') });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const env = {
    DATABASE_URL: pgServer.urlFor(name),
    REDIS_URL: redis.url,
    WEFT_REDIS_PREFIX: name,
    WEFT_ENCRYPTION_KEY: KEY,
    WEFT_ENGINE: 'none',
    WEFT_ENGINE_TOKEN: BENCH_ENGINE_TOKEN,
  };
  const instances: ServerProcess[] = [];
  for (let i = 0; i < (setup === 'postgres+redis ×3' ? 3 : 1); i++) instances.push(await startWeft(env));
  return {
    instances,
    cpu: () =>
      instances.reduce((sum, w) => sum + cpuSeconds(w.pid), 0) + treeCpuSeconds(pgServer.pid) + cpuSeconds(redis.pid),
    stop: async () => {
      for (const w of instances) await w.stop();
    },
  };
};

const fanout = async (cluster: Cluster, clients: number): Promise<FanoutResult> => {
  const [first] = cluster.instances;
  if (!first) throw new Error('no instance');
  const token = await weftToken(first.httpBase);
  const id = await weftWorkflow(first.httpBase, token, `fanout ${clients}`);
  const urls = cluster.instances.map((w) => `${w.wsBase}/${id}?token=${token}`);
  return runFanout(first, urls, clients, {
    seconds: quick ? 5 : 20,
    warmup: quick ? 1 : 2,
    rate: 5,
    cpuOf: cluster.cpu,
  });
};

interface WebhookResult {
  requests: number;
  perSecond: number;
  p50: number;
  p99: number;
  errors: number;
}

const webhooks = async (cluster: Cluster, seconds: number): Promise<WebhookResult> => {
  const [first] = cluster.instances;
  if (!first) throw new Error('no instance');
  await setUpWebhookWorkflow(first);
  // Two engines, on different instances when there are several.
  const engines: ChildProcess[] = [];
  for (let e = 0; e < 2; e++) {
    const at = cluster.instances[e % cluster.instances.length];
    if (at) engines.push(await startBenchEngine(at));
  }
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  try {
    const ports = cluster.instances.map((w) => w.port);
    let turn = 0;
    const call = (n: number) => callWebhook(ports[turn++ % ports.length] ?? first.port, agent, n);
    // Every instance serves the route (activated through the first one) before the clock starts.
    const warmUntil = Date.now() + 30_000;
    for (let answered = 0; answered < 3 * ports.length;) {
      if (await call(60).catch(() => false)) answered++;
      else if (Date.now() > warmUntil) throw new Error('the webhook never answered on every instance');
      else await sleep(100);
    }
    for (let i = 0; i < 300; i++) await call(i % 100);
    const latencies: number[] = [];
    let errors = 0;
    let sent = 0;
    const started = performance.now();
    const deadline = started + seconds * 1000;
    await Promise.all(
      Array.from({ length: 32 }, async () => {
        while (performance.now() < deadline && sent < 500_000) {
          const n = sent++ % 100;
          const t0 = performance.now();
          const ok = await call(n).catch(() => false);
          latencies.push(performance.now() - t0);
          if (!ok) errors++;
        }
      }),
    );
    const took = (performance.now() - started) / 1000;
    return {
      requests: latencies.length,
      perSecond: latencies.length / took,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      errors,
    };
  } finally {
    agent.destroy();
    for (const e of engines) e.kill('SIGTERM');
  }
};

const median = (values: number[]): number => percentile(values, 50);

const main = async () => {
  await buildServerIfNeeded();
  const pgServer = await startPostgres();
  const redis = await startRedis();
  const results: Record<Setup, { fanout: FanoutResult[]; webhooks: WebhookResult[] }> = {
    'sqlite ×1': { fanout: [], webhooks: [] },
    'postgres+redis ×1': { fanout: [], webhooks: [] },
    'postgres+redis ×3': { fanout: [], webhooks: [] },
  };
  const trials = quick ? 1 : 2;
  const clients = Number(process.env.WEFT_BENCH_CLIENTS ?? 100);
  try {
    for (let t = 0; t < trials; t++) {
      // Alternate the order so no setup always runs on a warmer machine.
      for (const setup of t % 2 === 0 ? SETUPS : [...SETUPS].reverse()) {
        log(`fan-out: ${clients} clients, ${setup}, trial ${t + 1}/${trials}`);
        let cluster = await startSetup(setup, pgServer, redis);
        try {
          results[setup].fanout.push(await fanout(cluster, clients));
        } finally {
          await cluster.stop();
        }
        log(`webhooks: ${setup}, 2 engines, trial ${t + 1}/${trials}`);
        cluster = await startSetup(setup, pgServer, redis);
        try {
          results[setup].webhooks.push(await webhooks(cluster, quick ? 5 : 15));
        } finally {
          await cluster.stop();
        }
      }
    }
  } finally {
    await redis.stop();
    await pgServer.stop();
  }

  const rows = SETUPS.map((setup) => {
    const f = results[setup].fanout;
    const w = results[setup].webhooks;
    return {
      setup,
      deliveries: median(f.map((r) => r.deliveriesPerSec)),
      expected: f[0]?.expectedPerSec ?? 0,
      p50: median(f.map((r) => r.p50)),
      p99: median(f.map((r) => r.p99)),
      cpuPerDelivery: median(f.map((r) => r.cpuMicrosPerDelivery)),
      webhooksPerSec: median(w.map((r) => r.perSecond)),
      webhookP99: median(w.map((r) => r.p99)),
      webhookErrors: w.reduce((n, r) => n + r.errors, 0),
    };
  });
  const base = rows[0];
  const header = `| setup | fan-out deliveries/s (of expected) | p50 ms | p99 ms | CPU µs/delivery (vs SQLite) | webhooks req/s (vs SQLite) | webhook p99 ms | errors |`;
  const lines = [
    `bench:cluster — ${clients} clients, 5 edits/s each; webhooks with 2 engines, 32 concurrent; median of ${trials} trial(s)${quick ? ' (quick)' : ''}`,
    '',
    header,
    '|---|---|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.setup} | ${fmt(r.deliveries, 0)} (${fmt(r.expected, 0)}) | ${fmt(r.p50, 2)} | ${fmt(r.p99, 2)} | ${fmt(r.cpuPerDelivery, 1)} (${fmt(r.cpuPerDelivery / (base?.cpuPerDelivery ?? 1), 2)}×) | ${fmt(r.webhooksPerSec, 0)} (${fmt(r.webhooksPerSec / (base?.webhooksPerSec ?? 1), 2)}×) | ${fmt(r.webhookP99, 1)} | ${r.webhookErrors} |`,
    ),
    '',
    'CPU per delivery sums every process serving the setup: the instances, and for the cluster PostgreSQL (all backends) and Redis.',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  const dir = join(root, 'bench/results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, `cluster-${new Date().toISOString().replace(/[:.]/g, '-')}.json`),
    JSON.stringify({ quick, results, rows }, null, 2),
  );
};

await main();
