import type { Rng } from './rng.ts';

/**
 * Seeded item sets of the kinds that break n8n ports: none at all, nulls,
 * nested objects and arrays, numbers written as text, dates in several
 * formats, unicode, mixed-case text, the same keys in any order, long lists.
 * Items use a small pool of field names so that generated parameters point at
 * fields that exist (and sometimes at ones that do not).
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonItem = Record<string, Json>;

export const FIELDS = ['a', 'b', 'name', 'tags', 'meta', 'when'] as const;

export const itemKinds = [
  'empty',
  'emptyObjects',
  'nulls',
  'nested',
  'numbersAsText',
  'dates',
  'unicode',
  'mixedCase',
  'sameKeysAnyOrder',
  'large',
  'mixed',
] as const;
export type ItemKind = (typeof itemKinds)[number];

export const numberTexts = ['0', '42', '-7', '3.5', ' 12 ', '1e3', '0x1A', '', '007', '1,5', 'NaN', 'Infinity'];
export const dateTexts = [
  '2024-01-15',
  '2024-01-15T10:20:30Z',
  '2024-01-15T10:20:30.123+02:00',
  '2024-01-15 10:20:30',
  '15/01/2024',
  '01/15/2024',
  'Jan 15, 2024',
  'Mon, 15 Jan 2024 10:20:30 GMT',
  '1705314030000',
  '2023-12-31T23:59:59.999Z',
  'not a date',
];
export const dateNumbers = [1705314030000, 1705314030, 1705314030.123];
export const unicodeTexts = [
  'héllo',
  'HÉLLO',
  '日本語',
  '😀 smile',
  'straße',
  'STRASSE',
  'İstanbul',
  'ǅemal',
  '\u0000nul',
  'a\tb\nc',
];
export const caseTexts = [
  'hello',
  'Hello',
  'HELLO',
  'hElLo',
  'world',
  'Hello World',
  'hello world',
  'abc',
  'ABC',
  'Abc',
];
const plainTexts = ['', ' ', 'a', 'abc', 'true', 'false', 'null', '[]', '{}', 'x,y', 'foo bar', 'ab+c', '/a/i'];
const numbers = [0, -0, 1, -1, 42, 3.5, -2.25, 1e21, 0.1 + 0.2, Number.MAX_SAFE_INTEGER];

export const scalar = (rng: Rng): Json => {
  switch (rng.int(9)) {
    case 0:
      return null;
    case 1:
      return rng.chance(0.5);
    case 2:
      return rng.pick(numbers);
    case 3:
      return rng.pick(numberTexts);
    case 4:
      return rng.chance(0.7) ? rng.pick(dateTexts) : rng.pick(dateNumbers);
    case 5:
      return rng.pick(unicodeTexts);
    case 6:
      return rng.pick(caseTexts);
    default:
      return rng.pick(plainTexts);
  }
};

export const value = (rng: Rng, depth = 0): Json => {
  const r = rng.int(10);
  if (depth < 2 && r === 0) return Array.from({ length: rng.int(4) }, () => value(rng, depth + 1));
  if (depth < 2 && r === 1) {
    const out: Record<string, Json> = {};
    for (const key of rng.shuffle(FIELDS).slice(0, rng.int(4))) out[key] = value(rng, depth + 1);
    return out;
  }
  return scalar(rng);
};

const record = (rng: Rng, make: (key: string) => Json, keep = 0.7): JsonItem => {
  const out: JsonItem = {};
  for (const key of rng.shuffle(FIELDS)) if (rng.chance(keep)) out[key] = make(key);
  return out;
};

/** A list of items of one kind (`kind` picked by the seed when left out). */
export const itemSet = (rng: Rng, kind: ItemKind = rng.pick(itemKinds)): JsonItem[] => {
  const count = (max: number) => 1 + rng.int(max);
  switch (kind) {
    case 'empty':
      return [];
    case 'emptyObjects':
      return Array.from({ length: count(3) }, () => ({}));
    case 'nulls':
      return Array.from({ length: count(4) }, () => record(rng, () => (rng.chance(0.7) ? null : scalar(rng))));
    case 'nested':
      return Array.from({ length: count(4) }, () =>
        record(rng, (key) =>
          key === 'tags'
            ? Array.from({ length: rng.int(4) }, () => scalar(rng))
            : key === 'meta'
              ? { a: scalar(rng), b: [scalar(rng), { name: scalar(rng) }] }
              : value(rng),
        ),
      );
    case 'numbersAsText':
      return Array.from({ length: count(5) }, () =>
        record(rng, () => (rng.chance(0.6) ? rng.pick(numberTexts) : rng.pick(numbers))),
      );
    case 'dates':
      return Array.from({ length: count(5) }, () =>
        record(rng, () => (rng.chance(0.75) ? rng.pick(dateTexts) : rng.pick(dateNumbers))),
      );
    case 'unicode':
      return Array.from({ length: count(5) }, () => record(rng, () => rng.pick(unicodeTexts)));
    case 'mixedCase':
      return Array.from({ length: count(5) }, () => record(rng, () => rng.pick(caseTexts)));
    case 'sameKeysAnyOrder': {
      const base = record(rng, () => scalar(rng), 1);
      return Array.from({ length: count(5) }, () => {
        const out: JsonItem = {};
        for (const key of rng.shuffle(Object.keys(base))) out[key] = base[key] ?? null;
        if (rng.chance(0.3)) out.a = scalar(rng);
        return out;
      });
    }
    case 'large':
      return Array.from({ length: 200 + rng.int(800) }, (_, i) => ({
        a: i,
        b: rng.pick(caseTexts),
        name: `n${i % 7}`,
      }));
    case 'mixed':
      return Array.from({ length: count(6) }, () => record(rng, () => value(rng)));
  }
};
