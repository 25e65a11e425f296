import { DateTime, type DateTimeUnit, type DurationLikeObject } from 'luxon';
import type { JsonObject } from '#shared/runs/items.ts';
import { NodeError } from '../runner/types.ts';
import { moment } from './date-time-moment.ts';
import { str } from './values.ts';

/**
 * Date & Time as n8n's version 2 computes it, with Luxon (the engine's Node
 * copy, with Node's Intl and its zones) and moment for reading text, step by
 * step as n8n's node does, quirks included: n8n's users see these values.
 */

/** A parameter value as n8n's code has it: any JSON value (or nothing) from the document or an expression. */
type Raw = unknown;

const typeError = (what: string): NodeError => new NodeError(`Cannot read the date: ${what} is not a function`);

/** `value.includes('+')` as JavaScript answers it for the types a parameter can hold. */
const includesPlus = (value: Raw): boolean => {
  if (typeof value === 'string' || Array.isArray(value)) return value.includes('+');
  throw typeError('date.includes');
};

/**
 * n8n's `parseDate`: numbers (and numeric text) are epoch seconds below 12
 * digits, else milliseconds (fractions are seconds); text is read by moment
 * unless a Luxon format is given. Without a zone, text with a "+hh" offset is
 * put in that whole-hour zone (Etc/GMT-hh), anything else in UTC. Only text
 * that cannot be read fails; a zone Luxon does not know gives an invalid
 * DateTime, which prints as "Invalid DateTime".
 */
export const parseDateV2 = (
  input: Raw,
  options: { timezone?: string; fromFormat?: string; defaultZone: string; now: number },
): DateTime => {
  if (DateTime.isDateTime(input)) return input;
  let date = input;
  if (!Number.isNaN(Number(date)) && !options.fromFormat) {
    date = Number(date);
    if (!Number.isInteger(date)) date = (date as number) * 1000;
  }
  let timezone = options.timezone;
  let parsed: DateTime;
  if (typeof date === 'number' && Number.isInteger(date)) {
    parsed = String(date).length < 12 ? DateTime.fromSeconds(date) : DateTime.fromMillis(date);
  } else {
    if (!timezone && includesPlus(date)) {
      if (typeof date !== 'string') throw typeError('date.split');
      const offset = (date.split('+')[1] ?? '').slice(0, 2);
      timezone = `Etc/GMT-${Number(offset)}`;
    }
    if (options.fromFormat) {
      // n8n reads the text in Luxon's default zone, which its expressions set to the workflow's zone.
      parsed = DateTime.fromFormat(String(date), options.fromFormat, { zone: options.defaultZone });
    } else {
      // moment(undefined) is the current time: the run's clock. Text moment cannot read gives null for an
      // ISO string, which Luxon reports unparsable (as "null" does).
      const read = moment(date === undefined ? options.now : date);
      parsed = DateTime.fromISO(read.isValid() ? read.toISOString() : 'null');
    }
  }
  parsed = parsed.setZone(timezone || 'Etc/UTC');
  if (parsed.invalidReason === 'unparsable') throw new NodeError('Invalid date format');
  return parsed;
};

/** What Luxon's `toString` gives: ISO text, or "Invalid DateTime". */
const text = (d: DateTime): string => d.toString();

export interface V2Params {
  operation: string;
  workflowZone: string;
  now: number;
  p: JsonObject;
}

/** Luxon's units as n8n passes them: any text, which Luxon checks (and throws on) itself. */
const unit = (value: Raw, fallback: string): DateTimeUnit =>
  (typeof value === 'string' ? value : fallback) as DateTimeUnit;

const units = (value: Raw): DateTimeUnit[] | DateTimeUnit => {
  if (Array.isArray(value)) return value.map((u) => String(u) as DateTimeUnit);
  const t = typeof value === 'string' ? value : 'day';
  return t.includes(',') ? (t.split(',').map((u) => u.trim()) as DateTimeUnit[]) : (t as DateTimeUnit);
};

/** Luxon errors (an unknown unit, a bad duration) become the node's error, as n8n wraps them. */
const luxon = <T>(f: () => T): T => {
  try {
    return f();
  } catch (e) {
    if (e instanceof NodeError) throw e;
    throw new NodeError(e instanceof Error ? e.message : String(e));
  }
};

export const dateTimeV2 = ({ operation, workflowZone, now, p }: V2Params): unknown =>
  luxon(() => {
    const parse = (value: Raw) => parseDateV2(value, { timezone: workflowZone, defaultZone: workflowZone, now });
    switch (operation) {
      case 'getCurrentDate': {
        const zone = typeof p.timezone === 'string' && p.timezone !== '' ? p.timezone : workflowZone;
        const current = DateTime.fromMillis(now).setZone(zone);
        if (current.invalidReason === 'unsupported zone')
          throw new NodeError(`The timezone ${zone} is not valid. Please check the timezone.`);
        return text(p.includeTime === false ? current.startOf('day') : current);
      }
      case 'addToDate':
      case 'subtractFromDate': {
        const shift = { [unit(p.timeUnit, 'days')]: p.duration } as DurationLikeObject;
        const base = parse(p.magnitude);
        return text(operation === 'addToDate' ? base.plus(shift) : base.minus(shift));
      }
      case 'formatDate': {
        if (p.date === null || p.date === undefined) return p.date;
        const fromFormat = typeof p.fromFormat === 'string' && p.fromFormat !== '' ? p.fromFormat : undefined;
        const parsed = parseDateV2(p.date, {
          // n8n's "Use workflow timezone" option: on, the date is shown in the workflow's zone; off, in UTC.
          ...(p.useWorkflowTimezone === true ? { timezone: workflowZone } : {}),
          ...(fromFormat ? { fromFormat } : {}),
          defaultZone: workflowZone,
          now,
        });
        return parsed.toFormat(str(p.format));
      }
      case 'roundDate': {
        const parsed = parse(p.date);
        if (p.mode === 'roundUp') {
          const to = unit(p.to, 'month');
          return text(parsed.plus({ [to]: 1 }).startOf(to));
        }
        if (p.mode === 'roundDown') return text(parsed.startOf(unit(p.toNearest, 'month')));
        return undefined;
      }
      case 'getTimeBetweenDates': {
        const start = parse(p.startDate);
        const end = parse(p.endDate);
        const duration = end.diff(start, units(p.units));
        return p.isoString === true ? duration.toString() : duration.toObject();
      }
      case 'extractDate': {
        const parsed = parse(p.date);
        const part = unit(p.part, 'month');
        return part === ('week' as DateTimeUnit) ? parsed.weekNumber : parsed.get(part as keyof DateTime);
      }
      default:
        throw new NodeError(`unknown operation "${operation}"`);
    }
  });
