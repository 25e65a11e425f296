import WebSocket from 'ws';
import { BenchClient } from './bench-client.ts';
import { rssBytes, type ServerProcess } from '../lib/processes.ts';
import { sleep } from '../lib/stats.ts';

export interface SlowReaderResult {
  server: string;
  seconds: number;
  writers: number;
  updateBytes: number;
  rateEach: number;
  rssStartMB: number;
  rssPeakMB: number;
  rssGrowthMB: number;
  growthMBPerMinute: number;
  stalledClosed: boolean;
  healthyReceived: number;
  healthyExpected: number;
}

/**
 * `writers` clients each send `updateBytes`-sized updates at `rate`/s (each
 * replacing its own key, so the document itself stays small) while one more
 * client connects and then stops reading. Server RSS is sampled throughout.
 */
export const runSlowReader = async (
  server: ServerProcess,
  url: string,
  opts: { seconds: number; writers: number; updateBytes: number; rate: number },
): Promise<SlowReaderResult> => {
  let healthyReceived = 0;
  const writers = Array.from(
    { length: opts.writers },
    (_, i) =>
      new BenchClient({
        url,
        index: i,
        padding: opts.updateBytes,
        onDelivery: (_d, own) => {
          if (!own && i === 0) healthyReceived++;
        },
      }),
  );
  await Promise.all(writers.map((w) => w.whenSynced));
  const stalled = new WebSocket(url, { perMessageDeflate: false });
  await new Promise((resolve, reject) => {
    stalled.once('open', resolve);
    stalled.once('error', reject);
  });
  const state = { stalledClosed: false };
  stalled.on('close', () => (state.stalledClosed = true));
  stalled.on('error', () => {});
  (stalled as unknown as { _socket: { pause(): void } })._socket.pause();
  await sleep(500);
  const start = rssBytes(server.pid);
  let peak = start;
  const period = 1000 / opts.rate;
  const timers = writers.map((w) => setInterval(() => w.edit(), period));
  const sampler = setInterval(() => (peak = Math.max(peak, rssBytes(server.pid))), 200);
  const t0 = performance.now();
  await sleep(opts.seconds * 1000);
  const seconds = (performance.now() - t0) / 1000;
  for (const t of timers) clearInterval(t);
  const sent = writers.slice(1).reduce((n, w) => n + w.seq, 0);
  await sleep(1000);
  clearInterval(sampler);
  peak = Math.max(peak, rssBytes(server.pid));
  // Did the server drop the stalled socket? Resume reading: a dropped socket ends soon after
  // its backlog is read; a kept one just keeps delivering.
  (stalled as unknown as { _socket: { resume(): void } })._socket.resume();
  for (let i = 0; i < 50 && !state.stalledClosed; i++) await sleep(100);
  stalled.terminate();
  for (const w of writers) w.close();
  return {
    server: server.name,
    seconds,
    writers: opts.writers,
    updateBytes: opts.updateBytes,
    rateEach: opts.rate,
    rssStartMB: start / 1048576,
    rssPeakMB: peak / 1048576,
    rssGrowthMB: (peak - start) / 1048576,
    growthMBPerMinute: ((peak - start) / 1048576 / seconds) * 60,
    stalledClosed: state.stalledClosed,
    healthyReceived,
    healthyExpected: sent,
  };
};
