import { parentPort, workerData } from 'node:worker_threads';
import { BenchClient, now } from './bench-client.ts';

/**
 * One driver thread of the fan-out scenario: a share of the clients, their
 * edit timers, and the deliveries they see inside the measuring window.
 */
interface Job {
  urls: string[];
  indices: number[];
  rate: number;
  workflow: boolean;
}
const job = workerData as Job;
const port = parentPort;
if (!port) throw new Error('fanout-worker runs as a worker thread');

let window: { from: number; to: number } | undefined;
const latencies = new Float64Array(4_000_000);
let count = 0;
let echoes = 0;
const clients = job.indices.map(
  (index) =>
    new BenchClient({
      url: job.urls[index % job.urls.length] ?? '',
      index,
      workflow: job.workflow,
      onDelivery: (d, own) => {
        if (own) echoes++;
        else if (window && now() >= window.from && now() < window.to && count < latencies.length)
          latencies[count++] = d.latencyMs;
      },
    }),
);
await Promise.all(clients.map((c) => c.whenSynced));
port.postMessage({ type: 'ready' });

const timers: NodeJS.Timeout[] = [];
port.on('message', (msg: { type: 'go'; from: number; to: number } | { type: 'stop' }) => {
  if (msg.type === 'go') {
    window = { from: msg.from, to: msg.to };
    const period = 1000 / job.rate;
    for (const client of clients) {
      timers.push(
        setTimeout(() => {
          client.edit();
          timers.push(setInterval(() => client.edit(), period));
        }, Math.random() * period),
      );
    }
    return;
  }
  for (const t of timers) clearInterval(t);
  setTimeout(() => {
    const sent = clients.reduce((n, c) => n + c.seq, 0);
    const lastSeq = clients.map((c) => [c.doc.clientID, c.seq] as const);
    for (const c of clients) c.close();
    const result = latencies.slice(0, count);
    port.postMessage({ type: 'done', latencies: result, echoes, sent, lastSeq }, [result.buffer]);
  }, 1000);
});
