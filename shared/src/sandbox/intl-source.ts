/**
 * Intl inside each QuickJS context, answered by Node's ICU on the host
 * (intl-host.ts), so that what n8n's expressions print with locale data reads
 * the same in Weft: `new Date().toLocaleString('de-DE', { timeZone })`,
 * `String(date)` with its zone name, `(1234.5).toLocaleString()`,
 * `'a'.localeCompare('B')` (ICU's order, not code points), and the Intl
 * classes n8n's expressions can use.
 *
 * Evaluated before the extensions and the driver, whose lockdown freezes what
 * this defines. It is given the one host function that answers requests; it
 * stays in this closure, out of user code's reach (and would give nothing but
 * formatted text if reached).
 */
export const INTL_SOURCE = String.raw`((call) => {
  'use strict';
  const stringify = JSON.stringify;
  const parse = JSON.parse;
  const getTime = Date.prototype.getTime;
  const apply = Reflect.apply;
  const ERRORS = { RangeError, TypeError, SyntaxError, ReferenceError };

  // What JSON cannot carry travels tagged: undefined, NaN, ±Infinity, -0, and Dates (as their time).
  const enc = (v) => {
    if (v === undefined) return { u: 1 };
    if (typeof v === 'number' && (!Number.isFinite(v) || Object.is(v, -0))) return { n: String(Object.is(v, -0) ? '-0' : v) };
    if (v instanceof Date) return { d: enc(apply(getTime, v, [])) };
    if (typeof v === 'bigint') throw new TypeError('BigInt values cannot be formatted here');
    // Options and locale lists are read as plain data, as Intl reads them.
    return { v: v === null || typeof v !== 'object' ? v : parse(stringify(v)) };
  };
  const ask = (request) => {
    const answer = parse(call(stringify(request)));
    if (answer.e) {
      const E = Object.prototype.hasOwnProperty.call(ERRORS, answer.e.name) ? ERRORS[answer.e.name] : Error;
      throw new E(answer.e.message);
    }
    return answer.v;
  };

  const define = (target, name, value) =>
    Object.defineProperty(target, name, { value, writable: true, enumerable: false, configurable: true });

  // Dates: the zone name in text, and every locale format.
  const thisTime = (d) => apply(getTime, d, []);
  for (const m of ['toString', 'toTimeString']) {
    define(Date.prototype, m, {
      [m]() {
        return ask({ k: 'date', m, t: enc(thisTime(this)) });
      },
    }[m]);
  }
  for (const m of ['toLocaleString', 'toLocaleDateString', 'toLocaleTimeString']) {
    define(Date.prototype, m, {
      [m](locales, options) {
        return ask({ k: 'date', m, t: enc(thisTime(this)), l: enc(locales), o: enc(options) });
      },
    }[m]);
  }

  const numberValue = Number.prototype.valueOf;
  define(Number.prototype, 'toLocaleString', {
    toLocaleString(locales, options) {
      return ask({ k: 'number', t: enc(apply(numberValue, this, [])), l: enc(locales), o: enc(options) });
    },
  }.toLocaleString);

  const text = (s) => {
    if (s === undefined || s === null) throw new TypeError('String.prototype method called on null or undefined');
    return String(s);
  };
  define(String.prototype, 'localeCompare', {
    localeCompare(that, locales, options) {
      return ask({ k: 'string', m: 'localeCompare', t: enc(text(this)), a: [enc(String(that)), enc(locales), enc(options)] });
    },
  }.localeCompare);
  for (const m of ['toLocaleUpperCase', 'toLocaleLowerCase']) {
    define(String.prototype, m, {
      [m](locales) {
        return ask({ k: 'string', m, t: enc(text(this)), a: [enc(locales)] });
      },
    }[m]);
  }

  // The Intl classes: each instance keeps its arguments; the host builds (and caches) the real formatter.
  const make = (c, methods, callable) => {
    const config = new WeakMap();
    const of = (self) => {
      const found = config.get(self);
      if (!found) throw new TypeError('Method Intl.' + c + ' called on an incompatible receiver');
      return found;
    };
    const request = (self, m, args) => {
      const { l, o } = of(self);
      return ask({ k: 'intl', c, m, l, o, a: args.map(enc) });
    };
    class Formatter {
      constructor(locales, options) {
        const l = enc(locales);
        const o = enc(options);
        // Built once now, so that a bad locale or option throws here, as in Node.
        ask({ k: 'intl', c, m: 'resolvedOptions', l, o, a: [] });
        config.set(this, { l, o });
      }
      resolvedOptions() {
        return request(this, 'resolvedOptions', []);
      }
      static supportedLocalesOf(locales, options) {
        return ask({ k: 'supported', c, l: enc(locales), o: enc(options) });
      }
    }
    for (const m of methods) {
      if (m === 'format' && (c === 'DateTimeFormat' || c === 'NumberFormat')) {
        // format is a getter giving a bound function (dates.map(dtf.format) works).
        Object.defineProperty(Formatter.prototype, 'format', {
          get() {
            of(this);
            return (value) => request(this, 'format', [c === 'DateTimeFormat' && value === undefined ? Date.now() : value]);
          },
          enumerable: false,
          configurable: true,
        });
      } else if (m === 'compare') {
        Object.defineProperty(Formatter.prototype, 'compare', {
          get() {
            of(this);
            return (a, b) => request(this, 'compare', [String(a), String(b)]);
          },
          enumerable: false,
          configurable: true,
        });
      } else {
        define(Formatter.prototype, m, {
          [m](...args) {
            return request(this, m, args);
          },
        }[m]);
      }
    }
    Object.defineProperty(Formatter.prototype, Symbol.toStringTag, { value: 'Intl.' + c, configurable: true });
    Object.defineProperty(Formatter, 'name', { value: c });
    // DateTimeFormat, NumberFormat and Collator may be called without new, as in Node.
    return callable ? new Proxy(Formatter, { apply: (_, __, args) => new Formatter(...args) }) : Formatter;
  };

  const intl = {};
  define(intl, 'DateTimeFormat', make('DateTimeFormat', ['format', 'formatToParts', 'formatRange', 'formatRangeToParts'], true));
  define(intl, 'NumberFormat', make('NumberFormat', ['format', 'formatToParts', 'formatRange', 'formatRangeToParts'], true));
  define(intl, 'Collator', make('Collator', ['compare'], true));
  define(intl, 'PluralRules', make('PluralRules', ['select', 'selectRange'], false));
  define(intl, 'RelativeTimeFormat', make('RelativeTimeFormat', ['format', 'formatToParts'], false));
  define(intl, 'ListFormat', make('ListFormat', ['format', 'formatToParts'], false));
  define(intl, 'getCanonicalLocales', (locales) => ask({ k: 'canonical', l: enc(locales) }));
  Object.defineProperty(intl, Symbol.toStringTag, { value: 'Intl', configurable: true });
  define(globalThis, 'Intl', intl);
})`;
