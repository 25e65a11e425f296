import {
  newQuickJSWASMModuleFromVariant,
  type QuickJSContext,
  type QuickJSHandle,
  type QuickJSRuntime,
  type QuickJSWASMModule,
} from 'quickjs-emscripten-core';
import { extensionsNeedTime, rewriteExpression } from '../expressions/extensions/rewrite.ts';
import { DRIVER_SOURCE } from './driver-source.ts';
import { EXTENSIONS_SOURCE } from './extensions-source.ts';
import { INTL_SOURCE } from './intl-source.ts';
import { answerIntl } from './intl-host.ts';
import { TIME_SOURCE } from './time-source.ts';
import type { SandboxHost } from './host.ts';
import { answerCustomData, CustomData } from '../runs/custom-data.ts';
import { functionSources, hostRefusal, type FunctionShape, type SourceSyntaxError } from './function-source.ts';

/**
 * User code (expressions and the Code node) runs here: QuickJS compiled to
 * WebAssembly, with a time limit per call and a memory limit per runtime.
 * Nothing of the host is visible inside — no `process`, no `require`, no host
 * objects; values cross as JSON text. Never `eval`, `new Function` or
 * `node:vm` in the host. User code arrives only as a function body or one
 * expression, which the host parser and QuickJS both check before anything
 * of it runs (function-source.ts): it never runs at the context's top level.
 *
 * One context serves many executions (creating one costs ~0.4 ms, more than a
 * whole small execution); the lockdown in DRIVER_SOURCE keeps them apart. When
 * a call runs out of time or memory the runtime is thrown away and rebuilt, so
 * whatever state the runaway code left behind goes with it.
 */

export interface SandboxLimits {
  /** Wall-clock budget of one call into the sandbox. */
  timeoutMs: number;
  /** Heap limit of the QuickJS runtime. */
  memoryBytes: number;
}

/**
 * What user code sees besides its items: `$workflow` and `$execution` as JSON
 * text (the same for a whole run, so the sandbox parses it once), the time
 * of the call (`$now`, `$today`) and the workflow's IANA time zone, in which
 * Luxon makes its DateTimes (n8n's `Settings.defaultZone`).
 */
export interface CallScope {
  metaText: string;
  now: number;
  zone: string;
  /** The run's custom data (`$execution.customData`); without it, a call gets an empty one of its own. */
  custom?: CustomData;
}

/**
 * Whether user code may read `$now` or `$today`: code that cannot gets no
 * Luxon DateTimes made for it. `eval` and `arguments` can reach them without
 * naming them.
 */
export const readsTime = (code: string): boolean => /\$now|\$today|\barguments\b|\beval\b/.test(code);

/** Whether code that may read the time may read `$today` too (made per call only for such code). */
const readsToday = (code: string): boolean => /\$today|\barguments\b|\beval\b/.test(code);

/** Whether code may read n8n's legacy `$node`, `$items` or `$item` (made per call only for such code). */
const readsLegacyNames = (code: string): boolean => /\$node\b|\$items?\b|\barguments\b|\beval\b/.test(code);

export const defaultLimits: SandboxLimits = { timeoutMs: 1_000, memoryBytes: 64 * 1024 * 1024 };

export interface SandboxErrorInfo {
  name: string;
  message: string;
  stack: string;
}

/** A compile or run failure inside the sandbox, with where it happened when known. */
export class SandboxError extends Error {
  constructor(
    readonly info: SandboxErrorInfo,
    readonly kind: 'syntax' | 'runtime' | 'timeout' | 'memory',
  ) {
    super(info.message);
    this.name = info.name;
  }
}

/** One WebAssembly module per host (a process has one), shared by its sandboxes. */
const modules = new WeakMap<SandboxHost, Promise<QuickJSWASMModule>>();
const loadModule = (host: SandboxHost): Promise<QuickJSWASMModule> => {
  let module = modules.get(host);
  if (!module) {
    module = newQuickJSWASMModuleFromVariant(host.variant());
    modules.set(host, module);
  }
  return module;
};

const MAX_FUNCTIONS = 20_000;

/** Code naming Luxon's classes: compiling it loads Luxon first (see prepareTime). */
const USES_LUXON = /\b(DateTime|Duration|Interval)\b/;
/**
 * Whether compiling or running `code` may ask the host for the time assets (Luxon and the zone data): a host
 * that fetches them (the browser) loads them first when this says so. A superset of what compileNow checks.
 */
export const mayUseTime = (code: string): boolean =>
  readsTime(code) || USES_LUXON.test(code) || extensionsNeedTime(code);

/** Loading Luxon's budget: well above its cost, still bounded. */
const PREPARE_MS = 10_000;

export class Sandbox {
  private runtime!: QuickJSRuntime;
  private context!: QuickJSContext;
  private driver!: QuickJSHandle;
  private evaluateFn!: QuickJSHandle;
  private runCodeFn!: QuickJSHandle;
  private registerFn!: QuickJSHandle;
  private verifyFn!: QuickJSHandle;
  private sortFn!: QuickJSHandle;
  private prepareTimeFn!: QuickJSHandle;
  /** Whether this context has loaded Luxon (see prepareTime). */
  private timeReady = false;
  private compiled = new Map<string, number>();
  private deadline = 0;
  /** A time no call may run past (the workflow's own deadline), set by `within`. */
  private cap = Number.POSITIVE_INFINITY;
  private disposed = false;
  private broken = false;
  /** The custom data of the run whose call is under way (see CallScope.custom); made on first use without one. */
  private custom: CustomData | undefined;

  private constructor(
    private readonly module: QuickJSWASMModule,
    readonly host: SandboxHost,
    readonly limits: SandboxLimits,
  ) {
    this.build();
  }

  /** A sandbox on `host`'s platform (the engine's node-host.ts, the browser's preview worker). */
  static async create(host: SandboxHost, limits: Partial<SandboxLimits> = {}): Promise<Sandbox> {
    return new Sandbox(await loadModule(host), host, { ...defaultLimits, ...limits });
  }

  /**
   * Compiles user `code` once as a function of `shape` (a Code node's body,
   * one expression, Sort's comparison: see function-source.ts); later calls
   * with the same code return the same id. Code that is not exactly that —
   * that would close the function early — is a syntax error. `filename`
   * names the node and parameter in error positions; `time` says whether
   * the code may read `$now`/`$today` (see readsTime).
   */
  compile(shape: FunctionShape, code: string, filename: string, time = true): number {
    return this.guarded(() => this.compileNow(shape, code, filename, time));
  }

  /** Runs compiled expressions for every item; see `evaluate` in DRIVER_SOURCE. */
  evaluate(ids: readonly number[], payload: string, scope: CallScope): string {
    return this.guarded(
      () => this.callWith(this.evaluateFn, [ids.join(','), payload, scope.metaText, scope.now, scope.zone]),
      scope,
    );
  }

  /** Orders items with a compiled comparison function; answers the indexes in order (JSON). */
  sort(id: number, items: string): string {
    return this.guarded(() => this.callWith(this.sortFn, [String(id), items]));
  }

  /** Runs a compiled Code node function; resolves its promise within the same time budget. */
  runCode(id: number, mode: string, payload: string, scope: CallScope): string {
    return this.guarded(() => this.runCodeNow(id, mode, payload, scope), scope);
  }

  /**
   * Runs `work` (synchronous) with every sandbox call in it stopped at
   * `deadline` (a Date.now() time) as well as at its own time limit: a
   * workflow's time limit holds inside a call too. Nested uses keep the earlier.
   */
  within<T>(deadline: number, work: () => T): T {
    const outer = this.cap;
    this.cap = Math.min(outer, deadline);
    try {
      return work();
    } finally {
      this.cap = outer;
    }
  }

  private callDeadline(): number {
    return Math.min(Date.now() + this.limits.timeoutMs, this.cap);
  }

  /**
   * Every call ends with the promise callbacks it left queued run, inside its
   * own time budget: left in the queue, they would run during a later call —
   * another workflow's — and could print into its log or fail it.
   */
  private guarded<T>(call: () => T, scope?: CallScope): T {
    this.custom = scope?.custom;
    try {
      const result = call();
      this.drain();
      return result;
    } finally {
      this.custom = undefined;
      this.settle();
    }
  }

  private drain(): void {
    const jobs = this.runtime.executePendingJobs();
    if (jobs.error) {
      const info = this.dumpError(jobs.error);
      jobs.error.dispose();
      throw this.classify(info);
    }
  }

  private settle(): void {
    if (!this.broken || this.disposed) return;
    this.broken = false;
    this.rebuild();
  }

  private compileNow(shape: FunctionShape, code: string, filename: string, time: boolean): number {
    const key = `${shape.kind}\u0000${filename}\u0000${code}`;
    const known = this.compiled.get(key);
    if (known !== undefined) return known;
    if (this.compiled.size >= MAX_FUNCTIONS) this.rebuild();
    // As n8n runs an expression: free names undefined, extension calls made extend(…) (cached by the original text).
    const text = shape.kind === 'expression' ? rewriteExpression(code) : code;
    const { source, declaration } = functionSources(shape, text);
    // Both the host parser and QuickJS's own must read it as that one function before anything of it runs.
    const refusal = hostRefusal(shape, source);
    if (refusal || this.callWith(this.verifyFn, [declaration]) !== 'yes') throw this.refused(source, filename, refusal);
    if ((time && shape.params.includes('$now')) || USES_LUXON.test(code) || (text !== code && extensionsNeedTime(code)))
      this.prepareTime();
    this.deadline = this.callDeadline();
    const result = this.context.evalCode(source, filename);
    if (result.error) {
      const info = this.dumpError(result.error);
      result.error.dispose();
      throw new SandboxError(info, info.name === 'SyntaxError' ? 'syntax' : 'runtime');
    }
    // 0: no time; 1: $now only; 2: $today too (its midnight costs a Luxon `set` per call, ~40 µs in QuickJS).
    const timed = this.context.newNumber(time ? (readsToday(text) ? 2 : 1) : 0);
    const legacy = readsLegacyNames(text) ? this.context.true : this.context.false;
    const id = this.call(this.registerFn, [result.value, timed, legacy]);
    timed.dispose();
    result.value.dispose();
    const n = Number(id);
    this.compiled.set(key, n);
    return n;
  }

  /**
   * Loads Luxon into the context (some 100 ms of QuickJS work, once per
   * context) with a budget of its own, when code that will use it is
   * compiled: inside the first call that uses it, the load would spend that
   * call's time limit. Code that reaches Luxon without naming it still gets
   * it, loaded within its own call.
   */
  private prepareTime(): void {
    if (this.timeReady) return;
    this.call(this.prepareTimeFn, [], Math.min(Date.now() + PREPARE_MS, this.cap));
    this.timeReady = true;
  }

  /**
   * Why `source` is refused: QuickJS's own syntax error if it has one
   * (compiled, not run: the messages users know), else the host parser's,
   * positioned as QuickJS positions its errors.
   */
  private refused(source: string, filename: string, host: SourceSyntaxError | undefined): SandboxError {
    const result = this.context.evalCode(source, filename, { compileOnly: true });
    if (result.error) {
      const info = this.dumpError(result.error);
      result.error.dispose();
      return new SandboxError(info, info.name === 'SyntaxError' ? 'syntax' : 'runtime');
    }
    result.value.dispose();
    const message = host?.message ?? 'the code is not one function body';
    const stack = host ? `    at ${filename}:${host.line}:${host.column}\n` : '';
    return new SandboxError({ name: 'SyntaxError', message, stack }, 'syntax');
  }

  private runCodeNow(id: number, mode: string, payload: string, scope: CallScope): string {
    const vm = this.context;
    const args = [
      vm.newNumber(id),
      vm.newString(mode),
      vm.newString(payload),
      vm.newString(scope.metaText),
      vm.newNumber(scope.now),
      vm.newString(scope.zone),
    ];
    this.deadline = this.callDeadline();
    const result = vm.callFunction(this.runCodeFn, this.driver, ...args);
    for (const a of args) a.dispose();
    const promise = this.unwrap(result);
    try {
      // Promises settle through the job queue; user code cannot wait on anything outside.
      for (;;) {
        const state = vm.getPromiseState(promise);
        if (state.type === 'fulfilled') {
          const text = vm.getString(state.value);
          state.value.dispose();
          return text;
        }
        if (state.type === 'rejected') {
          const info = this.dumpError(state.error);
          state.error.dispose();
          throw this.classify(info);
        }
        const jobs = this.runtime.executePendingJobs();
        if (jobs.error) {
          const info = this.dumpError(jobs.error);
          jobs.error.dispose();
          throw this.classify(info);
        }
        if (jobs.value === 0 && vm.getPromiseState(promise).type === 'pending') {
          throw new SandboxError(
            { name: 'Error', message: 'the code waits for something that never happens', stack: '' },
            'runtime',
          );
        }
      }
    } finally {
      promise.dispose();
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.teardown();
  }

  private build(): void {
    this.runtime = this.module.newRuntime();
    this.runtime.setMemoryLimit(this.limits.memoryBytes);
    // Below the host's own stack: deep recursion must stop inside QuickJS, not overflow Node's stack.
    this.runtime.setMaxStackSize(256 * 1024);
    this.runtime.setInterruptHandler(() => Date.now() > this.deadline);
    this.context = this.runtime.newContext();
    this.deadline = Date.now() + 10_000;
    this.driver = this.makeDriver();
    this.evaluateFn = this.context.getProp(this.driver, 'evaluate');
    this.runCodeFn = this.context.getProp(this.driver, 'runCode');
    this.registerFn = this.context.getProp(this.driver, 'register');
    this.verifyFn = this.context.getProp(this.driver, 'verify');
    this.sortFn = this.context.getProp(this.driver, 'sort');
    this.prepareTimeFn = this.context.getProp(this.driver, 'prepareTime');
    this.timeReady = false;
    this.compiled = new Map();
  }

  /**
   * The driver, given the time module (Luxon and the zone data: see
   * time-source.ts) that only it holds. The module asks the host for Luxon's
   * text through the one host function a context has, which takes nothing and
   * answers constant public text; it is held in the module's closure, out of
   * user code's reach.
   */
  private makeDriver(): QuickJSHandle {
    const vm = this.context;
    const loadAssets = vm.newFunction('loadAssets', () => {
      const { luxon, zones } = this.host.timeAssets();
      // Its length first: QuickJS strings cross as C strings, so no NUL can separate the two.
      return vm.newString(`${luxon.length}:${luxon}${zones}`);
    });
    // Intl first: Date, Number and String get their locale methods before anything freezes them.
    const intl = vm.newFunction('intl', (request) => vm.newString(answerIntl(vm.getString(request))));
    const makeIntl = vm.unwrapResult(vm.evalCode(INTL_SOURCE, 'weft-intl'));
    vm.unwrapResult(vm.callFunction(makeIntl, vm.undefined, intl)).dispose();
    for (const h of [makeIntl, intl]) h.dispose();
    const makeTime = vm.unwrapResult(vm.evalCode(TIME_SOURCE, 'weft-time'));
    const time = vm.unwrapResult(vm.callFunction(makeTime, vm.undefined, loadAssets));
    // Before the driver: its lockdown freezes the globals the extensions define.
    // The transliteration table (n8n's replaceSpecialChars), constant public text like Luxon's, asked for once.
    const loadTransliteration = vm.newFunction('loadTransliteration', () => vm.newString(this.host.transliteration()));
    const makeExtensions = vm.unwrapResult(vm.evalCode(EXTENSIONS_SOURCE, 'weft-extensions'));
    vm.unwrapResult(vm.callFunction(makeExtensions, vm.undefined, loadTransliteration)).dispose();
    makeExtensions.dispose();
    loadTransliteration.dispose();
    // jmespath's text, constant and public, for $jmespath's first call: like Luxon's, only the driver holds it.
    const loadJmespath = vm.newFunction('loadJmespath', () => vm.newString(this.host.jmespath()));
    // A call over many items gets its time limit again every few dozen items (the driver asks): the limit stops
    // runaway code, and a list of 900 items with dates in each is not that. Never past the run's own deadline.
    const renewTime = vm.newFunction('renewTime', () => {
      this.deadline = Math.max(this.deadline, this.callDeadline());
    });
    const customData = vm.newFunction('customData', (request) => {
      this.custom ??= new CustomData(false);
      return vm.newString(answerCustomData(this.custom, vm.getString(request)));
    });
    const makeDriver = vm.unwrapResult(vm.evalCode(DRIVER_SOURCE, 'weft-driver'));
    try {
      return vm.unwrapResult(vm.callFunction(makeDriver, vm.undefined, time, loadJmespath, renewTime, customData));
    } finally {
      for (const h of [makeDriver, time, makeTime, loadAssets, loadJmespath, renewTime, customData]) h.dispose();
    }
  }

  private teardown(): void {
    const handles = [this.evaluateFn, this.runCodeFn, this.registerFn, this.verifyFn, this.sortFn, this.prepareTimeFn];
    for (const h of [...handles, this.driver]) {
      h.dispose();
    }
    this.context.dispose();
    this.runtime.dispose();
  }

  /** Throws the runtime away (after a runaway call) and starts a clean one. */
  private rebuild(): void {
    this.teardown();
    this.build();
  }

  private callWith(fn: QuickJSHandle, values: (string | number)[]): string {
    const vm = this.context;
    const args = values.map((v) => (typeof v === 'string' ? vm.newString(v) : vm.newNumber(v)));
    this.deadline = this.callDeadline();
    const result = vm.callFunction(fn, this.driver, ...args);
    for (const a of args) a.dispose();
    const handle = this.unwrap(result);
    const text = vm.getString(handle);
    handle.dispose();
    return text;
  }

  private call(fn: QuickJSHandle, args: QuickJSHandle[], deadline = this.callDeadline()): string {
    this.deadline = deadline;
    const handle = this.unwrap(this.context.callFunction(fn, this.driver, ...args));
    const value = String(this.context.dump(handle));
    handle.dispose();
    return value;
  }

  private unwrap(result: { error?: QuickJSHandle; value?: QuickJSHandle }): QuickJSHandle {
    if (result.error) {
      const info = this.dumpError(result.error);
      result.error.dispose();
      throw this.classify(info);
    }
    if (!result.value) throw new Error('sandbox call returned nothing');
    return result.value;
  }

  private classify(info: SandboxErrorInfo): SandboxError {
    if (info.name !== 'InternalError') return new SandboxError(info, 'runtime');
    // Out of time, memory or stack: what the runaway call left behind must not reach the next call.
    // The runtime is replaced once the call has released its handles (see settle).
    this.broken = true;
    if (/interrupted/i.test(info.message)) {
      return new SandboxError(
        { ...info, message: `took longer than the ${this.limits.timeoutMs} ms limit` },
        'timeout',
      );
    }
    if (/stack overflow/i.test(info.message)) {
      return new SandboxError({ ...info, message: 'recursed too deeply (stack overflow)' }, 'memory');
    }
    const mb = Math.round(this.limits.memoryBytes / 1048576);
    return new SandboxError(
      { ...info, message: `used more than the ${mb} MB memory limit (${info.message})` },
      'memory',
    );
  }

  private dumpError(handle: QuickJSHandle): SandboxErrorInfo {
    const raw: unknown = this.context.dump(handle);
    if (raw !== null && typeof raw === 'object') {
      const e = raw as Record<string, unknown>;
      const text = (v: unknown, fallback: string) => (typeof v === 'string' ? v : fallback);
      return { name: text(e.name, 'Error'), message: text(e.message, ''), stack: text(e.stack, '') };
    }
    return { name: 'Error', message: String(raw), stack: '' };
  }
}
