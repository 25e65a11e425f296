import type { Rand } from './rand.ts';

/**
 * Hostile values and the JSON mutations the fuzzer applies to valid request
 * bodies, awareness states and engine messages: wrong types, huge strings,
 * deep nesting, prototype keys, strings that mean something to a parser
 * downstream (paths, escapes, expressions, SQL, HTML).
 */

export const NASTY_STRINGS: readonly string[] = [
  '',
  ' ',
  '\u0000',
  '\ud800',
  '\udfff\ud800',
  '\uffff',
  '\u202e',
  '🦀'.repeat(3),
  '../../../../etc/passwd',
  '..%2f..%2f',
  '%ff',
  '%',
  '%00',
  '\r\nSet-Cookie: x=1',
  "' OR 1=1 --",
  '"; DROP TABLE users; --',
  '<script>alert(1)</script>',
  '={{ $json }}',
  '={{ this.constructor.constructor("return process")() }}',
  '${process.exit(1)}',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'null',
  'undefined',
  'NaN',
  '-0',
  '1e999',
  'true',
  '[]',
  '{}',
  'a@b',
  'x@example.com',
  'owner',
  'editor',
  'viewer',
  'admin',
  'Bearer',
  'weft_',
  'main',
  'true:main>x:main',
];

export const NASTY_NUMBERS: readonly number[] = [
  0,
  -0,
  -1,
  1,
  0.5,
  2 ** 31,
  -(2 ** 31),
  2 ** 32,
  2 ** 53,
  -(2 ** 53),
  Number.MAX_SAFE_INTEGER + 2,
  1e308,
  -1e308,
  5e-324,
  1000,
  1001,
  65536,
];

/** Huge strings cost both sides; most are modest, some cross the limits (64 kB awareness states, 10 MB bodies). */
export const hugeString = (r: Rand): string => {
  const length = r.weighted([
    [6, r.int(1_000, 70_000)],
    [3, r.int(70_000, 300_000)],
    [1, r.int(300_000, 1_200_000)],
  ]);
  return r
    .pick(['x', 'é', '\u0000', '🦀', 'a"b\\', '%ff'])
    .repeat(Math.ceil(length / 2))
    .slice(0, length);
};

/** The text of arrays nested `depth` deep. Deep enough, JSON.stringify and recursive walkers overflow the stack. */
export const deepNestText = (depth: number): string => '['.repeat(depth) + ']'.repeat(depth);

/**
 * Stands for arrays nested `depth` deep inside a value: toJsonText writes the
 * nest in its place. (A real nest that deep could not be stringified here
 * either, which is the point of sending one.)
 */
export const deepNest = (depth: number): string => `@@deep:${depth}@@`;

/** JSON text of `value`, with every deepNest marker written out as its nest. */
/** JSON.stringify gives undefined for undefined and functions, whatever its declared type says. */
const stringify = (value: unknown): string | undefined => JSON.stringify(value);

export const toJsonText = (value: unknown): string => {
  return (stringify(value) ?? 'null').replace(/"@@deep:(\d+)@@"/g, (_, depth: string) => deepNestText(Number(depth)));
};

export const nestingDepth = (r: Rand): number =>
  r.weighted([
    [4, r.int(50, 600)],
    [3, r.int(600, 6_000)],
    [1, r.int(6_000, 60_000)],
  ]);

export const nastyString = (r: Rand): string =>
  r.weighted<() => string>([
    [8, () => r.pick(NASTY_STRINGS)],
    [4, () => r.word()],
    [3, () => r.units(r.size(64))],
    [1, () => hugeString(r)],
  ])();

/** Any JSON value, of any type, now and then huge or deep. */
export const hostileValue = (r: Rand, depth = 0): unknown =>
  r.weighted<() => unknown>([
    [3, () => nastyString(r)],
    [3, () => r.pick(NASTY_NUMBERS)],
    [1, () => r.chance(0.5)],
    [2, () => null],
    [2, () => (depth > 3 ? [] : Array.from({ length: r.size(20) }, () => hostileValue(r, depth + 1)))],
    [2, () => (depth > 3 ? {} : hostileObject(r, depth + 1))],
    [depth === 0 ? 1 : 0, () => deepNest(nestingDepth(r))],
    [depth === 0 ? 0.3 : 0, () => Array.from({ length: r.int(1_000, 20_000) }, (_, i) => i)],
  ])();

const PROTO_KEYS = ['__proto__', 'constructor', 'prototype'] as const;

/** An object whose keys include prototype names now and then (as own keys, the way JSON.parse makes them). */
export const hostileObject = (r: Rand, depth = 0): Record<string, unknown> => {
  const out: Record<string, unknown> = {};
  const n = r.size(12);
  for (let i = 0; i < n; i++) {
    const key = r.chance(0.2) ? r.pick(PROTO_KEYS) : r.chance(0.2) ? nastyString(r).slice(0, 200) : r.word();
    Object.defineProperty(out, key, {
      value: r.chance(0.3) && key === '__proto__' ? { polluted: true, isAdmin: true } : hostileValue(r, depth + 1),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
};

interface Slot {
  parent: Record<string, unknown> | unknown[] | null;
  key: string | number;
  value: unknown;
}

const slotsOf = (root: unknown): Slot[] => {
  const slots: Slot[] = [{ parent: null, key: '', value: root }];
  const walk = (value: unknown, depth: number): void => {
    if (depth > 30 || typeof value !== 'object' || value === null) return;
    const entries: [string | number, unknown][] = Array.isArray(value)
      ? value.map((v, i) => [i, v] as [number, unknown])
      : Object.entries(value);
    for (const [key, child] of entries.slice(0, 200)) {
      slots.push({ parent: value as Record<string, unknown> | unknown[], key, value: child });
      walk(child, depth + 1);
    }
  };
  walk(root, 0);
  return slots;
};

const setSlot = (slot: Slot, value: unknown): void => {
  if (Array.isArray(slot.parent)) slot.parent[slot.key as number] = value;
  else if (slot.parent) {
    Object.defineProperty(slot.parent, slot.key, { value, enumerable: true, writable: true, configurable: true });
  }
};

/**
 * A mutated deep copy of `value`: one to three changes at random places
 * (a value of the wrong type, a huge or nasty string, a deep nest, an extra
 * or prototype key, a removed key, a number at an edge). The root itself may
 * be replaced.
 */
export const mutateJson = (r: Rand, value: unknown): unknown => {
  let root: unknown = structuredClone(value);
  const rounds = r.int(1, 3);
  for (let i = 0; i < rounds; i++) {
    const slots = slotsOf(root);
    const slot = r.pick(slots);
    const op = r.int(0, 9);
    const replace = (next: unknown): void => {
      if (slot.parent === null) root = next;
      else setSlot(slot, next);
    };
    switch (op) {
      case 0:
      case 1:
        replace(hostileValue(r));
        break;
      case 2:
        replace(typeof slot.value === 'string' ? slot.value + nastyString(r) : nastyString(r));
        break;
      case 3:
        replace(r.pick(NASTY_NUMBERS));
        break;
      case 4:
        if (typeof slot.value === 'object' && slot.value !== null && !Array.isArray(slot.value)) {
          const key = r.chance(0.5) ? r.pick(PROTO_KEYS) : r.word();
          Object.defineProperty(slot.value, key, {
            value: hostileValue(r, 1),
            enumerable: true,
            writable: true,
            configurable: true,
          });
        } else replace(hostileObject(r));
        break;
      case 5:
        if (slot.parent && !Array.isArray(slot.parent)) Reflect.deleteProperty(slot.parent, slot.key);
        else if (Array.isArray(slot.parent)) slot.parent.splice(slot.key as number, 1);
        break;
      case 6:
        replace(deepNest(nestingDepth(r)));
        break;
      case 7:
        if (Array.isArray(slot.value)) {
          const items: unknown[] = slot.value;
          replace([...items, ...items]);
        } else replace([slot.value]);
        break;
      case 8:
        replace(
          typeof slot.value === 'number'
            ? -slot.value
            : // String() would call an own `toString` key of a generated object, which need not be a function.
              typeof slot.value === 'object' && slot.value !== null
              ? toJsonText(slot.value)
              : String(slot.value),
        );
        break;
      default:
        replace(hugeString(r));
    }
  }
  return root;
};

/** JSON text that is not quite JSON, or JSON of the wrong shape altogether. */
export const brokenJsonText = (r: Rand, valid: string): string =>
  r.weighted<() => string>([
    [2, () => valid.slice(0, r.int(0, Math.max(0, valid.length - 1)))],
    [1, () => `${valid}${r.pick(['}', ']', ',', ' x', '\u0000', '{}'])}`],
    [1, () => valid.replace(/"/, "'")],
    [1, () => `{"a":1,"a":2,${valid.slice(1)}`],
    [1, () => r.pick(['', 'null', '[]', '"text"', '1e999', '-', 'true', '{"__proto__":{"isAdmin":true}}'])],
    [1, () => deepNestText(nestingDepth(r))],
    [1, () => `{"x":${deepNestText(nestingDepth(r))}}`],
    [1, () => Buffer.from(r.bytes(r.size(200))).toString('latin1')],
    [1, () => '\ufeff' + valid],
  ])();

/** encodeURIComponent that takes lone surrogates too (as %EF%BF%BD, what a browser sends for them). */
export const encodePart = (text: string): string =>
  encodeURIComponent(text.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd'));

/** Text for the input log: short as it is, long ones cut with their length. */
export const summarize = (text: string, max = 240): string =>
  text.length <= max ? JSON.stringify(text) : `${JSON.stringify(text.slice(0, max))}… (${text.length} chars)`;
