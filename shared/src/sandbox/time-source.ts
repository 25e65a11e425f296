/**
 * Luxon inside QuickJS, the way n8n's expressions have it (`DateTime`,
 * `Duration`, `Interval`, `$now`, `$today` in the workflow's time zone).
 *
 * QuickJS has no Intl, and Luxon's IANA zones ask Intl.DateTimeFormat for
 * every offset. So the zone path is replaced, not emulated: after Luxon loads,
 * IANAZone's `isValidZone`, `offset` and `offsetName` read moment-timezone's
 * packed tz data (one line per zone, unpacked the first time a zone is used).
 * Luxon gets an `Intl` of its own (never a global) that knows only the
 * answers its English paths ask for (locale "en-US", Latin digits); anything
 * that needs real locale data (other locales, `toLocaleString`, macro tokens
 * such as "D" or "fff") fails with a message saying so instead of giving a
 * wrong text. Month and weekday names, AM/PM and eras come from Luxon's own
 * English tables, which are what n8n prints in its default English locale.
 *
 * Loading Luxon costs milliseconds, so a context loads it the first time
 * something asks for it (`time.luxon()`), not when it is built. The loaded
 * library is frozen before user code sees it; its settings cannot be changed
 * from inside (only the driver sets the default zone, once per call).
 *
 * The text is a function of `loadAssets` (a host function answering Luxon's
 * module as a function of Intl after its length and a colon, then the packed zones: see
 * time-assets.ts), answering the driver's `time` object. Those 900 kB cross
 * into a context only when it first uses Luxon; copying them into every new
 * context made building one five times slower.
 */
export const TIME_SOURCE = String.raw`(function (loadAssets) {
  'use strict';
  // Luxon's module text and the packed zones, asked of the host once, when Luxon is first needed.
  let zonesText = '';
  const B60 = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWX';
  const digit = (c) => B60.indexOf(c);
  // moment-timezone's base 60 numbers: minutes, with a fraction after "." (seconds of old local mean times).
  const base60 = (s) => {
    let i = 0;
    let sign = 1;
    if (s[0] === '-') {
      i = 1;
      sign = -1;
    }
    const dot = s.indexOf('.');
    const end = dot === -1 ? s.length : dot;
    let out = 0;
    for (; i < end; i++) out = out * 60 + digit(s[i]);
    if (dot !== -1) {
      let mult = 1;
      for (let k = dot + 1; k < s.length; k++) {
        mult /= 60;
        out += digit(s[k]) * mult;
      }
    }
    return out * sign;
  };

  // Lower-cased name (or link) → its zone's line; names are matched without regard to case, as Intl does.
  let index;
  const lineOf = (name) => {
    if (!index) {
      index = new Map();
      const links = [];
      for (const line of zonesText.split('\n')) {
        const fields = line.split('|', 3);
        // A link is "Target|Alias".
        if (fields.length === 2) links.push(fields);
        else index.set(fields[0].toLowerCase(), line);
      }
      for (const [target, alias] of links) {
        const line = index.get(target.toLowerCase());
        if (line !== undefined) index.set(alias.toLowerCase(), line);
      }
    }
    return index.get(name.toLowerCase());
  };

  const zones = new Map();
  const zoneOf = (name) => {
    const key = name.toLowerCase();
    let zone = zones.get(key);
    if (zone === undefined) {
      const line = lineOf(name);
      if (line === undefined) return undefined;
      const [, abbrText, offsetText, indexText, untilText] = line.split('|');
      const abbrs = abbrText.split(' ');
      const offsets = offsetText.split(' ').map(base60);
      const n = indexText.length;
      // Typed and pushed arrays: QuickJS keeps "new Array(n)" filled by index as a slow, hashed object.
      const untils = new Float64Array(n);
      const deltas = untilText ? untilText.split(' ') : [];
      let at = 0;
      for (let i = 0; i < n - 1; i++) {
        at = Math.round(at + base60(deltas[i]) * 60000);
        untils[i] = at;
      }
      untils[n - 1] = Infinity;
      const periods = [];
      for (let i = 0; i < n; i++) {
        const k = digit(indexText[i]);
        // moment counts minutes west of UTC; Luxon counts east.
        periods.push({ offset: -offsets[k] || 0, abbr: abbrs[k] });
      }
      // The data lists every transition up to the year 2500, so nothing past its end is computed from rules.
      zone = { untils, periods };
      if (zones.size > 1000) zones.clear();
      zones.set(key, zone);
    }
    return zone;
  };

  const periodAt = (zone, t) => {
    const untils = zone.untils;
    let lo = 0;
    let hi = untils.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (t < untils[mid]) hi = mid;
      else lo = mid + 1;
    }
    return zone.periods[lo];
  };

  // ICU's English short names (en-US, what n8n prints): North American zones have their abbreviations, the
  // Aleutians say HAST/HADT, zones on Greenwich Mean Time say GMT; every other zone is "GMT+h[:mm]".
  const NORTH_AMERICA = /^(America|US|Canada|Atlantic\/Bermuda|Pacific\/Honolulu|Pacific\/Johnston|[ECMP]ST\d[ECMP]DT$|EST$|MST$|HST$|Navajo$|Jamaica$)/i;
  const ABBRS = /^(E|C|M|P|A|AK|H)[SD]T$/;
  const CUBA = /^(America\/Havana|Cuba)$/i;
  const ALEUTIAN = /^(America\/Adak|America\/Atka|US\/Aleutian)$/i;
  // Zones ICU files under metazones with no English abbreviation (Mexico's Pacific, Yukon's year-round MST).
  const UNNAMED = /^(America\/(Hermosillo|Mazatlan)|Mexico\/BajaSur)$/i;
  const YUKON = /^(America\/(Dawson|Whitehorse)|Canada\/Yukon)$/i;
  const NORTHERN_MEXICO = /^America\/(Chihuahua|Ciudad_Juarez|Ojinaga)$/i;
  const MEXICO_MOVED = Date.UTC(2022, 9, 30, 8);
  const named = (zone, period, ts) => {
    if (CUBA.test(zone) || UNNAMED.test(zone)) return false;
    if (YUKON.test(zone) && period.abbr === 'MST') return false;
    if (NORTHERN_MEXICO.test(zone) && period.abbr[0] === 'M' && ts < MEXICO_MOVED) return false;
    return NORTH_AMERICA.test(zone) && ABBRS.test(period.abbr);
  };
  const shortName = (zone, period, ts) => {
    if (/^(Etc\/)?(UTC|UCT|Universal|Zulu)$/i.test(zone)) return 'UTC';
    if (period.abbr === 'GMT' || (/^Antarctica\/Troll$/i.test(zone) && period.offset === 0)) return 'GMT';
    if (named(zone, period, ts)) {
      return ALEUTIAN.test(zone) ? period.abbr.replace('H', 'HA') : period.abbr;
    }
    const offset = period.offset;
    const sign = offset < 0 ? '-' : '+';
    const abs = Math.abs(offset);
    const h = Math.trunc(abs / 60);
    const m = Math.round(abs % 60);
    return 'GMT' + sign + h + (m ? ':' + String(m).padStart(2, '0') : '');
  };

  const longName = (zone, ts, locale) => {
    const options = { timeZoneName: 'long', hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit' };
    const parts = new RealIntl.DateTimeFormat(locale, { ...options, hour: '2-digit', minute: '2-digit', timeZone: zone });
    const found = parts.formatToParts(new Date(ts)).find((m) => m.type.toLowerCase() === 'timezonename');
    return found ? found.value : null;
  };
  // Luxon's English paths are answered here, fast and without a host call; what needs locale data (macro tokens
  // such as D or t, toLocaleString, toHuman, setLocale) goes to the sandbox's Intl, which is Node's ICU, as n8n's
  // Luxon has it (intl-source.ts; it is defined before this module and frozen with everything global).
  const RealIntl = globalThis.Intl;
  const english = (locale) =>
    locale === undefined ||
    (typeof locale === 'string' && /^en(-us)?$/i.test(locale)) ||
    (Array.isArray(locale) && locale.length === 1 && english(locale[0]));
  class DateTimeFormat {
    constructor(locale, options) {
      this.locale = locale;
      this.options = options ?? {};
    }
    real() {
      if (!this.delegate) this.delegate = new RealIntl.DateTimeFormat(this.locale, this.options);
      return this.delegate;
    }
    resolvedOptions() {
      if (!english(this.locale)) return this.real().resolvedOptions();
      return { locale: 'en-US', numberingSystem: 'latn', calendar: 'gregory', timeZone: this.options.timeZone ?? 'UTC' };
    }
    format(date) {
      return this.real().format(date);
    }
    formatToParts(date) {
      return this.real().formatToParts(date);
    }
  }
  // Duration#toFormat's padding and signs in plain Latin digits, here; anything else (toHuman, other locales) is ICU's.
  const PLAIN = new Set(['useGrouping', 'minimumIntegerDigits', 'signDisplay', 'padTo', 'floor', 'forceSimple']);
  class NumberFormat {
    constructor(locale, options) {
      const o = options ?? {};
      if (!english(locale) || o.useGrouping !== false || Object.keys(o).some((k) => !PLAIN.has(k))) {
        return new RealIntl.NumberFormat(locale, o);
      }
      this.digits = o.minimumIntegerDigits ?? 1;
      this.sign = o.signDisplay ?? 'auto';
    }
    format(x) {
      if (!Number.isFinite(x)) return Number.isNaN(x) ? 'NaN' : (x < 0 ? '-' : '') + '∞';
      const negative = x < 0 || Object.is(x, -0);
      // Intl's default: at most three fraction digits, halves away from zero.
      const rounded = Math.round(Math.abs(x) * 1000) / 1000;
      const [whole, fraction] = String(rounded).split('.');
      const digits = whole.padStart(this.digits, '0') + (fraction ? '.' + fraction : '');
      const zero = rounded === 0;
      if (this.sign === 'never') return digits;
      if (this.sign === 'negative') return negative && !zero ? '-' + digits : digits;
      if (this.sign === 'always') return (negative ? '-' : '+') + digits;
      if (this.sign === 'exceptZero') return zero ? digits : (negative ? '-' : '+') + digits;
      return negative ? '-' + digits : digits;
    }
  }
  const { ListFormat, RelativeTimeFormat } = RealIntl;
  const Intl = Object.freeze({ DateTimeFormat, NumberFormat, ListFormat, RelativeTimeFormat });

  let lib;
  let defaultZone;
  let zoneName = 'UTC';
  const luxon = () => {
    if (lib) return lib;
    const assets = loadAssets();
    const colon = assets.indexOf(':');
    const cut = colon + 1 + Number(assets.slice(0, colon));
    zonesText = assets.slice(cut);
    const made = (0, eval)(assets.slice(colon + 1, cut))(Intl);
    const { IANAZone, FixedOffsetZone, SystemZone, Settings } = made;
    // Objects that Luxon's static getters hand out (DateTime.DATE_SHORT, …) are shared too: the driver freezes them.
    const statics = [];
    for (const cls of [made.DateTime, made.Duration, made.Interval, made.Info, FixedOffsetZone, SystemZone]) {
      for (const key of Object.getOwnPropertyNames(cls)) {
        const d = Object.getOwnPropertyDescriptor(cls, key);
        if (d && d.get && !d.set) statics.push(d.get.call(cls));
      }
    }
    made.statics = statics;
    // Zones are shared by every DateTime of every workflow (Luxon caches them): frozen, no one can change another's.
    const create = IANAZone.create;
    // Luxon asks for the default zone (a create) on every DateTime it makes: a zone it made before is frozen already.
    IANAZone.create = (name) => {
      const zone = create.call(IANAZone, name);
      return Object.isFrozen(zone) ? zone : Object.freeze(zone);
    };
    Object.freeze(FixedOffsetZone.utcInstance);
    Object.freeze(SystemZone.instance);
    IANAZone.isValidZone = (name) => typeof name === 'string' && name !== '' && zoneOf(name) !== undefined;
    IANAZone.prototype.offset = function (ts) {
      if (!this.valid || Number.isNaN(ts) || Math.abs(ts) > 8.64e15) return NaN;
      return periodAt(zoneOf(this.name), ts).offset;
    };
    IANAZone.prototype.offsetName = function (ts, { format, locale }) {
      if (!this.valid) return null;
      const period = periodAt(zoneOf(this.name), ts);
      // Long names are ICU's, as Luxon's own parseZoneInfo asks for them.
      if (format === 'long') return longName(this.name, ts, locale);
      return shortName(this.name, period, ts);
    };
    // Every plus/minus converts a Duration to milliseconds (Duration#as through shiftTo), which is most of its cost
    // in QuickJS. For whole numbers in the default (casual) units the answer is a plain sum, the same number
    // shiftTo gives while every term stays a safe integer; anything else goes Luxon's way.
    const Duration = made.Duration;
    const as = Duration.prototype.as;
    const casual = Duration.fromMillis(0).matrix;
    const UNITS = ['years', 'quarters', 'months', 'weeks', 'days', 'hours', 'minutes', 'seconds', 'milliseconds'];
    const FACTORS = [31536e6, 78624e5, 2592e6, 6048e5, 864e5, 36e5, 6e4, 1e3, 1];
    Duration.prototype.as = function (unit) {
      if (unit !== 'milliseconds' || !this.isValid || this.matrix !== casual) return as.call(this, unit);
      const values = this.values;
      let total = 0;
      let size = 0;
      let count = 0;
      for (let i = 0; i < 9; i++) {
        const v = values[UNITS[i]];
        if (v === undefined) continue;
        count++;
        if (!Number.isInteger(v)) return as.call(this, unit);
        total += v * FACTORS[i];
        size += Math.abs(v * FACTORS[i]);
      }
      if (count !== Object.keys(values).length || !Number.isSafeInteger(size)) return as.call(this, unit);
      return total || 0;
    };
    // Settings are the driver's alone: its setters are kept here and taken from everyone else.
    const setters = {};
    // Luxon reads Settings.defaultZone for nearly every DateTime it makes, and its getter parses the zone's name
    // again each time (~5 µs in QuickJS for an IANA name). The zone it answers is kept until the driver sets
    // another, when it is one Luxon shares anyway (frozen: an IANA zone from its cache, UTC, the system zone);
    // a fixed offset or an invalid name is made afresh each time, as before.
    let currentZone;
    const cachedZone = (get) =>
      function () {
        if (currentZone !== undefined) return currentZone;
        const zone = get.call(this);
        if (Object.isFrozen(zone)) currentZone = zone;
        return zone;
      };
    for (const key of Object.getOwnPropertyNames(Settings)) {
      const d = Object.getOwnPropertyDescriptor(Settings, key);
      if (!d || !d.set) continue;
      setters[key] = d.set;
      Object.defineProperty(Settings, key, {
        get: key === 'defaultZone' ? cachedZone(d.get) : d.get,
        set: () => {
          throw new TypeError("Luxon's Settings cannot be changed here");
        },
      });
    }
    setters.defaultLocale.call(Settings, 'en-US');
    // Luxon makes a Locale for every DateTime and Duration (~20–30 µs each in QuickJS, most of a plus or a
    // setZone). The English ones are kept, one per set of arguments, and shared: frozen, since every workflow
    // gets them, which costs nothing because in English mode Luxon writes no caches on a Locale (fastNumbers
    // is answered before freezing). Other locales (numbering systems, calendars) are made as before.
    const Locale = made.DateTime.fromMillis(0).loc.constructor;
    const createLocale = Locale.create;
    const locales = new Map();
    Locale.create = function (locale, numberingSystem, outputCalendar, weekSettings, defaultToEN) {
      const plain =
        (locale === undefined || locale === null || typeof locale === 'string') &&
        (numberingSystem === undefined || numberingSystem === null || typeof numberingSystem === 'string') &&
        (outputCalendar === undefined || outputCalendar === null || typeof outputCalendar === 'string') &&
        !weekSettings;
      if (!plain) return createLocale.call(Locale, locale, numberingSystem, outputCalendar, weekSettings, defaultToEN);
      const key = (locale || '') + '|' + (numberingSystem || '') + '|' + (outputCalendar || '') + '|' + (defaultToEN === true);
      let loc = locales.get(key);
      if (loc === undefined) {
        loc = createLocale.call(Locale, locale, numberingSystem, outputCalendar, weekSettings, defaultToEN);
        if (loc.listingMode() !== 'en') return loc;
        void loc.fastNumbers;
        for (const cache of [loc.weekdaysCache.format, loc.weekdaysCache.standalone, loc.monthsCache.format,
          loc.monthsCache.standalone, loc.weekdaysCache, loc.monthsCache, loc.eraCache]) Object.freeze(cache);
        Object.freeze(loc);
        // Bounded: code may ask for any number of locale names.
        if (locales.size >= 64) locales.clear();
        locales.set(key, loc);
      }
      return loc;
    };
    defaultZone = (name) => {
      setters.defaultZone.call(Settings, name);
      currentZone = undefined;
    };
    defaultZone(zoneName);
    lib = made;
    return lib;
  };

  return {
    luxon,
    /** The workflow's zone, the default of every DateTime made during the call (as n8n sets Luxon's defaultZone). */
    setZone(name) {
      if (name === zoneName) return;
      zoneName = name;
      if (defaultZone) defaultZone(name);
    },
    /** $now and $today, as n8n makes them: now in the default zone, and its midnight (when asked for). */
    clock(ms, withToday) {
      const now = luxon().DateTime.fromMillis(ms);
      return { now, today: withToday ? now.set({ hour: 0, minute: 0, second: 0, millisecond: 0 }) : undefined };
    },
  };
})`;
