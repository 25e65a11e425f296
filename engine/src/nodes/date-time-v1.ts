import { DateTime } from 'luxon';
import type { JsonObject } from '#shared/runs/items.ts';
import { NodeError } from '../runner/types.ts';
import { moment, momentWithZones } from './date-time-moment.ts';

/**
 * Date & Time as n8n's version 1 computes it, with moment-timezone: "format"
 * (moment's tokens, optional source and target zones) and "calculate" (add or
 * subtract, written as UTC ISO text). Step by step as n8n's node, quirks
 * included: numbers below 12 digits are seconds, the workflow's zone stands in
 * for a missing source or target zone.
 */

type Raw = unknown;

const NO_DATE = Symbol('the item is left out');

const text = (value: Raw): string => (typeof value === 'string' ? value : '');

/** The formatted date, or NO_DATE where n8n skips the item (the date resolved to nothing). */
export const formatV1 = (p: JsonObject, workflowZone: string): string | typeof NO_DATE => {
  let current: Raw = p.value instanceof DateTime ? p.value.toISO() : p.value;
  if (!Number.isNaN(Number(current))) {
    current = Number(current);
    if (!Number.isInteger(current)) current = (current as number) * 1000;
  }
  if (current === undefined) return NO_DATE;
  const input = current as moment.MomentInput;
  const fromFormat = typeof p.fromFormat === 'string' ? p.fromFormat : undefined;
  // n8n checks only while no "From Format" option is set at all: an empty one lets "Invalid date" through.
  if (!fromFormat && p.invalidAsText !== true && !moment(input).isValid())
    throw new NodeError('The date input format could not be recognized. Please set the "From Format" field');
  const fromZone = text(p.fromTimezone);
  const toZone = text(p.toTimezone);
  let date: moment.Moment;
  if (typeof current === 'number' && Number.isInteger(current)) {
    date = String(current).length < 12 ? moment.unix(current) : moment(current);
  } else if (fromZone || toZone) {
    const tz = momentWithZones().tz;
    // Whatever the value is, as n8n hands it over (moment reads numbers and arrays too).
    date = fromFormat ? tz(input as string, fromFormat, fromZone || workflowZone) : tz(input, fromZone || workflowZone);
  } else {
    date = fromFormat ? moment(input, fromFormat) : moment(input);
  }
  if (fromZone || toZone) {
    momentWithZones();
    date = date.tz(toZone || workflowZone);
  }
  return date.format(text(p.toFormat));
};

export const calculateV1 = (p: JsonObject): string => {
  const fromFormat = typeof p.fromFormat === 'string' ? p.fromFormat : '';
  let date: moment.Moment;
  if (fromFormat) {
    date = moment(p.value as moment.MomentInput, fromFormat, true);
    if (!moment(date).isValid())
      throw new NodeError('Date input cannot be parsed. Please recheck the value and the "From Format" field.');
  } else {
    let iso: string;
    try {
      iso = new Date(p.value as string | number).toISOString();
    } catch {
      throw new NodeError('Unrecognized date input. Please specify a format in the "From Format" field.');
    }
    date = moment(iso);
  }
  const amount = p.duration as moment.DurationInputArg1;
  const unitOf = p.timeUnit as moment.unitOfTime.DurationConstructor;
  if (p.calculation === 'subtract') date.subtract(amount, unitOf);
  else date.add(amount, unitOf);
  return date.toISOString();
};

export { NO_DATE };
