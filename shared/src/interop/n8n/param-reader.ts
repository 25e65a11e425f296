import { text } from './conditions.ts';

/**
 * Reading n8n parameters: `ParamReader` remembers every parameter a mapper
 * read, by its full path (`options.timeout`, `rules.values[1].outputKey`), so
 * whatever no mapper read can be reported to the person importing: nothing is
 * dropped silently.
 *
 * Nested values come back wrapped in a read-only Proxy that records each leaf
 * the mapper touches, so a mapper reads n8n's shapes with plain property
 * access and array methods and the tracking needs no help from it. A wrapped
 * value the mapper puts into its output whole is carried over whole; the
 * reader unwraps it (`carry`) so no Proxy leaves the import.
 */

export type Params = Record<string, unknown>;

export const record = (value: unknown): Params =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Params) : {};

/** A parameter's path as n8n's editor would name it: `options.timeout`, `rules.values[0].conditions`. */
export const formatPath = (segments: readonly (string | number)[]): string =>
  segments.reduce<string>((out, s) => (typeof s === 'number' ? `${out}[${s}]` : out === '' ? s : `${out}.${s}`), '');

const segmentOf = (target: object, key: string): string | number =>
  Array.isArray(target) && /^\d+$/.test(key) ? Number(key) : key;

/** A leaf of n8n's parameters that no mapper read. */
export interface UnreadParameter {
  path: string;
  /** The path with list positions left out (`rules.values.outputKey`): what label and default tables are keyed by. */
  key: string;
  value: unknown;
}

export class ParamReader {
  /** Paths read: a leaf, or a whole subtree a mapper carried over. */
  private readonly read = new Set<string>();
  private readonly proxies = new WeakMap<object, object>();
  private readonly pathOf = new WeakMap<object, (string | number)[]>();
  readonly problems: string[] = [];

  constructor(
    readonly params: Params,
    readonly version: number,
  ) {}

  /** A parameter; `path` reaches into nested objects (`options.timeout`). */
  get(path: string): unknown {
    const segments = path.split('.');
    let value: unknown = this.params;
    for (const key of segments) value = record(value)[key];
    return this.track(value, segments);
  }

  /** Rows of n8n's fixedCollection lists: `{ parameters: [ … ] }` and the like. */
  rows(path: string): Params[] {
    const value = this.get(path);
    return Array.isArray(value) ? value.map(record) : [];
  }

  problem(message: string): void {
    this.problems.push(message);
  }

  /** Whether a mapper read this leaf (or carried a subtree holding it). */
  wasRead(segments: readonly (string | number)[]): boolean {
    for (let i = segments.length; i > 0; i--) if (this.read.has(formatPath(segments.slice(0, i)))) return true;
    return false;
  }

  /**
   * The mapper's output with every wrapped n8n value replaced by the value
   * itself; a wrapped value found there was carried over whole.
   */
  carry(value: unknown): unknown {
    if (typeof value !== 'object' || value === null) return value;
    const path = this.pathOf.get(value);
    if (path) {
      this.read.add(formatPath(path));
      return unwrap(value);
    }
    if (Array.isArray(value)) return value.map((v) => this.carry(v));
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.carry(v)]));
  }

  /** n8n parameters no mapper read and that hold something, leaf by leaf. */
  unread(): UnreadParameter[] {
    const out: UnreadParameter[] = [];
    const walk = (value: unknown, segments: (string | number)[]) => {
      if (isEmpty(value) || (segments.length > 0 && this.read.has(formatPath(segments)))) return;
      if (typeof value === 'object' && value !== null) {
        for (const [k, v] of Object.entries(value)) walk(v, [...segments, segmentOf(value, k)]);
        return;
      }
      const key = segments.filter((s): s is string => typeof s === 'string').join('.');
      out.push({ path: formatPath(segments), key, value });
    };
    walk(this.params, []);
    return out;
  }

  private track(value: unknown, segments: (string | number)[]): unknown {
    if (value === undefined) return undefined;
    if (typeof value !== 'object' || value === null) {
      this.read.add(formatPath(segments));
      return value;
    }
    const known = this.proxies.get(value);
    if (known) return known;
    // A copy, so the traps may answer with wrappers even where the original is frozen.
    const proxy = new Proxy(Array.isArray(value) ? [...(value as unknown[])] : { ...value }, {
      get: (target, key, receiver) => {
        if (key === RAW) return target;
        if (typeof key === 'symbol' || !Object.hasOwn(target, key))
          return Reflect.get(target, key, receiver) as unknown;
        return this.track(Reflect.get(target, key, receiver), [...segments, segmentOf(target, key)]);
      },
      set: () => false,
      deleteProperty: () => false,
      defineProperty: () => false,
    });
    this.proxies.set(value, proxy);
    this.pathOf.set(proxy, segments);
    return proxy;
  }
}

const RAW = Symbol('the n8n value behind a tracking proxy');

const unwrap = (value: object): unknown => (value as { [RAW]?: unknown })[RAW] ?? value;

const isEmpty = (value: unknown): boolean =>
  value === undefined ||
  value === null ||
  value === '' ||
  (Array.isArray(value) && value.length === 0) ||
  (typeof value === 'object' && Object.values(value).every(isEmpty));

export const nameValueRows = (rows: Params[]) => rows.map((r) => ({ name: text(r.name), value: text(r.value) }));

/** Copies n8n parameters whose names Weft uses unchanged. */
export const same = (r: ParamReader, out: Params, names: readonly string[]): void => {
  for (const name of names) {
    const value = r.get(name);
    if (value !== undefined) out[name] = value;
  }
};

/** A mapper turns one node type's n8n parameters into Weft's. */
export type Mapper = (r: ParamReader) => Params;
