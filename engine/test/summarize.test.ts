import { describe, expect, it } from 'vitest';
import { fromN8n } from '#shared/interop/n8n/index.ts';
import { items, runNode } from './harness.ts';

/**
 * Summarize as n8n's Summarize 1 and 1.1 (Transform/Summarize/utils.ts):
 * every aggregation, split fields, both output formats and a missing field.
 * The differential family (summarize-gen.ts) is the broad proof.
 */

const input = [
  { country: 'de', city: 'Berlin', cost: 10, tag: 'a', tags: [1] },
  { country: 'de', city: 'Bonn', cost: 5, tag: '', tags: [2] },
  { country: 'fr', city: 'Paris', cost: '7', tag: null, tags: [] },
  { country: 'fr', city: 'Paris', cost: 3, tag: 'a' },
];

const row = (aggregation: string, field: string, extra: Record<string, unknown> = {}) => ({
  aggregation,
  field,
  ...extra,
});

const run = async (parameters: Record<string, unknown>, data: Record<string, unknown>[] = input) =>
  (await runNode('summarize', parameters, items(...data))).main;

describe('Summarize aggregations', () => {
  it.each([
    ['count (empty values left out)', row('count', 'tag'), { count_tag: 2 }],
    ['count with empty values', row('count', 'tag', { includeEmpty: true }), { count_tag: 4 }],
    ['count unique', row('countUnique', 'city'), { unique_count_city: 3 }],
    [
      'count unique of a value some items lack',
      row('countUnique', 'tag', { includeEmpty: true }),
      { unique_count_tag: 3 },
    ],
    ['sum of numbers only ("7" is skipped)', row('sum', 'cost'), { sum_cost: 18 }],
    ['average of numbers only', row('average', 'cost'), { average_cost: 6 }],
    ['min compares with <', row('min', 'cost'), { min_cost: 3 }],
    ['max compares with > ("7" > 10 is false)', row('max', 'cost'), { max_cost: 10 }],
    ['min of a field no item has is null', row('min', 'nothing'), { min_nothing: null }],
    [
      'concatenate with the default comma',
      row('concatenate', 'city'),
      { concatenated_city: 'Berlin,Bonn,Paris,Paris' },
    ],
    [
      'concatenate with a custom separator and lists as JSON',
      row('concatenate', 'tags', { separateBy: 'other', customSeparator: ' | ' }),
      { concatenated_tags: '[1] | [2] | []' },
    ],
    [
      'concatenate with empty values writes "undefined" for a missing one',
      row('concatenate', 'tags', { includeEmpty: true, separateBy: 'none' }),
      { concatenated_tags: '[1][2][]undefined' },
    ],
    ['append keeps the values', row('append', 'tag', { includeEmpty: true }), { appended_tag: ['a', '', null, 'a'] }],
    ['a dotted field is named with _', row('append', 'tags[0]'), { appended_tags0: [1, 2] }],
  ])('%s', async (_, aggregation, expected) => {
    const out = await run({ fieldsToSummarize: [aggregation] });
    expect(out?.map((i) => i.json)).toEqual([expected]);
  });

  it('refuses rows whose fields are all blank', async () => {
    await expect(run({ fieldsToSummarize: [row('count', '')] })).rejects.toThrow(/at least one aggregation/);
  });
});

describe('Summarize splits', () => {
  it('gives one item per group, split fields after the aggregations, the innermost first', async () => {
    const out = await run({ fieldsToSummarize: [row('sum', 'cost')], fieldsToSplitBy: 'country, city' });
    expect(out?.map((i) => i.json)).toEqual([
      { sum_cost: 10, city: 'Berlin', country: 'de' },
      { sum_cost: 5, city: 'Bonn', country: 'de' },
      { sum_cost: 3, city: 'Paris', country: 'fr' },
    ]);
  });

  it('nests every group in a single item, paired with every input item', async () => {
    const out = await run({
      fieldsToSummarize: [row('count', 'city')],
      fieldsToSplitBy: 'country',
      outputFormat: 'singleItem',
    });
    expect(out?.map((i) => i.json)).toEqual([{ de: { count_city: 2 }, fr: { count_city: 2 } }]);
  });

  it('keeps 1 and "1" apart in 1.1 and joins them as text in 1', async () => {
    const data = [{ k: 1 }, { k: '1' }, { k: 1 }];
    const current = await run({ fieldsToSummarize: [row('count', 'k')], fieldsToSplitBy: 'k' }, data);
    expect(current?.map((i) => i.json)).toEqual([
      { count_k: 2, k: 1 },
      { count_k: 1, k: '1' },
    ]);
    const v1 = await run(
      { fieldsToSummarize: [row('count', 'k')], fieldsToSplitBy: 'k', n8nVersion: 'summarize1' },
      data,
    );
    expect(v1?.map((i) => i.json)).toEqual([{ count_k: 3, k: '1' }]);
  });

  it('skips items without a split value when asked, but not 0', async () => {
    const data = [{ k: 0 }, { k: '' }, {}, { k: 'x' }];
    const out = await run(
      {
        fieldsToSummarize: [row('count', 'k', { includeEmpty: true })],
        fieldsToSplitBy: 'k',
        skipEmptySplitFields: true,
      },
      data,
    );
    expect(out?.map((i) => i.json)).toEqual([
      { count_k: 1, k: 0 },
      { count_k: 1, k: 'x' },
    ]);
  });
});

describe('Summarize and a field no item has', () => {
  it('goes on in 1.1, with a warning in the log', async () => {
    const logged: string[] = [];
    const out = await runNode('summarize', { fieldsToSummarize: [row('sum', 'gone')] }, items(...input), {
      onLog: (_, message) => logged.push(message),
    });
    expect(out.main?.map((i) => i.json)).toEqual([{ sum_gone: 0 }]);
    expect(logged).toEqual(["The field 'gone' does not exist in any items"]);
  });

  it('stops Summarize 1 unless "continue if field not found" is on', async () => {
    const params = { fieldsToSummarize: [row('sum', 'gone')], n8nVersion: 'summarize1' };
    await expect(run(params)).rejects.toThrow("The field 'gone' does not exist in any items");
    const out = await run({ ...params, continueIfFieldNotFound: true });
    expect(out?.map((i) => i.json)).toEqual([{ sum_gone: 0 }]);
  });
});

describe('Summarize import from n8n', () => {
  const imported = (typeVersion: number, parameters: Record<string, unknown>) => {
    const result = fromN8n({
      nodes: [{ id: 's', name: 'S', type: 'n8n-nodes-base.summarize', typeVersion, position: [0, 0], parameters }],
      connections: {},
    });
    return { params: result.definition.nodes[0]?.parameters, warnings: result.warnings };
  };

  it('flattens the rows and options, and marks version 1', () => {
    const { params, warnings } = imported(1, {
      fieldsToSummarize: {
        values: [
          { aggregation: 'sum', field: 'cost' },
          { aggregation: 'concatenate', field: 'city', separateBy: '' },
        ],
      },
      fieldsToSplitBy: 'country',
      options: { outputFormat: 'singleItem', continueIfFieldNotFound: true },
    });
    expect(params).toMatchObject({
      fieldsToSummarize: [
        { aggregation: 'sum', field: 'cost', includeEmpty: false, separateBy: ',' },
        // n8n's "None" separator is "" there, "none" here.
        { aggregation: 'concatenate', field: 'city', separateBy: 'none' },
      ],
      fieldsToSplitBy: 'country',
      outputFormat: 'singleItem',
      n8nVersion: 'summarize1',
      continueIfFieldNotFound: true,
    });
    expect(warnings).toEqual([]);
  });
});
