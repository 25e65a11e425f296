import type { Family } from './differ.ts';
import { itemSet } from './items.ts';
import type { NodeCase, Params } from './node-case.ts';
import { Rng } from './rng.ts';

/**
 * Wait 1 and 1.1 as Weft runs them: after a time interval (every unit, with
 * amounts that keep each case under ~50 ms: n8n waits in its own process below
 * 65 s) and at a specified time (moments already past, and texts that are no
 * date), as literals and expressions, including the amounts and units n8n
 * refuses (negative, text, an unknown unit). The items and their pairing must
 * come through unchanged. Resuming on a webhook call or a form is refused at
 * import (the importer's tests check the warning names it), so it is not here.
 */

const VERSIONS = [1, 1.1];
const UNITS = ['seconds', 'minutes', 'hours', 'days'];

/** Amounts per unit that wait at most ~20 ms. */
const smallAmounts: Record<string, readonly unknown[]> = {
  seconds: [0, 0.005, 0.02, '={{ 0.01 }}', '={{ $input.all().length > 2 ? 0.01 : 0 }}'],
  minutes: [0, 0.0002, '={{ 0.0001 }}'],
  hours: [0, 0.000005],
  days: [0, 0.0000002],
};
/** What n8n refuses: "Invalid wait amount. Please enter a number that is 0 or greater." */
const badAmounts = [-1, '', '0.01', '={{ "0.01" }}', '={{ null }}', '={{ $json.missing }}', '={{ -0.5 }}'];

const pastTimes = [
  '2020-01-01T00:00:00Z',
  '2020-01-01T00:00:00',
  '2020-01-01 10:00:00',
  '2020-01-01',
  'Wed, 01 Jan 2020 10:00:00 GMT',
  '={{ $now.minus({ days: 1 }).toISO() }}',
  '={{ $now.minus({ days: 1 }) }}',
  '={{ DateTime.fromISO("2021-06-01T12:00:00+02:00") }}',
  'not a date',
  '',
  '={{ 1577836800000 }}',
];

export const waitParameters = (rng: Rng, version: number): Params => {
  if (rng.chance(0.25)) return { resume: 'specificTime', dateTime: rng.pick(pastTimes) };
  const p: Params = {};
  if (rng.chance(0.5)) p.resume = 'timeInterval';
  const bad = rng.chance(0.2);
  // A refused amount is tried in seconds: an engine that took "0.01" as days would wait 14 minutes.
  const unit = bad ? 'seconds' : rng.pick(UNITS);
  // Wait 1 defaults to hours: the unit is always written there, so a case never waits an hour.
  if (version < 1.1 || unit !== 'seconds' || rng.chance(0.5)) p.unit = rng.chance(0.05) ? '={{ "weeks" }}' : unit;
  p.amount = bad ? rng.pick(badAmounts) : rng.pick(smallAmounts[unit] ?? [0]);
  return p;
};

export const waitCase = (seed: number): NodeCase => {
  const rng = new Rng(seed);
  const typeVersion = rng.pick(VERSIONS);
  return {
    family: 'wait',
    seed,
    type: 'wait',
    typeVersion,
    parameters: waitParameters(rng, typeVersion),
    items: itemSet(rng).slice(0, 50),
  };
};

export const waitFamily: Family = {
  name: 'wait',
  generate: waitCase,
  // The parameters are few: nothing to leave out that keeps a case meaningful.
  shrink: () => [],
  key: (c) => {
    const p = c.parameters;
    if (p.resume === 'specificTime') return `wait until ${JSON.stringify(p.dateTime)}`;
    const amount = typeof p.amount === 'number' && p.amount >= 0 ? 'small' : JSON.stringify(p.amount);
    return `wait ${amount} ${JSON.stringify(p.unit ?? 'default unit')}`;
  },
  coverage: () => ({
    'type versions': VERSIONS.map(String),
    resume: ['timeInterval', 'specificTime'],
    units: UNITS,
  }),
};
