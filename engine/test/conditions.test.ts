import { describe, expect, it } from 'vitest';
import { fromN8n } from '#shared/interop/n8n/index.ts';
import type { JsonObject } from '#shared/runs/items.ts';
import { items, runNode } from './harness.ts';

/**
 * IF, Filter and Switch compare as n8n does, per n8n type version (found by
 * the differential harness, engine/test/n8n-diff): each case names the n8n
 * behaviour it pins.
 */

const cond = (leftValue: string, operator: string, rightValue = '', more: Record<string, unknown> = {}) => ({
  leftValue,
  operator,
  rightValue,
  ...more,
});

const route = async (type: string, params: Record<string, unknown>, input: JsonObject[]) => {
  const out = await runNode(type, params, items(...input));
  return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, v.map((i) => i.json)]));
};

describe('IF/Filter 2: n8n filter conditions', () => {
  it('strict type validation fails the node on text where a number is compared (n8n: "Wrong type")', async () => {
    await expect(
      route('if', { conditions: [cond('={{ $json.n }}', 'number:gt', '={{ 2 }}')], looseTypeValidation: false }, [
        { n: '5' },
      ]),
    ).rejects.toThrow(/Wrong type: '5' is a string but was expecting a number \[condition 0, item 0\]/);
  });

  it('loose validation converts as n8n: "0x1A" is 26, "1" is true, and before filter version 2 "false" is true', async () => {
    expect(await route('if', { conditions: [cond('={{ $json.n }}', 'number:gt', '20')] }, [{ n: '0x1A' }])).toEqual({
      true: [{ n: '0x1A' }],
      false: [],
    });
    const bool = (comparison: string) =>
      route('filter', { conditions: [cond('={{ $json.b }}', 'boolean:true')], comparison }, [
        { b: '1' },
        { b: 'false' },
      ]);
    expect(await bool('3')).toEqual({ main: [{ b: '1' }] });
    expect(await bool('1')).toEqual({ main: [{ b: '1' }, { b: 'false' }] });
  });

  it('empty text is no number from filter version 3 on, the number 0 before', async () => {
    const empty = (comparison: string) =>
      route('filter', { conditions: [cond('={{ $json.n }}', 'number:empty')], comparison }, [{ n: '' }]);
    expect(await empty('3')).toEqual({ main: [{ n: '' }] });
    expect(await empty('2')).toEqual({ main: [] });
  });

  it('a missing value is no error: comparisons with it are false, negated text ones true (n8n reads it as "")', async () => {
    const out = await route(
      'if',
      {
        conditions: [
          cond('={{ $json.gone }}', 'string:startsWith', 'x'),
          cond('={{ $json.gone }}', 'dateTime:afterOrEquals', '2024-01-01'),
          cond('={{ $json.gone }}', 'array:lengthGt', '={{ 0 }}'),
        ],
        combinator: 'or',
      },
      [{}],
    );
    expect(out).toEqual({ true: [], false: [{}] });
    expect(await route('if', { conditions: [cond('={{ $json.gone }}', 'string:notStartsWith', 'x')] }, [{}])).toEqual({
      true: [{}],
      false: [],
    });
  });

  it('a regex written /…/flags uses the flags; ignoring case lowers the text, not the pattern', async () => {
    expect(
      await route('filter', { conditions: [cond('={{ $json.s }}', 'string:regex', '/hello/i')] }, [{ s: 'HELLO' }]),
    ).toEqual({ main: [{ s: 'HELLO' }] });
    expect(
      await route('filter', { conditions: [cond('={{ $json.s }}', 'string:regex', '^H')], ignoreCase: true }, [
        { s: 'Hello' },
      ]),
    ).toEqual({ main: [] });
    expect(
      await route('filter', { conditions: [cond('={{ $json.s }}', 'string:notRegex', '^H')] }, [
        { s: 'Hello' },
        { s: 'x' },
      ]),
    ).toEqual({ main: [{ s: 'x' }] });
  });

  it("a regex that backtracks without end fails the node after n8n's 250 ms instead of holding the engine", async () => {
    const started = Date.now();
    await expect(
      route('filter', { conditions: [cond('={{ $json.s }}', 'string:regex', '^(a+)+$')] }, [
        { s: `${'a'.repeat(30)}!` },
      ]),
    ).rejects.toThrow(/Regular expression execution timed out/);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('a list contains any value by default; read as a list (n8n JSON without rightType) it finds no equal list', async () => {
    const contains = (rightType: string) =>
      route('filter', { conditions: [cond('={{ $json.t }}', 'array:contains', '={{ 2 }}', { rightType })] }, [
        { t: [1, 2] },
      ]);
    expect(await contains('')).toEqual({ main: [{ t: [1, 2] }] });
    await expect(contains('array')).rejects.toThrow(/Conversion error: the number '2' can't be converted to an array/);
  });

  it('n8n JSON without singleValue checks the unused right value of "exists" too', async () => {
    const filter = (operator: Record<string, unknown>) =>
      imported(
        'filter',
        2.2,
        { conditions: { conditions: [{ leftValue: '={{ $json.n }}', rightValue: '', operator }], combinator: 'and' } },
        [{ n: 1 }],
      );
    expect(await filter({ type: 'number', operation: 'exists', singleValue: true })).toEqual({ main: [{ n: 1 }] });
    await expect(filter({ type: 'number', operation: 'exists' })).rejects.toThrow(/Wrong type: '' is a string/);
  });

  it('AND stops at the first condition that fails, so a later type error never happens', async () => {
    const params = {
      conditions: [cond('={{ 1 }}', 'number:equals', '={{ 2 }}'), cond('={{ "x" }}', 'number:gt', '={{ 1 }}')],
      looseTypeValidation: false,
    };
    expect(await route('if', params, [{}])).toEqual({ true: [], false: [{}] });
  });
});

describe('Switch 3: n8n rules and output indexes', () => {
  const rule = (op: string, right: string, extra: Record<string, unknown> = {}) => ({
    ...cond('={{ $json.k }}', op, right),
    outputKey: '',
    ...extra,
  });

  it('a fallback output past the rules fails the node, as n8n refuses the index', async () => {
    await expect(
      route('switch', { rules: [rule('string:equals', 'a')], fallbackOutput: 'output', fallbackOutputIndex: 1 }, [
        { k: 'b' },
      ]),
    ).rejects.toThrow(/The output 1 is not allowed/);
  });

  it('an output index must name an output: "1" does, null, 1.5 and 3 of 3 do not', async () => {
    const expression = (output: string) => route('switch', { mode: 'expression', numberOutputs: 3, output }, [{}]);
    expect(await expression('={{ "1" }}')).toMatchObject({ output1: [{}] });
    for (const bad of ['={{ null }}', '={{ 1.5 }}', '={{ 3 }}', '={{ -1 }}'])
      await expect(expression(bad)).rejects.toThrow(/is not allowed/);
  });

  it('Switch 3 reads the output index as a number (true is 1, "01" is 1); Switch 1–2 take it as it is', async () => {
    const expression = (output: string, comparison = '3') =>
      route('switch', { mode: 'expression', numberOutputs: 3, output, comparison }, [{}]);
    expect(await expression('={{ true }}')).toMatchObject({ output1: [{}] });
    expect(await expression('={{ "01" }}')).toMatchObject({ output1: [{}] });
    await expect(expression('={{ "01" }}', 'legacy')).rejects.toThrow(/is not allowed/);
  });

  it('n8n Switch 3.3 takes "Number of Outputs" as written: an expression there is text, so one output', async () => {
    const params = { mode: 'expression', numberOutputs: '={{ 3 }}', output: '={{ $itemIndex }}' };
    expect(await imported('switch', 3.2, params, [{}, {}])).toMatchObject({ output0: [{}], output1: [{}] });
    await expect(imported('switch', 3.3, params, [{}, {}])).rejects.toThrow(/The output 1 is not allowed \[item 1\]/);
    // Before 3.3 a constant expression there is the number of outputs Weft draws.
    const { definition } = fromN8n({
      nodes: [
        { id: 'x', name: 'X', type: 'n8n-nodes-base.switch', typeVersion: 3.2, position: [0, 0], parameters: params },
      ],
      connections: {},
    });
    expect(definition.nodes[0]?.parameters?.numberOutputs).toBe(3);
  });

  it('a rule holds by all (or any) of its conditions; all matching outputs sends to each', async () => {
    const params = {
      rules: [rule('string:startsWith', 'a', { combinator: 'and' }), rule('string:endsWith', 'z')],
      ruleConditions: [{ rule: 1, ...cond('={{ $json.k }}', 'string:endsWith', 'z') }],
      allMatchingOutputs: true,
    };
    expect(await route('switch', params, [{ k: 'az' }, { k: 'ab' }, { k: 'bz' }])).toEqual({
      output0: [{ k: 'az' }],
      output1: [{ k: 'az' }, { k: 'bz' }],
    });
  });
});

/** An n8n node through Weft's importer, then run. */
const imported = async (
  type: string,
  typeVersion: number,
  parameters: Record<string, unknown>,
  input: JsonObject[],
) => {
  const { definition } = fromN8n({
    nodes: [{ id: 'x', name: 'X', type: `n8n-nodes-base.${type}`, typeVersion, position: [0, 0], parameters }],
    connections: {},
  });
  const node = definition.nodes[0];
  if (!node) throw new Error('not imported');
  return route(node.type, node.parameters ?? {}, input);
};

describe('IF 1 and Switch 1/2: the first versions’ plain comparisons', () => {
  it('IF 1 number conditions default to "smaller" with 0 on both sides, so a bare one is false', async () => {
    expect(await imported('if', 1, { conditions: { number: [{}] } }, [{}])).toEqual({ true: [], false: [{}] });
  });

  it('IF 1 checks boolean, dateTime, number then string conditions, and a text operation on a number fails', async () => {
    const conditions = {
      string: [{ value1: '={{ $json.n }}', operation: 'endsWith', value2: '1' }],
      number: [{ value1: '={{ $json.n }}', operation: 'larger', value2: 5 }],
    };
    // The number condition comes first and fails, so ALL stops before the string one.
    expect(await imported('if', 1, { conditions }, [{ n: 1 }])).toEqual({ true: [], false: [{ n: 1 }] });
    await expect(imported('if', 1, { conditions }, [{ n: 11 }])).rejects.toThrow(/endsWith is not a function/);
  });

  it('IF 1 "equal" on two reads of the same list is true (one object in n8n), on two lists written out false', async () => {
    const equal = (value1: string, value2: string) =>
      imported('filter', 1, { conditions: { boolean: [{ value1, value2 }] } }, [{ t: [] }]);
    expect(await equal('={{ $json.t }}', '={{ $json.t }}')).toEqual({ main: [{ t: [] }] });
    expect(await equal('={{ [] }}', '={{ [] }}')).toEqual({ main: [] });
  });

  it('Switch 1 sends a match to the rule’s chosen output among four, and Switch 2 to the rule’s own', async () => {
    const rules = { rules: [{ operation: 'equal', value2: 'a', output: 3 }] };
    const v1 = await imported('switch', 1, { dataType: 'string', value1: '={{ $json.k }}', rules }, [{ k: 'a' }]);
    expect(v1).toEqual({ output3: [{ k: 'a' }] });
    const v2 = await imported('switch', 2, { dataType: 'string', value1: '={{ $json.k }}', rules }, [{ k: 'a' }]);
    expect(v2).toEqual({ output0: [{ k: 'a' }] });
  });

  it('Switch 2 refuses a fallback output past its rules', async () => {
    const params = { dataType: 'number', value1: 1, rules: { rules: [{ value2: 0 }] }, fallbackOutput: 1 };
    await expect(imported('switch', 2, params, [{}])).rejects.toThrow(/is not allowed/);
  });
});
