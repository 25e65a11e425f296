import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Sandbox, SandboxError } from './sandbox.ts';

/** The sandbox holds: escape attempts fail, runaway code is stopped, and the sandbox keeps working after. */

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await Sandbox.create({ timeoutMs: 300, memoryBytes: 16 * 1024 * 1024 });
});
afterAll(() => sandbox.dispose());

/** Runs `body` as a Code node over one item; returns its items or throws its SandboxError. */
const run = (body: string) => {
  const id = sandbox.compile(`(async function ($json, $input) { 'use strict';\n${body}\n})`, 'test-code');
  const result = JSON.parse(
    sandbox.runCode(id, 'runOnceForAllItems', JSON.stringify({ items: [{ json: { a: 1 } }], refs: {} }), {
      metaText: '{"workflow":{},"execution":{}}',
      now: 0,
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
    const scope = { metaText: '{"workflow":{},"execution":{}}', now: 0 };
    const stray = sandbox.compile(
      "(function () { Promise.resolve().then(() => console.error('stray line')); return 1; })",
      'stray-expression',
    );
    expect(JSON.parse(sandbox.evaluate([stray], JSON.stringify({ items: [], refs: {} }), scope))).toEqual([[{ v: 1 }]]);
    // Another workflow's Code node prints nothing of it.
    const quiet = sandbox.compile(
      "(async function () { 'use strict'; console.log('mine'); return []; })",
      'quiet-code',
    );
    const result = JSON.parse(sandbox.runCode(quiet, 'runOnceForAllItems', '{"items":[],"refs":{}}', scope)) as {
      logs: { lines: { message: string }[] };
    };
    expect(result.logs.lines.map((l) => l.message)).toEqual(['mine']);

    // A callback chain that never ends is cut off at the time limit of the call that started it;
    // the next call starts clean and quick.
    const endless = sandbox.compile(
      '(function () { const again = () => Promise.resolve().then(again); again(); return 2; })',
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
