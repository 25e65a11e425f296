import { spawn, type ChildProcess } from 'node:child_process';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { cpuSeconds, startWeft, treeCpuSeconds, type ServerProcess } from '../lib/processes.ts';
import { percentile } from '../lib/stats.ts';

/**
 * End to end: webhook → IF → Edit Fields → Respond to Webhook over HTTP on
 * 127.0.0.1, against the built server (`npm start`'s) with its engine child,
 * and optionally a second engine process. Every execution is recorded in
 * SQLite; the count is checked after the load.
 */

const root = fileURLToPath(new URL('../..', import.meta.url));
/** The engine token of every benchmark server (WEFT_ENGINE_TOKEN). */
export const BENCH_ENGINE_TOKEN = 'bench-engine-token-0123456789';

export interface LoadResult {
  engines: number;
  requests: number;
  seconds: number;
  perSecond: number;
  p50: number;
  p99: number;
  errors: number;
  recorded: number;
  /** CPU of the server process per request (µs): its main thread, the checkpoint thread and libuv's pool. */
  serverCpuUs: number;
  /** CPU of the engines per request (µs): the server's child and the extra engine process. */
  engineCpuUs: number;
  /** CPU of this process per request (µs): the load generator, on the same two cores. */
  driverCpuUs: number;
}

/** Webhook → IF → Edit Fields → Respond to Webhook: what every webhook benchmark runs. */
export const webhookWorkflow = {
  weft: 1,
  name: 'bench webhook',
  nodes: [
    {
      id: 'hook',
      name: 'Hook',
      type: 'webhook',
      typeVersion: 1,
      position: { x: 0, y: 0 },
      parameters: { path: 'bench', httpMethod: 'POST', responseMode: 'responseNode' },
    },
    {
      id: 'big',
      name: 'Big?',
      type: 'if',
      typeVersion: 1,
      position: { x: 220, y: 0 },
      parameters: { conditions: [{ leftValue: '={{ $json.body.n }}', operator: 'number:gte', rightValue: '50' }] },
    },
    {
      id: 'tag',
      name: 'Tag',
      type: 'set',
      typeVersion: 1,
      position: { x: 440, y: -80 },
      parameters: {
        includeOtherFields: false,
        assignments: [{ name: 'size', value: '=big {{ $json.body.n }}', type: 'string' }],
      },
    },
    {
      id: 'reply',
      name: 'Reply',
      type: 'respondToWebhook',
      typeVersion: 1,
      position: { x: 660, y: 0 },
      parameters: { respondWith: 'firstIncomingItem' },
    },
    {
      id: 'small',
      name: 'Small',
      type: 'set',
      typeVersion: 1,
      position: { x: 440, y: 80 },
      parameters: { assignments: [{ name: 'size', value: 'small', type: 'string' }] },
    },
  ],
  edges: [
    { source: 'hook', target: 'big' },
    { source: 'big', sourceHandle: 'true', target: 'tag' },
    { source: 'big', sourceHandle: 'false', target: 'small' },
    { source: 'tag', target: 'reply' },
    { source: 'small', target: 'reply' },
  ],
};

/** Signs up, imports the workflow, publishes and activates it; resolves with its id. */
export const setUpWebhookWorkflow = async (weft: Pick<ServerProcess, 'httpBase'>): Promise<string> => {
  const signup = await fetch(`${weft.httpBase}/api/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'bench@example.com', password: 'bench bench bench', name: 'Bench' }),
  });
  const cookie = (signup.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const call = async (path: string, body?: unknown) => {
    const res = await fetch(`${weft.httpBase}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as { id: string };
  };
  const { id } = await call('/api/workflows/import', webhookWorkflow);
  await call(`/api/workflows/${id}/publish`);
  await call(`/api/workflows/${id}/activate`);
  return id;
};

/** An engine process (the built dist/engine) joined to `weft`; resolves once it is ready. */
export const startBenchEngine = (weft: Pick<ServerProcess, 'httpBase'>): Promise<ChildProcess> =>
  new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [join(root, 'dist/engine/main.js'), '--server', weft.httpBase, '--token', BENCH_ENGINE_TOKEN],
      {
        env: { ...process.env, LOG_LEVEL: 'info' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    const onData = (c: Buffer) => {
      out += c.toString();
      if (out.includes('engine ready')) resolve(child);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`engine exited ${code}: ${out}`)));
  });

/** One POST /webhook/bench with `{ n }`; true when the answer is the one the workflow gives for n. */
export const callWebhook = (port: number, agent: Agent, n: number): Promise<boolean> =>
  new Promise((resolve, reject) => {
    const body = `{"n":${n}}`;
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: '/webhook/bench',
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => {
          try {
            const answer = JSON.parse(text) as { size?: string };
            resolve(res.statusCode === 200 && answer.size === (n >= 50 ? `big ${n}` : 'small'));
          } catch {
            resolve(false);
          }
        });
      },
    );
    req.on('error', reject);
    // A request nobody answers (a run no engine takes) counts as an error instead of stalling the load.
    req.setTimeout(30_000, () => {
      req.destroy();
      resolve(false);
    });
    req.end(body);
  });

export const webhookLoad = async (options: {
  engines: 1 | 2;
  seconds: number;
  concurrency: number;
  /** Extra node flags for the server (profiling). */
  nodeArgs?: string[];
  /** Extra environment for the server, e.g. WEFT_DB_SYNCHRONOUS=FULL. */
  env?: Record<string, string>;
}): Promise<LoadResult> => {
  const weft = await startWeft(
    { WEFT_ENGINE_TOKEN: BENCH_ENGINE_TOKEN, LOG_LEVEL: 'warn', ...options.env },
    undefined,
    options.nodeArgs ?? [],
  );
  const extra: ChildProcess[] = [];
  let agentOf: Agent | undefined;
  try {
    const workflowId = await setUpWebhookWorkflow(weft);
    if (options.engines === 2) extra.push(await startBenchEngine(weft));
    // node:http with keep-alive: the load generator shares the machine, so it should cost little.
    const agent = new Agent({ keepAlive: true, maxSockets: options.concurrency });
    agentOf = agent;
    const call = (n: number) => callWebhook(weft.port, agent, n);
    // Warm up, and wait for the engine child to have joined.
    const warmUntil = Date.now() + 20_000;
    while (!(await call(60).catch(() => false))) {
      if (Date.now() > warmUntil) throw new Error('the webhook never answered');
      await new Promise((r) => setTimeout(r, 200));
    }
    for (let i = 0; i < 300; i++) await call(i % 100);

    const db = new Database(join(weft.dataDir, 'weft.db'), { readonly: true });
    const succeeded = () =>
      (
        db
          .prepare("select count(*) as n from executions where workflow_id = ? and status = 'succeeded'")
          .get(workflowId) as { n: number }
      ).n;
    const before = succeeded();
    const engineCpu = () =>
      treeCpuSeconds(weft.pid) - cpuSeconds(weft.pid) + extra.reduce((sum, e) => sum + cpuSeconds(e.pid ?? 0), 0);
    const cpuBefore = { server: cpuSeconds(weft.pid), engines: engineCpu(), driver: process.cpuUsage() };
    const latencies: number[] = [];
    let errors = 0;
    let sent = 0;
    const started = performance.now();
    const deadline = started + options.seconds * 1000;
    const MAX_REQUESTS = 200_000;
    await Promise.all(
      Array.from({ length: options.concurrency }, async () => {
        while (performance.now() < deadline && sent < MAX_REQUESTS) {
          const n = sent++ % 100;
          const t0 = performance.now();
          const ok = await call(n).catch(() => false);
          latencies.push(performance.now() - t0);
          if (!ok) errors++;
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const cpuAfter = { server: cpuSeconds(weft.pid), engines: engineCpu(), driver: process.cpuUsage(cpuBefore.driver) };
    // Every request is an execution in SQLite.
    await new Promise((r) => setTimeout(r, 300));
    const recorded = succeeded() - before;
    db.close();
    return {
      engines: options.engines,
      requests: latencies.length,
      seconds,
      perSecond: latencies.length / seconds,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      errors,
      recorded,
      serverCpuUs: ((cpuAfter.server - cpuBefore.server) * 1e6) / latencies.length,
      engineCpuUs: ((cpuAfter.engines - cpuBefore.engines) * 1e6) / latencies.length,
      driverCpuUs: (cpuAfter.driver.user + cpuAfter.driver.system) / latencies.length,
    };
  } finally {
    agentOf?.destroy();
    for (const e of extra) e.kill('SIGTERM');
    await weft.stop();
  }
};
