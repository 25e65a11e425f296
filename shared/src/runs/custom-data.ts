/**
 * Custom execution data (n8n's `$execution.customData` and the Execution Data
 * node): a few short key/value texts a run saves about itself, stored with the
 * execution and searchable in the list (`GET /api/executions?custom=key:value`).
 *
 * The rules are n8n-core 2.41.1's (`execution-metadata.ts`): at most 10 keys,
 * a new key past them is dropped without a word; a key is letters, numbers,
 * marks and underscores, cut to 50 characters; a value is a string or a
 * number (made text), cut to 512 characters (n8n's message says 255, its code
 * keeps 512). A bad key or value fails the call in a manual run and is
 * ignored in any other, so a production run never fails over its labels.
 */

export const CUSTOM_DATA_MAX_KEYS = 10;
export const CUSTOM_DATA_MAX_KEY_LENGTH = 50;
export const CUSTOM_DATA_MAX_VALUE_LENGTH = 512;

/** Every character of a key: a letter, number or mark of any script, or `_`. */
export const CUSTOM_DATA_KEY = /^[\p{L}\p{N}\p{M}_]*$/u;

export type CustomDataValues = Record<string, string>;

export class CustomDataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CustomDataError';
  }
}

/** Whether a run mode fails on a bad key or value (n8n: only its `manual` mode, the editor's runs). */
export const strictCustomData = (mode: string): boolean => mode === 'manual' || mode === 'test';

/** One run's custom data. */
export class CustomData {
  // A Map, so that no key ("constructor", "toString") is ever taken for an inherited one.
  private readonly values = new Map<string, string>();
  private changes = 0;

  constructor(private readonly strict: boolean) {}

  /** n8n's `set(key, value)`: a bad key or value throws only in a strict (manual) run. */
  set(key: unknown, value: unknown): void {
    this.setText(String(key), typeof key === 'string', textOf(value));
  }

  /** n8n's `setAll(obj)`: every entry is tried; the first failure is thrown after all (strict runs only). */
  setAll(values: object): void {
    this.setEntries(Object.entries(values).map(([key, value]) => [key, textOf(value)]));
  }

  /**
   * `set` with the key and value already made text, as they cross from the sandbox: `isText` false for a key
   * that was not a string, `value` undefined for a value n8n refuses.
   */
  setText(key: string, isText: boolean, value: string | undefined): void {
    try {
      this.put(key, isText, value);
    } catch (e) {
      if (this.strict) throw e;
    }
  }

  setEntries(entries: readonly (readonly [string, string | undefined])[]): void {
    let first: Error | undefined;
    for (const [key, value] of entries) {
      try {
        this.put(key, true, value);
      } catch (e) {
        first ??= e instanceof Error ? e : new CustomDataError(String(e));
      }
    }
    if (first !== undefined && this.strict) throw first;
  }

  get(key: unknown): string | undefined {
    return this.values.get(String(key).slice(0, CUSTOM_DATA_MAX_KEY_LENGTH));
  }

  /** A copy, in the order the keys were first set. */
  getAll(): CustomDataValues {
    return Object.fromEntries(this.values);
  }

  get size(): number {
    return this.values.size;
  }

  /** Counts the writes that changed something: a node whose expressions read the data resolves them again after one. */
  get version(): number {
    return this.changes;
  }

  private put(key: string, isText: boolean, value: string | undefined): void {
    // n8n counts before it checks anything: past the limit, even a bad new key is dropped quietly. Its check is
    // `key in metadata`, which Object's own names (toString, constructor) pass: they are checked past the limit.
    if (!this.values.has(key) && !(key in Object.prototype) && this.values.size >= CUSTOM_DATA_MAX_KEYS) return;
    if (!isText) throw new CustomDataError(`Custom data keys must be a string (key "${key}")`);
    if (!CUSTOM_DATA_KEY.test(key)) {
      throw new CustomDataError(`Custom data key can only contain letters, numbers, and underscores (key "${key}")`);
    }
    if (value === undefined) throw new CustomDataError(`Custom data values must be a string (key "${key}")`);
    // n8n writes into a plain object, where this key sets the prototype and is never stored.
    if (key === '__proto__') return;
    const stored = key.slice(0, CUSTOM_DATA_MAX_KEY_LENGTH);
    // n8n would keep one of Object's names as an 11th key; Weft never holds more than 10 (the server refuses more).
    if (!this.values.has(stored) && this.values.size >= CUSTOM_DATA_MAX_KEYS) return;
    const text = value.slice(0, CUSTOM_DATA_MAX_VALUE_LENGTH);
    if (this.values.get(stored) !== text) this.changes++;
    this.values.set(stored, text);
  }
}

/** A value as n8n keeps it (a string, or a number made text); undefined for what it refuses. */
export const textOf = (value: unknown): string | undefined =>
  typeof value === 'string'
    ? value
    : typeof value === 'number' || typeof value === 'bigint'
      ? String(value)
      : undefined;

/**
 * The sandbox's `$execution.customData` asks the host through this (one QuickJS
 * context serves every run, so the data lives outside it): the request and the
 * answer are JSON text, `{ v }` or `{ e }` (an error to throw inside).
 */
export const answerCustomData = (store: CustomData, requestText: string): string => {
  try {
    const request = JSON.parse(requestText) as {
      op?: unknown;
      key?: unknown;
      text?: unknown;
      value?: unknown;
      entries?: unknown;
    };
    const key = typeof request.key === 'string' ? request.key : '';
    const value = typeof request.value === 'string' ? request.value : undefined;
    switch (request.op) {
      case 'get':
        return JSON.stringify({ v: store.get(key) });
      case 'getAll':
        return JSON.stringify({ v: store.getAll() });
      case 'set':
        store.setText(key, request.text === true, value);
        return '{}';
      case 'setAll': {
        const entries = Array.isArray(request.entries) ? request.entries : [];
        store.setEntries(
          entries.map((e): [string, string | undefined] =>
            Array.isArray(e) ? [String(e[0]), typeof e[1] === 'string' ? e[1] : undefined] : ['', undefined],
          ),
        );
        return '{}';
      }
      default:
        return JSON.stringify({ e: 'unknown custom data operation' });
    }
  } catch (e) {
    return JSON.stringify({ e: e instanceof Error ? e.message : String(e) });
  }
};
