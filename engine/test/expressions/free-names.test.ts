import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXPRESSION } from '#shared/sandbox/function-source.ts';
import { Sandbox } from '#shared/sandbox/sandbox.ts';
import { guardFreeNames } from '#shared/expressions/free-names.ts';
import { createSandbox } from '../../src/sandbox/node-host.ts';

/**
 * n8n reads a name an expression does not declare from its data proxy, which
 * answers every name: one n8n does not define is undefined, so
 * `{{ { "v": v1 } }}` gives `{ v: undefined }` (an item `{}`), not an error
 * that makes the whole expression undefined.
 */

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await createSandbox({ timeoutMs: 2000, memoryBytes: 32 * 1024 * 1024 });
});
afterAll(() => sandbox.dispose());

const scope = { metaText: JSON.stringify({ workflow: {}, execution: {} }), now: 0, zone: 'UTC' };
const evaluate = (code: string): unknown => {
  const id = sandbox.compile(EXPRESSION, code, 'free-names');
  const [[result]] = JSON.parse(
    sandbox.evaluate([id], JSON.stringify({ items: [{ json: { a: 1 } }], refs: {} }), scope),
  ) as [[{ v?: unknown; e?: { name: string; message: string } }]];
  return result.e ? `${result.e.name}: ${result.e.message}` : result.v;
};

describe('free names', () => {
  it('a name nothing defines is undefined where it is read, as in n8n', () => {
    expect(evaluate('{ "v": v1, "w": $json.a }')).toEqual({ w: 1 });
    expect(evaluate('{ v1, w: 2 }')).toEqual({ w: 2 });
    expect(evaluate('typeof someName')).toBe('undefined');
    expect(evaluate('someName ?? "fallback"')).toBe('fallback');
    // Reading past it is a TypeError, which n8n's expressions swallow: the whole value is undefined.
    expect(evaluate('someName.x')).toBeUndefined();
  });

  it('names the expression declares, its parameters and the globals keep their values', () => {
    expect(evaluate('[1, 2].map((v1, i) => v1 + i)')).toEqual([1, 3]);
    expect(evaluate('(() => { const x = 2; try { throw 3 } catch (e) { return x + e } })()')).toBe(5);
    expect(evaluate('(function f(n) { return n ? n + f(n - 1) : 0 })(3)')).toBe(6);
    expect(evaluate('Math.max($json.a, 4) + JSON.stringify([$itemIndex])')).toBe('4[0]');
    expect(evaluate('typeof JSON + typeof Promise')).toBe('objectfunction');
  });

  it('names n8n’s data answers otherwise: min, max and not its helpers, its old names; isNaN stays the global', () => {
    // Tournament exempts isNaN and isFinite from its data lookup: the globals, not its data's Number.isNaN.
    expect(evaluate('[isNaN("abc"), isNaN(NaN), isFinite("1"), isFinite(1)]')).toEqual([true, true, true, true]);
    expect(evaluate('[min(3, 1), $max(3, 1), not(0), $not("x")]')).toEqual([1, 3, true, false]);
    expect(evaluate('[$data.a, $position, $thisItemIndex, $thisRunIndex, { min }.min(2, 5)]')).toEqual([1, 0, 0, 0, 2]);
    expect(evaluate('[typeof console, console?.log, typeof arguments]')).toEqual(['undefined', null, 'undefined']);
    expect(evaluate('(function () { return arguments.length })(1, 2)')).toBe(2);
    // A name the expression declares itself is its own.
    expect(evaluate('((isNaN) => isNaN)(7)')).toBe(7);
  });

  it('opens nothing: host names stay out of reach', () => {
    expect(evaluate('[typeof process, typeof require, typeof module]')).toEqual([
      'undefined',
      'undefined',
      'undefined',
    ]);
    expect(evaluate('{ p: process }')).toEqual({});
  });

  it('rewrites only free reads', () => {
    const known = new Set(['$json']);
    expect(guardFreeNames('{ v: foo.x, w: $json.foo, [k]: 1 }', known)).toBe(
      '{ v: (typeof foo === "undefined" ? void 0 : foo).x, w: $json.foo, [(typeof k === "undefined" ? void 0 : k)]: 1 }',
    );
    expect(guardFreeNames('{ foo }', known)).toBe('{ foo: (typeof foo === "undefined" ? void 0 : foo) }');
    expect(guardFreeNames('(({ a = b }, ...c) => a + c)(x)', known)).toBe(
      '(({ a = (typeof b === "undefined" ? void 0 : b) }, ...c) => a + c)((typeof x === "undefined" ? void 0 : x))',
    );
    expect(guardFreeNames('x = 1', known)).toBe('x = 1');
    expect(guardFreeNames('Math.max(1, 2)', known)).toBe('Math.max(1, 2)');
    expect(guardFreeNames('not valid (', known)).toBe('not valid (');
    // Wrapped whole in parentheses, in a class, a getter, a template.
    expect(guardFreeNames('(foo)', known)).toBe('((typeof foo === "undefined" ? void 0 : foo))');
    expect(guardFreeNames('(class A extends B { m() { return A } })', known)).toBe(
      '(class A extends (typeof B === "undefined" ? void 0 : B) { m() { return A } })',
    );
    expect(guardFreeNames('`${y}`', known)).toBe('`${(typeof y === "undefined" ? void 0 : y)}`');
  });
});
