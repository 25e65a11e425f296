import type { TimeAssets } from './host.ts';

/**
 * The library texts the sandbox loads, made from the files their packages
 * ship: Luxon's ES module build as a function of `Intl` answering its
 * exports (with the hot spots QuickJS runs slowly replaced by equivalent
 * code), moment-timezone's packed zone data, jmespath's UMD build. Pure text
 * work, so the engine (reading node_modules or the binary's assets) and the
 * browser's preview worker (fetching the files) make the same text.
 */

const EXPORTS = /^export \{ ([\w, ]+) \};$/m;

/**
 * Luxon parses a format text on every toFormat and fromFormat (a loop and a regular expression per
 * token), a good part of their cost in QuickJS. The parse depends on the text alone, so it is kept
 * per text (a bounded Map inside Luxon's closure, out of user code's reach), frozen since it is shared.
 */
const PARSE_FORMAT = /^ {2}static parseFormat\(fmt\) \{$/m;
const CACHED_PARSE_FORMAT = `  static parseFormat(fmt) {
    let tokens = parsedFormats.get(fmt);
    if (tokens === undefined) {
      tokens = Object.freeze(Formatter.parseFormatText(fmt).map((t) => Object.freeze(t)));
      if (parsedFormats.size >= 256) parsedFormats.clear();
      parsedFormats.set(fmt, tokens);
    }
    return tokens;
  }

  static parseFormatText(fmt) {`;

/**
 * Luxon's two `normalizeUnit`s (DateTime's and Duration's) build an object literal of every unit name on each
 * call, then read one key of it: one call per key of every `plus`, `minus`, `set` and `fromObject` argument, nine
 * inside every plus/minus (adjustTime's Duration), and QuickJS builds such a literal property by property (some
 * 5 µs each time). The literal becomes one frozen constant: the same keys on the same prototype, so every lookup,
 * inherited names like `constructor` included, answers as before.
 */
const UNIT_LITERALS = [
  { name: 'DURATION_UNITS', at: /^( {2}static normalizeUnit\(unit\) \{\n {4}const normalized = )(\{[^}]*\})\[/m },
  { name: 'DATETIME_UNITS', at: /^(function normalizeUnit\(unit\) \{\n {2}const normalized = )(\{[^}]*\})\[/m },
];

/**
 * Every number token of a toFormat (`yyyy`, `MM`, `HH`…) goes through `Formatter#num`, which copies the
 * formatter's options and makes a number formatter only to pad the number in Latin digits when the locale
 * allows it (Luxon's "fast numbers": English, Latin digits) and there are no options. That case is answered
 * directly, with the same two helpers Luxon's formatter would call (`roundTo(n, 3)`, `padStart`); any option
 * or other locale goes Luxon's way.
 */
const FORMATTER_NUM = /^( {2}num\(n, p = 0, signDisplay = undefined\) \{\n)/m;
const PLAIN_NUM = `    if (!signDisplay && this.loc.fastNumbers && Object.keys(this.opts).length === 0) {
      return padStart(roundTo(n, 3), p);
    }
`;

/**
 * Every plus/minus (Luxon's adjustTime) turns the time part of its Duration into milliseconds by making a
 * second, nine-unit Duration (`Duration.fromObject({…}).as("milliseconds")`), which in QuickJS costs more than
 * the rest of the plus. For whole numbers that is a plain sum (the casual matrix's factors; the same rule
 * time-source.ts gives `Duration#as`, checked by the differential tests); anything else still makes the
 * Duration.
 */
const ADJUST_MILLIS = /(millisToAdd = )Duration\.fromObject\((\{[^}]*\})\)\.as\("milliseconds"\)/;
const ADJUST_MILLIS_FUNCTION = `const WHOLE_UNITS = ['years', 'quarters', 'months', 'weeks', 'days', 'hours', 'minutes', 'seconds', 'milliseconds'];
const WHOLE_FACTORS = [31536e6, 78624e5, 2592e6, 6048e5, 864e5, 36e5, 6e4, 1e3, 1];
function adjustMillis(values) {
  let total = 0;
  let size = 0;
  for (let i = 0; i < 9; i++) {
    const v = values[WHOLE_UNITS[i]];
    if (!Number.isInteger(v)) return Duration.fromObject(values).as("milliseconds");
    total += v * WHOLE_FACTORS[i];
    size += Math.abs(v * WHOLE_FACTORS[i]);
  }
  if (!Number.isSafeInteger(size)) return Duration.fromObject(values).as("milliseconds");
  return total || 0;
}`;

/**
 * A toFormat token goes through a `switch` over some seventy strings, compared one after another in QuickJS,
 * before its `default` (a macro token, or the text itself). Two kinds are answered before it: the plain
 * number tokens (`yyyy`, `MM`, `dd`, `HH`, `mm`, `ss`, `SSS`…), by the same `this.num(dt.<unit>, <padding>)`
 * their case returns (the calendar ones only when their case would: no non-Gregorian output calendar); and
 * tokens of a character that is no ASCII letter (`-`, `:`, `/`, digits: a token is a run of one character),
 * which match no case and no macro and come back as they are, ~5 µs each through the whole switch.
 */
const TOKEN_TO_STRING = /^( {6}tokenToString = \(token\) => \{\n)/m;
const PLAIN_TOKEN = `        const plain = PLAIN_TOKENS.get(token);
        if (plain !== undefined) {
          if (!(plain[2] && useDateTimeFormatter)) return this.num(dt[plain[0]], plain[1]);
        } else {
          const first = token.charCodeAt(0);
          if (!((first >= 65 && first <= 90) || (first >= 97 && first <= 122))) return token;
        }
`;
const PLAIN_TOKENS = `const PLAIN_TOKENS = new Map([
  ['S', ['millisecond', 0, false]], ['u', ['millisecond', 3, false]], ['SSS', ['millisecond', 3, false]],
  ['s', ['second', 0, false]], ['ss', ['second', 2, false]], ['m', ['minute', 0, false]], ['mm', ['minute', 2, false]],
  ['H', ['hour', 0, false]], ['HH', ['hour', 2, false]], ['d', ['day', 0, true]], ['dd', ['day', 2, true]],
  ['M', ['month', 0, true]], ['MM', ['month', 2, true]], ['y', ['year', 0, true]], ['yyyy', ['year', 4, true]],
  ['yyyyyy', ['year', 6, true]],
]);`;

/**
 * Every ISO, SQL, RFC 2822 or HTTP date that Luxon parses merges its parts with a `reduce` that destructures
 * an array and spreads the growing result into a new object at each step (QuickJS walks the iterator protocol
 * for each destructuring and copies every key for each spread: ~30 µs of a 90 µs `fromISO`). The same merge
 * as a loop: values assigned in the same order onto one fresh object, the last zone found kept, the cursor
 * passed on.
 */
const COMBINE_EXTRACTORS = /^function combineExtractors\(\.\.\.extractors\) \{\n[\s\S]*?\n\}\n/m;
const COMBINED_EXTRACTORS = `function combineExtractors(...extractors) {
  return (m) => {
    const mergedVals = {};
    let mergedZone = null;
    let cursor = 1;
    for (let i = 0; i < extractors.length; i++) {
      const found = extractors[i](m, cursor);
      Object.assign(mergedVals, found[0]);
      mergedZone = found[1] || mergedZone;
      cursor = found[2];
    }
    return [mergedVals, mergedZone];
  };
}
`;

/**
 * `DateTime.fromObject` (behind fromISO, fromSQL, fromFormat and `DateTime.local(y, …)` too) works out the
 * current date in the zone (`tsToObj`, a Date and seven getters: ~10 µs in QuickJS) before it knows whether it
 * needs it: only for units left out before the first one given (a time without a date), week or ordinal dates.
 * It is worked out when first needed; `tsToObj` is a pure function of the same two numbers, so nothing else
 * changes.
 */
const LAZY_NOW: [string, string][] = [
  ['      objNow = tsToObj(tsNow, offsetProvis);\n', '      objNow = null;\n'],
  [
    'objNow = gregorianToWeek(objNow, minDaysInFirstWeek, startOfWeek);',
    'objNow = gregorianToWeek(tsToObj(tsNow, offsetProvis), minDaysInFirstWeek, startOfWeek);',
  ],
  ['objNow = gregorianToOrdinal(objNow);', 'objNow = gregorianToOrdinal(tsToObj(tsNow, offsetProvis));'],
  [
    'normalized[u] = objNow[u];',
    'normalized[u] = (objNow === null ? (objNow = tsToObj(tsNow, offsetProvis)) : objNow)[u];',
  ],
];

/**
 * `setZone('Europe/Berlin')`, `fromMillis(…, { zone })` and the like normalize the zone's name on every call
 * (lower-casing, a regular expression for offsets, the zone cache): ~8 µs in QuickJS. A name whose zone Luxon
 * shares anyway (frozen: an IANA zone from its cache, UTC, the system zone) is kept by name, a bounded Map in
 * Luxon's closure; "default" (the zone of the moment) and zones made afresh (fixed offsets, invalid names)
 * are normalized each time as before.
 */
const NORMALIZE_ZONE = /^function normalizeZone\(input, defaultZone\) \{\n/m;
const CACHED_NORMALIZE_ZONE = `const normalizedZones = new Map();
function normalizeZone(input, defaultZone) {
  if (typeof input === "string") {
    const known = normalizedZones.get(input);
    if (known !== undefined) return known;
    const zone = normalizeZoneNow(input, defaultZone);
    if (Object.isFrozen(zone) && input.toLowerCase() !== "default") {
      if (normalizedZones.size >= 256) normalizedZones.clear();
      normalizedZones.set(input, zone);
    }
    return zone;
  }
  return normalizeZoneNow(input, defaultZone);
}

function normalizeZoneNow(input, defaultZone) {
`;

/** A RegExp matching `text` exactly. */
const literally = (text: string): RegExp => new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));

const replaceOnce = (text: string, at: RegExp, by: (...groups: string[]) => string, what: string): string => {
  let found = 0;
  const out = text.replace(at, (...m: unknown[]) => {
    found++;
    return by(...m.filter((x): x is string => typeof x === 'string'));
  });
  if (found !== 1) throw new Error(`Luxon's module build has no ${what} to speed up: the sandbox cannot load it`);
  return out;
};

/** Luxon's module text as a function body: its one export statement becomes a return. */
export const luxonAsFunction = (moduleText: string): string => {
  const m = EXPORTS.exec(moduleText);
  if (!m) throw new Error("Luxon's module build has no single export statement: the sandbox cannot load it");
  if (!PARSE_FORMAT.test(moduleText) || !/^class Formatter \{$/m.test(moduleText)) {
    throw new Error("Luxon's module build has no Formatter.parseFormat to cache: the sandbox cannot load it");
  }
  let body = moduleText
    .replace(EXPORTS, `return { ${m[1] ?? ''} };`)
    .replace(/^\/\/# sourceMappingURL=.*$/m, '')
    .replace(/^class Formatter \{$/m, 'const parsedFormats = new Map();\nclass Formatter {')
    .replace(PARSE_FORMAT, CACHED_PARSE_FORMAT);
  const constants: string[] = [];
  for (const { name, at } of UNIT_LITERALS) {
    body = replaceOnce(
      body,
      at,
      (_all, head = '', literal = '') => {
        constants.push(`const ${name} = Object.freeze(${literal});`);
        return `${head}${name}[`;
      },
      'normalizeUnit',
    );
  }
  body = replaceOnce(
    body,
    ADJUST_MILLIS,
    (_all, head = '', values = '') => `${head}adjustMillis(${values})`,
    'adjustTime',
  );
  constants.push(ADJUST_MILLIS_FUNCTION);
  body = replaceOnce(body, TOKEN_TO_STRING, (_all, head = '') => `${head}${PLAIN_TOKEN}`, 'tokenToString');
  constants.push(PLAIN_TOKENS);
  body = replaceOnce(body, COMBINE_EXTRACTORS, () => COMBINED_EXTRACTORS, 'combineExtractors');
  for (const [from, to] of LAZY_NOW) body = replaceOnce(body, literally(from), () => to, 'fromObject');
  body = replaceOnce(body, NORMALIZE_ZONE, () => CACHED_NORMALIZE_ZONE, 'normalizeZone');
  body = replaceOnce(body, FORMATTER_NUM, (_all, head = '') => `${head}${PLAIN_NUM}`, 'Formatter#num');
  return `(function (Intl) {\n'use strict';\n${constants.join('\n')}\n${body}\n})`;
};

/** moment-timezone's `data/packed/latest.json`. */
export interface PackedZones {
  version: string;
  zones: string[];
  links: string[];
}

const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string');

/**
 * The packed zone data checked for its shape (no zod: this module is in the browser's preview worker, whose size
 * is budgeted). Throws when a package update changed the format.
 */
export const parsePackedZones = (value: unknown): PackedZones => {
  const v = value as Partial<Record<keyof PackedZones, unknown>> | null;
  if (typeof v === 'object' && v !== null && typeof v.version === 'string' && isStrings(v.zones) && isStrings(v.links))
    return { version: v.version, zones: v.zones, links: v.links };
  throw new Error("moment-timezone's packed zone data is not in the format the sandbox reads");
};

/** The sandbox's time assets from Luxon's `build/es6/luxon.mjs` text and the packed zone data. */
export const timeAssetsFrom = (luxonModule: string, packed: PackedZones): TimeAssets => ({
  luxon: luxonAsFunction(luxonModule),
  zones: [...packed.zones, ...packed.links].join('\n'),
  version: packed.version,
});

/**
 * jmespath.js's UMD text (`jmespath.js` in its package) as a function answering
 * its exports, so it defines no global (the context's globals are frozen).
 */
export const jmespathAsFunction = (umd: string): string =>
  // The UMD ends by calling its factory with `exports` when there is one: give it ours.
  `(function () {\nvar exports = {};\n${umd}\nreturn exports;\n})`;
