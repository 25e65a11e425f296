import { DateTime, Duration, Interval, Settings } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXPRESSION } from '#shared/sandbox/function-source.ts';
import { Sandbox } from '#shared/sandbox/sandbox.ts';
import { createSandbox } from '../../src/sandbox/node-host.ts';

/**
 * Luxon inside the sandbox against Luxon in Node with its full Intl (the
 * reference: n8n runs the same Luxon on Node). Seeded cases across DST
 * transitions in many zones: an instant, a zone, an operation and a format,
 * each evaluated in both, compared as JSON.
 */

const SEED = Number(process.env.WEFT_TIME_SEED ?? 20261203);
const CASES = 400;

/** mulberry32: small, seeded, the same sequence everywhere. */
const random = (seed: number) => {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};

interface Lib {
  DateTime: typeof DateTime;
  Duration: typeof Duration;
  Interval: typeof Interval;
}

/**
 * Operations on a DateTime `dt` (made in the case's zone) with `z` another
 * zone and `n` a number; each runs as it is in Node and, as its source text,
 * inside the sandbox.
 */
const OPS: ((dt: DateTime, L: Lib, z: string, n: number, f: string) => unknown)[] = [
  (dt, _L, _z, _n, f) => dt.toFormat(f),
  (dt) => [dt.toISO(), dt.offset, dt.isInDST, dt.zoneName, dt.isValid],
  (dt, _L, _z, n, f) => dt.plus({ hours: n }).toFormat(f),
  (dt, _L, _z, n) => dt.minus({ days: n }).toISO(),
  (dt, _L, _z, n) => dt.plus({ months: n, minutes: n * 7 }).toISO(),
  (dt, _L, z, _n, f) => dt.setZone(z).toFormat(f),
  (dt, _L, z) => dt.setZone(z, { keepLocalTime: true }).toISO(),
  (dt) => [dt.startOf('day').toISO(), dt.endOf('day').toISO(), dt.startOf('week').toISO(), dt.startOf('month').toISO()],
  (dt) => [dt.startOf('hour').toMillis(), dt.endOf('year').toISO(), dt.startOf('quarter').toISO()],
  (dt, _L, _z, n) => dt.set({ hour: n % 24, minute: 30 }).toISO(),
  (dt) => [dt.weekNumber, dt.weekYear, dt.weekday, dt.ordinal, dt.daysInMonth, dt.quarter, dt.offsetNameShort],
  (dt, L) => L.DateTime.fromISO(dt.toISO({ includeOffset: false }) ?? '').toISO(),
  (dt, L, z) => L.DateTime.fromISO(dt.toFormat("yyyy-MM-dd'T'HH:mm"), { zone: z }).toISO(),
  (dt, L) => L.DateTime.fromObject({ year: dt.year, month: dt.month, day: dt.day, hour: dt.hour, minute: 15 }).toISO(),
  (dt, L, z) => L.DateTime.fromFormat(dt.toFormat('dd/MM/yyyy HH:mm'), 'dd/MM/yyyy HH:mm', { zone: z }).toISO(),
  (dt, L) => L.DateTime.fromSQL(dt.toSQL() ?? '').toMillis(),
  (dt, L, _z, n) =>
    dt.diff(L.DateTime.fromMillis(0), ['years', 'months', 'days', 'hours']).plus({ minutes: n }).toObject(),
  (dt, _L, z, n) => dt.diff(dt.setZone(z).plus({ days: n, hours: 3 }), 'hours').hours,
  (dt, L, _z, n) => L.Interval.fromDateTimes(dt, dt.plus({ days: n, hours: n })).length('hours'),
  (dt, L, _z, n) => L.Interval.after(dt, { weeks: n }).toDuration(['days', 'hours']).toObject(),
  (dt, L, _z, n) => L.Interval.before(dt, { hours: n * 5 }).splitBy({ hours: 7 }).length,
  (dt, L) => L.Interval.fromDateTimes(dt.startOf('month'), dt.endOf('month')).count('days'),
  (dt, L, _z, n) => L.Duration.fromObject({ hours: n, minutes: 90 }).shiftTo('days', 'hours', 'minutes').toObject(),
  (_dt, L, _z, n) => [
    L.Duration.fromMillis(n * 3_600_123).toFormat('hh:mm:ss.SSS'),
    L.Duration.fromISO('P1DT2H').as('minutes'),
  ],
  (dt, L, _z, n) => [
    L.Duration.fromObject({ days: -n, hours: n, minutes: 0.5 }).as('milliseconds'),
    L.Duration.fromObject({ years: 1, months: -n, weeks: n, quarters: 1 }).as('milliseconds'),
    L.Duration.fromObject({ days: n }, { conversionAccuracy: 'longterm' }).as('milliseconds'),
    dt.diff(dt.minus({ days: n, seconds: n })).as('milliseconds'),
    dt.minus({ days: 0 }).toMillis() - dt.toMillis(),
  ],
  (dt, _L, _z, n) => dt.hasSame(dt.plus({ hours: n }), 'day'),
  (dt, L, _z, n) => dt.toRelative({ base: dt.plus({ days: n }) }),
  (dt, _L, _z, _n, f) => dt.toUTC().toFormat(f),
  (dt) => [dt.toSeconds(), dt.toUnixInteger(), dt.toISODate(), dt.toISOTime(), dt.toSQL(), dt.toJSON()],
];

const FORMATS = [
  'yyyy-MM-dd HH:mm',
  'yyyy-MM-dd HH:mm:ss.SSS ZZ',
  'EEEE, MMMM d, yyyy h:mm a',
  'ccc LLL dd yy',
  'EEE d MMM HH:mm ZZZ',
  'Z z',
  'ZZZZ',
  "kkkk-'W'WW-c",
  'q o',
  'X x',
  'G GG',
  "yyyy-MM-dd'T'HH:mm:ssZZ",
  'h:mm:ss a',
  'M/d/yyyy',
];

// Node is the reference only where both know the same rules. These zones' offsets differ between Node 20's ICU
// (tz 2025c) and the sandbox's data (tz 2026f, moment-timezone 0.6.6), found by sampling 1900–2060 every ~5 days:
// rule changes announced since (Morocco from Sep 2026; Alberta, British Columbia, Manitoba, the Northwest
// Territories and Cuba from Nov 2026) and corrections of single past transitions (Tehran 1979, Dublin 1925,
// Chisinau 2037).
const NOT_COMPARED = new Set([
  'Africa/Casablanca',
  'Africa/El_Aaiun',
  'America/Edmonton',
  'America/Havana',
  'America/Inuvik',
  'America/Vancouver',
  'America/Winnipeg',
  'Asia/Tehran',
  'Europe/Chisinau',
  'Europe/Dublin',
]);

/** Instants where a zone's offset changes in `year` (to the minute), found with Node's Luxon. */
const transitions = (zone: string, year: number): number[] => {
  const found: number[] = [];
  const offsetAt = (ms: number) => DateTime.fromMillis(ms, { zone }).offset;
  let t = Date.UTC(year, 0, 1);
  const end = Date.UTC(year + 1, 0, 1);
  let before = offsetAt(t);
  for (; t < end; t += 86_400_000) {
    const after = offsetAt(t + 86_400_000);
    if (after !== before) {
      let lo = t;
      let hi = t + 86_400_000;
      while (hi - lo > 60_000) {
        const mid = lo + Math.floor((hi - lo) / 120_000) * 60_000;
        if (offsetAt(mid) === before) lo = mid;
        else hi = mid;
      }
      found.push(hi);
      before = after;
    }
  }
  return found;
};

interface Case {
  ts: number;
  zone: string;
  other: string;
  op: number;
  n: number;
  format: string;
}

const makeCases = (zones: string[]): Case[] => {
  const next = random(SEED);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)] as T;
  const cases: Case[] = [];
  for (let i = 0; i < CASES; i++) {
    const zone = pick(zones);
    const year = 1970 + Math.floor(next() * 68);
    let ts = Date.UTC(year, 0, 1) + Math.floor(next() * 365 * 86_400_000);
    // Most cases sit within two hours of a transition: the gaps and overlaps are where zones go wrong.
    const near = transitions(zone, year);
    if (near.length > 0 && next() < 0.75) ts = pick(near) + Math.floor((next() - 0.5) * 4 * 3_600_000);
    cases.push({
      ts,
      zone,
      other: pick(zones),
      op: Math.floor(next() * OPS.length),
      n: 1 + Math.floor(next() * 40),
      format: pick(FORMATS),
    });
  }
  return cases;
};

const outcome = (run: () => unknown): unknown => {
  try {
    return JSON.parse(JSON.stringify({ v: run() ?? null })) as unknown;
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
};

describe('Luxon in the sandbox', () => {
  let sandbox: Sandbox;
  const scopeFor = (zone: string, now = 0) => ({ metaText: '{"workflow":{},"execution":{}}', now, zone });
  const evaluate = (code: string, zone: string, now = 0): unknown => {
    const id = sandbox.compile(EXPRESSION, code, 'time-test', true);
    const [[result]] = JSON.parse(
      sandbox.evaluate([id], JSON.stringify({ items: [{ json: {} }], refs: {} }), scopeFor(zone, now)),
    ) as [[{ v?: unknown; e?: { message: string } }]];
    return result.e ? { error: result.e.message } : { v: result.v ?? null };
  };

  beforeAll(async () => {
    sandbox = await createSandbox();
    Settings.defaultLocale = 'en-US';
  });
  afterAll(() => {
    sandbox.dispose();
    Settings.defaultZone = 'system';
    Settings.defaultLocale = null as unknown as string;
  });

  it(`gives Node's Luxon results for ${CASES} seeded cases across DST transitions (seed ${SEED})`, () => {
    const inSandbox = (zone: string) =>
      evaluate(`DateTime.fromMillis(0, { zone: ${JSON.stringify(zone)} }).isValid`, zone);
    const zones = Intl.supportedValuesOf('timeZone').filter(
      (z) => !NOT_COMPARED.has(z) && (inSandbox(z) as { v: unknown }).v === true,
    );
    expect(zones.length).toBeGreaterThan(300);
    const mismatches: string[] = [];
    for (const c of makeCases(zones)) {
      const op = OPS[c.op];
      if (!op) throw new Error(`no operation ${c.op}`);
      Settings.defaultZone = c.zone;
      const expected = outcome(() =>
        op(DateTime.fromMillis(c.ts, { zone: c.zone }), { DateTime, Duration, Interval }, c.other, c.n, c.format),
      );
      const args = [c.other, c.n, c.format].map((a) => JSON.stringify(a)).join(', ');
      const code = `(${op.toString()})(DateTime.fromMillis(${c.ts}, { zone: ${JSON.stringify(c.zone)} }), { DateTime, Duration, Interval }, ${args})`;
      const actual = evaluate(code, c.zone);
      if (JSON.stringify(actual) !== JSON.stringify(expected)) {
        mismatches.push(
          `${JSON.stringify(c)} op ${op.toString()}\n  node:    ${JSON.stringify(expected)}\n  sandbox: ${JSON.stringify(actual)}`,
        );
      }
    }
    expect(mismatches.slice(0, 10).join('\n'), `seed ${SEED}: ${mismatches.length} of ${CASES} differ`).toBe('');
  });

  it("gives $now and $today in the workflow's zone, as n8n does", () => {
    const now = Date.parse('2026-03-29T00:30:00Z');
    Settings.defaultZone = 'Europe/Berlin';
    const expected = [
      DateTime.now().set({ hour: 0 }).isValid,
      DateTime.fromMillis(now).toISO(),
      DateTime.fromMillis(now).set({ hour: 0, minute: 0, second: 0, millisecond: 0 }).toISO(),
      DateTime.fromMillis(now).minus({ days: 1 }).setZone('Europe/Berlin').toFormat('yyyy-MM-dd HH:mm'),
    ];
    expect(expected[1]).toBe('2026-03-29T01:30:00.000+01:00');
    expect(
      evaluate(
        "[$now.isValid, $now.toISO(), $today.toISO(), $now.minus({ days: 1 }).setZone('Europe/Berlin').toFormat('yyyy-MM-dd HH:mm')]",
        'Europe/Berlin',
        now,
      ),
    ).toEqual({ v: expected });
    // Another call in another zone: each call's DateTimes are in its own workflow's zone.
    expect(evaluate('[$now.zoneName, DateTime.local(2026, 7, 1).toISO()]', 'America/New_York', now)).toEqual({
      v: ['America/New_York', '2026-07-01T00:00:00.000-04:00'],
    });
  });

  it('makes $today for every call whose code may read it, alone or beside code that reads only $now', () => {
    // $today (a Luxon set, ~40 µs in QuickJS) is made only for calls whose code names it, arguments or eval.
    const now = Date.parse('2026-03-29T00:30:00Z');
    Settings.defaultZone = 'Europe/Berlin';
    const midnight = DateTime.fromMillis(now).set({ hour: 0, minute: 0, second: 0, millisecond: 0 }).toISO();
    expect(evaluate('$today.toISO()', 'Europe/Berlin', now)).toEqual({ v: midnight });
    expect(evaluate('(function () { return arguments.length; })() + $now.toISO()', 'Europe/Berlin', now)).toEqual({
      v: `0${DateTime.fromMillis(now).toISO() ?? ''}`,
    });
    const onlyNow = sandbox.compile(EXPRESSION, '$now.toISO()', 'time-test', true);
    const withToday = sandbox.compile(EXPRESSION, '$today.toISO()', 'time-test', true);
    const both = JSON.parse(
      sandbox.evaluate(
        [onlyNow, withToday],
        JSON.stringify({ items: [{ json: {} }], refs: {} }),
        scopeFor('Europe/Berlin', now),
      ),
    ) as unknown;
    expect(both).toEqual([[{ v: DateTime.fromMillis(now).toISO() }, { v: midnight }]]);
  });

  it('keeps Luxon from being changed by one workflow for the next', () => {
    const tries = [
      "DateTime.prototype.toISO = () => 'hacked'",
      "$now.zone.zoneName = 'Asia/Tokyo'",
      "DateTime.fromMillis(0, { zone: 'utc' }).zone.fixed = 600",
      'DateTime.DATE_SHORT.year = "hacked"',
      'Object.getPrototypeOf($now.zone).offset = () => 600',
      // Locales are shared too (one English Locale for every DateTime).
      "$now.loc.locale = 'fr'",
      "$now.loc.monthsCache.format.short = ['x']",
      'DateTime.fromMillis(0).loc.fastNumbersCached = false',
    ];
    // Each fails on a frozen object; n8n's expressions swallow that TypeError, so it gives nothing.
    for (const code of tries) expect(evaluate(code, 'Europe/Berlin', 0)).toEqual({ v: null });
    expect(
      evaluate(
        "[$now.toISO(), DateTime.fromMillis(0, { zone: 'utc' }).toISO(), DateTime.fromMillis(0).setZone('Europe/Berlin').offset]",
        'Europe/Berlin',
        0,
      ),
    ).toEqual({ v: ['1970-01-01T01:00:00.000+01:00', '1970-01-01T00:00:00.000Z', 60] });
    expect(evaluate("[$now.toFormat('MMM a'), $now.loc.locale]", 'UTC', 0)).toEqual({ v: ['Jan AM', 'en-US'] });
  });

  it('makes one English Locale for every DateTime and Duration, not one each', () => {
    // Luxon's Locale per DateTime cost ~20–30 µs in QuickJS: English ones are shared (frozen), others made as before.
    expect(
      evaluate(
        "[$now.loc === DateTime.fromMillis(5, { zone: 'Asia/Tokyo' }).loc, $now.plus({ days: 1 }).loc === $now.loc, Duration.fromObject({ hours: 1 }).loc === Duration.fromMillis(3).loc, Object.isFrozen($now.loc), $now.reconfigure({ numberingSystem: 'arab' }).loc === $now.loc]",
        'Europe/Berlin',
        0,
      ),
    ).toEqual({ v: [true, true, true, true, false] });
  });

  it('formats with locale data as Luxon on Node does (macro tokens, presets, setLocale, toHuman, toRelative, long zone names)', () => {
    // n8n's Luxon runs on Node's ICU; the sandbox's Luxon asks the same ICU through its Intl (intl-source.ts).
    const now = Date.parse('2026-12-03T15:04:05Z');
    Settings.defaultZone = 'Europe/Berlin';
    const $now = DateTime.fromMillis(now);
    const cases: [string, () => unknown][] = [
      ["$now.toFormat('D t')", () => $now.toFormat('D t')],
      // n8n's expressions family: letters that are macro tokens in a free text.
      ["$now.toFormat('data')", () => $now.toFormat('data')],
      ["$now.toFormat('DDD fff')", () => $now.toFormat('DDD fff')],
      ['$now.toLocaleString(DateTime.DATETIME_FULL)', () => $now.toLocaleString(DateTime.DATETIME_FULL)],
      ['$now.toLocaleParts()', () => $now.toLocaleParts()],
      ["$now.setLocale('de').toFormat('MMMM cccc')", () => $now.setLocale('de').toFormat('MMMM cccc')],
      [
        "$now.setLocale('fr').toLocaleString(DateTime.DATE_HUGE)",
        () => $now.setLocale('fr').toLocaleString(DateTime.DATE_HUGE),
      ],
      [
        'Duration.fromObject({ hours: 2, minutes: 3 }).toHuman()',
        () => Duration.fromObject({ hours: 2, minutes: 3 }).toHuman(),
      ],
      [
        "$now.setLocale('de').minus({ days: 3 }).toRelative({ base: $now })",
        () => $now.setLocale('de').minus({ days: 3 }).toRelative({ base: $now }),
      ],
      [
        "$now.setZone('America/New_York').toFormat('ZZZZZ ZZZZ')",
        () => $now.setZone('America/New_York').toFormat('ZZZZZ ZZZZ'),
      ],
      ['$now.offsetNameLong', () => $now.offsetNameLong],
    ];
    for (const [code, inNode] of cases) {
      expect(evaluate(code, 'Europe/Berlin', now), code).toEqual({
        v: JSON.parse(JSON.stringify(inNode())) as unknown,
      });
    }
    expect(evaluate("$now.setZone('Not/AZone').isValid", 'UTC')).toEqual({ v: false });
  });

  it('answers the paths sped up for QuickJS (parsers, unit names, plus/minus, format tokens) as Luxon on Node does', () => {
    // time-assets.ts rewrites Luxon's combineExtractors, normalizeUnit, normalizeZone, adjustTime's milliseconds,
    // tokenToString and Formatter#num: the edges of each.
    const now = Date.parse('2026-03-29T00:30:00.047Z');
    Settings.defaultZone = 'Europe/Berlin';
    const $now = DateTime.fromMillis(now);
    const cases: [string, () => unknown][] = [
      // Luxon's parsers (their parts merged by combineExtractors).
      ["DateTime.fromISO('2024-01-15T10:20:30Z').toISO()", () => DateTime.fromISO('2024-01-15T10:20:30Z').toISO()],
      [
        "DateTime.fromISO('2024-01-15T10:20:30.123456+05:30[Asia/Kolkata]', { setZone: true }).toISO()",
        () => DateTime.fromISO('2024-01-15T10:20:30.123456+05:30[Asia/Kolkata]', { setZone: true }).toISO(),
      ],
      ["DateTime.fromISO('2024-W03-2T10:20').toISO()", () => DateTime.fromISO('2024-W03-2T10:20').toISO()],
      ["DateTime.fromISO('2024-015T10:20:30-0800').toISO()", () => DateTime.fromISO('2024-015T10:20:30-0800').toISO()],
      ["DateTime.fromISO('T10:20:30,5').toISO()", () => DateTime.fromISO('T10:20:30,5').toISO()],
      // Zone names, normalized once per name when Luxon shares the zone.
      [
        "[$now.setZone('europe/berlin').zoneName, $now.setZone('Europe/Berlin').zoneName, $now.setZone('default').zoneName]",
        () => [
          $now.setZone('europe/berlin').zoneName,
          $now.setZone('Europe/Berlin').zoneName,
          $now.setZone('default').zoneName,
        ],
      ],
      [
        "[$now.setZone('utc+3').zoneName, $now.setZone('UTC').zoneName, $now.setZone('Not/AZone').isValid, $now.setZone('system').isValid]",
        () => [
          $now.setZone('utc+3').zoneName,
          $now.setZone('UTC').zoneName,
          $now.setZone('Not/AZone').isValid,
          $now.setZone('system').isValid,
        ],
      ],
      [
        "DateTime.fromMillis(0, { zone: 'Asia/Tokyo' }).zone === $now.setZone('Asia/Tokyo').zone",
        () => DateTime.fromMillis(0, { zone: 'Asia/Tokyo' }).zone === $now.setZone('Asia/Tokyo').zone,
      ],
      // fromObject's current date, worked out only when needed: a time alone, a weekday alone, an ordinal.
      [
        "DateTime.fromObject({ hour: 10 }, { zone: 'Asia/Tokyo' }).toISODate()",
        () => DateTime.fromObject({ hour: 10 }, { zone: 'Asia/Tokyo' }).toISODate(),
      ],
      ['DateTime.fromObject({ weekday: 3 }).toISODate()', () => DateTime.fromObject({ weekday: 3 }).toISODate()],
      ['DateTime.fromObject({ ordinal: 40 }).toISODate()', () => DateTime.fromObject({ ordinal: 40 }).toISODate()],
      [
        "DateTime.fromISO('2024-01-15T10:20:30[America/New_York]').toISO()",
        () => DateTime.fromISO('2024-01-15T10:20:30[America/New_York]').toISO(),
      ],
      ["DateTime.fromISO('2024-02-30').invalidExplanation", () => DateTime.fromISO('2024-02-30').invalidExplanation],
      [
        "DateTime.fromSQL('2024-01-15 10:20:30.5 +02:00', { setZone: true }).toISO()",
        () => DateTime.fromSQL('2024-01-15 10:20:30.5 +02:00', { setZone: true }).toISO(),
      ],
      [
        "DateTime.fromSQL('2024-01-15 10:20:30 Europe/Paris').toISO()",
        () => DateTime.fromSQL('2024-01-15 10:20:30 Europe/Paris').toISO(),
      ],
      [
        "DateTime.fromRFC2822('Mon, 15 Jan 2024 10:20:30 -0500').toISO()",
        () => DateTime.fromRFC2822('Mon, 15 Jan 2024 10:20:30 -0500').toISO(),
      ],
      [
        "DateTime.fromHTTP('Monday, 15-Jan-24 10:20:30 GMT').toISO()",
        () => DateTime.fromHTTP('Monday, 15-Jan-24 10:20:30 GMT').toISO(),
      ],
      [
        'Duration.fromObject({ Hours: 2, MINUTE: 3, weeks: 1 }).toObject()',
        () => Duration.fromObject({ Hours: 2, MINUTE: 3, weeks: 1 } as never).toObject(),
      ],
      ['Duration.fromObject({ hourz: 1 }).toObject()', () => Duration.fromObject({ hourz: 1 } as never).toObject()],
      ['$now.set({ Hour: 3, MINUTES: 4 }).toISO()', () => $now.set({ Hour: 3, MINUTES: 4 } as never).toISO()],
      ['$now.set({ toString: 3 }).toISO()', () => $now.set({ toString: 3 } as never).toISO()],
      ['$now.plus({ hours: 25, days: 1 }).toISO()', () => $now.plus({ hours: 25, days: 1 }).toISO()],
      ['$now.minus({ days: 1.5, hours: 0.25 }).toISO()', () => $now.minus({ days: 1.5, hours: 0.25 }).toISO()],
      ['$now.plus({ years: 0.5, months: 1.5 }).toISO()', () => $now.plus({ years: 0.5, months: 1.5 }).toISO()],
      ['$now.plus({ milliseconds: 2 ** 53 }).toISO()', () => $now.plus({ milliseconds: 2 ** 53 }).toISO()],
      ['$now.minus({ seconds: 3e9, hours: -7 }).toMillis()', () => $now.minus({ seconds: 3e9, hours: -7 }).toMillis()],
      [
        "$now.plus(Duration.fromObject({ hours: 2 }, { conversionAccuracy: 'longterm' })).toISO()",
        () => $now.plus(Duration.fromObject({ hours: 2 }, { conversionAccuracy: 'longterm' })).toISO(),
      ],
      ["$now.plus({ hours: '2' }).toISO()", () => $now.plus({ hours: '2' } as never).toISO()],
      ['$now.plus({ hours: true }).toISO()', () => $now.plus({ hours: true } as never).toISO()],
      [
        "$now.toFormat('S SSS u uu uuu s ss m mm h hh H HH d dd M MM y yy yyyy kkkk W WW o ooo q')",
        () => $now.toFormat('S SSS u uu uuu s ss m mm h hh H HH d dd M MM y yy yyyy kkkk W WW o ooo q'),
      ],
      [
        '$now.toFormat("yyyy/MM/dd \'at\' HH:mm:ss.SSS — ü 2 ☃ ,;-_ d M y yyyyyy")',
        () => $now.toFormat("yyyy/MM/dd 'at' HH:mm:ss.SSS — ü 2 ☃ ,;-_ d M y yyyyyy"),
      ],
      [
        "$now.reconfigure({ outputCalendar: 'islamic' }).toFormat('yyyy-MM-dd d M y HH')",
        () => $now.reconfigure({ outputCalendar: 'islamic' }).toFormat('yyyy-MM-dd d M y HH'),
      ],
      [
        "$now.reconfigure({ numberingSystem: 'arab' }).toFormat('yyyy-MM-dd HH:mm')",
        () => $now.reconfigure({ numberingSystem: 'arab' }).toFormat('yyyy-MM-dd HH:mm'),
      ],
      ["$now.setLocale('ar-EG').toFormat('yyyy-MM-dd')", () => $now.setLocale('ar-EG').toFormat('yyyy-MM-dd')],
      [
        "DateTime.fromMillis(-62198755200000, { zone: 'utc' }).toFormat('y yyyy yyyyyy')",
        () => DateTime.fromMillis(-62198755200000, { zone: 'utc' }).toFormat('y yyyy yyyyyy'),
      ],
      [
        "Duration.fromObject({ hours: 1.2345, minutes: -3 }).toFormat('hh:mm:ss.SSS')",
        () => Duration.fromObject({ hours: 1.2345, minutes: -3 }).toFormat('hh:mm:ss.SSS'),
      ],
      [
        "Duration.fromObject({ hours: 1.5 }).toFormat('h m', { floor: false })",
        () => Duration.fromObject({ hours: 1.5 }).toFormat('h m', { floor: false }),
      ],
      [
        "Duration.fromObject({ hours: -1.5 }).toFormat('hh:mm', { signMode: 'all' })",
        () => Duration.fromObject({ hours: -1.5 }).toFormat('hh:mm', { signMode: 'all' } as never),
      ],
    ];
    // The default zone is kept between reads only when Luxon shares it anyway (frozen); a fixed offset is made afresh.
    Settings.defaultZone = 'UTC+3';
    expect(
      evaluate('[$now.zone === DateTime.local().zone, Object.isFrozen($now.zone), $now.zoneName]', 'UTC+3'),
    ).toEqual({
      v: [DateTime.now().zone === DateTime.local().zone, false, 'UTC+3'],
    });
    expect(evaluate('[$now.zone === DateTime.local().zone, $now.zoneName]', 'Asia/Tokyo')).toEqual({
      v: [true, 'Asia/Tokyo'],
    });
    Settings.defaultZone = 'Europe/Berlin';
    // Errors are compared as text: an expression's own errors are swallowed on the way out (as n8n does).
    const caught = (run: () => unknown): unknown => {
      try {
        return run();
      } catch (e) {
        return `error: ${e instanceof Error ? e.message : String(e)}`;
      }
    };
    for (const [code, inNode] of cases) {
      const inSandbox = `(() => { try { return ${code}; } catch (e) { return 'error: ' + e.message; } })()`;
      expect(evaluate(inSandbox, 'Europe/Berlin', now), code).toEqual(outcome(() => caught(inNode)));
    }
  });
});
