import variant from '@jitl/quickjs-wasmfile-release-sync';
import { newQuickJSWASMModuleFromVariant } from 'quickjs-emscripten-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DRIVER_SOURCE } from '#shared/sandbox/driver-source.ts';
import { CODE, EXPRESSION, functionSources } from '#shared/sandbox/function-source.ts';
import { Sandbox, SandboxError } from '#shared/sandbox/sandbox.ts';
import { createSandbox } from '../../src/sandbox/node-host.ts';

/** The sandbox holds: escape attempts fail, runaway code is stopped, and the sandbox keeps working after. */

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await createSandbox({ timeoutMs: 300, memoryBytes: 16 * 1024 * 1024 });
});
afterAll(() => sandbox.dispose());

/** Runs `body` as a Code node over one item; returns its items or throws its SandboxError. */
const run = (body: string) => {
  const id = sandbox.compile(CODE, body, 'test-code');
  const result = JSON.parse(
    sandbox.runCode(id, 'runOnceForAllItems', JSON.stringify({ items: [{ json: { a: 1 } }], refs: {} }), {
      metaText: '{"workflow":{},"execution":{}}',
      now: 0,
      zone: 'UTC',
    }),
  ) as {
    items?: { json: Record<string, unknown> }[];
    e?: { name: string; message: string };
  };
  if (result.e) throw new Error(`${result.e.name}: ${result.e.message}`);
  return result.items;
};

describe('sandbox: what user code cannot reach', () => {
  it.each([
    ['process', 'return [{ p: typeof process }]', 'undefined'],
    ['require', 'return [{ p: typeof require }]', 'undefined'],
    ['globalThis.process', 'return [{ p: typeof globalThis.process }]', 'undefined'],
    ['module', 'return [{ p: typeof module }]', 'undefined'],
    ['fetch', 'return [{ p: typeof fetch }]', 'undefined'],
  ])('%s is not there', (_name, body, expected) => {
    expect(run(body)?.[0]?.json.p).toBe(expected);
  });

  it("the Function constructor's way out finds no process", () => {
    expect(() => run("return [{ p: globalThis.constructor.constructor('return process')() }]")).toThrow(
      /ReferenceError: 'process' is not defined/,
    );
    expect(() => run("return [{ p: (function(){}).constructor('return this.process.env')() }]")).toThrow(/TypeError/);
  });

  it('prototype pollution neither works inside nor reaches the host', () => {
    expect(() => run('Object.prototype.polluted = 1; return []')).toThrow(/TypeError/);
    expect(() => run('({}).__proto__.polluted = 1; return []')).toThrow(/TypeError/);
    expect(() => run('Array.prototype.push = () => 0; return []')).toThrow(/TypeError/);
    expect(() => run('JSON.parse = () => 1; return []')).toThrow(/TypeError/);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    // Undeclared globals are refused (strict mode, frozen global object).
    expect(() => run('leaked = 1; return []')).toThrow(/ReferenceError|TypeError/);
    expect(run('return [{ p: typeof leaked }]')?.[0]?.json.p).toBe('undefined');
  });

  it('an endless loop is stopped at the time limit, and the sandbox works after', () => {
    const started = Date.now();
    try {
      run('while (true) {}');
      throw new Error('no timeout');
    } catch (e) {
      expect(e).toBeInstanceOf(SandboxError);
      expect((e as SandboxError).kind).toBe('timeout');
      expect((e as SandboxError).message).toContain('300 ms');
    }
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(run('return [{ ok: true }]')?.[0]?.json.ok).toBe(true);
  });

  it('a memory bomb is stopped at the memory limit, and the sandbox works after', () => {
    try {
      run("let s = 'x'; const keep = []; for (;;) { s = s + s; keep.push(s); }");
      throw new Error('no memory limit');
    } catch (e) {
      expect(e).toBeInstanceOf(SandboxError);
      expect(['memory', 'timeout']).toContain((e as SandboxError).kind);
    }
    try {
      run('const a = []; for (;;) a.push(new Array(1e6).fill(0));');
      throw new Error('no memory limit');
    } catch (e) {
      expect((e as SandboxError).kind).toBe('memory');
      expect((e as SandboxError).message).toContain('16 MB');
    }
    expect(run('return [{ ok: 2 }]')?.[0]?.json.ok).toBe(2);
  });

  it('endless recursion is stopped', () => {
    expect(() => run('const f = () => f(); f(); return []')).toThrow(SandboxError);
    expect(run('return [{ ok: 3 }]')?.[0]?.json.ok).toBe(3);
  });

  it('a promise that never settles is reported, not waited on', () => {
    expect(() => run('await new Promise(() => {}); return []')).toThrow(/never happens/);
  });

  it("what one call leaves queued runs within that call, never in another workflow's", () => {
    const scope = { metaText: '{"workflow":{},"execution":{}}', now: 0, zone: 'UTC' };
    const stray = sandbox.compile(
      EXPRESSION,
      "(Promise.resolve().then(() => console.error('stray line')), 1)",
      'stray-expression',
    );
    expect(JSON.parse(sandbox.evaluate([stray], JSON.stringify({ items: [], refs: {} }), scope))).toEqual([[{ v: 1 }]]);
    // Another workflow's Code node prints nothing of it.
    const quiet = sandbox.compile(CODE, "console.log('mine'); return [];", 'quiet-code');
    const result = JSON.parse(sandbox.runCode(quiet, 'runOnceForAllItems', '{"items":[],"refs":{}}', scope)) as {
      logs: { lines: { message: string }[] };
    };
    expect(result.logs.lines.map((l) => l.message)).toEqual(['mine']);

    // A callback chain that never ends is cut off at the time limit of the call that started it;
    // the next call starts clean and quick.
    const endless = sandbox.compile(
      EXPRESSION,
      '(() => { const again = () => Promise.resolve().then(again); again(); return 2; })()',
      'endless-expression',
    );
    const started = Date.now();
    try {
      sandbox.evaluate([endless], JSON.stringify({ items: [], refs: {} }), scope);
    } catch (e) {
      expect(e).toBeInstanceOf(SandboxError);
    }
    expect(Date.now() - started).toBeLessThan(2_000);
    const next = Date.now();
    expect(run('return [{ ok: 4 }]')?.[0]?.json.ok).toBe(4);
    expect(Date.now() - next).toBeLessThan(250);
  });
});

describe('sandbox: code is one function body, as the host parser and QuickJS both read it', () => {
  let n = 0;
  /** Whether `body` compiles as a Code node (false: refused as a syntax error). */
  const compiles = (body: string): boolean => {
    try {
      sandbox.compile(CODE, body, `parsers-${++n}`);
      return true;
    } catch (e) {
      if (e instanceof SandboxError && e.kind === 'syntax') return false;
      throw e;
    }
  };

  // Tricks that make one parser see a comment, string or regular expression where another sees code.
  const tricks: [string, string, boolean][] = [
    ['an HTML open comment hides the rest of its line', '<!-- }); let leak1 = 1; (function () {', true],
    ['an HTML close comment at the start of a line', '\n--> }); let leak2 = 1; (function () {', true],
    ['an HTML close comment after a multi-line comment', '/*\n*/ --> }); let leak3 = 1; (function () {', true],
    [
      'an HTML open comment after an expression',
      'const a = 1;\nreturn [{ a: a <!-- }); let leak4 = 1; (function () {\n}]',
      true,
    ],
    ['a line comment ending at U+2028', '// \u2028}); let leak5 = 1; (function () {', false],
    ['a line comment ending at U+2029', '// \u2029}); let leak6 = 1; (function () {', false],
    ['a line comment ending at a carriage return', '// \r}); let leak7 = 1; (function () {', false],
    ['an unterminated block comment', '/* }); let leak8 = 1; (function () {', false],
    ['an unterminated string', "' }); let leak9 = 1; (function () {", false],
    ['an unterminated template', '` }); let leak10 = 1; (function () {', false],
    ['a template substitution that closes the function', '`${ }); let leak11 = 1; (function () { }`', false],
    ['an unterminated regular expression', 'return / }); let leak12 = 1; (function () {', false],
    ['a "/" after a block, read as division', 'if (true) {} /}); let leak13 = 1; (function () {/', false],
    ['a regular expression after a block', "if (true) {} /[}]/.test('}'); return [];", true],
    ['a hashbang that is not at the start', '#!/bin/sh\n}); let leak14 = 1; (function () {', false],
    ['a "}" written as a Unicode escape', '\\u007d); let leak15 = 1; (function () {', false],
    ['a byte order mark before the "}"', '\uFEFF}); let leak16 = 1; (function () {', false],
    ['a "}" inside a string', "return [{ s: '}); let leak17 = 1; (function () {' }];", true],
    ['a trailing line comment', 'return [] // }', true],
    ['a trailing block comment', 'return [] /* } */', true],
  ];

  it.each(tricks)('%s: compiles only as one body', (_what, body, expected) => {
    expect(compiles(body)).toBe(expected);
  });

  it('none of the tricks defined anything', () => {
    const names = Array.from({ length: 17 }, (_, i) => `typeof leak${i + 1}`);
    expect(run(`return [{ t: [${names.join(', ')}] }]`)?.[0]?.json.t).toEqual(new Array(17).fill('undefined'));
    expect(run('return [{ a: 1 <!-- }); let leak18 = 1; (function () {\n}]')?.[0]?.json.a).toBe(1);
  });

  it('a syntax error keeps the message and position QuickJS gives it', () => {
    try {
      sandbox.compile(CODE, 'const a = 1;\nconst b = ;', 'code:positions');
      throw new Error('compiled');
    } catch (e) {
      expect(e).toBeInstanceOf(SandboxError);
      expect((e as SandboxError).info.name).toBe('SyntaxError');
      // Line 3 of the function is the code's line 2.
      expect((e as SandboxError).info.stack).toContain('code:positions:3:');
    }
  });

  it('compiles each distinct code once', () => {
    const first = sandbox.compile(EXPRESSION, '$json.a + 1', 'expr:cache');
    expect(sandbox.compile(EXPRESSION, '$json.a + 1', 'expr:cache')).toBe(first);
    expect(sandbox.compile(CODE, '$json.a + 1', 'expr:cache')).not.toBe(first);
  });
});

describe("the driver's verify: QuickJS's own parser, with no host parser in front", () => {
  it('accepts one function and refuses one the code closes early, without running any of it', async () => {
    const runtime = (await newQuickJSWASMModuleFromVariant(variant)).newRuntime();
    const deadline = Date.now() + 5_000;
    runtime.setInterruptHandler(() => Date.now() > deadline);
    const vm = runtime.newContext();
    // The driver without its time module (verify never reads the time).
    const makeDriver = vm.unwrapResult(vm.evalCode(DRIVER_SOURCE, 'weft-driver'));
    const driver = vm.unwrapResult(vm.callFunction(makeDriver, vm.undefined, vm.undefined));
    makeDriver.dispose();
    const verifyFn = vm.getProp(driver, 'verify');
    const verify = (body: string): string => {
      const arg = vm.newString(functionSources(CODE, body).declaration);
      const answer = vm.unwrapResult(vm.callFunction(verifyFn, driver, arg));
      arg.dispose();
      const text = vm.getString(answer);
      answer.dispose();
      return text;
    };
    try {
      expect(verify("return [{ ok: '})' }]; // }")).toBe('yes');
      // Had the loop run, the call would have been interrupted instead of answering.
      expect(verify('}); while (true) {} (function () {')).toBe('no');
      expect(verify('} let leaked = 1; function later() {')).toBe('no');
      expect(verify('} async function weft$body() {')).toBe('no');
      expect(verify('}) + (function () {')).toBe('no');
      expect(Date.now()).toBeLessThan(deadline);
      const seen = vm.unwrapResult(vm.evalCode('[typeof leaked, typeof later, typeof weft$body].join()'));
      expect(vm.getString(seen)).toBe('undefined,undefined,undefined');
      seen.dispose();
    } finally {
      verifyFn.dispose();
      driver.dispose();
      vm.dispose();
      runtime.dispose();
    }
  });
});

describe('the time limit stops runaway code, not long lists', () => {
  const scope = { metaText: '{"workflow":{},"execution":{}}', now: 0, zone: 'UTC' };
  // 3 ms of work per item: 150 items take ~450 ms in all, more than the 300 ms limit, but each item is quick.
  const busy = '(() => { const end = Date.now() + 3; while (Date.now() < end); return $json.i; })()';
  const items = (n: number) =>
    JSON.stringify({ items: Array.from({ length: n }, (_, i) => ({ json: { i } })), refs: {} });

  it('an expression over many items gets the limit again every few items', () => {
    const id = sandbox.compile(EXPRESSION, busy, 'long-list');
    const rows = JSON.parse(sandbox.evaluate([id], items(150), scope)) as { v?: unknown }[][];
    expect(rows.map((r) => r[0]?.v)).toEqual(Array.from({ length: 150 }, (_, i) => i));
  });

  it('a runaway expression on one item still stops at the limit', () => {
    const id = sandbox.compile(EXPRESSION, '(() => { while (true); })()', 'runaway');
    const started = Date.now();
    expect(() => sandbox.evaluate([id], items(40), scope)).toThrow(/took longer than the 300 ms limit/);
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it("the run's own deadline holds across the renewals", () => {
    const id = sandbox.compile(EXPRESSION, busy, 'long-list-capped');
    const started = Date.now();
    expect(() => sandbox.within(Date.now() + 200, () => sandbox.evaluate([id], items(150), scope))).toThrow(
      /took longer/,
    );
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});
