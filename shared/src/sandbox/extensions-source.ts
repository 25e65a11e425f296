/**
 * n8n's expression extension functions (`'a'.isEmpty()`, `[1, 2].sum()`,
 * `$now.format('yyyy')`, …) as they run inside each QuickJS context. The host
 * rewrites an expression's calls of those names into `extend(value, 'name',
 * [args])` (expressions/extensions/rewrite.ts), as n8n's evaluator does; this
 * code defines `extend` and `extendOptional` as globals before the driver's
 * lockdown freezes them. Nothing is added to any prototype: a field that
 * happens to be named like an extension stays a plain field.
 *
 * Written from n8n's documented and observed behaviour (the differential
 * expressions family checks it against n8n): which type's function runs for a
 * value, the native method when the type has none, the generic isEmpty, and
 * the error messages n8n gives.
 */

/**
 * TRANSLITERATION_SEPARATOR of transliteration-table.ts, repeated rather than imported: the table module is loaded
 * only when an expression asks for it (the browser's preview worker fetches it then), and an import would bundle it.
 */
const SEPARATOR = '¦';

const IMPLEMENTATION = String.raw`((loadTransliteration) => {
  'use strict';
  const hasOwn = Object.prototype.hasOwnProperty;
  const apply = Reflect.apply;
  const luxon = () => globalThis.DateTime;

  const fail = (message) => {
    const e = new Error(message);
    Object.defineProperty(e, 'name', { value: 'ExpressionExtensionError' });
    throw e;
  };

  // lodash's isEqual for JSON-like values: SameValueZero on primitives, deep on arrays and plain objects.
  const equal = (a, b) => {
    if (a === b || (a !== a && b !== b)) return true;
    if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
    if (Array.isArray(a) !== Array.isArray(b)) return false;
    if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
    if (a instanceof Date) return b instanceof Date && a.getTime() === b.getTime();
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    if (ka.length !== kb.length) return false;
    for (const k of ka) if (!hasOwn.call(b, k) || !equal(a[k], b[k])) return false;
    return true;
  };
  const uniqueBy = (list, key) => {
    const out = [];
    const keys = [];
    for (const v of list) {
      const k = key(v);
      if (!keys.some((seen) => equal(seen, k))) {
        keys.push(k);
        out.push(v);
      }
    }
    return out;
  };
  const readable = (value, field) => {
    if (hasOwn.call(value, field)) return true;
    const proto = Object.getPrototypeOf(value);
    return field in value && (proto === null || !(field in proto));
  };
  const define = (target, key, value) =>
    Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });

  // Currency signs the text-to-number functions drop first, as n8n's list has them (some plain letters among them).
  const CURRENCY = /(Lek|\u060b|\u0024|\u0192|\u20bc|Br|BZ\u0024|\u0024b|KM|P|\u043b\u0432|R\u0024|\u17db|\u00a5|\u20a1|kn|\u20b1|K\u010d|kr|RD\u0024|\u00a3|\u20ac|\u00a2|Q|L|Ft|\u20b9|Rp|\ufdfc|\u20aa|J\u0024|\u20a9|\u20ad|\u0434\u0435\u043d|RM|\u20a8|\u20ae|MT|C\u0024|\u20a6|B\u002f\u002e|Gs|S\u002f\u002e|z\u0142|lei|\u20bd|\u0414\u0438\u043d\u002e|S|R|CHF|NT\u0024|\u0e3f|TT\u0024|\u20ba|\u20b4|\u0024U|Bs|\u20ab|Z\u0024)/gu;
  const HOST = '(?:(?:[-\\w]+\\.)+(?:[a-zA-Z]{2,}|xn--[a-zA-Z0-9]+)|localhost|\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3})';
  const DOMAIN_IN = new RegExp('^(?:(?:https?|ftp):\\/\\/)?(?:mailto:)?(?:\\/\\/)?((?:www\\.)?' + HOST + ')(?::\\d+)?(?:\\/[^\\s?]*)?(?:\\?[^\\s#]*)?(?:#[^\\s]*)?$', 'i');
  const DOMAIN = new RegExp('^(?:www\\.)?(' + HOST + ')(?::\\d+)?(?:\\/[^\\s?]*)?(?:\\?[^\\s#]*)?(?:#[^\\s]*)?$', 'i');
  const EMAIL = /(([^<>()\[\]\\.,;:\s@"]+(\.[^<>()\[\]\\.,;:\s@"]+)*)|(".+"))@(?<domain>(\[[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}])|(([a-zA-Z\-0-9]+\.)+[a-zA-Z]{2,}))/;
  const URL_TAIL = '(?::\\d+)?(?:\\/[^\\s?#]*)?(?:\\?[^\\s#]*)?(?=([^\\s]+#.*)?)#?[^\\s]*';
  const URL_EXACT = new RegExp('^(?:(?:https?|ftp):\\/\\/)(?:www\\.)?(' + HOST + ')' + URL_TAIL + '$', 'i');
  const URL_ANY = new RegExp('(?:(?:https?|ftp):\\/\\/)(?:www\\.)?(' + HOST + ')' + URL_TAIL, 'i');

  // UTF-8 and base64 by hand: QuickJS has neither btoa nor Buffer.
  const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const utf8 = (text) => {
    const out = [];
    for (const ch of text) {
      let c = ch.codePointAt(0);
      if (c >= 0xd800 && c <= 0xdfff) c = 0xfffd;
      if (c < 0x80) out.push(c);
      else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
      else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
      else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    }
    return out;
  };
  const toBase64 = (text) => {
    const bytes = utf8(text);
    let out = '';
    for (let i = 0; i < bytes.length; i += 3) {
      const n = (bytes[i] << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
      out += B64[n >> 18] + B64[(n >> 12) & 63];
      out += i + 1 < bytes.length ? B64[(n >> 6) & 63] : '=';
      out += i + 2 < bytes.length ? B64[n & 63] : '=';
    }
    return out;
  };
  // UTF-8 as TextDecoder reads it (WHATWG): one U+FFFD for each maximal invalid subsequence.
  const fromUtf8 = (bytes) => {
    let out = '';
    let needed = 0;
    let seen = 0;
    let point = 0;
    let lower = 0x80;
    let upper = 0xbf;
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes[i];
      if (needed === 0) {
        if (b <= 0x7f) out += String.fromCharCode(b);
        else if (b >= 0xc2 && b <= 0xdf) {
          needed = 1;
          point = b & 0x1f;
        } else if (b >= 0xe0 && b <= 0xef) {
          if (b === 0xe0) lower = 0xa0;
          if (b === 0xed) upper = 0x9f;
          needed = 2;
          point = b & 0xf;
        } else if (b >= 0xf0 && b <= 0xf4) {
          if (b === 0xf0) lower = 0x90;
          if (b === 0xf4) upper = 0x8f;
          needed = 3;
          point = b & 0x7;
        } else out += '\ufffd';
        continue;
      }
      if (b < lower || b > upper) {
        needed = seen = point = 0;
        lower = 0x80;
        upper = 0xbf;
        out += '\ufffd';
        i--;
        continue;
      }
      lower = 0x80;
      upper = 0xbf;
      point = (point << 6) | (b & 0x3f);
      if (++seen === needed) {
        out += String.fromCodePoint(point);
        needed = seen = point = 0;
      }
    }
    return needed > 0 ? out + '\ufffd' : out;
  };
  // Lenient, like js-base64: URL-safe letters allowed, anything else dropped, missing padding tolerated.
  const fromBase64 = (text) => {
    const clean = String(text).replace(/[-_]/g, (c) => (c === '-' ? '+' : '/')).replace(/[^A-Za-z0-9+/]/g, '');
    const bytes = [];
    for (let i = 0; i < clean.length; i += 4) {
      const chunk = clean.slice(i, i + 4);
      let n = 0;
      for (let k = 0; k < 4; k++) n = (n << 6) | (k < chunk.length ? B64.indexOf(chunk[k]) : 0);
      if (chunk.length > 1) bytes.push((n >> 16) & 255);
      if (chunk.length > 2) bytes.push((n >> 8) & 255);
      if (chunk.length > 3) bytes.push(n & 255);
    }
    return fromUtf8(bytes);
  };

  // The title-case package's rules (n8n's toTitleCase): small words stay lower inside a title, words with
  // their own capitals stay as they are, the first letter or digit after any leading marks is raised.
  const SMALL_WORDS = /\b(?:an?d?|a[st]|because|but|by|en|for|i[fn]|neither|nor|o[fnr]|only|over|per|so|some|tha[tn]|the|to|up|upon|vs?\.?|versus|via|when|with|without|yet)\b/i;
  const titleCase = (input) => {
    const tokens = /[^\s:\u2013\u2014-]+|./g;
    let out = '';
    let m;
    while ((m = tokens.exec(input)) !== null) {
      const token = m[0];
      const at = m.index;
      const raise =
        !/.(?=[A-Z]|\..)/.test(token) &&
        (!SMALL_WORDS.test(token) || at === 0 || at + token.length === input.length) &&
        (input.charAt(at + token.length) !== ':' || /\s/.test(input.charAt(at + token.length + 1)));
      out += raise ? token.replace(/[A-Za-z0-9\u00C0-\u00FF]/, (c) => c.toUpperCase()) : token;
    }
    return out;
  };

  // Digests over UTF-8 bytes, as hex (n8n: md5 and jsSHA over text).
  const hex = (words, littleEndian) =>
    words
      .map((w) => {
        let h = '';
        for (let i = 0; i < 4; i++) {
          const byte = littleEndian ? (w >>> (8 * i)) & 255 : (w >>> (24 - 8 * i)) & 255;
          h += (byte < 16 ? '0' : '') + byte.toString(16);
        }
        return h;
      })
      .join('');
  const padded = (bytes, littleEndian) => {
    const bits = bytes.length * 8;
    const out = bytes.concat([0x80]);
    while (out.length % 64 !== 56) out.push(0);
    const high = Math.floor(bits / 0x100000000);
    const low = bits >>> 0;
    const size = [];
    for (let i = 0; i < 4; i++) size.push((low >>> (8 * i)) & 255);
    for (let i = 0; i < 4; i++) size.push((high >>> (8 * i)) & 255);
    return out.concat(littleEndian ? size : size.reverse());
  };
  const wordAt = (bytes, i, littleEndian) =>
    littleEndian
      ? bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24)
      : (bytes[i] << 24) | (bytes[i + 1] << 16) | (bytes[i + 2] << 8) | bytes[i + 3];
  const rotl = (x, n) => (x << n) | (x >>> (32 - n));
  const rotr = (x, n) => (x >>> n) | (x << (32 - n));
  const MD5_S = [7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21];
  const MD5_K = Array.from({ length: 64 }, (_, i) => Math.floor(Math.abs(Math.sin(i + 1)) * 0x100000000) | 0);
  const md5 = (bytes) => {
    const data = padded(bytes, true);
    let [a0, b0, c0, d0] = [0x67452301, 0xefcdab89 | 0, 0x98badcfe | 0, 0x10325476];
    for (let off = 0; off < data.length; off += 64) {
      const m = Array.from({ length: 16 }, (_, i) => wordAt(data, off + 4 * i, true));
      let [a, b, c, d] = [a0, b0, c0, d0];
      for (let i = 0; i < 64; i++) {
        const round = i >> 4;
        const f = round === 0 ? (b & c) | (~b & d) : round === 1 ? (d & b) | (~d & c) : round === 2 ? b ^ c ^ d : c ^ (b | ~d);
        const g = round === 0 ? i : round === 1 ? (5 * i + 1) % 16 : round === 2 ? (3 * i + 5) % 16 : (7 * i) % 16;
        const next = (a + f + MD5_K[i] + m[g]) | 0;
        a = d;
        d = c;
        c = b;
        b = (b + rotl(next, MD5_S[round * 4 + (i % 4)])) | 0;
      }
      a0 = (a0 + a) | 0;
      b0 = (b0 + b) | 0;
      c0 = (c0 + c) | 0;
      d0 = (d0 + d) | 0;
    }
    return hex([a0, b0, c0, d0], true);
  };
  const sha1 = (bytes) => {
    const data = padded(bytes, false);
    const h = [0x67452301, 0xefcdab89 | 0, 0x98badcfe | 0, 0x10325476, 0xc3d2e1f0 | 0];
    for (let off = 0; off < data.length; off += 64) {
      const w = Array.from({ length: 16 }, (_, i) => wordAt(data, off + 4 * i, false));
      for (let i = 16; i < 80; i++) w.push(rotl(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1));
      let [a, b, c, d, e] = h;
      for (let i = 0; i < 80; i++) {
        const f = i < 20 ? (b & c) | (~b & d) : i < 40 || i >= 60 ? b ^ c ^ d : (b & c) | (b & d) | (c & d);
        const k = i < 20 ? 0x5a827999 : i < 40 ? 0x6ed9eba1 : i < 60 ? 0x8f1bbcdc | 0 : 0xca62c1d6 | 0;
        const t = (rotl(a, 5) + f + e + k + w[i]) | 0;
        e = d;
        d = c;
        c = rotl(b, 30);
        b = a;
        a = t;
      }
      h[0] = (h[0] + a) | 0;
      h[1] = (h[1] + b) | 0;
      h[2] = (h[2] + c) | 0;
      h[3] = (h[3] + d) | 0;
      h[4] = (h[4] + e) | 0;
    }
    return hex(h, false);
  };
  const isPrime = (n) => {
    for (let d = 2; d * d <= n; d++) if (n % d === 0) return false;
    return true;
  };
  const PRIMES = [];
  for (let n = 2; PRIMES.length < 64; n++) if (isPrime(n)) PRIMES.push(n);
  const frac = (x) => Math.floor((x - Math.floor(x)) * 0x100000000) | 0;
  const SHA256_K = PRIMES.map((p) => frac(Math.cbrt(p)));
  const SHA256_H = PRIMES.slice(0, 8).map((p) => frac(Math.sqrt(p)));
  const SHA224_H = [0xc1059ed8, 0x367cd507, 0x3070dd17, 0xf70e5939, 0xffc00b31, 0x68581511, 0x64f98fa7, 0xbefa4fa4].map((x) => x | 0);
  const sha256 = (bytes, short) => {
    const data = padded(bytes, false);
    const h = (short ? SHA224_H : SHA256_H).slice();
    for (let off = 0; off < data.length; off += 64) {
      const w = Array.from({ length: 16 }, (_, i) => wordAt(data, off + 4 * i, false));
      for (let i = 16; i < 64; i++) {
        const s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >>> 3);
        const s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >>> 10);
        w.push((w[i - 16] + s0 + w[i - 7] + s1) | 0);
      }
      let [a, b, c, d, e, f, g, k] = h;
      for (let i = 0; i < 64; i++) {
        const t1 = (k + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + SHA256_K[i] + w[i]) | 0;
        const t2 = ((rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) | 0;
        k = g;
        g = f;
        f = e;
        e = (d + t1) | 0;
        d = c;
        c = b;
        b = a;
        a = (t1 + t2) | 0;
      }
      for (let i = 0; i < 8; i++) h[i] = (h[i] + [a, b, c, d, e, f, g, k][i]) | 0;
    }
    return hex(short ? h.slice(0, 7) : h, false);
  };

  const parseDateTime = (value) => {
    const DateTime = luxon();
    if (isDateTime(value) && value.isValid) return value;
    if (value instanceof Date) {
      const d = DateTime.fromJSDate(value);
      if (d.isValid) return d;
    }
    const text = String(value).trim();
    for (const parse of ['fromISO', 'fromHTTP', 'fromRFC2822', 'fromSQL']) {
      const d = DateTime[parse](text, { setZone: true });
      if (d.isValid) return d;
    }
    const d = DateTime.fromMillis(Date.parse(text));
    if (d.isValid) return d;
    fail('Value is not a valid date');
  };

  const numberToDateTime = (value, [unit = 'ms']) => {
    if (!['ms', 's', 'us', 'excel'].includes(unit)) {
      fail("Unsupported format '" + String(unit) + "'. toDateTime() supports 'ms', 's', 'us' and 'excel'.");
    }
    const DateTime = luxon();
    if (unit === 'excel') return DateTime.fromSeconds((value - 25569) * 86400);
    if (unit === 's') return DateTime.fromSeconds(value);
    if (unit === 'us') return DateTime.fromMillis(value / 1000);
    return DateTime.fromMillis(value);
  };

  // Luxon's own test (DateTime.isDateTime), without loading Luxon for it: no DateTime exists before it is loaded.
  const isDateTime = (v) => (v ? v.isLuxonDateTime === true : false);
  const asDateTime = (v) => (isDateTime(v) ? v : luxon().fromJSDate(v));
  const UNIT_OF = { days: 'day', months: 'month', years: 'year', hours: 'hour', minutes: 'minute', seconds: 'second', milliseconds: 'millisecond', hrs: 'hour', hr: 'hour', mins: 'minute', min: 'minute', secs: 'second', sec: 'second', ms: 'millisecond' };
  const DURATION_OF = { day: 'days', month: 'months', year: 'years', week: 'weeks', hour: 'hours', minute: 'minutes', second: 'seconds', millisecond: 'milliseconds', ms: 'milliseconds', sec: 'seconds', secs: 'seconds', hr: 'hours', hrs: 'hours', min: 'minutes', mins: 'minutes' };
  const DURATION_UNITS = ['milliseconds', 'seconds', 'minutes', 'hours', 'days', 'weeks', 'months', 'quarters', 'years'];
  const DATE_PARTS = ['day', 'week', 'month', 'year', 'hour', 'minute', 'second', 'millisecond', 'weekNumber', 'yearDayNumber', 'weekday'];
  // A JS Date in gives a JS Date out; a DateTime gives a DateTime.
  const viaDateTime = (date, op) => (isDateTime(date) ? op(date) : op(luxon().fromJSDate(date)).toJSDate());
  const shift = (sign) => (date, args) => {
    const by = args.length === 1 ? args[0] : { [DURATION_OF[args[1] ?? 'minutes'] || (args[1] ?? 'minutes')]: args[0] ?? 0 };
    return viaDateTime(date, (d) => (sign > 0 ? d.plus(by) : d.minus(by)));
  };
  const dateToDateTime = (date) => {
    if (isDateTime(date)) return date;
    if (typeof date === 'string') return stringFns.toDateTime(date, []);
    return luxon().fromJSDate(date);
  };
  const diffTo = (date, [other, unit = 'days']) => {
    let units = Array.isArray(unit) ? unit : [unit];
    if (units.length === 0) units = ['days'];
    const bad = units.find((u) => !DATE_PARTS.includes(u) && !DURATION_UNITS.includes(u));
    if (bad !== undefined) {
      fail("Unsupported unit '" + String(bad) + "'. Supported: " + DURATION_UNITS.map((u) => "'" + u + "'").join(', ') + '.');
    }
    const diff = date.diff(dateToDateTime(other), units);
    return units.length > 1 ? diff.toObject() : diff.as(units[0]);
  };
  const toDateTimeValue = (v) => {
    if (typeof v === 'string') {
      const d = luxon().fromJSDate(new Date(v));
      return d.invalidReason !== null ? undefined : d;
    }
    if (v instanceof Date) return luxon().fromJSDate(v);
    if (isDateTime(v)) return v;
    return undefined;
  };

  // URLSearchParams' serializer (QuickJS has none): form encoding, spaces as "+", only *-._ and alphanumerics kept.
  const formEncode = (value) => {
    let text = String(value);
    if (typeof text.toWellFormed === 'function') text = text.toWellFormed();
    return encodeURIComponent(text)
      .replace(/[!'()~]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase())
      .replace(/%20/g, '+');
  };
  const table = (fns) => Object.assign(Object.create(null), fns);
  const none = () => undefined;

  // n8n's replaceSpecialChars() is the transliteration package's transliterate(value, { unknown: '?' }): each
  // character (a surrogate pair as one) through its table (transliteration-table.ts, asked of the host and parsed
  // the first time), "?" when the table lacks it, and, when the text holds Chinese, a space between the spellings
  // of two characters in a row of which the first is Chinese, unless the second's spelling has punctuation or a space.
  const CHINESE =
    /[\u2E80-\u2E99\u2E9B-\u2EF3\u2F00-\u2FD5\u3005\u3007\u3021-\u3029\u3038-\u303B\u3400-\u4DBF\u4E00-\u9FFC\uF900-\uFA6D\uFA70-\uFAD9]|\uD81B[\uDFF0\uDFF1]|[\uD840-\uD868\uD86A-\uD86C\uD86F-\uD872\uD874-\uD879\uD880-\uD883][\uDC00-\uDFFF]|\uD869[\uDC00-\uDEDD\uDF00-\uDFFF]|\uD86D[\uDC00-\uDF34\uDF40-\uDFFF]|\uD86E[\uDC00-\uDC1D\uDC20-\uDFFF]|\uD873[\uDC00-\uDEA1\uDEB0-\uDFFF]|\uD87A[\uDC00-\uDFE0]|\uD87E[\uDC00-\uDE1D]|\uD884[\uDC00-\uDF4A]/;
  // The package's hasPunctuationOrSpace, its ASCII part: the spellings it is asked about are ASCII.
  const PUNCTUATION_OR_SPACE = /[\s!-#%-*,-/:;?@[-\]_{}]/;
  let spellings;
  const spellingsOf = () => {
    if (!spellings) {
      spellings = [];
      for (const [start, joined] of JSON.parse(loadTransliteration())) {
        joined.split(${JSON.stringify(SEPARATOR)}).forEach((text, i) => {
          spellings[start + i] = text;
        });
      }
    }
    return spellings;
  };
  const transliterate = (v) => {
    const table = spellingsOf();
    const chinese = CHINESE.test(v);
    let out = '';
    let lastChinese = false;
    for (let i = 0; i < v.length; i++) {
      const c = v.charCodeAt(i);
      const pair = c >= 0xd800 && c <= 0xdbff && v.charCodeAt(i + 1) >= 0xdc00 && v.charCodeAt(i + 1) <= 0xdfff;
      const char = pair ? v.slice(i, i + 2) : v[i];
      let s = pair ? '?' : c < 0x7f ? char : table[c] || '?';
      if (chinese) {
        if (lastChinese && !PUNCTUATION_OR_SPACE.test(s)) s = ' ' + s;
        lastChinese = CHINESE.test(char);
      }
      out += s;
      if (pair) i++;
    }
    return out;
  };
  const stringFns = table({
    isEmpty: (v) => v === '',
    isNotEmpty: (v) => v !== '',
    length: (v) => v.length,
    toJsonString: (v) => JSON.stringify(v),
    removeTags: (v) => v.replace(/<[^>]*>?/gm, ''),
    removeMarkdown: (v) =>
      v
        .replace(/^([\s\t]*)([*\-+]|\d\.)\s+/gm, '$1')
        .replace(/\n={2,}/g, '\n')
        .replace(/~~/g, '')
        .replace(/\x60{3}.*\n/g, '')
        .replace(/<[\w|\s|=|'|"|:|(|)|,|;|/|0-9|.|-]+[>|\\>]/g, '')
        .replace(/^[=-]{2,}\s*$/g, '')
        .replace(/\[\^.+?\](: .*?$)?/g, '')
        .replace(/\s{0,2}\[.*?\]: .*?$/g, '')
        .replace(/!\[.*?\][[(].*?[\])]/g, '')
        .replace(/\[(.*?)\][[(].*?[\])]/g, '$1')
        .replace(/>/g, '')
        .replace(/^\s{1,2}\[(.*?)\]: (\S+)( ".*?")?\s*$/g, '')
        .replace(/^#{1,6}\s*([^#]*)\s*(#{1,6})?/gm, '$1')
        .replace(/([*_]{1,3})(\S.*?\S)\1/g, '$2')
        .replace(/(\x60{3,})(.*?)\1/gm, '$2')
        .replace(/^-{3,}\s*$/g, '')
        .replace(/\x60(.+?)\x60/g, '$1')
        .replace(/\n{2,}/g, '\n\n'),
    toDate: (v) => {
      const date = new Date(Date.parse(v));
      if (date.toString() === 'Invalid Date') fail('cannot convert to date');
      if (!/:/.test(v)) date.setHours(0, 0, 0);
      return date;
    },
    toDateTime: (v, [format] = ['']) => {
      try {
        if (format) {
          if (format === 'ms' || format === 's' || format === 'us' || format === 'excel') return numberToDateTime(Number(v), [format]);
          return luxon().fromFormat(v, format);
        }
        return parseDateTime(v);
      } catch (e) {
        if (e !== null && typeof e === 'object' && e.name === 'InternalError') throw e;
        fail('cannot convert to Luxon DateTime');
      }
    },
    urlDecode: (v, [whole = false]) => (whole ? decodeURI(v.toString()) : decodeURIComponent(v.toString())),
    urlEncode: (v, [whole = false]) => (whole ? encodeURI(v.toString()) : encodeURIComponent(v.toString())),
    toInt: (v, [radix]) => {
      const n = parseInt(v.replace(CURRENCY, ''), radix);
      if (isNaN(n)) fail('cannot convert to integer');
      return n;
    },
    toFloat: (v) => {
      if (v.includes(',')) fail('cannot convert to float, expected . as decimal separator');
      const n = parseFloat(v.replace(CURRENCY, ''));
      if (isNaN(n)) fail('cannot convert to float');
      return n;
    },
    toNumber: (v) => {
      const n = Number(v.replace(CURRENCY, ''));
      if (isNaN(n)) fail('cannot convert to number');
      return n;
    },
    quote: (v, [mark = '"']) => mark + v.replace(/\\/g, '\\\\').split(mark).join('\\' + mark) + mark,
    isNumeric: (v) => !v.includes(' ') && !isNaN(v) && !isNaN(parseFloat(v)),
    isUrl: (v) => URL_EXACT.test(v),
    isDomain: (v) => DOMAIN.test(v),
    isEmail: (v) => EMAIL.test(v) && !v.includes(' '),
    toSentenceCase: (v) => {
      let rest = v.slice();
      let done = '';
      while (/\p{L}/u.test(rest)) {
        const at = rest.search(/\p{L}/u);
        rest = rest.slice(0, at) + rest[at].toLocaleUpperCase() + rest.slice(at + 1).toLocaleLowerCase();
        const stop = rest.search(/[!?.]/);
        if (stop === -1) {
          done += rest;
          rest = '';
          break;
        }
        done += rest.slice(0, stop + 1);
        rest = rest.slice(stop + 1);
      }
      return done + rest;
    },
    toSnakeCase: (v) =>
      v
        .toLocaleLowerCase()
        .replace(/[ \-]/g, '_')
        .replace(/[\u2000-\u206F\u2E00-\u2E7F\\'!"#$%&()*+,.\/:;<=>?@\[\]^\x60{|}~]/g, ''),
    extractEmail: (v) => EMAIL.exec(v)?.[0],
    extractDomain: (v) => {
      if (EMAIL.test(v) && !v.includes(' ')) return EMAIL.exec(v)?.groups?.domain;
      return v.match(DOMAIN_IN)?.[1];
    },
    extractUrl: (v) => URL_ANY.exec(v)?.[0],
    extractUrlPath: (v) => {
      const m = /^[a-zA-Z][a-zA-Z\d+\-.]*:\/\/[^/?#]*([^?#]*)/.exec(v);
      return m ? m[1] || '/' : undefined;
    },
    parseJson: (v) => {
      try {
        return JSON.parse(v);
      } catch {
        fail(v.includes("'") ? "Parsing failed. Check you're using double quotes" : 'Parsing failed');
      }
    },
    toBoolean: (v) => {
      const t = v.toLowerCase();
      return t.length > 0 && t !== 'false' && t !== 'no' && t !== '0';
    },
    base64Encode: (v) => toBase64(v),
    base64Decode: (v) => fromBase64(v),
  });
  stringFns.replaceSpecialChars = (v) => transliterate(v);
  stringFns.toTitleCase = titleCase;
  stringFns.hash = (v, [algorithm]) => {
    const name = algorithm?.toLowerCase() ?? 'md5';
    if (name === 'base64') return toBase64(v);
    if (name === 'md5') return md5(utf8(v));
    if (name === 'sha1') return sha1(utf8(v));
    if (name === 'sha256' || name === 'sha224') return sha256(utf8(v), name === 'sha224');
    if (name === 'sha384' || name === 'sha512' || name === 'sha3') fail(name + " hashes are not available in Weft's expressions");
    fail('Unknown algorithm ' + name + '. Available algorithms are: md5,sha1,sha224,sha256,sha384,sha512,sha3, and Base64.');
  };
  stringFns.toDecimalNumber = stringFns.toFloat;
  stringFns.toWholeNumber = stringFns.toInt;

  const roundTo = (v, [places = 0]) => +v.toFixed(places);
  // Intl.NumberFormat's en-US default (QuickJS has no Intl): the number's shortest decimal text rounded half
  // away from zero to at most 3 decimals, thousands grouped, the sign kept (-0 included).
  const decimalDigits = (x) => {
    const [mantissa, exponent = '0'] = String(x).split('e');
    const [whole, fraction = ''] = mantissa.split('.');
    let digits = whole + fraction;
    let point = whole.length + Number(exponent);
    if (point <= 0) {
      digits = '0'.repeat(1 - point) + digits;
      point = 1;
    }
    if (point > digits.length) digits += '0'.repeat(point - digits.length);
    return [digits.slice(0, point), digits.slice(point)];
  };
  const increment = (digits) => {
    const out = digits.split('');
    let i = out.length - 1;
    while (i >= 0 && out[i] === '9') out[i--] = '0';
    if (i < 0) out.unshift('1');
    else out[i] = String(Number(out[i]) + 1);
    return out.join('');
  };
  const formatNumber = (v, [locales = 'en-US', options = {}]) => {
    if (typeof Intl === 'object' && Intl !== null) return new Intl.NumberFormat(locales, options).format(v);
    if (locales !== 'en-US' || Object.keys(options).length > 0) fail('format(): only the en-US format without options is available');
    const sign = v < 0 || Object.is(v, -0) ? '-' : '';
    if (isNaN(v)) return 'NaN';
    if (!isFinite(v)) return sign + '\u221e';
    let [whole, fraction] = decimalDigits(Math.abs(v));
    if (fraction.length > 3) {
      const up = fraction[3] >= '5';
      fraction = fraction.slice(0, 3);
      if (up) {
        const bumped = increment(whole + fraction);
        whole = bumped.slice(0, bumped.length - 3);
        fraction = bumped.slice(-3);
      }
    }
    fraction = fraction.replace(/0+$/, '');
    whole = whole.replace(/^0+(?=\d)/, '');
    return sign + whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',') + (fraction ? '.' + fraction : '');
  };
  const numberFns = table({
    format: formatNumber,
    ceil: (v) => Math.ceil(v),
    floor: (v) => Math.floor(v),
    round: roundTo,
    abs: (v) => Math.abs(v),
    isInteger: (v) => Number.isInteger(v),
    isEven: (v) => {
      if (!Number.isInteger(v)) fail('isEven() is only callable on integers');
      return v % 2 === 0;
    },
    isOdd: (v) => {
      if (!Number.isInteger(v)) fail('isOdd() is only callable on integers');
      return Math.abs(v) % 2 === 1;
    },
    toBoolean: (v) => v !== 0,
    toInt: (v) => roundTo(v, []),
    toFloat: (v) => v,
    toDateTime: numberToDateTime,
  });

  const dateFns = table({
    beginningOf: (date, [unit = 'week']) => viaDateTime(date, (d) => d.startOf(UNIT_OF[unit] || unit)),
    endOfMonth: (date) => viaDateTime(date, (d) => d.endOf('month')),
    extract: (date, [part = 'week']) => {
      if (part === 'yearDayNumber') {
        const d = isDateTime(date) ? date.toJSDate() : date;
        const start = new Date(d.getFullYear(), 0, 0);
        const diff = d.getTime() - start.getTime() + (start.getTimezoneOffset() - d.getTimezoneOffset()) * 60000;
        return Math.floor(diff / 86400000);
      }
      const unit = part === 'week' ? 'weekNumber' : UNIT_OF[part] || part;
      return asDateTime(date).get(unit);
    },
    format: (date, [format, options = {}]) => asDateTime(date).toFormat(format, { ...options }),
    isBetween: (date, args) => {
      if (args.length !== 2) fail('isBetween(): expected exactly two args');
      const a = toDateTimeValue(args[0]);
      const b = toDateTimeValue(args[1]);
      if (!a || !b) return undefined;
      return a > b ? b < date && date < a : b > date && date > a;
    },
    isDst: (date) => asDateTime(date).isInDST,
    isInLast: (date, [amount = 0, unit = 'minutes']) => {
      const DateTime = luxon();
      const since = DateTime.now().minus({ [DURATION_OF[unit] || unit]: amount });
      const d = asDateTime(date);
      return since <= d && d <= DateTime.now();
    },
    isWeekend: (date) => [6, 7].includes(asDateTime(date).weekday),
    minus: shift(-1),
    plus: shift(1),
    toDateTime: dateToDateTime,
    diffTo,
    diffToNow: (date, [unit]) => diffTo(date, [luxon().now(), unit]),
    toInt: (date) => (isDateTime(date) ? date.toMillis() : date.getTime()),
    toFloat: (date) => (isDateTime(date) ? date.toMillis() : date.getTime()),
    toBoolean: none,
    isEmpty: () => false,
    isNotEmpty: () => true,
  });

  const numbersOnly = (list, name) => {
    if (list.some((v) => typeof v !== 'number')) fail(name + '(): all array elements must be numbers');
  };
  const sum = (list) => {
    numbersOnly(list, 'sum');
    return list.reduce((total, v) => total + v, 0);
  };
  const compactObject = (value) => {
    const out = {};
    for (const [k, v] of Object.entries(value)) {
      if (v === null || v === undefined || v === 'nil' || v === '') continue;
      if (typeof v === 'object') {
        if (Object.keys(v).length === 0) continue;
        define(out, k, compactObject(v));
      } else define(out, k, v);
    }
    return out;
  };
  const mergeInto = (value, [other]) => {
    if (!other) return value;
    if (typeof other !== 'object') fail('merge(): expected object arg');
    const out = { ...value };
    for (const [k, v] of Object.entries(other)) if (!hasOwn.call(out, k)) define(out, k, v);
    return out;
  };
  const arrayArg = (name, example) => (others) => {
    if (!Array.isArray(others)) fail(name + '(): expected array arg, e.g. .' + name + '(' + example + ')');
  };
  const uniqueList = (list, keys) =>
    uniqueBy(list, (item) => {
      if (keys.length > 0 && item && typeof item === 'object') {
        const picked = {};
        for (const k of keys) define(picked, k, readable(item, k) ? item[k] : undefined);
        return picked;
      }
      return item;
    });
  const arrayFns = table({
    first: (v) => v[0],
    last: (v) => v[v.length - 1],
    isEmpty: (v) => v.length === 0,
    isNotEmpty: (v) => v.length > 0,
    reverse: (v) => [...v].reverse(),
    pluck: (v, fields) => {
      if (fields.length === 0) return v;
      const out = [];
      for (const item of v) {
        if (!item || typeof item !== 'object') continue;
        const picked = [];
        for (const k of Object.keys(item)) for (const f of fields) if (f === k) picked.push(item[k]);
        if (picked.length > 0) out.push(picked.length === 1 ? picked[0] : picked);
      }
      return out;
    },
    randomItem: (v) => (v.length ? v[Math.floor(Math.random() * v.length)] : undefined),
    unique: uniqueList,
    removeDuplicates: uniqueList,
    sum,
    min: (v) => {
      numbersOnly(v, 'min');
      return Math.min(...v);
    },
    max: (v) => {
      numbersOnly(v, 'max');
      return Math.max(...v);
    },
    average: (v) => {
      numbersOnly(v, 'average');
      return v.length === 0 ? 0 : sum(v) / v.length;
    },
    compact: (v) =>
      v
        .filter((x) => {
          if (x && typeof x === 'object' && Object.keys(x).length === 0) return false;
          return x !== null && x !== undefined && x !== 'nil' && x !== '';
        })
        .map((x) => (typeof x === 'object' && x !== null ? compactObject(x) : x)),
    smartJoin: (v, [keyField, valueField]) => {
      if (!keyField || !valueField || typeof keyField !== 'string' || typeof valueField !== 'string') {
        fail('smartJoin(): expected two string args, e.g. .smartJoin("name", "value")');
      }
      const out = {};
      for (const item of v) {
        if (typeof item === 'object' && item !== null && readable(item, keyField) && readable(item, valueField)) {
          define(out, item[keyField], item[valueField]);
        }
      }
      return out;
    },
    chunk: (v, [size]) => {
      if (typeof size !== 'number' || size === 0) fail('chunk(): expected non-zero numeric arg, e.g. .chunk(5)');
      const out = [];
      for (let i = 0; i < v.length; i += size) out.push(v.slice(i, i + size));
      return out;
    },
    union: (v, [others]) => {
      arrayArg('union', '[1, 2, 3, 4]')(others);
      const out = Array.from(v);
      for (const x of others) if (out.findIndex((y) => equal(y, x)) === -1) out.push(x);
      return uniqueList(out, []);
    },
    difference: (v, [others]) => {
      arrayArg('difference', '[1, 2, 3, 4]')(others);
      return uniqueList(v.filter((x) => others.findIndex((y) => equal(y, x)) === -1), []);
    },
    intersection: (v, [others]) => {
      arrayArg('intersection', '[1, 2, 3, 4]')(others);
      const out = v.filter((x) => others.findIndex((y) => equal(y, x)) !== -1);
      for (const x of others) if (v.findIndex((y) => equal(y, x)) !== -1) out.push(x);
      return uniqueList(out, []);
    },
    append: (v, args) => v.concat(args),
    renameKeys: (v, args) => {
      if (args.length === 0 || args.length % 2 !== 0) {
        fail('renameKeys(): expected an even amount of args: from1, to1 [, from2, to2, ...]. e.g. .renameKeys("name", "title")');
      }
      return v.map((item) => {
        if (typeof item !== 'object' || item === null) return item;
        const out = { ...item };
        for (let i = 0; i < args.length; i += 2) {
          if (hasOwn.call(out, args[i])) {
            define(out, args[i + 1], out[args[i]]);
            delete out[args[i]];
          }
        }
        return out;
      });
    },
    merge: (v, [others]) => {
      if (others === undefined) {
        let out = {};
        for (const item of v) {
          if (item !== null && typeof item === 'object' && !Array.isArray(item)) out = mergeInto(out, [item]);
        }
        return out;
      }
      if (!Array.isArray(others)) fail('merge(): expected array arg, e.g. .merge([{ id: 1, otherValue: 3 }])');
      const out = {};
      for (let i = 0; i < Math.max(v.length, others.length); i++) {
        if (v[i] !== undefined && typeof v[i] === 'object' && typeof others[i] === 'object') {
          for (const [k, x] of Object.entries(mergeInto(v[i], [others[i]]))) define(out, k, x);
        }
      }
      return out;
    },
    mergeIntoObject: (v, [others]) => {
      if (!Array.isArray(others)) {
        fail('mergeIntoObject(): expected array arg, e.g. .mergeIntoObject([{ id: 1, otherValue: 3 }])');
      }
      const out = {};
      for (let i = 0; i < Math.max(v.length, others.length); i++) {
        const base = v[i] !== null && typeof v[i] === 'object';
        const other = others[i] !== null && typeof others[i] === 'object';
        const source = base ? mergeInto(v[i], other ? [others[i]] : []) : other ? others[i] : undefined;
        if (source) for (const [k, x] of Object.entries(source)) define(out, k, x);
      }
      return out;
    },
    toJsonString: (v) => JSON.stringify(v),
    toInt: none,
    toFloat: none,
    toBoolean: none,
    toDateTime: none,
  });

  const objectFns = table({
    isEmpty: (v) => Object.keys(v).length === 0,
    isNotEmpty: (v) => Object.keys(v).length !== 0,
    keys: (v) => Object.keys(v),
    values: (v) => Object.values(v),
    hasField: (v, [name]) => name in v,
    removeField: (v, [name]) => {
      if (!(name in v)) return v;
      const out = { ...v };
      delete out[name];
      return out;
    },
    removeFieldsContaining: (v, [match]) => {
      if (typeof match !== 'string' || match === '') fail('removeFieldsContaining(): expected non-empty string arg');
      const out = { ...v };
      for (const [k, x] of Object.entries(v)) if (typeof x === 'string' && x.includes(match)) delete out[k];
      return out;
    },
    keepFieldsContaining: (v, [match]) => {
      if (typeof match !== 'string' || match === '') fail('argument of keepFieldsContaining must be a non-empty string');
      const out = { ...v };
      for (const [k, x] of Object.entries(v)) if (typeof x !== 'string' || !x.includes(match)) delete out[k];
      return out;
    },
    compact: compactObject,
    urlEncode: (v) =>
      Object.keys(v)
        .map((k) => formEncode(k) + '=' + formEncode(v[k]))
        .join('&'),
    toJsonString: (v) => JSON.stringify(v),
    toInt: none,
    toFloat: none,
    toBoolean: none,
    toDateTime: none,
  });

  const booleanInt = (v) => (v ? 1 : 0);
  const booleanFns = table({ toBoolean: (v) => v, toInt: booleanInt, toFloat: booleanInt, toNumber: booleanInt, toDateTime: none });

  // In n8n's order of types: the order its "only callable on types …" message lists them in.
  const TYPES = [
    ['Array', arrayFns],
    ['Date', dateFns],
    ['Number', numberFns],
    ['Object', objectFns],
    ['String', stringFns],
    ['Boolean', booleanFns],
  ];
  const generic = table({
    isEmpty: (v) => v === null || v === undefined || !v,
    isNotEmpty: (v) => !(v === null || v === undefined || !v),
  });
  const UNSAFE = new Set(['__proto__', 'prototype', 'constructor', 'getPrototypeOf', 'setPrototypeOf', 'getOwnPropertyDescriptor', 'defineProperty', 'defineProperties', '__defineGetter__', '__defineSetter__', '__lookupGetter__', '__lookupSetter__', 'mainModule', 'binding', '_load']);

  // An ISO text exactly as Date#toISOString writes it counts as a date (n8n's rule for dates that came through JSON).
  const isDateText = (v) => {
    if (typeof v !== 'string' || !/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}.\d{3}Z/.test(v)) return false;
    const d = new Date(v);
    return !isNaN(d.valueOf()) && d.toISOString() === v;
  };
  const own = (fns, name) => (hasOwn.call(fns, name) ? fns[name] : undefined);

  /**
   * { fn, input } for an extension, { native, input } for the value's own method, or undefined. An ISO date
   * text is looked up as a Date but, as in n8n, the function is still given the text (which Luxon then reads
   * as an invalid date: n8n answers "Invalid DateTime" for '2024-01-15T10:20:30.123Z'.format('yyyy')).
   */
  const find = (given, rawName) => {
    let input = given;
    const name = typeof rawName === 'string' ? rawName : String(rawName);
    if (UNSAFE.has(name)) fail('Cannot access "' + name + '" via expression extension due to security concerns');
    let fn;
    if (Array.isArray(input)) fn = own(arrayFns, name);
    else if (isDateText(input) && name !== 'toDate' && name !== 'toDateTime') {
      input = new Date(input);
      fn = own(dateFns, name);
    } else if (typeof input === 'string') fn = own(stringFns, name);
    else if (typeof input === 'number') fn = own(numberFns, name);
    else if (input && (input instanceof Date || isDateTime(input))) fn = own(dateFns, name);
    else if (input !== null && typeof input === 'object') fn = own(objectFns, name);
    else if (typeof input === 'boolean') fn = own(booleanFns, name);
    if (!fn) {
      if (input && name && typeof input[name] === 'function') return { native: input[name], input: given };
      fn = own(generic, name);
    }
    return fn ? { fn, input: given, name } : undefined;
  };

  const extend = (input, name, args) => {
    const found = find(input, name);
    if (!found) {
      if (input === undefined || input === null) fail(String(name) + " can't be used on " + String(input) + ' value');
      const types = TYPES.filter(([, fns]) => hasOwn.call(fns, name)).map(([type]) => '"' + type + '"');
      if (types.length === 0) fail('Unknown expression function: ' + String(name));
      if (types.length === 1) fail(String(name) + '() is only callable on type ' + types[0]);
      const lastType = types.pop();
      fail(String(name) + '() is only callable on types ' + types.join(', ') + ', and ' + lastType);
    }
    const list = Array.isArray(args) ? args : [];
    if (found.native) return apply(found.native, found.input, list);
    return found.fn(found.input, list);
  };
  const extendOptional = (input, name) => {
    const found = find(input, name);
    if (!found) return undefined;
    if (found.native) return (...args) => apply(found.native, found.input, args);
    return (...args) => found.fn(found.input, args);
  };
  return Object.freeze({ extend, extendOptional });
})`;

/**
 * What a context evaluates when it is built: `extend` and `extendOptional`,
 * which compile the implementation above (carried as one string, cheap to
 * read) the first time an expression calls an extension. Parsing and running
 * it costs ~15 ms of QuickJS; a context that never meets an extension call
 * does not pay it.
 */
export const EXTENSIONS_SOURCE = `((loadTransliteration) => {
  'use strict';
  const text = ${JSON.stringify(IMPLEMENTATION)};
  const evaluate = eval;
  let impl;
  const load = () => (impl ??= evaluate(text)(loadTransliteration));
  const extend = (input, name, args) => load().extend(input, name, args);
  const extendOptional = (input, name) => load().extendOptional(input, name);
  for (const [name, value] of [['extend', extend], ['extendOptional', extendOptional]]) {
    Object.defineProperty(globalThis, name, { value, writable: false, enumerable: false, configurable: false });
  }
})`;
