import type { GuardId } from '../lib/guard.ts';
import type { SYNC_GUARD } from '../lib/guard-targets.ts';
import { percentile } from '../lib/stats.ts';
import type { FanoutResult } from './fanout.ts';

/** The part of bench:sync's results the regression guard reads (run.ts's `results`). */
export interface SyncGuardInput {
  fanout?: {
    clients: number;
    weft: FanoutResult[];
    reference: FanoutResult[];
    persisted: { expected: number; stored: number }[];
  }[];
  cold?: {
    weft: { firstReplyMsMedian: number; firstReplyComplete: boolean; completeMsMedian: number };
    reference: { completeMsMedian: number };
  };
}

const median = (xs: number[]) => percentile(xs, 50);

/** bench:sync's figures by guard row; a scenario that did not run gives NaN (an enforced row then fails). */
export const syncGuardFigures = (results: SyncGuardInput): Record<GuardId<typeof SYNC_GUARD>, number> => {
  const fanout = results.fanout ?? [];
  const at100 = fanout.find((f) => f.clients === 100);
  const w = (k: 'cpuMicrosPerDelivery' | 'p99', f = at100) => median((f?.weft ?? []).map((r) => r[k]));
  const r = (k: 'cpuMicrosPerDelivery' | 'p99', f = at100) => median((f?.reference ?? []).map((x) => x[k]));
  const lowest = (xs: number[]) => (xs.length > 0 ? Math.min(...xs) : Number.NaN);
  const cold = results.cold;
  return {
    'fanout-100-cpu': w('cpuMicrosPerDelivery') / r('cpuMicrosPerDelivery'),
    'fanout-100-p99-ratio': w('p99') / r('p99'),
    'fanout-100-p99': w('p99'),
    'fanout-deliveries': lowest(
      fanout.map(
        (f) => median(f.weft.map((x) => x.deliveriesPerSec)) / median(f.reference.map((x) => x.deliveriesPerSec)),
      ),
    ),
    'fanout-persisted': lowest(fanout.flatMap((f) => f.persisted.map((p) => p.stored / p.expected))),
    'cold-complete-ratio': cold ? cold.weft.completeMsMedian / cold.reference.completeMsMedian : Number.NaN,
    'cold-first-reply': cold && cold.weft.firstReplyComplete ? cold.weft.firstReplyMsMedian : Number.NaN,
  };
};
