/**
 * The item n8n's Schedule Trigger emits for a tick (and for a manual run):
 * the moment in the workflow's time zone, as moment-timezone formats it —
 * `timestamp` with its offset ("2026-12-03T11:08:23.191+01:00"), "Readable
 * date" ("December 3rd 2026, 11:08:23 am"), the parts on their own, and the
 * zone with its offset. Zone arithmetic comes from the host's Intl.
 */

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

const formatters = new Map<string, Intl.DateTimeFormat>();
const formatterFor = (timeZone: string): Intl.DateTimeFormat => {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
};

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

const ordinal = (day: number): string => {
  const tens = day % 100;
  if (tens >= 11 && tens <= 13) return `${day}th`;
  return `${day}${['th', 'st', 'nd', 'rd'][day % 10] ?? 'th'}`;
};

/** Wall-clock parts of `epochMs` in `timeZone`, and the zone's offset then in minutes. */
const wallClock = (epochMs: number, timeZone: string) => {
  const parts: Record<string, number> = {};
  for (const p of formatterFor(timeZone).formatToParts(new Date(epochMs))) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  const year = parts.year ?? 1970;
  const month = parts.month ?? 1;
  const day = parts.day ?? 1;
  const hour = parts.hour ?? 0;
  const minute = parts.minute ?? 0;
  const second = parts.second ?? 0;
  const ms = ((epochMs % 1000) + 1000) % 1000;
  const asUtc = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  return { year, month, day, hour, minute, second, ms, offset: Math.round((asUtc - epochMs) / 60_000) };
};

export const scheduleItem = (epochMs: number, requestedZone: string): Record<string, string> => {
  let timeZone = requestedZone;
  let t;
  try {
    t = wallClock(epochMs, timeZone);
  } catch {
    timeZone = 'UTC';
    t = wallClock(epochMs, timeZone);
  }
  const sign = t.offset < 0 ? '-' : '+';
  const offset = `${sign}${pad(Math.floor(Math.abs(t.offset) / 60))}:${pad(Math.abs(t.offset) % 60)}`;
  const h12 = t.hour % 12 === 0 ? 12 : t.hour % 12;
  const time = `${h12}:${pad(t.minute)}:${pad(t.second)} ${t.hour < 12 ? 'am' : 'pm'}`;
  const month = MONTHS[t.month - 1] ?? '';
  const weekday = DAYS[new Date(Date.UTC(t.year, t.month - 1, t.day)).getUTCDay()] ?? '';
  return {
    timestamp: `${pad(t.year, 4)}-${pad(t.month)}-${pad(t.day)}T${pad(t.hour)}:${pad(t.minute)}:${pad(t.second)}.${pad(t.ms, 3)}${offset}`,
    'Readable date': `${month} ${ordinal(t.day)} ${t.year}, ${time}`,
    'Readable time': time,
    'Day of week': weekday,
    Year: String(t.year),
    Month: month,
    'Day of month': pad(t.day),
    Hour: pad(t.hour),
    Minute: pad(t.minute),
    Second: pad(t.second),
    Timezone: `${timeZone} (UTC${offset})`,
  };
};
