import { DateTime, IANAZone } from 'luxon';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Item } from '#shared/runs/items.ts';
import { EXPRESSION } from '#shared/sandbox/function-source.ts';
import { Sandbox } from '#shared/sandbox/sandbox.ts';
import { packedZoneData } from '../../src/sandbox/time-assets.ts';
import { asTemplateText } from '#shared/expressions/json-path.ts';
import {
  FROM_MS,
  luxonReaderOf,
  TZ_CHECKED_FROM,
  TZ_CHECKED_TO,
  UNTIL_MS,
  ZONES,
} from '#shared/expressions/luxon-chain.ts';
import { ParameterResolver } from '#shared/expressions/resolve.ts';
import { createSandbox } from '../../src/sandbox/node-host.ts';

/**
 * Luxon chains answered on the host (luxon-chain.ts) must give exactly what the sandbox's Luxon gives, so this
 * generates chains from the grammar with random receivers, steps, zones (DST edges included), units, format tokens
 * and item data, and checks the host against the sandbox itself (seeded; the seed is printed on a failure).
 */

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await createSandbox({ timeoutMs: 60_000 });
});
afterAll(() => sandbox.dispose());

const noNodes = { nodeItem: () => undefined };

/** What the sandbox gives for the code on each item: the single value, and the text a template joins. */
const inSandbox = (code: string, jsons: unknown[], now: number, zone: string): { single: unknown; text: unknown }[] => {
  const id = sandbox.compile(EXPRESSION, code, 'luxon-chain-test', true);
  const payload = JSON.stringify({ items: jsons.map((json) => ({ json })), refs: {} });
  const rows = JSON.parse(
    sandbox.evaluate([id, ~id], payload, { metaText: '{"workflow":{},"execution":{}}', now, zone }),
  ) as { v?: unknown }[][];
  return rows.map((row) => ({ single: row[0]?.v, text: row[1]?.v }));
};

const mulberry32 = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

/** Instants where a zone's offset changes in `year` (to the minute), found with Node's Luxon a week at a time. */
const WEEK = 7 * 86_400_000;
const transitions = (zone: string, year: number): number[] => {
  const found: number[] = [];
  const offsetAt = (ms: number) => DateTime.fromMillis(ms, { zone }).offset;
  let t = Date.UTC(year, 0, 1);
  const end = Date.UTC(year + 1, 0, 1);
  let before = offsetAt(t);
  for (; t < end; t += WEEK) {
    const after = offsetAt(t + WEEK);
    if (after !== before) {
      let lo = t;
      let hi = t + WEEK;
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

describe('Luxon chains on the host', () => {
  it('is checked against the tz data the sandbox carries and the ICU this Node carries', () => {
    // A new moment-timezone (or Node) must be checked again: run this file, then move the bounds in luxon-chain.ts.
    expect(packedZoneData().version).toBe(TZ_CHECKED_TO);
    expect(process.versions.tz ?? '').toMatch(/^\d{4}[a-z]$/);
    expect((process.versions.tz ?? '') >= TZ_CHECKED_FROM && (process.versions.tz ?? '') <= TZ_CHECKED_TO).toBe(true);
  });

  it("uses only zones whose offsets Node's ICU and the sandbox's tz data agree on, 1970–2037", () => {
    // Every other day, and a minute either side of every transition Node knows: a transition only one side knows
    // shows as days of different offsets (no zone's DST lasts less), a moved one at the minute.
    const DAY = 86_400_000;
    const code =
      '(() => { const z = DateTime.fromMillis(0, { zone: $json.zone }).zone; return $json.at.map((t) => z.offset(t)).join(","); })()';
    const mismatches: string[] = [];
    for (const zone of ZONES) {
      const at: number[] = [];
      for (let t = FROM_MS; t < UNTIL_MS; t += 2 * DAY) at.push(t);
      const ourZone = IANAZone.create(zone);
      for (let year = 1970; year < 2038; year++)
        for (const t of transitions(zone, year)) {
          at.push(t - 60_000, t);
          // At a whole minute (luxon-chain.ts keeps offsets per minute): the same offset all through the minute before, and after.
          if (ourZone.offset(t - 1) !== ourZone.offset(t - 60_000) || ourZone.offset(t) !== ourZone.offset(t + 59_999))
            mismatches.push(`${zone} changes inside the minute before ${new Date(t).toISOString()}`);
        }
      const [row] = inSandbox(code, [{ zone, at }], 0, 'UTC');
      const theirs = String(row?.single).split(',').map(Number);
      at.forEach((t, i) => {
        const ours = ourZone.offset(t);
        if (ours !== theirs[i]) mismatches.push(`${zone} at ${new Date(t).toISOString()}: ${ours} ≠ ${theirs[i]}`);
      });
    }
    expect(mismatches.slice(0, 10).join('\n')).toBe('');
  }, 120_000);

  it('leaves everything outside its grammar to the sandbox', () => {
    for (const other of [
      '$now',
      '$now.minus({ days: 1 })',
      'DateTime.now().toISO()',
      '$now.toLocal().toISO()',
      "$now.setZone('America/Vancouver').toISO()",
      "$now.setZone('europe/berlin').toISO()",
      "$now.toFormat('DD')",
      "$now.toFormat('ZZZZ')",
      "$now.toFormat('yyy')",
      '$now.plus({ days: x }).toISO()',
      '$now.plus({ days: 1, days: 2 }).toISO()',
      '$now.plus({ fortnights: 1 }).toISO()',
      '$now.plus({ [k]: 1 }).toISO()',
      '$now.plus(...a).toISO()',
      '$now?.toISO()',
      "$now['toISO']()",
      '$now.toISO(); 1',
      '$now.toISO({ includeOffset: false })',
      '$now.toJSDate()',
      'DateTime.fromISO($json.s).toISO()',
      "DateTime.fromFormat('1', 'd').toISO()",
      '$now.zoneName',
    ])
      expect(luxonReaderOf(other, process.versions.tz), other).toBeUndefined();
    const read = (code: string, json: unknown, zone = 'UTC') =>
      luxonReaderOf(code, process.versions.tz)?.(json, 0, {
        ...noNodes,
        time: { now: Date.UTC(2026, 11, 3, 10), zone },
      });
    // In the grammar, but only the sandbox may say for these data, zones and instants.
    expect(read('$now.plus({ days: $json.n }).toISO()', { n: '1' })).toBeUndefined();
    expect(read('$now.plus({ days: $json.n }).toISO()', { n: null })).toBeUndefined();
    expect(read('$now.plus({ days: $json.n }).toISO()', { n: 1e300 })).toBeUndefined();
    expect(read('$now.plus({ days: $json.n ?? 2 }).toISO()', { n: true })).toBeUndefined();
    expect(read('$now.plus({ years: 100 }).toISO()', {})).toBeUndefined();
    expect(read('$now.toISO()', {}, 'America/Vancouver')).toBeUndefined();
    expect(read('$now.toISO()', {}, 'Europe/Berlin')).toEqual({ value: '2026-12-03T11:00:00.000+01:00' });
    expect(read("DateTime.fromISO('nonsense').toISO()", {})).toBeUndefined();
    expect(read('$now.plus({ days: $json.n ?? 2 }).day', { n: null })).toEqual({ value: 5 });
  });

  it('gives what the sandbox gives, on random chains, zones, instants and data', () => {
    const seed = Number(process.env.WEFT_LUXON_CHAIN_SEED ?? Date.now() % 100000);
    const random = mulberry32(seed);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;
    const zones = [...ZONES];
    // Around DST changes (Europe, US, southern hemisphere), the turn of a year, a leap day, the range's ends.
    const edges = [
      Date.UTC(2026, 2, 29, 0, 59),
      Date.UTC(2026, 2, 29, 1, 0),
      Date.UTC(2026, 9, 25, 0, 30),
      Date.UTC(2026, 9, 25, 1, 0, 0, 1),
      Date.UTC(2026, 2, 8, 6, 59),
      Date.UTC(2026, 2, 8, 7, 0),
      Date.UTC(2026, 10, 1, 5, 30),
      Date.UTC(2026, 10, 1, 6, 30),
      Date.UTC(2026, 3, 5, 15, 59),
      Date.UTC(2026, 9, 4, 16, 0),
      Date.UTC(2026, 11, 31, 23, 30),
      Date.UTC(2024, 1, 29, 12),
      Date.UTC(2037, 11, 31, 22),
      Date.UTC(1970, 0, 1, 1),
    ];
    const instant = () =>
      random() < 0.5
        ? pick(edges) + Math.floor((random() - 0.5) * 7_200_000)
        : FROM_MS + random() * (UNTIL_MS - FROM_MS);
    const units = ['years', 'quarters', 'months', 'weeks', 'days', 'hours', 'minutes', 'seconds', 'milliseconds'];
    const setUnits = ['year', 'month', 'day', 'hour', 'minute', 'second', 'millisecond'];
    const startUnits = ['year', 'quarter', 'month', 'week', 'day', 'hour', 'minute', 'second', 'millisecond'];
    const tokens = [
      'yyyy',
      'yy',
      'y',
      'MM',
      'M',
      'MMM',
      'MMMM',
      'dd',
      'd',
      'HH',
      'H',
      'hh',
      'h',
      'mm',
      'm',
      'ss',
      's',
      'SSS',
      'S',
      'a',
      'E',
      'EEE',
      'EEEE',
      'o',
      'ooo',
      'q',
      'qq',
      'Z',
      'ZZ',
      'ZZZ',
      "'T'",
      "'at' ",
      '-',
      ':',
      ' ',
      '/',
      '.',
    ];
    // Tokens one after another, never two of the same letter running into one (Luxon would read them as one token).
    const format = () => {
      let text = '';
      for (let k = 1 + Math.floor(random() * 6); k > 0; k--) {
        const token = pick(tokens.filter((t) => t[0] !== text[text.length - 1]));
        text += token;
      }
      return text;
    };
    const num = (depth: number): string => {
      const r = random();
      if (depth > 1 || r < 0.35) return pick(['0', '1', '2', '7', '24', '0.5', '1.25', '-3', '100', '365', '1e6']);
      if (r < 0.55) return pick(['$json.n', '$json.i', '$json.o.k']);
      if (r < 0.75) return `(${pick(['$json.n', '$json.i'])} ?? ${num(depth + 1)})`;
      return `(${num(depth + 1)} ${pick(['+', '-', '*', '/', '%'])} ${num(depth + 1)})`;
    };
    const object = (keys: readonly string[]) => {
      const chosen = [...new Set(Array.from({ length: 1 + Math.floor(random() * 3) }, () => pick(keys)))];
      return `{ ${chosen.map((k) => `${k}: ${num(0)}`).join(', ')} }`;
    };
    const receiver = () =>
      pick([
        () => '$now',
        () => '$today',
        () =>
          `DateTime.fromISO('${pick(['2024-01-15T10:20:30Z', '2026-03-29T02:30:00', '2026-10-25T02:30:00+02:00', '2024-02-29', '2026-11-01T01:30:00', '2025-06-15T12:00:00.123-05:00'])}')`,
        () => `DateTime.fromMillis(${Math.floor(instant())})`,
      ])();
    const step = () =>
      pick([
        () => `.plus(${object(units)})`,
        () => `.minus(${object(units)})`,
        () => `.set(${object(setUnits)})`,
        () => `.setZone('${pick(zones)}')`,
        () => `.startOf('${pick(startUnits)}')`,
        () => `.endOf('${pick(startUnits)}')`,
        () => '.toUTC()',
      ])();
    const end = () =>
      pick([
        () => `.toFormat("${format()}")`,
        () => '.toISO()',
        () => '.toISODate()',
        () => '.toMillis()',
        () => '.toSeconds()',
        () => '.toUnixInteger()',
        () =>
          `.${pick(['year', 'month', 'day', 'hour', 'minute', 'second', 'millisecond', 'weekday', 'ordinal', 'quarter', 'offset'])}`,
      ])();
    const json = () => {
      const value = () =>
        pick([0, 1, 3, 6, 13, 99, -5, 2.5, 1e300, -1e9, '3', '', null, undefined, true, Number.NaN, { k: 1 }]);
      const o: Record<string, unknown> = { n: value(), i: value() };
      if (random() < 0.5) o.o = { k: value() };
      return o;
    };
    let answered = 0;
    let compared = 0;
    for (let n = 0; n < 250; n++) {
      const code = `${receiver()}${Array.from({ length: Math.floor(random() * 4) }, step).join('')}${end()}`;
      const reader = luxonReaderOf(code, process.versions.tz);
      expect(reader, `seed ${seed}: ${code}`).toBeDefined();
      if (!reader) continue;
      const now = Math.floor(instant());
      const zone = pick(zones);
      const jsons = Array.from({ length: 4 }, json);
      const expected = inSandbox(code, jsons, now, zone);
      jsons.forEach((j, i) => {
        compared++;
        const host = reader(JSON.parse(JSON.stringify(j)) as unknown, i, { ...noNodes, time: { now, zone } });
        if (!host) return;
        answered++;
        const context = `seed ${seed}: ${code} on ${JSON.stringify(j)} at ${new Date(now).toISOString()} in ${zone}`;
        expect(host.value, context).toEqual(expected[i]?.single);
        expect(asTemplateText(host)?.value, context).toBe(expected[i]?.text);
      });
    }
    // Most are answered on the host (the rest: data or instants only the sandbox may judge).
    expect(answered, `seed ${seed}: ${answered} of ${compared}`).toBeGreaterThan(compared / 3);
  }, 120_000);

  it('gives what the sandbox gives for arithmetic over $json numbers', () => {
    const seed = Number(process.env.WEFT_LUXON_CHAIN_SEED ?? Date.now() % 100000);
    const random = mulberry32(seed);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;
    const num = (depth: number): string => {
      const r = random();
      if (depth > 2 || r < 0.3)
        return pick(['0', '1', '37', '100', '0.1', '-3', '1e308', '$json.i', '$json.n', '$json.o.k']);
      if (r < 0.5) return `(${pick(['$json.n', '$json.i', '$json.o.k'])} ?? ${num(depth + 1)})`;
      if (r < 0.6) return `-(${num(depth + 1)})`;
      return `(${num(depth + 1)} ${pick(['+', '-', '*', '/', '%'])} ${num(depth + 1)})`;
    };
    const value = () => pick([0, -0, 1, 3, 7.5, -12, 1e308, 2 ** 53, '3', '', null, undefined, true, Number.NaN, [1]]);
    let answered = 0;
    for (let n = 0; n < 150; n++) {
      const code = `${num(1)} ${pick(['+', '-', '*', '/', '%'])} ${num(0)}`;
      const reader = luxonReaderOf(code, process.versions.tz);
      expect(reader, `seed ${seed}: ${code}`).toBeDefined();
      if (!reader) continue;
      const jsons = Array.from({ length: 4 }, () => ({ i: value(), n: value(), o: { k: value() } }));
      const expected = inSandbox(code, jsons, 0, 'UTC');
      jsons.forEach((j, i) => {
        const host = reader(JSON.parse(JSON.stringify(j)) as unknown, i, noNodes);
        if (!host) return;
        answered++;
        const context = `seed ${seed}: ${code} on ${JSON.stringify(j)}`;
        expect(host.value, context).toEqual(expected[i]?.single);
        expect(asTemplateText(host)?.value, context).toBe(expected[i]?.text);
      });
    }
    expect(answered, `seed ${seed}`).toBeGreaterThan(50);
    for (const other of ['$json.a + "x"', '$json.a ? 1 : 2', '$json.a || 1', '+$json.a', '$json.a.b()'])
      expect(luxonReaderOf(other, process.versions.tz), other).toBeUndefined();
  });

  it("answers bench:engine's Luxon row without the sandbox", () => {
    const resolver = new ParameterResolver(sandbox);
    const spy = vi.spyOn(sandbox, 'evaluate');
    const meta = {
      workflow: { id: 'w', name: 'w', active: false },
      execution: { id: 'e', mode: 'manual' },
      now: Date.UTC(2026, 11, 3, 10),
      timezone: 'UTC',
    };
    const items: Item[] = [{ json: { i: 1, n: 5 } }, { json: { n: 30 } }];
    const out = resolver.resolve(
      'N',
      {
        n: '={{ (($json.i ?? 0) * 37) % 100 }}',
        a: "={{ $now.minus({ days: ($json.i ?? 0) % 7 }).setZone('Europe/Berlin').toFormat('yyyy-MM-dd HH:mm') }}",
        b: "={{ DateTime.fromISO('2024-01-15T10:20:30Z').plus({ hours: $json.n }).toISO() }}",
      },
      items,
      meta,
      () => undefined,
    );
    expect(out).toEqual([
      { n: 37, a: '2026-12-02 11:00', b: '2024-01-15T15:20:30.000Z' },
      { n: 0, a: '2026-12-03 11:00', b: '2024-01-16T16:20:30.000Z' },
    ]);
    expect(spy).not.toHaveBeenCalled();
    spy.mockRestore();
  });
});
