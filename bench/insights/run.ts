import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'drizzle-orm';
import { SQLiteSyncDialect } from 'drizzle-orm/sqlite-core';
import { openDatabase } from '../../sync-server/src/db/open.ts';
import { SqliteExecutionStore } from '../../sync-server/src/executions/sqlite-execution-store.ts';
import { InsightsStore, type InsightsScope } from '../../sync-server/src/insights/insights-store.ts';
import {
  GRAINS,
  HOUR_MS,
  latencyBucket,
  rollupNodeFailuresSql,
  rollupRunsSql,
  type LatencyRollup,
} from '../../sync-server/src/insights/rollup-sql.ts';
import { BUCKETS } from '../../sync-server/src/insights/buckets.ts';
import { fmt } from '../lib/stats.ts';

/**
 * `npm run bench:insights [-- --executions N]`: every insights panel's query over a real SQLite file holding
 * 1,000,000 executions (default) of 200 workflows over 30 days. The executions are written as finished rows,
 * a failed node run for each failed one, and each batch goes through the rollup statements the finish
 * transaction runs (insights/rollup-sql.ts); webhook latencies through the store's addWebhookLatencies.
 * Then each query runs for 24 h, 7 d and 30 d, instance-wide and for one workflow, as the admin and as a
 * member of 50 workflows: the median of RUNS runs, beside the target (≤ 100 ms).
 */

const { values: args } = parseArgs({
  options: { executions: { type: 'string', default: '1000000' }, db: { type: 'string' } },
});
const TOTAL = Number(args.executions);
const WORKFLOWS = 200;
const MEMBER_OF = 50;
const DAYS = 30;
const BATCH = 20_000;
const RUNS = 7;
const TARGET_MS = 100;
const log = (line: string) => process.stderr.write(`${line}\n`);

/** mulberry32: a small deterministic generator, so every run seeds the same history. */
let seed = 42;
const random = (): number => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
};
const normal = (): number => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());

// --db FILE: seed it once and keep it, so later runs time the queries alone.
const dir = args.db === undefined ? mkdtempSync(join(tmpdir(), 'weft-bench-insights-')) : undefined;
const file = args.db ?? join(dir ?? '.', 'weft.db');
const seeded = args.db !== undefined && existsSync(args.db);
const database = openDatabase({ file });
const { db } = database;
const raw = database.sqlite;
const now = Date.now();
const start = now - DAYS * 24 * HOUR_MS;

const seedHistory = async (): Promise<void> => {
  raw
    .prepare(
      "insert into users (id, email, name, password_hash, created_at, is_admin) values ('admin', 'a@x', 'Admin', 'x', 1, 1)",
    )
    .run();
  raw
    .prepare(
      "insert into users (id, email, name, password_hash, created_at) values ('member', 'm@x', 'Member', 'x', 1)",
    )
    .run();
  const addWorkflow = raw.prepare('insert into workflows (id, name, created_at, updated_at) values (?, ?, 1, 1)');
  const addVersion = raw.prepare(
    'insert into workflow_versions (hash, workflow_id, definition, created_at, state) values (?, ?, ?, 1, ?)',
  );
  const addMember = raw.prepare(
    "insert into workflow_members (workflow_id, user_id, role, added_at) values (?, ?, 'editor', 1)",
  );
  raw.transaction(() => {
    for (let w = 0; w < WORKFLOWS; w++) {
      const id = `wf${w}`;
      addWorkflow.run(id, `Workflow ${w}`);
      const definition = {
        weft: 1,
        name: `Workflow ${w}`,
        settings: w % 3 === 0 ? { minutesSavedPerRun: 1 + (w % 7) } : {},
        nodes: ['hook', 'fetch', 'transform', 'send'].map((n, i) => ({
          id: n,
          name: n,
          type: ['webhook', 'httpRequest', 'code', 'slack'][i],
          typeVersion: 1,
          position: { x: i * 200, y: 0 },
          parameters: {},
        })),
        edges: [],
      };
      addVersion.run(`v${w}`, id, JSON.stringify(definition), Buffer.alloc(0));
      if (w % (WORKFLOWS / MEMBER_OF) === 0) addMember.run(id, 'member');
    }
  })();
  const addExecution = raw.prepare(
    'insert into executions (id, workflow_id, version_hash, mode, status, created_at, started_at, finished_at) values (?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const addNodeRun = raw.prepare(
    `insert into node_runs (execution_id, node_id, run_index, name, status, input, output, error, attempts, started_at, finished_at, ord)
     values (?, ?, 0, ?, 'failed', '{}', '{}', 'boom', 1, ?, ?, 0)`,
  );
  const store = new SqliteExecutionStore(db);
  // The finish path's statements, over a batch of rows instead of one run.
  const batchOf = sql.raw('e.rowid between ? and ?');
  const text = (q: ReturnType<typeof rollupRunsSql>) => new SQLiteSyncDialect().sqlToQuery(q).sql;
  const rollups = GRAINS.flatMap((g) => [
    raw.prepare(text(rollupRunsSql('sqlite', batchOf, g))),
    raw.prepare(text(rollupNodeFailuresSql('sqlite', batchOf, g))),
  ]);
  const began = performance.now();
  for (let done = 0; done < TOTAL; done += BATCH) {
    const latencies = new Map<string, LatencyRollup>();
    let first = 0;
    let last = 0;
    raw.transaction(() => {
      for (let i = done; i < Math.min(TOTAL, done + BATCH); i++) {
        // Popular workflows run far more often than the rest (a Zipf-like spread).
        const w = Math.min(WORKFLOWS - 1, Math.floor(WORKFLOWS * random() ** 2.5));
        const at = start + Math.floor(random() * (now - start));
        const r = random();
        const mode = r < 0.6 ? 'webhook' : r < 0.9 ? 'schedule' : 'manual';
        const s = random();
        const status = s < 0.88 ? 'succeeded' : s < 0.98 ? 'failed' : 'canceled';
        const duration = Math.max(1, Math.round(Math.exp(5 + 1.5 * normal())));
        const row = addExecution.run(`x${i}`, `wf${w}`, `v${w}`, mode, status, at, at, at + duration);
        const rowid = Number(row.lastInsertRowid);
        if (i === done) first = rowid;
        last = rowid;
        if (status === 'failed') {
          const node = ['fetch', 'transform', 'send'][Math.floor(random() * 3)] ?? 'fetch';
          addNodeRun.run(`x${i}`, node, node, at, at + duration);
        }
        if (mode === 'webhook') {
          const hour = at + duration - ((at + duration) % HOUR_MS);
          const key = `${w}:${hour}`;
          let entry = latencies.get(key);
          if (!entry) {
            entry = {
              workflowId: `wf${w}`,
              hour,
              responses: 0,
              latencyMs: 0,
              counts: Array.from({ length: BUCKETS }, () => 0),
            };
            latencies.set(key, entry);
          }
          const ms = Math.max(1, Math.round(Math.exp(2.5 + normal())));
          entry.responses += 1;
          entry.latencyMs += ms;
          const b = latencyBucket(ms);
          entry.counts[b] = (entry.counts[b] ?? 0) + 1;
        }
      }
      for (const rollup of rollups) rollup.run(first, last);
    })();
    const entries = [...latencies.values()];
    for (let i = 0; i < entries.length; i += 500) await store.addWebhookLatencies(entries.slice(i, i + 500));
    if ((done / BATCH) % 10 === 0)
      log(`  seeded ${done + BATCH} executions (${fmt((performance.now() - began) / 1000)} s)`);
  }
  log(`seeded ${TOTAL} executions in ${fmt((performance.now() - began) / 1000)} s`);
  raw.pragma('optimize');
  raw.exec('analyze');
};

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

const main = async () => {
  if (seeded) log(`reading ${file}, seeded before`);
  else {
    log(`seeding ${TOTAL} executions of ${WORKFLOWS} workflows over ${DAYS} days into ${file}`);
    await seedHistory();
  }
  const count = (table: string) => (raw.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n;
  log(
    `rollup rows: insights_hourly ${count('insights_hourly')}, node failures ${count('insights_node_failures_hourly')}, webhook ${count('insights_webhook_hourly')}`,
  );
  const insights = InsightsStore.sqlite(db);
  const ranges = [
    { label: '24 h', ms: 24 * HOUR_MS, bucket: HOUR_MS },
    { label: '7 d', ms: 7 * 24 * HOUR_MS, bucket: 24 * HOUR_MS },
    { label: '30 d', ms: 30 * 24 * HOUR_MS, bucket: 24 * HOUR_MS },
  ];
  // The hour after the newest rollup: a file seeded earlier is read as of when it was seeded.
  const newest = (raw.prepare('select max(hour) as h from insights_hourly').get() as { h: number | null }).h ?? now;
  const to = newest - (newest % HOUR_MS) + HOUR_MS;
  // The busiest workflow the member may read: the one-workflow figures are its worst case.
  const scopes = [
    { label: 'instance, admin', scope: {} },
    { label: `instance, member of ${MEMBER_OF}`, scope: { memberId: 'member' } },
    { label: 'one workflow, admin', scope: { workflowId: 'wf0' } },
    { label: 'one workflow, member', scope: { workflowId: 'wf0', memberId: 'member' } },
  ];
  const panels: { label: string; run: (s: InsightsScope, bucket: number) => Promise<unknown> }[] = [
    { label: 'series (runs by status)', run: (s, b) => insights.series(s, b) },
    { label: 'totals (rate, p50/p95, saved)', run: (s) => insights.totals(s) },
    { label: 'top failing nodes', run: (s) => insights.failingNodes(s, 10) },
    { label: 'webhook latency', run: (s) => insights.webhookLatency(s) },
    { label: 'per workflow (top 20)', run: (s) => insights.byWorkflow(s, 20) },
  ];
  const rows: string[] = [];
  let worst = 0;
  for (const range of ranges) {
    for (const { label, scope } of scopes) {
      for (const panel of panels) {
        const s: InsightsScope = { from: to - range.ms, to, days: range.bucket !== HOUR_MS, ...scope };
        const times: number[] = [];
        for (let i = 0; i < RUNS; i++) {
          const t0 = performance.now();
          await panel.run(s, range.bucket);
          times.push(performance.now() - t0);
        }
        const m = median(times);
        worst = Math.max(worst, m);
        rows.push(
          `| ${panel.label} | ${range.label} | ${label} | ${fmt(m, 2)} | ${m <= TARGET_MS ? '✓' : '✗'} ≤ ${TARGET_MS} |`,
        );
      }
    }
  }
  console.log(`| panel query | range | scope | median of ${RUNS} (ms) | target |`);
  console.log('| --- | --- | --- | ---: | --- |');
  for (const row of rows) console.log(row);
  console.log(`\nslowest: ${fmt(worst, 2)} ms (target ≤ ${TARGET_MS} ms)`);
};

try {
  await main();
} finally {
  await database.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
}
