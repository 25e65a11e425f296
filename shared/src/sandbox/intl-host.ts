/**
 * The host half of the sandbox's Intl (see intl-source.ts): QuickJS has no
 * Intl and formats dates, numbers and comparisons its own way ("1234.5",
 * code-point order, no zone names), where n8n's expressions run on Node's
 * ICU. The sandbox sends what it was asked as JSON text; the answer is Node's
 * own, or the error Node throws, by name and message.
 *
 * Only formatting crosses: the request holds plain data (strings, numbers,
 * plain objects), each operation is one of the fixed list below, and its cost
 * is bounded by the request's size. Nothing here keeps state a workflow can
 * see: the formatter cache is keyed by its whole configuration.
 */

/** Larger requests are refused: a locale list or an option object is small, and so is any text worth formatting here. */
export const MAX_INTL_REQUEST = 256 * 1024;

const CONSTRUCTORS = {
  DateTimeFormat: Intl.DateTimeFormat,
  NumberFormat: Intl.NumberFormat,
  Collator: Intl.Collator,
  PluralRules: Intl.PluralRules,
  RelativeTimeFormat: Intl.RelativeTimeFormat,
  ListFormat: Intl.ListFormat,
} as const;
type ConstructorName = keyof typeof CONSTRUCTORS;

const METHODS: Record<ConstructorName, readonly string[]> = {
  DateTimeFormat: ['format', 'formatToParts', 'formatRange', 'formatRangeToParts', 'resolvedOptions'],
  NumberFormat: ['format', 'formatToParts', 'formatRange', 'formatRangeToParts', 'resolvedOptions'],
  Collator: ['compare', 'resolvedOptions'],
  PluralRules: ['select', 'selectRange', 'resolvedOptions'],
  RelativeTimeFormat: ['format', 'formatToParts', 'resolvedOptions'],
  ListFormat: ['format', 'formatToParts', 'resolvedOptions'],
};

const DATE_METHODS = [
  'toString',
  'toTimeString',
  'toLocaleString',
  'toLocaleDateString',
  'toLocaleTimeString',
] as const;
const STRING_METHODS = ['localeCompare', 'toLocaleUpperCase', 'toLocaleLowerCase'] as const;

/** A value as the sandbox encodes it (see enc in intl-source.ts): JSON cannot carry undefined, NaN, -0 or a Date. */
type Encoded = { u: 1 } | { n: string } | { d: Encoded } | { v: unknown };

const decode = (x: unknown): unknown => {
  if (typeof x !== 'object' || x === null) throw new TypeError('malformed Intl request');
  if ('u' in x) return undefined;
  if ('n' in x && typeof x.n === 'string') return Number(x.n);
  if ('d' in x) return new Date(decode(x.d) as number);
  if ('v' in x) return x.v;
  throw new TypeError('malformed Intl request');
};

const oneOf = <T extends string>(list: readonly T[], name: unknown): T => {
  if (typeof name !== 'string' || !(list as readonly string[]).includes(name))
    throw new TypeError('malformed Intl request');
  return name as T;
};

/** Formatters by their whole configuration: building one costs Node tens of µs, using one a few. */
const formatters = new Map<string, Record<string, (...args: unknown[]) => unknown>>();
const MAX_FORMATTERS = 256;

const formatterFor = (name: ConstructorName, locales: unknown, options: unknown, key: string) => {
  let formatter = formatters.get(key);
  if (!formatter) {
    const Ctor = CONSTRUCTORS[name] as unknown as new (
      l: unknown,
      o: unknown,
    ) => Record<string, (...args: unknown[]) => unknown>;
    formatter = new Ctor(locales, options);
    if (formatters.size >= MAX_FORMATTERS) formatters.clear();
    formatters.set(key, formatter);
  }
  return formatter;
};

interface Request {
  k: 'intl' | 'date' | 'number' | 'string' | 'canonical' | 'supported';
  c?: unknown;
  m?: unknown;
  l?: Encoded;
  o?: Encoded;
  a?: Encoded[];
  t?: Encoded;
}

const answer = (request: Request): unknown => {
  const locales = request.l ? decode(request.l) : undefined;
  const options = request.o ? decode(request.o) : undefined;
  const args = (Array.isArray(request.a) ? request.a : []).map(decode);
  switch (request.k) {
    case 'intl': {
      const name = oneOf(Object.keys(CONSTRUCTORS) as ConstructorName[], request.c);
      const method = oneOf(METHODS[name], request.m);
      const key = JSON.stringify([name, request.l, request.o]);
      const formatter = formatterFor(name, locales, options, key);
      return (formatter[method] as (...a: unknown[]) => unknown).apply(formatter, args);
    }
    case 'date': {
      const method = oneOf(DATE_METHODS, request.m);
      const date = new Date(request.t ? (decode(request.t) as number) : Number.NaN);
      return method === 'toString' || method === 'toTimeString'
        ? date[method]()
        : date[method](locales as string, options as Intl.DateTimeFormatOptions);
    }
    case 'number':
      return (request.t ? (decode(request.t) as number) : Number.NaN).toLocaleString(
        locales as string,
        options as Intl.NumberFormatOptions,
      );
    case 'string': {
      const method = oneOf(STRING_METHODS, request.m);
      const text = String(request.t ? decode(request.t) : '');
      return (String.prototype[method] as (...a: unknown[]) => unknown).apply(text, args);
    }
    case 'canonical':
      return Intl.getCanonicalLocales(locales as string[]);
    case 'supported': {
      const name = oneOf(Object.keys(CONSTRUCTORS) as ConstructorName[], request.c);
      const ctor = CONSTRUCTORS[name] as unknown as { supportedLocalesOf(l: unknown, o: unknown): string[] };
      return ctor.supportedLocalesOf(locales, options);
    }
    default:
      throw new TypeError('malformed Intl request');
  }
};

/** One request from the sandbox, answered as `{ v }` or `{ e: { name, message } }` (JSON text). */
export const answerIntl = (text: string): string => {
  try {
    if (text.length > MAX_INTL_REQUEST) throw new RangeError('the text is too long to format');
    return JSON.stringify({ v: answer(JSON.parse(text) as Request) });
  } catch (e) {
    const name = e instanceof Error ? e.name : 'Error';
    const message = e instanceof Error ? e.message : String(e);
    return JSON.stringify({ e: { name, message } });
  }
};
