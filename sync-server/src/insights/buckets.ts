/**
 * The fixed log-scale histograms of the insights rollups (docs/plans/home-insights.md §4): one integer column
 * per bucket, so both dialects sum them in SQL, and p50/p95 are read from the summed counts.
 */

/** Upper bounds (exclusive) of a run's duration buckets, ms; the last bucket is everything above. */
export const DURATION_BOUNDS_MS = [
  5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 20_000, 50_000, 100_000, 200_000, 500_000, 1_000_000,
  2_000_000, 5_000_000,
] as const;

/** Upper bounds (exclusive) of a webhook answer's latency buckets, ms: finer at the low end, where answers are. */
export const LATENCY_BOUNDS_MS = [
  1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 20_000, 50_000, 100_000, 200_000, 300_000, 600_000,
] as const;

/** Buckets per histogram: the bounds and the open bucket above them. */
export const BUCKETS = DURATION_BOUNDS_MS.length + 1;

/** The duration histogram's columns: d0…d19. */
export const durationColumns = Array.from({ length: BUCKETS }, (_, i) => `d${i}`);
/** The latency histogram's columns: l0…l19. */
export const latencyColumns = Array.from({ length: BUCKETS }, (_, i) => `l${i}`);

/** The bucket a value falls in. */
export const bucketOf = (bounds: readonly number[], value: number): number => {
  const i = bounds.findIndex((b) => value < b);
  return i === -1 ? bounds.length : i;
};

/**
 * The q-quantile (0 < q < 1) of a histogram's counts, interpolated linearly inside the bucket it falls in;
 * the open last bucket answers its lower bound (nothing says how far above it the values go). Null when empty.
 */
export const quantile = (bounds: readonly number[], counts: readonly number[], q: number): number | null => {
  const total = counts.reduce((a, b) => a + b, 0);
  if (total === 0) return null;
  const rank = q * total;
  let below = 0;
  for (const [i, n] of counts.entries()) {
    if (n > 0 && below + n >= rank) {
      const lower = i === 0 ? 0 : (bounds[i - 1] ?? 0);
      const upper = bounds[i];
      if (upper === undefined) return lower;
      return lower + ((rank - below) / n) * (upper - lower);
    }
    below += n;
  }
  return bounds[bounds.length - 1] ?? null;
};
