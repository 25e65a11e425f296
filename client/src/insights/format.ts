/** How the insights page writes its numbers. */

export const formatMs = (ms: number | null): string => {
  if (ms === null) return '—';
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1_000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  return `${(ms / 60_000).toFixed(1)} min`;
};

export const formatRate = (rate: number | null): string => (rate === null ? '—' : `${(rate * 100).toFixed(1)}%`);

export const formatMinutes = (minutes: number): string => {
  if (minutes < 60) return `${Math.round(minutes)} min`;
  const hours = minutes / 60;
  return hours < 48 ? `${hours.toFixed(1)} h` : `${(hours / 24).toFixed(1)} days`;
};

/** A bucket's label: the hour for hourly series, the day for daily ones (UTC, as the server buckets). */
export const bucketLabel = (at: number, bucket: 'hour' | 'day'): string => {
  const d = new Date(at);
  return bucket === 'hour'
    ? `${String(d.getUTCHours()).padStart(2, '0')}:00`
    : d.toLocaleDateString(undefined, { month: 'short', day: 'numeric', timeZone: 'UTC' });
};
