const units: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 24 * 3600_000],
  ['month', 30 * 24 * 3600_000],
  ['day', 24 * 3600_000],
  ['hour', 3600_000],
  ['minute', 60_000],
];

const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });

/** "5 minutes ago", "yesterday": a list is scanned, not read to the second. */
export const ago = (at: number, now = Date.now()): string => {
  const diff = at - now;
  for (const [unit, ms] of units) if (Math.abs(diff) >= ms) return relative.format(Math.round(diff / ms), unit);
  return 'just now';
};

export const LastRun = ({
  lastRun,
  failures7d,
}: {
  lastRun: { status: string; at: number } | null | undefined;
  failures7d: number | undefined;
}) => (
  <span className="home-last-run">
    {lastRun ? (
      <span className={`run-status run-${lastRun.status}`} title={new Date(lastRun.at).toLocaleString()}>
        {lastRun.status} · {ago(lastRun.at)}
      </span>
    ) : (
      <span className="muted">never run</span>
    )}
    {failures7d !== undefined && failures7d > 0 && (
      <span className="badge home-failures" title="Failed runs in the last 7 days">
        {failures7d} failed (7 d)
      </span>
    )}
  </span>
);
