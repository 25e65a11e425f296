import type { Family } from './differ.ts';
import { dateNumbers, dateTexts, itemSet, type JsonItem } from './items.ts';
import type { NodeCase, Params } from './node-case.ts';
import { Rng } from './rng.ts';

/**
 * Date & Time, versions 1 and 2: every operation and option (v2: add,
 * subtract, format with preset and custom Luxon formats and "from format",
 * round down and up, time between in one or several units as an object or
 * ISO text, extract, current date with and without time; v1: format with
 * moment tokens and source/target zones, calculate), in several workflow time
 * zones (with DST), dates as ISO text with and without offsets, epoch seconds
 * and milliseconds (text and numbers), RFC 2822, plain days, Luxon DateTimes
 * from expressions and text that is no date, given literally or read from the
 * items. The clock is pinned in both engines (near DST changes too), so the
 * current date compares exactly.
 */

/** The workflow's zone setting; 'instance' leaves it out (n8n's and Weft's instance zone). */
const ZONES = [
  'instance',
  'UTC',
  'Europe/Berlin',
  'America/New_York',
  'Asia/Kolkata',
  'Australia/Lord_Howe',
  'Pacific/Chatham',
  'America/Sao_Paulo',
  'Asia/Tokyo',
];

/** Instants the clock is pinned at: ordinary ones and ones beside DST changes in the zones above. */
const NOWS = [
  '2026-12-03T10:00:00.123Z',
  '2024-03-31T00:59:59.500Z',
  '2024-03-31T01:00:00.000Z',
  '2024-03-10T06:59:59.999Z',
  '2024-11-03T05:30:00.000Z',
  '2024-10-26T22:15:00.000Z',
  '2024-12-31T23:30:00.000Z',
  '2025-01-01T00:00:00.000Z',
  '2024-02-29T12:00:00.000Z',
];

const LITERAL_DATES = [
  ...dateTexts,
  '2024-01-05',
  '2024-03-10T02:30:00',
  '2024-03-31T02:30:00',
  '2024-10-27T02:30:00+02:00',
  '2024-11-03T01:30:00-04:00',
  '2024-01-15T10:20:30.123+05:30',
  '2024-06-15T23:59:59+14:00',
  '2024-02-29T12:00:00Z',
  '2024-12-30',
  '2021-01-03',
  '2020-12-31T23:00:00-01:00',
  'Mon, 15 Jan 2024 10:20:30 +0100',
  '1705314030',
  '1705314030.5',
  '1705314030000',
  '-86400',
  '0',
  '',
  '2024-13-01',
  '20240115',
  '2024-W03-2',
  '10:20',
];

const EXPRESSION_DATES = [
  '={{ $json.when }}',
  '={{ $json.a }}',
  '={{ $json.b }}',
  '={{ $json.name }}',
  `={{ ${String(dateNumbers[0])} }}`,
  `={{ ${String(dateNumbers[1])} }}`,
  `={{ ${String(dateNumbers[2])} }}`,
  '={{ $now }}',
  '={{ $today }}',
  '={{ $now.minus({ days: 3 }) }}',
  "={{ DateTime.fromISO('2024-06-15T12:00:00') }}",
  "={{ DateTime.fromISO('2024-06-15T12:00:00', { zone: 'America/New_York' }) }}",
  '={{ DateTime.fromMillis(0) }}',
  "={{ $json.when ?? '2024-01-15' }}",
  '={{ null }}',
];

const dateParam = (rng: Rng): unknown => (rng.chance(0.45) ? rng.pick(EXPRESSION_DATES) : rng.pick(LITERAL_DATES));

const LUXON_FORMATS = ['MM/dd/yyyy', 'yyyy/MM/dd', 'MMMM dd yyyy', 'MM-dd-yyyy', 'yyyy-MM-dd', 'X', 'x'];
const CUSTOM_LUXON = [
  'yyyy-MM-dd HH:mm:ss',
  "yyyy-MM-dd'T'HH:mm:ss.SSSZZ",
  'EEEE, d LLLL yyyy h:mm a',
  'kkkk-WW-c',
  'ZZZZ z',
  'o ooo q qq',
  "dd.MM.yy 'um' H:mm",
  'ff',
  'DDDD t',
  'S u',
  '',
];
const MOMENT_FORMATS = [
  'MM/DD/YYYY',
  'YYYY/MM/DD',
  'MMMM DD YYYY',
  'MM-DD-YYYY',
  'YYYY-MM-DD',
  'X',
  'x',
  'YYYY-MM-DD HH:mm:ss Z',
  'dddd, Do MMM YYYY h:mm A z',
  'GGGG-[W]WW-E',
  '',
];
const UNITS = ['year', 'month', 'week', 'day', 'hour', 'minute', 'second', 'millisecond'];
const SHIFT_UNITS = ['years', 'quarters', 'months', 'weeks', 'days', 'hours', 'minutes', 'seconds', 'milliseconds'];
const ROUND_UNITS = ['year', 'month', 'week', 'day', 'hour', 'minute', 'second'];
const DURATIONS: unknown[] = [0, 1, -1, 2, 13, 1.5, 365, -30, '={{ 7 }}', '={{ $json.a }}'];

const v2Operation = (rng: Rng): Params => {
  const options: Params = {};
  const params: Params = {};
  const operation = rng.pick([
    'getCurrentDate',
    'addToDate',
    'subtractFromDate',
    'formatDate',
    'roundDate',
    'getTimeBetweenDates',
    'extractDate',
  ]);
  params.operation = operation;
  const field = rng.chance(0.3) ? { outputFieldName: rng.pick(['out', 'a', 'when', 'x.y', 'date']) } : {};
  switch (operation) {
    case 'getCurrentDate':
      if (rng.chance(0.5)) params.includeTime = rng.chance(0.5);
      if (rng.chance(0.4)) options.timezone = rng.pick(['Europe/Berlin', 'Asia/Kathmandu', 'UTC', 'Not/AZone', '']);
      break;
    case 'addToDate':
    case 'subtractFromDate':
      params.magnitude = dateParam(rng);
      if (rng.chance(0.8)) params.timeUnit = rng.pick(SHIFT_UNITS);
      params.duration = rng.pick(DURATIONS);
      break;
    case 'formatDate':
      params.date = dateParam(rng);
      params.format = rng.chance(0.3) ? 'custom' : rng.pick(LUXON_FORMATS);
      if (params.format === 'custom') params.customFormat = rng.pick(CUSTOM_LUXON);
      if (rng.chance(0.4)) options.timezone = rng.chance(0.8);
      if (rng.chance(0.15)) {
        options.fromFormat = rng.pick(['yyyyMMdd', 'dd/MM/yyyy', 'MM/dd/yyyy', 'yyyy-MM-dd HH:mm:ss', 'X']);
      }
      break;
    case 'roundDate':
      params.date = dateParam(rng);
      params.mode = rng.pick(['roundDown', 'roundUp']);
      if (params.mode === 'roundDown' && rng.chance(0.8)) params.toNearest = rng.pick(ROUND_UNITS);
      if (params.mode === 'roundUp' && rng.chance(0.3)) params.to = 'month';
      break;
    case 'getTimeBetweenDates':
      params.startDate = dateParam(rng);
      params.endDate = dateParam(rng);
      if (rng.chance(0.85)) params.units = rng.shuffle(UNITS).slice(0, 1 + rng.int(rng.chance(0.5) ? 1 : 4));
      if (rng.chance(0.4)) options.isoString = rng.chance(0.7);
      break;
    case 'extractDate':
      params.date = dateParam(rng);
      if (rng.chance(0.85)) params.part = rng.pick(ROUND_UNITS);
      break;
  }
  if (rng.chance(0.4)) options.includeInputFields = rng.chance(0.8);
  return { ...params, ...field, ...(Object.keys(options).length > 0 ? { options } : {}) };
};

const v1Action = (rng: Rng): Params => {
  const value = dateParam(rng);
  const field = rng.chance(0.3) ? { dataPropertyName: rng.pick(['out', 'a', 'when', 'x.y', 'meta.b']) } : {};
  if (rng.chance(0.35)) {
    const options: Params = {};
    if (rng.chance(0.2)) options.fromFormat = rng.pick(['YYYYMMDD', 'DD/MM/YYYY', 'MM/DD/YYYY', '']);
    return {
      action: 'calculate',
      value,
      operation: rng.pick(['add', 'subtract']),
      duration: rng.pick(DURATIONS),
      timeUnit: rng.pick(SHIFT_UNITS),
      ...field,
      ...(Object.keys(options).length > 0 ? { options } : {}),
    };
  }
  const options: Params = {};
  if (rng.chance(0.25)) options.fromFormat = rng.pick(['YYYYMMDD', 'DD/MM/YYYY', 'MM/DD/YYYY HH:mm', '']);
  if (rng.chance(0.3)) options.fromTimezone = rng.pick(['Europe/Berlin', 'America/New_York', 'UTC', 'Asia/Kolkata']);
  if (rng.chance(0.3)) options.toTimezone = rng.pick(['Europe/Berlin', 'Asia/Tokyo', 'UTC', 'America/Los_Angeles']);
  const custom = rng.chance(0.3);
  return {
    ...(rng.chance(0.9) ? { action: 'format' } : {}),
    value,
    ...(custom
      ? { custom: true, toFormat: rng.pick(MOMENT_FORMATS) }
      : rng.chance(0.8)
        ? { toFormat: rng.pick(MOMENT_FORMATS.slice(0, 7)) }
        : {}),
    ...field,
    ...(Object.keys(options).length > 0 ? { options } : {}),
  };
};

const dateItems = (rng: Rng): JsonItem[] =>
  rng.chance(0.5)
    ? Array.from({ length: 1 + rng.int(4) }, () => ({
        when: rng.chance(0.8) ? rng.pick(LITERAL_DATES) : rng.pick(dateNumbers),
        a: rng.pick([1705314030, 1705314030000, '2024-01-05', 'x', null, 3]),
        name: 'n',
      }))
    : itemSet(rng);

export const dateTimeCase = (seed: number): NodeCase => {
  const rng = new Rng(seed);
  const typeVersion = rng.chance(0.75) ? 2 : 1;
  const zone = rng.pick(ZONES);
  return {
    family: 'dateTime',
    seed,
    type: 'dateTime',
    typeVersion,
    parameters: typeVersion === 2 ? v2Operation(rng) : v1Action(rng),
    items: dateItems(rng),
    ...(zone === 'instance' ? {} : { settings: { timezone: zone } }),
    now: Date.parse(rng.pick(NOWS)),
  };
};

/** No options, then each parameter left at its default. */
export const shrinkDateTime = (p: Params): Params[] => {
  const out: Params[] = [];
  if (p.options !== undefined) out.push(Object.fromEntries(Object.entries(p).filter(([k]) => k !== 'options')));
  for (const key of Object.keys(p)) {
    if (['operation', 'action', 'options', 'format', 'customFormat', 'mode', 'custom'].includes(key)) continue;
    out.push(Object.fromEntries(Object.entries(p).filter(([k]) => k !== key)));
  }
  return out;
};

export const dateTimeFamily: Family = {
  name: 'dateTime',
  generate: dateTimeCase,
  shrink: shrinkDateTime,
  key: (c) => {
    const p = c.parameters;
    const zone = typeof c.settings?.timezone === 'string' ? c.settings.timezone : 'instance zone';
    const what =
      c.typeVersion === 1
        ? `v1 ${typeof p.action === 'string' ? p.action : 'format'}`
        : `v2 ${String(p.operation)}${p.operation === 'roundDate' ? ` ${String(p.mode)}` : ''}`;
    return `dateTime ${what} (${zone})`;
  },
};
