import { describe, expect, it } from 'vitest';
import { fromN8n } from '#shared/interop/n8n/index.ts';
import { nodePorts } from '#shared/nodes/ports.ts';
import { definition, edge, node, run } from '../../test/harness.ts';

/**
 * Switch 3 evaluates and routes as n8n 2.41's SwitchV3 (the differential
 * families switch and switch-v1 are the broad proof): each case names the
 * n8n behaviour it pins down.
 */

type Json = Record<string, unknown>;

/** A Weft Switch with these parameters, fed `items` by a manual trigger: its outputs by handle, or its error. */
const route = async (parameters: Json, items: Json[]) => {
  const def = definition({
    name: 'switch',
    nodes: [node('Start', 'manualTrigger'), node('Route', 'switch', parameters)],
    edges: [edge('Start', 'Route')],
  });
  const result = await run(def, { triggerItems: items.map((json) => ({ json })) });
  const r = result.runs.find((x) => x.name === 'Route');
  if (r?.status === 'failed') return { error: r.error ?? 'failed' };
  return Object.fromEntries(Object.entries(r?.output ?? {}).map(([k, v]) => [k, v.map((i) => i.json)]));
};

/** n8n Switch parameters as Weft's importer maps them. */
const imported = (typeVersion: number, parameters: Json): Json => {
  const { definition: def } = fromN8n({
    nodes: [{ id: 's', name: 'S', type: 'n8n-nodes-base.switch', typeVersion, position: [0, 0], parameters }],
    connections: {},
  });
  return def.nodes[0]?.parameters ?? {};
};

const filter = (leftValue: string, rightValue: string, options: Json) => ({
  options: { leftValue: '', version: 2, ...options },
  conditions: [{ id: 'c', leftValue, rightValue, operator: { type: 'string', operation: 'equals' } }],
  combinator: 'and',
});

const MISSING = "={{ $('Missing').item.json.a }}";

describe('Switch 3 per-rule options', () => {
  it('each rule compares with its own case option, as n8n reads each rule filter’s options', async () => {
    const params = imported(3.2, {
      rules: {
        values: [
          { conditions: filter('={{ $json.k }}', 'a', { caseSensitive: true, typeValidation: 'loose' }) },
          { conditions: filter('={{ $json.k }}', 'a', { caseSensitive: false, typeValidation: 'loose' }) },
        ],
      },
      options: { allMatchingOutputs: true },
    });
    expect(await route(params, [{ k: 'A' }, { k: 'a' }])).toEqual({
      output0: [{ k: 'a' }],
      output1: [{ k: 'A' }, { k: 'a' }],
    });
  });

  it('a strict rule after a loose one fails the node on a value of the wrong type (n8n: "Wrong type")', async () => {
    const params = imported(3.2, {
      rules: {
        values: [
          { conditions: filter('={{ $json.k }}', 'a', { caseSensitive: true, typeValidation: 'loose' }) },
          { conditions: filter('={{ $json.k }}', 'a', { caseSensitive: true, typeValidation: 'strict' }) },
        ],
      },
      options: {},
    });
    expect(await route(params, [{ k: 1 }])).toEqual({ error: expect.stringMatching(/Wrong type/) as unknown });
  });

  it('an expression in a rule’s options is worked out per item, read as n8n reads caseSensitive', async () => {
    const params = imported(3.2, {
      rules: {
        values: [{ conditions: filter('={{ $json.k }}', 'a', { caseSensitive: '={{ $json.exact }}' }) }],
      },
      options: {},
    });
    expect(
      await route(params, [
        { k: 'A', exact: true },
        { k: 'A', exact: 0 },
      ]),
    ).toEqual({
      output0: [{ k: 'A', exact: 0 }],
    });
  });
});

describe('Switch 3: what n8n evaluates', () => {
  it('n8n reads every rule of an item before testing one: a later rule’s failing expression fails the node', async () => {
    // SwitchV3 calls getNodeParameter('rules.values', itemIndex) first, which works out each rule's expressions.
    const params = imported(3.2, {
      rules: { values: [{ conditions: filter('a', 'a', {}) }, { conditions: filter(MISSING, 'a', {}) }] },
      options: {},
    });
    expect(await route(params, [{}])).toEqual({
      error: expect.stringMatching(/Missing|Referenced node doesn't exist/) as unknown,
    });
  });

  it('only the parameters of the node’s mode are evaluated, as n8n reads no others', async () => {
    const rule = { leftValue: MISSING, operator: 'string:equals', rightValue: 'a', outputKey: '' };
    expect(
      await route({ mode: 'expression', numberOutputs: 2, output: '={{ 1 }}', rules: [rule] }, [{ k: 1 }]),
    ).toEqual({ output1: [{ k: 1 }] });
    const matching = { ...rule, leftValue: 'a' };
    expect(await route({ mode: 'rules', output: MISSING, rules: [matching] }, [{ k: 1 }])).toEqual({
      output0: [{ k: 1 }],
    });
  });

  it('without rules n8n skips the item before reading its options', async () => {
    expect(await route({ rules: [], fallbackOutput: MISSING }, [{ k: 1 }])).toEqual({});
  });
});

describe('Switch 3 options as expressions', () => {
  it('a rule’s combinator as an expression: "and", "or", and anything else holds for nothing (n8n’s executeFilter)', async () => {
    const both = (combinator: string) =>
      imported(3.2, {
        rules: {
          values: [
            {
              conditions: {
                ...filter('a', 'a', {}),
                conditions: [
                  { id: 'c', leftValue: 'a', rightValue: 'a', operator: { type: 'string', operation: 'equals' } },
                  { id: 'd', leftValue: 'a', rightValue: 'b', operator: { type: 'string', operation: 'equals' } },
                ],
                combinator,
              },
            },
          ],
        },
        options: { fallbackOutput: 'extra' },
      });
    expect(await route(both("={{ $itemIndex % 2 ? 'or' : 'and' }}"), [{}, {}])).toEqual({
      fallback: [{}],
      output0: [{}],
    });
    expect(await route(both("={{ 'xor' }}"), [{}])).toEqual({ fallback: [{}] });
  });

  it('a fallback output expression is n8n’s value per item: "extra" (the first item’s makes the output), an index, "none"', async () => {
    const params = imported(3.2, {
      rules: { values: [{ conditions: filter('={{ $json.k }}', 'a', {}) }] },
      options: { fallbackOutput: '={{ $json.f }}' },
    });
    const out = await route(params, [{ k: 'b', f: 'extra' }, { k: 'b', f: 0 }, { k: 'b', f: 'none' }, { k: 'b' }]);
    expect(out).toEqual({ fallback: [{ k: 'b', f: 'extra' }], output0: [{ k: 'b', f: 0 }] });
  });

  it('"send to all matching outputs" takes any truthy value, as n8n’s `!options.allMatchingOutputs`', async () => {
    const params = imported(3.2, {
      rules: { values: [{ conditions: filter('a', 'a', {}) }, { conditions: filter('a', 'a', {}) }] },
      options: { allMatchingOutputs: '={{ $json.all }}' },
    });
    expect(await route(params, [{ all: 'yes' }, { all: 0 }])).toEqual({
      output0: [{ all: 'yes' }, { all: 0 }],
      output1: [{ all: 'yes' }],
    });
  });
});

describe('Switch 1 and 2: expressions n8n reads per item', () => {
  const legacy = (typeVersion: number, value1: string, rules: Json[], fallbackOutput: unknown) =>
    imported(typeVersion, { dataType: 'string', value1, rules: { rules }, fallbackOutput });

  it('"Fallback Output" is read only for an item no rule matched (SwitchV1/V2 call getNodeParameter there)', async () => {
    const rules = [{ operation: 'equal', value2: 'a', output: 0 }];
    expect(await route(legacy(1, '={{ $json.k }}', rules, MISSING), [{ k: 'a' }])).toEqual({ output0: [{ k: 'a' }] });
    expect(await route(legacy(1, '={{ $json.k }}', rules, MISSING), [{ k: 'a' }, { k: 'b' }])).toEqual({
      error: expect.stringMatching(/Missing|Referenced node doesn't exist/) as unknown,
    });
    // Its value per item: an output index, or -1 for none.
    const perItem = legacy(2, 'b', [{ operation: 'equal', value2: 'a' }, { value2: 'c' }], '={{ $json.f }}');
    expect(await route(perItem, [{ f: 1 }, { f: -1 }, { f: '0' }])).toEqual({
      output1: [{ f: 1 }],
      output0: [{ f: '0' }],
    });
  });

  it('Switch 1 works out a rule’s output expression, as n8n resolves the rules before routing', async () => {
    const params = legacy(1, 'a', [{ operation: 'equal', value2: 'a', output: '={{ $json.to }}' }], -1);
    expect(await route(params, [{ to: 2 }])).toEqual({ output2: [{ to: 2 }] });
    expect(await route(params, [{ to: 4 }])).toEqual({ error: expect.stringMatching(/not allowed/) as unknown });
  });
});

describe('Switch 3 options n8n reads but each rule decides', () => {
  const two = {
    values: [
      { conditions: filter('={{ $json.k }}', 'a', { caseSensitive: false }) },
      { conditions: filter('={{ $json.k }}', 'a', { caseSensitive: true }) },
    ],
  };

  it('an expression in "Ignore Case" is worked out (so it fails the node if it throws) but each rule keeps its own', async () => {
    const kept = imported(3.2, { rules: two, options: { ignoreCase: '={{ false }}', allMatchingOutputs: true } });
    expect(await route(kept, [{ k: 'A' }, { k: 'a' }])).toEqual({
      output0: [{ k: 'A' }, { k: 'a' }],
      output1: [{ k: 'a' }],
    });
    const failing = imported(3.2, { rules: two, options: { ignoreCase: MISSING } });
    expect(await route(failing, [{ k: 'a' }])).toEqual({
      error: expect.stringMatching(/Missing|Referenced node doesn't exist/) as unknown,
    });
  });

  it('"Rename Fallback Output" names the fallback output, and is read with the options', async () => {
    const options = { fallbackOutput: 'extra', renameFallbackOutput: 'Other' };
    const named = imported(3.2, { rules: two, options });
    expect(nodePorts({ type: 'switch', parameters: named }).outputs.map((o) => o.label)).toEqual([
      'Output 0',
      'Output 1',
      'Other',
    ]);
    const failing = imported(3.2, { rules: two, options: { ...options, renameFallbackOutput: MISSING } });
    expect(await route(failing, [{ k: 'a' }])).toEqual({
      error: expect.stringMatching(/Missing|Referenced node doesn't exist/) as unknown,
    });
  });
});

describe('Switch output names written as expressions', () => {
  const rule = (outputKey: string, renameOutput: unknown = true) => ({
    conditions: filter('={{ $json.k }}', 'a', { caseSensitive: true }),
    renameOutput,
    outputKey,
  });

  it('Switch 3 works a renamed output’s name out per item, as n8n reads `rules.values` whole: one that throws fails the item', async () => {
    const fine = imported(3.4, { rules: { values: [rule('={{ $json.k }}')] } });
    expect(await route(fine, [{ k: 'a' }])).toEqual({ output0: [{ k: 'a' }] });
    const failing = imported(3.4, { rules: { values: [rule(MISSING)] } });
    expect(await route(failing, [{ k: 'b' }])).toEqual({
      error: expect.stringMatching(/Missing|Referenced node doesn't exist/) as unknown,
    });
  });

  it('Switch 3 drops the name when "Rename Output" is false (n8n drops a hidden parameter on load), keeps it for an expression there (n8n shows what hangs on one)', async () => {
    const hidden = imported(3.4, { rules: { values: [rule(MISSING, false)] } });
    expect(await route(hidden, [{ k: 'a' }])).toEqual({ output0: [{ k: 'a' }] });
    const shown = imported(3.4, { rules: { values: [rule(MISSING, '={{ false }}')] } });
    expect(await route(shown, [{ k: 'a' }])).toEqual({
      error: expect.stringMatching(/Missing|Referenced node doesn't exist/) as unknown,
    });
  });

  it('Switch 2 works a rule’s output key out per item; Switch 1 has no output key, so n8n never evaluates one', async () => {
    const rules = { rules: [{ operation: 'equal', value2: 1, outputKey: MISSING }] };
    const v2 = imported(2, { dataType: 'number', value1: 1, rules });
    expect(await route(v2, [{}])).toEqual({
      error: expect.stringMatching(/Missing|Referenced node doesn't exist/) as unknown,
    });
    const v1 = imported(1, { dataType: 'number', value1: 1, rules: { rules: [{ ...rules.rules[0], output: 0 }] } });
    expect(await route(v1, [{}])).toEqual({ output0: [{}] });
  });
});
