import { BenchClient, type Delivery } from './bench-client.ts';
import { cpuSeconds, rssBytes, type ServerProcess } from './processes.ts';
import { percentile, sleep } from './stats.ts';

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

/**
 * N clients in one document, each making `rate` small edits per second on its
 * own schedule; measured over `seconds` after a warm-up.
 */
export const runFanout = async (
  server: ServerProcess,
  url: string,
  clients: number,
  opts: { seconds: number; warmup: number; rate: number },
): Promise<FanoutResult & { lastSeqSent: number[] }> => {
  let measuring = false;
  const latencies: number[] = [];
  let deliveries = 0;
  let echoes = 0;
  const onDelivery = (d: Delivery, own: boolean) => {
    if (own) {
      echoes++;
      return;
    }
    if (!measuring) return;
    deliveries++;
    latencies.push(d.latencyMs);
  };
  const peers: BenchClient[] = [];
  for (let i = 0; i < clients; i++) peers.push(new BenchClient({ url, index: i, onDelivery }));
  await Promise.all(peers.map((p) => p.whenSynced));

  const period = 1000 / opts.rate;
  const timers: NodeJS.Timeout[] = [];
  let editsSent = 0;
  for (const peer of peers) {
    const start = setTimeout(() => {
      timers.push(
        setInterval(() => {
          peer.edit();
          editsSent++;
        }, period),
      );
    }, Math.random() * period);
    timers.push(start);
  }
  await sleep(opts.warmup * 1000);
  const cpu0 = cpuSeconds(server.pid);
  const driver0 = process.cpuUsage();
  const t0 = performance.now();
  measuring = true;
  await sleep(opts.seconds * 1000);
  measuring = false;
  const elapsed = (performance.now() - t0) / 1000;
  const cpu = cpuSeconds(server.pid) - cpu0;
  const driver = process.cpuUsage(driver0);
  const rss = rssBytes(server.pid);
  for (const t of timers) clearInterval(t);
  await sleep(1000);
  const lastSeqSent = peers.map((p) => p.seq);
  for (const p of peers) p.close();
  await sleep(300);
  return {
    server: server.name,
    clients,
    seconds: elapsed,
    editsSent,
    deliveries,
    deliveriesPerSec: deliveries / elapsed,
    expectedPerSec: clients * (clients - 1) * opts.rate,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: percentile(latencies, 100),
    cpuPercent: (cpu / elapsed) * 100,
    cpuMicrosPerDelivery: (cpu / deliveries) * 1e6,
    echoes,
    rssMB: rss / 1024 / 1024,
    driverCpuPercent: ((driver.user + driver.system) / 1e6 / elapsed) * 100,
    lastSeqSent,
  };
};
