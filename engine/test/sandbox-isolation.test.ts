import { describe, expect, it } from 'vitest';
import type { DefinitionNode } from '#shared/schema/definition.ts';
import { definition, edge, node, outputsByName, run } from './harness.ts';

/**
 * User code is a function body (issue 10, scope 7): code that closes its
 * function early is a syntax error in the Code node, in expressions and in
 * Sort, and nothing one workflow's code defines is visible to another
 * workflow's run on the same engine (one sandbox serves them all).
 */

const trigger = node('Start', 'manualTrigger');
let executions = 0;

const two = node('Items', 'code', { jsCode: 'return [{ n: 2 }, { n: 1 }];' });

/** Runs Manual Trigger → two items → `step` as workflow `id`, on the engine's one shared sandbox. */
const runAs = (id: string, step: DefinitionNode) =>
  run(
    definition({ name: id, nodes: [trigger, two, step], edges: [edge('Start', 'Items'), edge('Items', step.name)] }),
    { meta: { workflow: { id, name: id, active: false }, execution: { id: `ex${++executions}`, mode: 'manual' } } },
  );

const codeNode = (jsCode: string, name = 'Code') => node(name, 'code', { jsCode });
const setNode = (value: string) =>
  node('Set', 'set', { assignments: [{ name: 'x', value, type: 'string' }], includeOtherFields: false });
const sortNode = (code: string) => node('Sort', 'sort', { type: 'code', code });

describe('user code is a function body', () => {
  it.each([
    ['a top-level let', '}); let escapedLet = 1; (function () {', 1],
    ['after a return, on a later line', 'return [];\n}); const escapedConst = 1; (async function () {', 2],
    ['hidden behind a trailing comment', '}); class EscapedClass {} (function () { //', 1],
    [
      'inside the expression that follows the function',
      "}) + (() => { throw new Error('ran while compiling'); })() + (function () {",
      1,
    ],
  ])('Code: an early "}" (%s) is a syntax error naming the line', async (_what, jsCode, line) => {
    const r = await runAs('wf-attacker', codeNode(jsCode));
    expect(r.status).toBe('failed');
    expect(r.error).toMatch(new RegExp(`^Node "Code" failed: SyntaxError: .*\\[line ${line}\\]$`));
  });

  it.each([
    ['escapes to the top level', '={{ 1); }); let escapedExpr = 1; (function () { /* } */ return (1 }}'],
    ['adds a statement', '={{ 1); return (2 }}'],
    ['is two expressions in a row', '={{ 1) (2 }}'],
  ])('an expression that %s is a syntax error at its ")"', async (_what, value) => {
    const r = await runAs('wf-attacker', setNode(value));
    expect(r.status).toBe('failed');
    // The stray ")" is the 5th character of "{{ 1)…".
    expect(r.error).toMatch(
      /^Node "Set" failed: Node "Set", parameter "assignments\[0\]\.value": SyntaxError: .*\(at character 5 of the expression\)$/,
    );
  });

  it('Sort: comparison code that closes its function early is a syntax error', async () => {
    const r = await runAs('wf-attacker', sortNode('return 0; }); let escapedSort = 1; (function (a, b) { return 0;'));
    expect(r.status).toBe('failed');
    expect(r.error).toMatch(/^Node "Sort" failed: the comparison code failed: SyntaxError: .*\[line 1\]$/);
  });

  it('code with return, await, comments at the end, regex literals and template strings still runs', async () => {
    const jsCode = [
      "const braces = /[{}]\\/}/.test('}/}') && '});'.length === 3; // });",
      'const wait = await Promise.resolve(`${"}"}${`)`}`);',
      '/* a comment } */ const div = 6 / 2 / 1;',
      'return [{ braces, wait, div, sep: "a\u2028b".length }] // the last line is a comment',
    ].join('\n');
    const r = await runAs('wf-normal', codeNode(jsCode));
    expect(r.error).toBeUndefined();
    expect(outputsByName(r).Code).toEqual([{ braces: true, wait: '})', div: 3, sep: 3 }]);

    const expr = await runAs('wf-normal', setNode('={{ `${[1, 2].map((n) => n * 2)}` + /}/.source // a comment }}'));
    expect(expr.error).toBeUndefined();
    expect(outputsByName(expr).Set).toEqual([{ x: '2,4}' }, { x: '2,4}' }]);

    const sorted = await runAs('wf-normal', sortNode('return a.json.n - b.json.n; // ascending'));
    expect(sorted.error).toBeUndefined();
    expect(outputsByName(sorted).Sort).toEqual([{ n: 1 }, { n: 2 }]);
  });
});

describe("nothing one workflow's code defines is visible to another workflow's run", () => {
  /** Prototypes of objects built-in operations make, some not reachable as properties from the global object. */
  const prototypes = `[
    Object.prototype,
    Array.prototype,
    Function.prototype,
    Object.getPrototypeOf([][Symbol.iterator]()),
    Object.getPrototypeOf(Object.getPrototypeOf([][Symbol.iterator]())),
    Object.getPrototypeOf(new Map().entries()),
    Object.getPrototypeOf(new Set().values()),
    Object.getPrototypeOf(''[Symbol.iterator]()),
    Object.getPrototypeOf('a'.matchAll(/a/g)),
    Object.getPrototypeOf([].values().map((v) => v)),
    Object.getPrototypeOf(Iterator.from({ next: () => ({ done: true }) })),
    Object.getPrototypeOf((function* () {})()),
    Object.getPrototypeOf((async function* () {})()),
    Object.getPrototypeOf(async function () {}),
    Object.getPrototypeOf(Promise.resolve()),
  ]`;

  it('top-level declarations, globals and prototype changes from one workflow do not reach the next', async () => {
    // Workflow A tries every way to leave something behind; whether each attempt fails loudly does not matter here.
    const attempts = [
      codeNode("}); let leakedLet = 'A'; (function () {"),
      codeNode("}); const leakedConst = 'A'; class LeakedClass {} (function () {"),
      codeNode("}); var leakedVar = 'A'; function leakedFunction() { return 'A'; } (function () {"),
      codeNode(
        "try { globalThis.leakedGlobal = 'A'; } catch {}\n" +
          "try { Object.defineProperty(globalThis, 'leakedDefined', { value: 'A' }); } catch {}\n" +
          "try { Object.prototype.leakedProto = 'A'; } catch {}\n" +
          `for (const p of ${prototypes}) { try { p.leaked = 'A'; } catch {} }\nreturn [];`,
      ),
      setNode("={{ 1); }); let leakedByExpression = 'A'; (function () { /* } */ return (1 }}"),
      sortNode("leakedSloppy = 'A'; return 0;"),
      sortNode("return 0; }); let leakedBySort = 'A'; (function (a, b) { return 0;"),
    ];
    for (const step of attempts) await runAs('wf-a', step);

    const r = await runAs(
      'wf-b',
      codeNode(
        `const seen = (read) => { try { return read(); } catch (e) { return e.name; } };
return [{
  names: [
    seen(() => typeof leakedLet),
    seen(() => typeof leakedConst),
    seen(() => typeof LeakedClass),
    seen(() => typeof leakedVar),
    seen(() => typeof leakedFunction),
    seen(() => typeof leakedGlobal),
    seen(() => typeof leakedDefined),
    seen(() => typeof leakedByExpression),
    seen(() => typeof leakedSloppy),
    seen(() => typeof leakedBySort),
  ],
  onPrototypes: ${prototypes}.map((p) => p.leaked ?? 'none'),
  onObjects: ({}).leakedProto ?? 'none',
}];`,
        'Reader',
      ),
    );
    expect(r.error).toBeUndefined();
    expect(outputsByName(r).Reader).toEqual([
      { names: new Array(10).fill('undefined'), onPrototypes: new Array(15).fill('none'), onObjects: 'none' },
    ]);
  });

  it('a compiled function is not a place to keep state between runs of the same code', async () => {
    // Two workflows with the same node name and code share one compiled function in the sandbox; the second
    // run would put the items in the other order if it saw what the first left on it.
    const code = 'const f = arguments.callee; f.runs = (f.runs ?? 0) + 1; return f.runs > 1 ? 1 : -1;';
    const first = await runAs('wf-a', sortNode(code));
    const second = await runAs('wf-b', sortNode(code));
    expect(second.error ?? outputsByName(second).Sort).toEqual(first.error ?? outputsByName(first).Sort);
    // Sort's code is strict now, so it cannot reach its own function at all.
    expect(first.error).toMatch(/TypeError/);
  });
});
