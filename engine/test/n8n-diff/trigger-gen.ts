import type { Family } from './differ.ts';
import type { NodeCase, Params } from './node-case.ts';
import { Rng } from './rng.ts';

/**
 * The triggers Weft imports, run by hand as both engines start a run (the
 * start node gets one empty item): the Schedule Trigger 1 to 1.4 writes n8n's
 * tick item (timestamp, readable date and time, the parts, the zone) for a
 * frozen clock in the workflow's time zone, over its kinds of rules; the
 * Manual Trigger hands on the empty item. Rules n8n refuses when the trigger
 * starts: intervals out of range (1.3+, any rule) and cron expressions its
 * cron library cannot use (the first rule's, by hand). (The Webhook's item is built by
 * Weft's server from the request, outside the engine: not here yet.)
 */

const SCHEDULE_VERSIONS = [1, 1.1, 1.2, 1.3, 1.4];

const ZONES = [
  '(none)',
  'DEFAULT',
  'UTC',
  'Europe/Berlin',
  'America/New_York',
  'America/St_Johns',
  'Asia/Kolkata',
  'Asia/Kathmandu',
  'Australia/Lord_Howe',
  'Pacific/Chatham',
  'Pacific/Kiritimati',
  'America/Sao_Paulo',
];

/** Moments that exercise the formats: ordinals (1st, 2nd, 3rd, 11th–13th, 21st…), 12 am/pm, DST changes, old and far years. */
const clock = (rng: Rng): number => {
  const fixed = [
    Date.UTC(2026, 11, 3, 11, 8, 23, 191),
    Date.UTC(2026, 2, 29, 0, 59, 59, 999),
    Date.UTC(2026, 2, 29, 1, 0, 0, 0),
    Date.UTC(2026, 9, 25, 0, 30, 0, 5),
    Date.UTC(2026, 10, 1, 6, 0, 0, 0),
    Date.UTC(2000, 0, 1, 0, 0, 0, 0),
    Date.UTC(1999, 11, 31, 23, 59, 59, 999),
    Date.UTC(2024, 1, 29, 12, 0, 0, 0),
    Date.UTC(1970, 0, 1, 0, 0, 0, 0),
    Date.UTC(2099, 5, 15, 18, 45, 3, 40),
  ];
  if (rng.chance(0.4)) return rng.pick(fixed);
  return Date.UTC(
    1990 + rng.int(80),
    rng.int(12),
    1 + rng.int(28),
    rng.int(24),
    rng.int(60),
    rng.int(60),
    rng.int(1000),
  );
};

/** Cron expressions n8n's cron library takes (names, lists, steps, presets, six fields) and refuses. */
const CRONS = ['0 9 * * 1-5', '*/5 * * * *', '0 0 1 * *', '0 9 * * MON-FRI', '@daily', '*/75 * * * *', '0/5 * * * *'];
const BAD_CRONS = ['not a cron', '* * *', '', '60 * * * *', '0 0 31 2 *', '0 0 L * *', '* * * * * * *', '*/0 * * * *'];

/**
 * Interval amounts out of n8n 1.3's ranges (validateInterval refuses them on every rule; older versions never
 * check): 0, negative, too large, text of a number out of range.
 */
const outOfRange = (rng: Rng): Params => {
  const amount = (max: number) => rng.pick([0, -1, max + 1, 100, String(max + 5)]);
  switch (rng.int(5)) {
    case 0:
      return { field: 'seconds', secondsInterval: amount(59) };
    case 1:
      return { field: 'minutes', minutesInterval: amount(59) };
    case 2:
      return { field: 'hours', hoursInterval: amount(23), triggerAtMinute: rng.int(60) };
    case 3:
      return { field: 'days', daysInterval: amount(31) };
    default:
      return { field: 'months', monthsInterval: rng.pick([0, -2]), triggerAtDayOfMonth: 1 + rng.int(28) };
  }
};

const rule = (rng: Rng): Params => {
  if (rng.chance(0.12)) return outOfRange(rng);
  if (rng.chance(0.1)) return { field: 'cronExpression', expression: rng.pick(BAD_CRONS) };
  switch (rng.int(7)) {
    case 0:
      return { field: 'seconds', secondsInterval: 1 + rng.int(59) };
    case 1:
      return { field: 'minutes', minutesInterval: 1 + rng.int(59) };
    case 2:
      return { field: 'hours', hoursInterval: 1 + rng.int(23), triggerAtMinute: rng.int(60) };
    case 3:
      return { field: 'weeks', triggerAtDay: [rng.int(7)], triggerAtHour: rng.int(24) };
    case 4:
      return { field: 'months', triggerAtDayOfMonth: 1 + rng.int(28) };
    case 5:
      return { field: 'cronExpression', expression: rng.pick(CRONS) };
    default:
      return {};
  }
};

export const triggerCase = (seed: number): NodeCase => {
  const rng = new Rng(seed);
  const zone = rng.pick(ZONES);
  const base = { family: 'triggers', seed, items: [], triggerUnderTest: true, now: clock(rng) };
  const settings = zone === '(none)' ? {} : { settings: { timezone: zone } };
  if (rng.chance(0.15)) return { ...base, ...settings, type: 'manualTrigger', typeVersion: 1, parameters: {} };
  const interval = Array.from({ length: 1 + rng.int(2) }, () => rule(rng));
  return {
    ...base,
    ...settings,
    type: 'scheduleTrigger',
    typeVersion: rng.pick(SCHEDULE_VERSIONS),
    parameters: rng.chance(0.1) ? {} : { rule: { interval } },
  };
};

export const triggerFamily: Family = {
  name: 'triggers',
  generate: triggerCase,
  shrink: () => [],
  key: (c) => `${c.type} ${JSON.stringify(c.settings?.timezone ?? 'no zone')}`,
  coverage: () => ({
    'node types': ['scheduleTrigger', 'manualTrigger'],
    'schedule versions': SCHEDULE_VERSIONS.map(String),
    'time zones': ZONES,
    'cron expressions': [...CRONS, ...BAD_CRONS],
  }),
};
