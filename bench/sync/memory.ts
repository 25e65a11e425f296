import { BenchClient } from './bench-client.ts';
import type { Inspector } from './inspector.ts';
import type { ServerProcess } from '../lib/processes.ts';
import { percentile, sleep } from '../lib/stats.ts';

export interface MemoryRound {
  connectMsP50: number;
  connectMsP99: number;
  /** After a full GC, with every document loaded. */
  loaded: { rss: number; heapUsed: number };
  /** After a full GC, once every client left (and rooms unloaded, where the server unloads). */
  left: { rss: number; heapUsed: number };
}

export interface MemoryResult {
  server: string;
  docs: number;
  baseline: { rss: number; heapUsed: number };
  rounds: MemoryRound[];
  rssPerDocKB: number;
  heapPerDocKB: number;
  /** Share of the heap the loaded documents took that came back after they left (first round). */
  heapReturnedPercent: number;
}

/**
 * Documents with two clients each, in rounds of fresh documents: connect
 * time, memory per loaded document, and what comes back after everyone
 * leaves. Memory is read after a full GC through the inspector, so garbage
 * not yet collected does not count for or against either server.
 */
export const runMemory = async (
  server: ServerProcess,
  inspector: Inspector,
  rounds: string[][],
  opts: { unloadWaitMs: number },
): Promise<MemoryResult> => {
  const baseline = await inspector.memoryAfterGc();
  const results: MemoryRound[] = [];
  for (const urls of rounds) {
    const connectTimes: number[] = [];
    const clients: BenchClient[] = [];
    const BATCH = 50;
    for (let i = 0; i < urls.length; i += BATCH) {
      await Promise.all(
        urls.slice(i, i + BATCH).flatMap((url, j) =>
          [0, 1].map(async (k) => {
            const started = performance.now();
            const client = new BenchClient({ url, index: (i + j) * 2 + k });
            clients.push(client);
            await client.whenSynced;
            connectTimes.push(performance.now() - started);
          }),
        ),
      );
    }
    // One small edit per document, so every room holds content.
    for (let i = 0; i < clients.length; i += 2) clients[i]?.edit();
    await sleep(1000);
    const loaded = await inspector.memoryAfterGc();
    for (const c of clients) c.close();
    await sleep(opts.unloadWaitMs);
    const left = await inspector.memoryAfterGc();
    results.push({
      connectMsP50: percentile(connectTimes, 50),
      connectMsP99: percentile(connectTimes, 99),
      loaded: { rss: loaded.rss, heapUsed: loaded.heapUsed },
      left: { rss: left.rss, heapUsed: left.heapUsed },
    });
  }
  const first = results[0] as MemoryRound;
  const docs = rounds[0]?.length ?? 0;
  const heapGrown = first.loaded.heapUsed - baseline.heapUsed;
  return {
    server: server.name,
    docs,
    baseline: { rss: baseline.rss, heapUsed: baseline.heapUsed },
    rounds: results,
    rssPerDocKB: (first.loaded.rss - baseline.rss) / docs / 1024,
    heapPerDocKB: heapGrown / docs / 1024,
    heapReturnedPercent: heapGrown > 0 ? ((first.loaded.heapUsed - first.left.heapUsed) / heapGrown) * 100 : 0,
  };
};
