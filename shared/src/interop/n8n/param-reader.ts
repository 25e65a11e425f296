import { text } from './conditions.ts';

/**
 * Reading n8n parameters: `ParamReader` remembers which top-level n8n
 * parameters a mapper used, so the rest can be reported to the person
 * importing and nothing is dropped silently.
 */

export type Params = Record<string, unknown>;

export const record = (value: unknown): Params =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Params) : {};

export class ParamReader {
  private readonly used = new Set<string>();
  readonly problems: string[] = [];

  constructor(
    readonly params: Params,
    readonly version: number,
  ) {}

  /** A top-level parameter; `path` reaches into nested objects (`options.timeout`). */
  get(path: string): unknown {
    const [head, ...rest] = path.split('.');
    if (head === undefined) return undefined;
    this.used.add(head);
    let value: unknown = this.params[head];
    for (const key of rest) value = record(value)[key];
    return value;
  }

  /** Rows of n8n's fixedCollection lists: `{ parameters: [ … ] }` and the like. */
  rows(path: string): Params[] {
    const value = this.get(path);
    return Array.isArray(value) ? value.map(record) : [];
  }

  problem(message: string): void {
    this.problems.push(message);
  }

  /** Top-level n8n parameters no mapper read and that hold something. */
  unused(): string[] {
    return Object.entries(this.params)
      .filter(([key, value]) => !this.used.has(key) && !isEmpty(value))
      .map(([key]) => key);
  }
}

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
