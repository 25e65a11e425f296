import { describe, expect, it } from 'vitest';
import { definition, edge, node, run } from '../../test/harness.ts';

/**
 * Date & Time gives n8n 2.41's outputs (the differential family dateTime is
 * the broad proof): each case names the n8n behaviour it pins down.
 */

const NOW = Date.parse('2024-03-31T00:59:59.500Z');

const runDate = async (
  parameters: Record<string, unknown>,
  items: Record<string, unknown>[] = [{}],
  timezone?: string,
) => {
  const def = definition({
    name: 'dates',
    nodes: [node('Start', 'manualTrigger'), node('Dates', 'dateTime', parameters)],
    edges: [edge('Start', 'Dates')],
    ...(timezone ? { settings: { timezone } } : {}),
  });
  const result = await run(def, { triggerItems: items.map((json) => ({ json })), now: () => NOW });
  const r = result.runs.find((x) => x.name === 'Dates');
  return { error: r?.error, items: (r?.output.main ?? []).map((i) => i.json) };
};

describe('Date & Time (n8n 2)', () => {
  it("takes the current date in the workflow's zone, and midnight without the time", async () => {
    // n8n: DateTime.now().setZone(zone).toString(), or .startOf('day') — a DST morning in Berlin.
    expect((await runDate({ operation: 'getCurrentDate' }, [{}], 'Europe/Berlin')).items).toEqual([
      { currentDate: '2024-03-31T01:59:59.500+01:00' },
    ]);
    expect(
      (await runDate({ operation: 'getCurrentDate', includeTime: false, timezone: 'Asia/Kolkata' }, [{}])).items,
    ).toEqual([{ currentDate: '2024-03-31T00:00:00.000+05:30' }]);
  });

  it('rounds up to the start of the next unit even on a boundary, in the workflow zone', async () => {
    // n8n: date.plus({ [to]: 1 }).startOf(to).
    const { items } = await runDate(
      { operation: 'roundDate', date: '2024-03-01T00:00:00+01:00', mode: 'roundUp', to: 'month' },
      [{}],
      'Europe/Berlin',
    );
    expect(items).toEqual([{ roundedDate: '2024-04-01T00:00:00.000+02:00' }]);
  });

  it('gives the time between dates in several units as an object or ISO text', async () => {
    const p = { operation: 'getTimeBetweenDates', startDate: '2024-01-01', endDate: '2024-03-15T12:00:00Z' };
    expect((await runDate({ ...p, units: 'month,day,hour' })).items).toEqual([
      { timeDifference: { months: 2, days: 14, hours: 12 } },
    ]);
    expect((await runDate({ ...p, units: 'week', isoString: true })).items).toEqual([
      { timeDifference: 'P10.642857142857142W' },
    ]);
  });

  it('reads ten digits as epoch seconds and a "+hh" offset as a whole-hour zone when formatting', async () => {
    // n8n's parseDate: fewer than 12 digits are seconds; "+05:30" puts the date in Etc/GMT-5.
    expect((await runDate({ operation: 'formatDate', date: '1705314030', format: 'yyyy-MM-dd HH:mm' })).items).toEqual([
      { formattedDate: '2024-01-15 10:20' },
    ]);
    expect(
      (await runDate({ operation: 'formatDate', date: '2024-01-15T10:20:30+05:30', format: 'HH:mm ZZ' })).items,
    ).toEqual([{ formattedDate: '09:50 +05:00' }]);
  });

  it('keeps the zone of a DateTime an expression gives, and reads a missing value as now', async () => {
    const { items } = await runDate(
      {
        operation: 'addToDate',
        magnitude: "={{ DateTime.fromISO('2024-06-15T12:00:00', { zone: 'America/New_York' }) }}",
        duration: 1,
        timeUnit: 'days',
      },
      [{}],
      'Asia/Tokyo',
    );
    expect(items).toEqual([{ newDate: '2024-06-16T12:00:00.000-04:00' }]);
    // moment(undefined) is the current time in n8n's parseDate.
    const missing = await runDate(
      { operation: 'extractDate', date: '={{ $json.nothing }}', part: 'hour' },
      [{}],
      'UTC',
    );
    expect(missing.items).toEqual([{ datePart: 0 }]);
  });

  it('fails on text that is no date', async () => {
    expect((await runDate({ operation: 'extractDate', date: 'someday' })).error).toMatch(/Invalid date format/);
  });
});

describe('Date & Time (n8n 1)', () => {
  it('formats with moment tokens between zones, under the field name as given', async () => {
    // n8n 1: moment.tz(value, fromTimezone).tz(toTimezone).format(toFormat); lodash set with ['json', name].
    const { items } = await runDate({
      operation: 'formatV1',
      value: '2024-07-01 09:00',
      fromTimezone: 'Europe/Berlin',
      toTimezone: 'Asia/Tokyo',
      toFormat: 'YYYY-MM-DD HH:mm z',
      dataPropertyName: 'a.b',
    });
    expect(items).toEqual([{ 'a.b': '2024-07-01 16:00 JST' }]);
  });

  it('leaves out an item whose date is missing, and fails on one moment cannot read', async () => {
    const r = await runDate({ operation: 'formatV1', value: '={{ $json.when }}' }, [{}, { when: 1705314030 }]);
    expect(r.items).toEqual([{ when: 1705314030, data: '01/15/2024' }]);
    expect((await runDate({ operation: 'formatV1', value: 'not a date' })).error).toMatch(/could not be recognized/);
  });

  it('adds and subtracts as moment does, written as UTC ISO text', async () => {
    const { items } = await runDate({
      operation: 'calculateV1',
      value: '2024-01-31T10:00:00+02:00',
      calculation: 'add',
      duration: 1,
      timeUnit: 'months',
    });
    expect(items).toEqual([{ data: '2024-02-29T08:00:00.000Z' }]);
  });
});

describe("the server's zone", () => {
  it("is the zone of a workflow without one of its own (n8n's DEFAULT)", async () => {
    const def = definition({
      name: 'no zone',
      nodes: [node('Start', 'manualTrigger'), node('Dates', 'dateTime', { operation: 'getCurrentDate' })],
      edges: [edge('Start', 'Dates')],
    });
    const result = await run(def, { triggerItems: [{ json: {} }], now: () => NOW, defaultTimezone: 'Asia/Kolkata' });
    expect(result.runs.find((r) => r.name === 'Dates')?.output.main?.[0]?.json).toEqual({
      currentDate: '2024-03-31T06:29:59.500+05:30',
    });
  });
});

describe('the clock', () => {
  it("is the run's for moment too: a format without a year takes the run's year", async () => {
    // n8n 1: moment('10:20', 'MM/DD/YYYY HH:mm') fills the year in from the current date.
    const { items } = await runDate({ operation: 'formatV1', value: '10:20', fromFormat: 'MM/DD/YYYY HH:mm' });
    expect(items).toEqual([{ data: '10/20/2024' }]);
  });
});
