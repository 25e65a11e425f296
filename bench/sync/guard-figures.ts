import type { GuardId } from '../lib/guard.ts';
import type { SYNC_GUARD } from '../lib/guard-targets.ts';
import { percentile } from '../lib/stats.ts';
import type { FanoutResult } from './fanout.ts';
import type { MemoryResult } from './memory.ts';
import type { SlowReaderResult } from './slow-reader.ts';

interface ColdPart {
  firstReplyMsMax: number;
  firstReplyComplete: boolean;
}

/** The part of bench:sync's results the regression guard reads (run.ts's `results`). */
export interface SyncGuardInput {
  fanout?: {
    clients: number;
    weft: FanoutResult[];
    reference: FanoutResult[];
    persisted: { expected: number; stored: number }[];
  }[];
  memory?: { weft: MemoryResult };
  cold?: { weft: ColdPart; weftAfterCrash: ColdPart };
  slow?: { weft: SlowReaderResult };
}

const median = (xs: number[]) => percentile(xs, 50);
const lowest = (xs: number[]) => (xs.length > 0 ? Math.min(...xs) : Number.NaN);

/** bench:sync's figures by guard row; a scenario that did not run gives NaN (an enforced row then fails). */
export const syncGuardFigures = (results: SyncGuardInput): Record<GuardId<typeof SYNC_GUARD>, number> => {
  const fanout = results.fanout ?? [];
  const at100 = fanout.find((f) => f.clients === 100);
  const weft100 = (k: 'cpuMicrosPerDelivery' | 'p99') => median((at100?.weft ?? []).map((r) => r[k]));
  const ref100 = (k: 'cpuMicrosPerDelivery') => median((at100?.reference ?? []).map((r) => r[k]));
  const { cold, slow } = results;
  return {
    'fanout-100-cpu': weft100('cpuMicrosPerDelivery') / ref100('cpuMicrosPerDelivery'),
    'fanout-100-p99': weft100('p99'),
    // Against what the clients sent, not the reference: an overloaded reference delivers a
    // backlog from its warm-up inside the measured window (51,966/s of 49,500 in one run).
    'fanout-deliveries': lowest(
      fanout.map((f) => median(f.weft.map((x) => x.deliveriesPerSec)) / (f.clients * (f.clients - 1) * 5)),
    ),
    'fanout-persisted': lowest(fanout.flatMap((f) => f.persisted.map((p) => p.stored / p.expected))),
    'cold-complete': cold ? Number(cold.weft.firstReplyComplete && cold.weftAfterCrash.firstReplyComplete) : Number.NaN,
    'cold-first-reply': cold?.weft.firstReplyMsMax ?? Number.NaN,
    'cold-after-crash': cold?.weftAfterCrash.firstReplyMsMax ?? Number.NaN,
    'memory-rss-per-doc': results.memory?.weft.rssPerDocKB ?? Number.NaN,
    'slow-rss-growth': slow?.weft.rssGrowthMB ?? Number.NaN,
    'slow-stalled-closed': slow
      ? Number(slow.weft.stalledClosed && slow.weft.healthyReceived === slow.weft.healthyExpected)
      : Number.NaN,
  };
};
