/**
 * The most common expression by far is a plain read of the item's data:
 * `{{ $json.total }}`, `{{ $json["first name"] }}`, `{{ $json.lines[0].sku }}`,
 * and next a constant (n8n writes a number compared in IF as `{{ 50 }}`).
 * Crossing into the sandbox for one costs ~25 µs, more than the rest of a
 * small node run, so the resolver answers these on the host. Only when the
 * answer is certainly the sandbox's own: the read goes through own properties
 * of plain objects and arrays (what the sandbox receives as JSON), and any
 * other case (a string's length, a name every object inherits such as
 * `constructor`, a value JSON would change) is left to the sandbox.
 */

export type JsonPath = readonly (string | number)[];

/** What a reader may ask about the item being processed besides its json. */
export interface HostScope {
  /**
   * `$('Name').item` (the item this one is paired to), `.first()` or `.last()`:
   * the item, null when there is none (its `.json` reads as nothing), or
   * undefined when the sandbox must say (it throws: the node has not run, the
   * pairing cannot be found).
   */
  nodeItem(name: string, which: NodeItem, index: number): { json: unknown } | null | undefined;
  /** The call's $now (epoch ms) and the workflow's time zone, for Luxon chains answered on the host (luxon-chain.ts). */
  time?: { now: number; zone: string };
}
export type NodeItem = 'item' | 'first' | 'last';

/** The value of an expression for one item, or undefined when only the sandbox can say. */
export type HostReader = (json: unknown, index: number, scope: HostScope) => { value: unknown } | undefined;

/** `$('Name').item.json…`, `.first().json…` or `.last().json…`: n8n's way to read an earlier node's item. */
const NODE_READ = /^\$\((?:'([^'\\\n]*)'|"([^"\\\n]*)")\)\.(item|first\(\)|last\(\))\.json(?![\w$])/;

const NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
const STRING = /^(?:'([^'\\\n]*)'|"([^"\\\n]*)")$/;
const WORDS: Record<string, unknown> = { true: true, false: false, null: null };

/** A reader for code the host can answer itself (a constant, a plain `$json` or `$('Name')` read), or undefined. */
export const hostReaderOf = (code: string): HostReader | undefined => {
  const text = code.trim();
  if (NUMBER.test(text)) {
    const n = Number(text);
    // Too large a number reads differently as a value (null, through JSON) and as text ("Infinity"): the sandbox's.
    if (!Number.isFinite(n)) return undefined;
    // -0 comes back from the sandbox as 0 (JSON), and reads "0" as text.
    const read = { value: n + 0 };
    return () => read;
  }
  const string = STRING.exec(text);
  if (string) {
    const read = { value: string[1] ?? string[2] ?? '' };
    return () => read;
  }
  if (Object.hasOwn(WORDS, text)) {
    const read = { value: WORDS[text] };
    return () => read;
  }
  const node = NODE_READ.exec(text);
  if (node) {
    const name = node[1] ?? node[2] ?? '';
    const which = (node[3] === 'item' ? 'item' : node[3] === 'first()' ? 'first' : 'last') satisfies NodeItem;
    const path = jsonPathOf(`$json${text.slice(node[0].length)}`);
    if (!path) return undefined;
    return (_json, index, scope) => {
      const item = scope.nodeItem(name, which, index);
      if (item === undefined) return undefined;
      // No item: reading .json of it fails, and the sandbox gives nothing for such an error.
      return item === null ? { value: undefined } : readJsonPath(item.json, path);
    };
  }
  const path = jsonPathOf(text);
  return path ? (json) => readJsonPath(json, path) : undefined;
};

const NAME = /^[A-Za-z_$][\w$]*/;
const INDEX = /^\[\s*(?:(\d{1,9})|'([^'\\\n]*)'|"([^"\\\n]*)")\s*\]/;

/** The path of `$json.a["b"][0]`, or undefined when the code is anything else. */
export const jsonPathOf = (code: string): JsonPath | undefined => {
  let rest = code.trim();
  if (!rest.startsWith('$json')) return undefined;
  rest = rest.slice('$json'.length);
  const path: (string | number)[] = [];
  while (rest.length > 0) {
    if (rest.startsWith('.')) {
      const name = NAME.exec(rest.slice(1).trimStart());
      // `$json.` followed by a space is legal JS, but rare enough to leave to the sandbox.
      if (!name || rest[1] !== name[0][0]) return undefined;
      path.push(name[0]);
      rest = rest.slice(1 + name[0].length);
    } else {
      const index = INDEX.exec(rest);
      if (!index) return undefined;
      path.push(index[1] !== undefined ? Number(index[1]) : (index[2] ?? index[3] ?? ''));
      rest = rest.slice(index[0].length);
    }
  }
  return path;
};

const isPlain = (v: object): boolean => {
  if (Array.isArray(v)) return true;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
};

/** Names reachable on every object or array through its prototype: reading one gives a function, not data. */
const inherited = (container: object, key: string | number): boolean =>
  typeof key === 'string' && key in (Array.isArray(container) ? Array.prototype : Object.prototype);

/**
 * What the sandbox would give for the path on this item's json (`{ value }`,
 * value undefined for "nothing"), or undefined when only the sandbox can say.
 * As in the sandbox (n8n's rule), reading past a missing field or a null gives
 * nothing rather than an error.
 */
export const readJsonPath = (json: unknown, path: JsonPath): { value: unknown } | undefined => {
  let at: unknown = json;
  for (const key of path) {
    if (at === undefined || at === null) return { value: undefined };
    if (typeof at !== 'object' || !isPlain(at)) return undefined;
    const read = ownAfterJson(at, key);
    if (read === MISSING) return inherited(at, key) ? undefined : { value: undefined };
    at = read;
  }
  return asSandboxGives(at);
};

const MISSING = Symbol('missing');

/**
 * The own property as it is once the item has gone through JSON on its way
 * into the sandbox: an array's element that JSON cannot write is null, an
 * object's is dropped, and so are an array's named properties.
 */
const ownAfterJson = (container: object, key: string | number): unknown => {
  const record = container as Record<string | number, unknown>;
  if (typeof record.toJSON === 'function') return MISSING;
  if (Array.isArray(container)) {
    if (key === 'length') return container.length;
    const index = typeof key === 'number' ? key : /^(?:0|[1-9]\d{0,8})$/.test(key) ? Number(key) : -1;
    if (index < 0 || index >= container.length) return MISSING;
    const v: unknown = container[index];
    return v === undefined || typeof v === 'function' || typeof v === 'symbol' ? null : v;
  }
  if (!Object.hasOwn(container, key)) return MISSING;
  const v = record[key];
  return v === undefined || typeof v === 'function' || typeof v === 'symbol' ? MISSING : v;
};

/** The value as it comes back from the sandbox: through JSON both ways (NaN is null, -0 is 0, a copy of objects). */
const asSandboxGives = (v: unknown): { value: unknown } | undefined => {
  switch (typeof v) {
    case 'undefined':
    case 'string':
    case 'boolean':
      return { value: v };
    case 'number':
      return { value: Number.isFinite(v) ? v + 0 : null };
    case 'object':
      if (v === null) return { value: null };
      if (!isPlain(v)) return undefined;
      return { value: JSON.parse(JSON.stringify(v)) as unknown };
    default:
      return undefined;
  }
};

/**
 * The same value joined into text, as the sandbox's template does (String(v),
 * nothing for null, undefined and ''), for what String gives the same on both
 * sides; objects and arrays are left to the sandbox.
 */
export const asTemplateText = (read: { value: unknown }): { value: string } | undefined => {
  const v = read.value;
  if (v === undefined || v === null) return { value: '' };
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return { value: String(v) };
  return undefined;
};
