import { MAIN } from '#shared/nodes/types.ts';
import type { JsonObject } from '../runner/items.ts';
import { NodeError, type NodeExecutor } from '../runner/types.ts';
import { deepClone, setPath } from './paths.ts';
import { str } from './values.ts';

/** Date & Time: dates are read from ISO text or timestamps (seconds or milliseconds) and written as ISO text. */

const parseDate = (value: unknown, what: string): Date => {
  if (value instanceof Date) return value;
  const numeric =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value.trim())
        ? Number(value)
        : undefined;
  // Timestamps below 10^11 are seconds (that is before 1973 in milliseconds).
  const t = numeric !== undefined ? (Math.abs(numeric) < 1e11 ? numeric * 1000 : numeric) : Date.parse(String(value));
  if (value === undefined || value === null || value === '' || Number.isNaN(t)) {
    throw new NodeError(`${what} ${JSON.stringify(value)} is not a date`);
  }
  return new Date(t);
};

interface Parts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  ms: number;
  weekday: number;
}

const partsIn = (date: Date, timeZone: string): Parts => {
  let f: Intl.DateTimeFormat;
  try {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      weekday: 'short',
    });
  } catch {
    throw new NodeError(`"${timeZone}" is not a time zone`);
  }
  const get = (type: string) => f.formatToParts(date).find((p) => p.type === type)?.value ?? '0';
  return {
    year: Number(get('year')),
    month: Number(get('month')),
    day: Number(get('day')),
    hour: Number(get('hour')),
    minute: Number(get('minute')),
    second: Number(get('second')),
    ms: date.getUTCMilliseconds(),
    weekday: ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].indexOf(get('weekday')),
  };
};

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** Luxon-style tokens: yyyy yy MM M dd d HH H mm ss SSS; text in single quotes is kept as is. */
export const formatDate = (date: Date, format: string, timeZone: string): string => {
  const p = partsIn(date, timeZone);
  const tokens: Record<string, string> = {
    yyyy: String(p.year),
    yy: pad(p.year % 100),
    MM: pad(p.month),
    M: String(p.month),
    dd: pad(p.day),
    d: String(p.day),
    HH: pad(p.hour),
    H: String(p.hour),
    mm: pad(p.minute),
    ss: pad(p.second),
    SSS: pad(p.ms, 3),
  };
  return format.replace(/'([^']*)'|yyyy|yy|MM|M|dd|d|HH|H|mm|ss|SSS/g, (m, literal: string | undefined) =>
    literal !== undefined ? literal : (tokens[m] ?? m),
  );
};

const unitMs: Record<string, number> = {
  milliseconds: 1,
  seconds: 1_000,
  minutes: 60_000,
  hours: 3_600_000,
  days: 86_400_000,
  weeks: 604_800_000,
};

const shift = (date: Date, amount: number, unit: string): Date => {
  const d = new Date(date.getTime());
  if (unit === 'months' || unit === 'quarters' || unit === 'years') {
    const months = amount * (unit === 'months' ? 1 : unit === 'quarters' ? 3 : 12);
    // Jan 31 + 1 month is the last day of February, not March 3 (as Luxon and n8n count).
    const day = d.getUTCDate();
    d.setUTCDate(1);
    d.setUTCMonth(d.getUTCMonth() + months);
    const last = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
    d.setUTCDate(Math.min(day, last));
    return d;
  }
  const ms = unitMs[unit];
  if (ms === undefined) throw new NodeError(`unknown time unit "${unit}"`);
  return new Date(d.getTime() + amount * ms);
};

const roundUnits = ['year', 'month', 'week', 'day', 'hour', 'minute', 'second'] as const;

const roundDate = (date: Date, unit: string, up: boolean): Date => {
  if (!roundUnits.includes(unit as (typeof roundUnits)[number])) throw new NodeError(`unknown unit "${unit}"`);
  const d = new Date(date.getTime());
  const floor = () => {
    if (unit === 'year') d.setUTCMonth(0, 1);
    if (unit === 'month') d.setUTCDate(1);
    if (unit === 'week') d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
    if (['year', 'month', 'week', 'day'].includes(unit)) d.setUTCHours(0, 0, 0, 0);
    if (unit === 'hour') d.setUTCMinutes(0, 0, 0);
    if (unit === 'minute') d.setUTCSeconds(0, 0);
    if (unit === 'second') d.setUTCMilliseconds(0);
  };
  floor();
  if (up && d.getTime() !== date.getTime()) {
    const next = shift(d, 1, unit === 'week' ? 'weeks' : `${unit}s`);
    return next;
  }
  return d;
};

export const dateTime: NodeExecutor = (ctx) => {
  const params = ctx.params();
  return {
    [MAIN]: ctx.items.map((item, i) => {
      const p = params[i] ?? {};
      const zone = str(p.timezone, 'UTC');
      const field = str(p.outputFieldName, 'date');
      let value: unknown;
      switch (p.operation) {
        case 'getCurrentDate': {
          const now = new Date(ctx.meta.now);
          value = p.includeTime === false ? formatDate(now, 'yyyy-MM-dd', zone) : now.toISOString();
          break;
        }
        case 'addToDate':
        case 'subtractFromDate': {
          const base = parseDate(p.magnitude, 'the date');
          const duration = Number(p.duration);
          if (!Number.isFinite(duration))
            throw new NodeError(`the duration ${JSON.stringify(p.duration)} is not a number`);
          value = shift(base, p.operation === 'addToDate' ? duration : -duration, String(p.timeUnit)).toISOString();
          break;
        }
        case 'formatDate':
          value = formatDate(parseDate(p.date, 'the date'), str(p.format, "yyyy-MM-dd'T'HH:mm:ss"), zone);
          break;
        case 'roundDate':
          value = roundDate(parseDate(p.date, 'the date'), String(p.toNearest), p.mode === 'roundUp').toISOString();
          break;
        case 'getTimeBetweenDates': {
          const start = parseDate(p.startDate, 'the start date');
          const end = parseDate(p.endDate, 'the end date');
          const units = String(p.units);
          const diff = end.getTime() - start.getTime();
          if (units === 'months' || units === 'years') {
            const months =
              (end.getUTCFullYear() - start.getUTCFullYear()) * 12 + (end.getUTCMonth() - start.getUTCMonth());
            value = units === 'years' ? Math.trunc(months / 12) : months;
          } else {
            const ms = unitMs[units];
            if (ms === undefined) throw new NodeError(`unknown unit "${units}"`);
            value = diff / ms;
          }
          break;
        }
        case 'extractDate': {
          const parts = partsIn(parseDate(p.date, 'the date'), zone);
          const part = String(p.part);
          const week = Math.ceil(
            ((Date.UTC(parts.year, parts.month - 1, parts.day) - Date.UTC(parts.year, 0, 1)) / 86_400_000 + 1) / 7,
          );
          const byPart: Record<string, number> = {
            year: parts.year,
            month: parts.month,
            week,
            day: parts.day,
            hour: parts.hour,
            minute: parts.minute,
            second: parts.second,
          };
          if (byPart[part] === undefined) throw new NodeError(`unknown part "${part}"`);
          value = byPart[part];
          break;
        }
        default:
          throw new NodeError(`unknown operation "${String(p.operation)}"`);
      }
      // As in n8n, an item has only the output field unless the input's fields are kept.
      const json: JsonObject = p.includeInputFields === true ? deepClone(item.json) : {};
      return { json: setPath(json, field, value) };
    }),
  };
};
