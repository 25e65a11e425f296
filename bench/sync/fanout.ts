import { Worker } from 'node:worker_threads';
import { BenchClient, now } from './bench-client.ts';
import { cpuSeconds, rssBytes, type ServerProcess } from '../lib/processes.ts';
import { percentile, sleep } from '../lib/stats.ts';

export interface FanoutResult {
  server: string;
  clients: number;
  seconds: number;
  editsSent: number;
  deliveries: number;
  deliveriesPerSec: number;
  expectedPerSec: number;
  p50: number;
  p99: number;
  max: number;
  cpuPercent: number;
  cpuMicrosPerDelivery: number;
  echoes: number;
  rssMB: number;
  driverCpuPercent: number;
}

const DRIVER_THREADS = Number(process.env.WEFT_BENCH_DRIVER_THREADS ?? 2);

/**
 * N clients in one document, each making `rate` small edits per second on its
 * own schedule, measured over `seconds` after a warm-up. The clients run in
 * two worker threads so the driver's own queueing stays out of the latencies.
 */
export const runFanout = async (
  server: ServerProcess,
  /** One URL, or one per instance of a cluster: client i joins urls[i % urls.length]. */
  url: string | readonly string[],
  clients: number,
  opts: {
    seconds: number;
    warmup: number;
    rate: number;
    /**
     * Clients edit the workflow the server holds (BenchClient's `workflow`). One more
     * member joins first and stays, passive, for the run: with `seed` it brings the
     * document (the reference keeps one only while someone is connected).
     */
    workflow?: { seed?: Uint8Array };
    /** Every process whose CPU counts (a cluster's instances, PostgreSQL, Redis); default: the server's. */
    cpuOf?: () => number;
  },
): Promise<FanoutResult> => {
  const urls = typeof url === 'string' ? [url] : url;
  const cpuNow = opts.cpuOf ?? (() => cpuSeconds(server.pid));
  let holder: BenchClient | undefined;
  if (opts.workflow) {
    holder = new BenchClient({
      url: urls[0] ?? '',
      index: -1,
      workflow: true,
      ...(opts.workflow.seed ? { seed: opts.workflow.seed } : {}),
    });
    await holder.whenSynced;
    // The server applies the holder's answer to its step 1 just after the holder's own step 1 is answered.
    await sleep(300);
  }
  const workers = Array.from({ length: DRIVER_THREADS }, (_, w) => {
    const indices = Array.from({ length: clients }, (_, i) => i).filter((i) => i % DRIVER_THREADS === w);
    return new Worker(new URL('./fanout-worker.mjs', import.meta.url), {
      workerData: { urls, indices, rate: opts.rate, workflow: opts.workflow !== undefined },
    });
  });
  const message = (worker: Worker, type: string) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const onMessage = (msg: Record<string, unknown>) => {
        if (msg.type !== type) return;
        worker.off('message', onMessage);
        resolve(msg);
      };
      worker.on('message', onMessage);
      worker.once('error', reject);
    });
  await Promise.all(workers.map((w) => message(w, 'ready')));
  const from = now() + opts.warmup * 1000;
  const to = from + opts.seconds * 1000;
  for (const w of workers) w.postMessage({ type: 'go', from, to });
  await sleep(from - now());
  const cpu0 = cpuNow();
  const driver0 = process.cpuUsage();
  await sleep(to - now());
  const cpu = cpuNow() - cpu0;
  const driver = process.cpuUsage(driver0);
  const rss = rssBytes(server.pid);
  const done = workers.map((w) => message(w, 'done'));
  for (const w of workers) w.postMessage({ type: 'stop' });
  const results = await Promise.all(done);
  await Promise.all(workers.map((w) => w.terminate()));
  holder?.close();
  const latencies = results.flatMap((r) => Array.from(r.latencies as Float64Array));
  const deliveries = latencies.length;
  const seconds = opts.seconds;
  return {
    server: server.name,
    clients,
    seconds,
    editsSent: results.reduce((n, r) => n + (r.sent as number), 0),
    deliveries,
    deliveriesPerSec: deliveries / seconds,
    expectedPerSec: clients * (clients - 1) * opts.rate,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: percentile(latencies, 100),
    cpuPercent: (cpu / seconds) * 100,
    cpuMicrosPerDelivery: (cpu / deliveries) * 1e6,
    echoes: results.reduce((n, r) => n + (r.echoes as number), 0),
    rssMB: rss / 1024 / 1024,
    driverCpuPercent: ((driver.user + driver.system) / 1e6 / seconds) * 100,
  };
};
