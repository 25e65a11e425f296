import { parse, type AnyNode as Node } from 'acorn';
import { DateTime, IANAZone, Zone, type ZoneOffsetFormat, type ZoneOffsetOptions } from 'luxon';
import { jsonPathOf, readJsonPath, type HostReader, type JsonPath } from './json-path.ts';

/**
 * Luxon interpreted in QuickJS costs ~100 µs for a chain like
 * `$now.minus({ days: 1 }).setZone('Europe/Berlin').toFormat('yyyy-MM-dd')`;
 * Node's own Luxon (the same 3.7.2 the sandbox loads) does it in a few µs. So,
 * as json-path.ts does for plain reads, the host answers a small, exact
 * grammar of such chains itself, and only when its answer is certainly the
 * sandbox's: the same instant ($now of the call), the workflow's zone passed
 * explicitly (Luxon's global Settings are never touched), the sandbox's locale
 * (en-US), zones whose offsets the two zone databases provably agree on
 * (ZONES, checked by luxon-chain.test.ts) and instants within 1970–2037.
 * Anything else, any invalid DateTime or thrown error, is left to the sandbox,
 * so errors and their messages come from one place.
 *
 * Grammar (anything outside it gives undefined):
 *   chain    := receiver ( '.' step )* '.' end
 *   receiver := $now | $today | DateTime.fromISO(<string>) | DateTime.fromMillis(<number>)
 *   step     := plus(obj) | minus(obj) | set(obj) | setZone(<zone string>) | startOf(<unit>) | endOf(<unit>) | toUTC()
 *   end      := toFormat(<format string>) | toISO() | toISODate() | toMillis() | toSeconds() | toUnixInteger()
 *             | year | month | day | hour | minute | second | millisecond | weekday | ordinal | quarter | offset
 *   obj      := { unit: num, … }   (literal keys, no duplicates)
 *   num      := <number> | -num | num (+ - * / %) num | $json read | $json read ?? num
 * A `$json` read must be a finite number (or null/undefined on the left of `??`): anything else the sandbox says.
 */

/** IANA zones whose offsets Node's ICU and the sandbox's tz data give alike over 1970–2037 (luxon-chain.test.ts). */
export const ZONES: ReadonlySet<string> = new Set([
  'UTC',
  'Etc/UTC',
  'Europe/Berlin',
  'Europe/London',
  'Europe/Paris',
  'Europe/Madrid',
  'Europe/Rome',
  'Europe/Amsterdam',
  'Europe/Vienna',
  'Europe/Zurich',
  'Europe/Warsaw',
  'Europe/Stockholm',
  'America/New_York',
  'America/Chicago',
  'America/Denver',
  'America/Los_Angeles',
  'America/Sao_Paulo',
  'Asia/Tokyo',
  'Asia/Kolkata',
  'Asia/Shanghai',
  'Asia/Singapore',
  'Australia/Sydney',
]);

/**
 * The tz releases of Node's ICU this list is proven for: from the one luxon-chain.test.ts compares against (Node
 * 20's, 2025c) to the sandbox's own data (moment-timezone's, see time-assets.ts; the test fails when it changes).
 * A Node carrying other ICU data (older, or newer than the sandbox's) answers no Luxon chain here.
 */
export const TZ_CHECKED_FROM = '2025c';
export const TZ_CHECKED_TO = '2026f';
/** Whether the host's own ICU zone data is one this list is proven for (see SandboxHost.timeZoneVersion). */
const tzAgrees = (tz: string | undefined): boolean =>
  tz !== undefined && tz >= TZ_CHECKED_FROM && tz <= TZ_CHECKED_TO && /^\d{4}[a-z]$/.test(tz);

/** The instants both zone databases are compared over (and so the only ones answered here). */
export const FROM_MS = Date.UTC(1970, 0, 1);
export const UNTIL_MS = Date.UTC(2038, 0, 1);
/** Numbers a chain may add or set: bounded, so every step stays O(1) and inside the compared range's reach. */
const MAX_NUMBER = 1e7;
const MAX_FORMAT = 200;

export interface TimeScope {
  /** $now of the call, epoch ms. */
  now: number;
  /** The workflow's time zone. */
  zone: string;
}

type Num = (json: unknown) => number | undefined;
type Step = (dt: DateTime, json: unknown) => DateTime | undefined;
type Receiver = (time: TimeScope) => DateTime | undefined;
type End = (dt: DateTime) => unknown;

const PLUS_UNITS = new Set([
  'year',
  'years',
  'quarter',
  'quarters',
  'month',
  'months',
  'week',
  'weeks',
  'day',
  'days',
  'hour',
  'hours',
  'minute',
  'minutes',
  'second',
  'seconds',
  'millisecond',
  'milliseconds',
]);
const SET_UNITS = new Set(['year', 'month', 'day', 'hour', 'minute', 'second', 'millisecond']);
const START_UNITS = new Set(['year', 'quarter', 'month', 'week', 'day', 'hour', 'minute', 'second', 'millisecond']);
const PROPERTIES = new Set([
  'year',
  'month',
  'day',
  'hour',
  'minute',
  'second',
  'millisecond',
  'weekday',
  'ordinal',
  'quarter',
  'offset',
]);
const ENDS: Record<string, End> = {
  toISO: (dt) => dt.toISO() ?? undefined,
  toISODate: (dt) => dt.toISODate() ?? undefined,
  toMillis: (dt) => dt.toMillis(),
  toSeconds: (dt) => dt.toSeconds(),
  toUnixInteger: (dt) => dt.toUnixInteger(),
};

/**
 * Format tokens that read the same in both Luxons: numbers, and English names (the sandbox's locale is en-US, where
 * Luxon takes month and weekday names and AM/PM from its own English tables, not Intl). Macro tokens (`D`, `t`…)
 * and zone names (`z`, `ZZZZ`) go through Intl: left to the sandbox.
 */
const TOKENS = new Set([
  'y',
  'yy',
  'yyyy',
  'M',
  'MM',
  'MMM',
  'MMMM',
  'd',
  'dd',
  'H',
  'HH',
  'h',
  'hh',
  'm',
  'mm',
  's',
  'ss',
  'S',
  'SSS',
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
]);

/** Whether Luxon's parseFormat splits the text into whitelisted tokens and literal text only. */
const plainFormat = (fmt: string): boolean => {
  if (fmt.length > MAX_FORMAT) return false;
  let quoted = false;
  let run = '';
  const runOk = () => !/^[A-Za-z]/.test(run) || TOKENS.has(run);
  for (const c of fmt) {
    if (c === "'") {
      if (!quoted && !runOk()) return false;
      run = '';
      quoted = !quoted;
    } else if (quoted) continue;
    else if (c.charCodeAt(0) > 126 || c.charCodeAt(0) < 32) return false;
    else if (run.length > 0 && c === run[0]) run += c;
    else {
      if (!runOk()) return false;
      run = c;
    }
  }
  return quoted ? true : runOk();
};

const inRange = (dt: DateTime | undefined): dt is DateTime => {
  if (!dt?.isValid) return false;
  const ms = dt.toMillis();
  return ms >= FROM_MS && ms < UNTIL_MS && ZONES.has(dt.zoneName ?? '');
};

/**
 * Node's Luxon asks Intl's formatToParts for every offset of an IANA zone (~15–45 µs, most of a chain's cost on the
 * host). Offsets change only at whole minutes (luxon-chain.test.ts checks every transition of the listed zones over
 * 1970–2037), so each zone keeps the offsets it has answered per minute: the same numbers, asked once. Everything
 * else is the IANA zone's own; it equals it (Luxon compares zones by type and name).
 */
class MinuteCachedZone extends Zone<true> {
  private readonly offsets = new Map<number, number>();
  constructor(private readonly inner: IANAZone<true>) {
    super();
  }
  override get type(): string {
    return 'iana';
  }
  override get name(): string {
    return this.inner.name;
  }
  override get isUniversal(): boolean {
    return false;
  }
  override offsetName(ts: number, options: ZoneOffsetOptions): string {
    return this.inner.offsetName(ts, options);
  }
  override formatOffset(ts: number, format: ZoneOffsetFormat): string {
    return this.inner.formatOffset(ts, format);
  }
  override offset(ts: number): number {
    const minute = Math.floor(ts / 60_000);
    let offset = this.offsets.get(minute);
    if (offset === undefined) {
      offset = this.inner.offset(ts);
      if (this.offsets.size >= 4096) this.offsets.clear();
      this.offsets.set(minute, offset);
    }
    return offset;
  }
  override equals(other: Zone): boolean {
    return other.type === 'iana' && other.name === this.name;
  }
  override get isValid(): true {
    return true;
  }
}

/** The zone to hand Luxon for a listed name: UTC as Luxon's own fixed zone, an IANA zone with its offsets kept. */
const cachedZones = new Map<string, string | Zone>();
const zoneOf = (name: string): string | Zone => {
  let zone = cachedZones.get(name);
  if (zone === undefined) {
    const iana = IANAZone.create(name);
    zone = name === 'UTC' || !iana.isValid ? name : new MinuteCachedZone(iana);
    cachedZones.set(name, zone);
  }
  return zone;
};

const options = (zone: string) => ({ zone: zoneOf(zone), locale: 'en-US' });

const stringArg = (n: Node | undefined): string | undefined =>
  n?.type === 'Literal' && typeof n.value === 'string' ? n.value : undefined;

const numberLiteral = (n: Node): number | undefined =>
  n.type === 'Literal' && typeof n.value === 'number' && Number.isFinite(n.value) ? n.value : undefined;

/** The source text of `$json.a.b` / `$json["x"][0]` nodes, as json-path.ts parses them. */
const jsonRead = (n: Node, code: string): JsonPath | undefined =>
  n.type === 'MemberExpression' || (n.type === 'Identifier' && n.name === '$json')
    ? jsonPathOf(code.slice(n.start, n.end))
    : undefined;

const finite = (v: number): number | undefined => (Number.isFinite(v) ? v : undefined);

const numberOf = (n: Node, code: string): Num | undefined => {
  const literal = numberLiteral(n);
  if (literal !== undefined) return () => literal;
  if (n.type === 'UnaryExpression' && n.operator === '-') {
    const arg = numberOf(n.argument, code);
    return (
      arg &&
      ((json) => {
        const v = arg(json);
        return v === undefined ? undefined : -v;
      })
    );
  }
  if (n.type === 'LogicalExpression' && n.operator === '??') {
    const path = jsonRead(n.left, code);
    const right = numberOf(n.right, code);
    if (!path || !right) return undefined;
    return (json) => {
      const read = readJsonPath(json, path);
      if (!read) return undefined;
      if (read.value === null || read.value === undefined) return right(json);
      return typeof read.value === 'number' ? read.value : undefined;
    };
  }
  if (n.type === 'BinaryExpression' && ['+', '-', '*', '/', '%'].includes(n.operator)) {
    if (n.left.type === 'PrivateIdentifier') return undefined;
    const left = numberOf(n.left, code);
    const right = numberOf(n.right, code);
    if (!left || !right) return undefined;
    const op = n.operator;
    return (json) => {
      const a = left(json);
      const b = right(json);
      if (a === undefined || b === undefined) return undefined;
      return finite(op === '+' ? a + b : op === '-' ? a - b : op === '*' ? a * b : op === '/' ? a / b : a % b);
    };
  }
  const path = jsonRead(n, code);
  if (!path) return undefined;
  return (json) => {
    const read = readJsonPath(json, path);
    return read && typeof read.value === 'number' ? read.value : undefined;
  };
};

/** `{ days: 1, hours: $json.n }` with keys from `units`, as a function of the item's json. */
const objectOf = (n: Node | undefined, units: ReadonlySet<string>, code: string) => {
  if (n?.type !== 'ObjectExpression') return undefined;
  const fields: [string, Num][] = [];
  for (const p of n.properties) {
    if (p.type !== 'Property' || p.computed || p.kind !== 'init' || p.method || p.shorthand) return undefined;
    const key = p.key.type === 'Identifier' ? p.key.name : stringArg(p.key);
    if (key === undefined || !units.has(key) || fields.some(([k]) => k === key)) return undefined;
    const value = numberOf(p.value, code);
    if (!value) return undefined;
    fields.push([key, value]);
  }
  return (json: unknown): Record<string, number> | undefined => {
    const out: Record<string, number> = {};
    for (const [key, value] of fields) {
      const v = value(json);
      if (v === undefined || !(Math.abs(v) <= MAX_NUMBER)) return undefined;
      out[key] = v;
    }
    return out;
  };
};

const receiverOf = (n: Node): Receiver | undefined => {
  if (n.type === 'Identifier' && n.name === '$now') return (t) => DateTime.fromMillis(t.now, options(t.zone));
  // n8n's WorkflowDataProxy: $today is $now at midnight, in the workflow's zone.
  if (n.type === 'Identifier' && n.name === '$today')
    return (t) => DateTime.fromMillis(t.now, options(t.zone)).set({ hour: 0, minute: 0, second: 0, millisecond: 0 });
  if (n.type !== 'CallExpression' || n.optional || n.arguments.length !== 1) return undefined;
  const callee = n.callee;
  if (callee.type !== 'MemberExpression' || callee.computed || callee.optional) return undefined;
  if (callee.object.type !== 'Identifier' || callee.object.name !== 'DateTime') return undefined;
  if (callee.property.type !== 'Identifier') return undefined;
  const [arg] = n.arguments;
  if (!arg || arg.type === 'SpreadElement') return undefined;
  if (callee.property.name === 'fromISO') {
    const text = stringArg(arg);
    if (text === undefined || text.length > 64) return undefined;
    return (t) => DateTime.fromISO(text, options(t.zone));
  }
  if (callee.property.name === 'fromMillis') {
    const ms = numberLiteral(arg);
    if (ms === undefined) return undefined;
    return (t) => DateTime.fromMillis(ms, options(t.zone));
  }
  return undefined;
};

const stepOf = (name: string, args: Node[], code: string): Step | undefined => {
  if (name === 'toUTC') return args.length === 0 ? (dt) => dt.toUTC() : undefined;
  if (args.length !== 1) return undefined;
  const [arg] = args;
  if (name === 'plus' || name === 'minus' || name === 'set') {
    const object = objectOf(arg, name === 'set' ? SET_UNITS : PLUS_UNITS, code);
    if (!object) return undefined;
    return (dt, json) => {
      const values = object(json);
      if (!values) return undefined;
      return name === 'plus' ? dt.plus(values) : name === 'minus' ? dt.minus(values) : dt.set(values);
    };
  }
  const text = stringArg(arg);
  if (text === undefined) return undefined;
  if (name === 'setZone') {
    if (!ZONES.has(text)) return undefined;
    const zone = zoneOf(text);
    return (dt) => dt.setZone(zone);
  }
  if (!START_UNITS.has(text)) return undefined;
  const unit = text as Parameters<DateTime['startOf']>[0];
  if (name === 'startOf') return (dt) => dt.startOf(unit);
  if (name === 'endOf') return (dt) => dt.endOf(unit);
  return undefined;
};

const endOf = (n: Node): End | undefined => {
  if (n.type === 'MemberExpression') {
    if (n.computed || n.optional || n.property.type !== 'Identifier') return undefined;
    const name = n.property.name;
    return PROPERTIES.has(name) ? (dt) => dt[name as 'year'] : undefined;
  }
  if (n.type !== 'CallExpression' || n.optional || n.callee.type !== 'MemberExpression') return undefined;
  const callee = n.callee;
  if (callee.computed || callee.optional || callee.property.type !== 'Identifier') return undefined;
  const name = callee.property.name;
  if (name === 'toFormat') {
    const fmt = n.arguments.length === 1 ? stringArg(n.arguments[0]) : undefined;
    return fmt !== undefined && plainFormat(fmt) ? (dt) => dt.toFormat(fmt) : undefined;
  }
  if (n.arguments.length !== 0 || !Object.hasOwn(ENDS, name)) return undefined;
  return ENDS[name];
};

/** The object the end reads from (the chain so far). */
const endTarget = (n: Node): Node | undefined =>
  n.type === 'MemberExpression'
    ? n.object
    : n.type === 'CallExpression' && n.callee.type === 'MemberExpression'
      ? n.callee.object
      : undefined;

const compileChain = (code: string): ((json: unknown, time: TimeScope) => unknown) | undefined => {
  if (code.length > 1000) return undefined;
  let program;
  try {
    program = parse(code, { ecmaVersion: 2022, sourceType: 'script' });
  } catch {
    return undefined;
  }
  const [statement] = program.body;
  if (program.body.length !== 1 || statement?.type !== 'ExpressionStatement') return undefined;
  const top = statement.expression;
  const end = endOf(top);
  const target = endTarget(top);
  if (!end || !target) return undefined;
  let at: Node = target;
  const steps: Step[] = [];
  let receiver: Receiver | undefined;
  for (;;) {
    receiver = receiverOf(at);
    if (receiver) break;
    if (at.type !== 'CallExpression' || at.optional || at.callee.type !== 'MemberExpression') return undefined;
    const callee: Node = at.callee;
    if (callee.computed || callee.optional || callee.property.type !== 'Identifier') return undefined;
    if (at.arguments.some((a) => a.type === 'SpreadElement')) return undefined;
    const step = stepOf(callee.property.name, at.arguments, code);
    if (!step) return undefined;
    steps.unshift(step);
    at = callee.object;
  }
  const start = receiver;
  return (json, time) => {
    let dt = start(time);
    if (!inRange(dt)) return undefined;
    for (const step of steps) {
      dt = step(dt, json);
      if (!inRange(dt)) return undefined;
    }
    const value = end(dt);
    return typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value)) ? value : undefined;
  };
};

const NAMES = /\$now|\$today|DateTime/;

/**
 * Arithmetic over `$json` numbers and literals (`(($json.i ?? 0) * 37) % 100`, the num of the grammar above) is
 * answered too: on numbers, + - * / % are IEEE operations that give the same double in QuickJS and V8. A result
 * that is not finite (JSON would make it null, a template "Infinity") is the sandbox's.
 */
const arithmeticOf = (code: string): ((json: unknown) => number | undefined) | undefined => {
  if (code.length > 1000) return undefined;
  let program;
  try {
    program = parse(code, { ecmaVersion: 2022, sourceType: 'script' });
  } catch {
    return undefined;
  }
  const [statement] = program.body;
  if (program.body.length !== 1 || statement?.type !== 'ExpressionStatement') return undefined;
  const top = statement.expression;
  // A bare literal or read is json-path.ts's; here only what computes.
  if (top.type !== 'BinaryExpression' && top.type !== 'LogicalExpression' && top.type !== 'UnaryExpression')
    return undefined;
  return numberOf(top, code);
};

/** Compiled chains per expression text (null: not of the grammar), bounded: workflows may hold any number. */
const compiled = new Map<string, ReturnType<typeof compileChain> | null>();

/**
 * A reader for a Luxon chain of the grammar above, or undefined (the sandbox's, as every other code). `hostTz` is
 * the host's ICU zone release (SandboxHost.timeZoneVersion): chains are answered only where it is proven.
 */
export const luxonReaderOf = (code: string, hostTz: string | undefined): HostReader | undefined => {
  if (!NAMES.test(code)) return arithmeticReaderOf(code);
  if (!tzAgrees(hostTz)) return undefined;
  let chain = compiled.get(code);
  if (chain === undefined) {
    chain = compileChain(code.trim()) ?? null;
    if (compiled.size >= 512) compiled.clear();
    compiled.set(code, chain);
  }
  if (!chain) return undefined;
  const run = chain;
  return (json, _index, scope) => {
    const time = scope.time;
    if (!time || !ZONES.has(time.zone)) return undefined;
    try {
      const value = run(json, time);
      return value === undefined ? undefined : { value: value === 0 ? 0 : value };
    } catch {
      return undefined;
    }
  };
};

const arithmetic = new Map<string, ReturnType<typeof arithmeticOf> | null>();

/** A reader for arithmetic over `$json` numbers (see arithmeticOf), or undefined. */
const arithmeticReaderOf = (code: string): HostReader | undefined => {
  let compute = arithmetic.get(code);
  if (compute === undefined) {
    compute = arithmeticOf(code.trim()) ?? null;
    if (arithmetic.size >= 512) arithmetic.clear();
    arithmetic.set(code, compute);
  }
  if (!compute) return undefined;
  const run = compute;
  return (json) => {
    const value = run(json);
    return value === undefined ? undefined : { value: value === 0 ? 0 : value };
  };
};
