import { describe, expect, it } from 'vitest';
import type { JsonObject } from '#shared/runs/items.ts';
import { items, runNode } from './harness.ts';

/**
 * Each node type, table-driven: parameters and input items → output items by
 * handle, or a clear error. Expressions run in the real sandbox.
 */

interface Case {
  name: string;
  type: string;
  params: Record<string, unknown>;
  input: JsonObject[];
  inputs?: Record<string, JsonObject[]>;
  /** Output items (json) by handle; handles not listed must be empty. */
  out?: Record<string, JsonObject[]>;
  error?: RegExp;
}

const cond = (leftValue: string, operator: string, rightValue = '') => ({ leftValue, operator, rightValue });

const cases: Case[] = [
  // IF
  {
    name: 'IF routes by a number comparison',
    type: 'if',
    params: { conditions: [cond('={{ $json.n }}', 'number:gt', '2')] },
    input: [{ n: 1 }, { n: 3 }, { n: 5 }],
    out: { true: [{ n: 3 }, { n: 5 }], false: [{ n: 1 }] },
  },
  {
    name: 'IF with OR and case-insensitive text',
    type: 'if',
    params: {
      conditions: [cond('={{ $json.s }}', 'string:equals', 'ABC'), cond('={{ $json.s }}', 'string:startsWith', 'x')],
      combinator: 'or',
      ignoreCase: true,
    },
    input: [{ s: 'abc' }, { s: 'Xyz' }, { s: 'no' }],
    out: { true: [{ s: 'abc' }, { s: 'Xyz' }], false: [{ s: 'no' }] },
  },
  {
    name: 'IF on lists, existence and dates',
    type: 'if',
    params: {
      conditions: [
        cond('={{ $json.tags }}', 'array:contains', 'a'),
        cond('={{ $json.at }}', 'dateTime:after', '2026-01-01'),
        cond('={{ $json.gone }}', 'any:notExists'),
      ],
    },
    input: [
      { tags: ['a'], at: '2026-06-01' },
      { tags: ['b'], at: '2026-06-01' },
      { tags: ['a'], at: '2025-06-01' },
    ],
    out: {
      true: [{ tags: ['a'], at: '2026-06-01' }],
      false: [
        { tags: ['b'], at: '2026-06-01' },
        { tags: ['a'], at: '2025-06-01' },
      ],
    },
  },
  {
    name: 'IF: a value that is not a number is a clear error',
    type: 'if',
    params: { conditions: [cond('={{ $json.n }}', 'number:gt', '2')] },
    input: [{ n: 'lots' }],
    // n8n's loose type validation: text that reads as no number is a conversion error.
    error: /Conversion error: the string 'lots' can't be converted to a number \[condition 0, item 0\]/,
  },
  {
    name: 'IF: a bad regular expression is a clear error',
    type: 'if',
    params: { conditions: [cond('x', 'string:regex', '(')] },
    input: [{}],
    error: /Invalid regular expression: \/\(\/: Unterminated group/,
  },
  // Filter
  {
    name: 'Filter keeps matching items',
    type: 'filter',
    params: { conditions: [cond('={{ $json.ok }}', 'boolean:true')] },
    input: [{ ok: true }, { ok: false }, { ok: 'true' }],
    out: { main: [{ ok: true }, { ok: 'true' }] },
  },
  // Switch
  {
    name: 'Switch sends each item to its first matching rule, the rest to fallback',
    type: 'switch',
    params: {
      rules: [
        { ...cond('={{ $json.k }}', 'string:equals', 'a'), outputKey: 'A' },
        { ...cond('={{ $json.k }}', 'string:equals', 'b'), outputKey: 'B' },
      ],
      fallbackOutput: 'extra',
    },
    input: [{ k: 'a' }, { k: 'b' }, { k: 'c' }, { k: 'a' }],
    out: { output0: [{ k: 'a' }, { k: 'a' }], output1: [{ k: 'b' }], fallback: [{ k: 'c' }] },
  },
  {
    name: 'Switch in expression mode',
    type: 'switch',
    params: { mode: 'expression', numberOutputs: 3, output: '={{ $json.i % 3 }}' },
    input: [{ i: 0 }, { i: 4 }, { i: 5 }],
    out: { output0: [{ i: 0 }], output1: [{ i: 4 }], output2: [{ i: 5 }] },
  },
  {
    name: 'Switch: an output index out of range is a clear error',
    type: 'switch',
    params: { mode: 'expression', numberOutputs: 2, output: '={{ 7 }}' },
    input: [{}],
    error: /The output 7 is not allowed \[item 0\]/,
  },
  // Merge
  {
    name: 'Merge appends input 1 then input 2',
    type: 'merge',
    params: { mode: 'append' },
    input: [],
    inputs: { input1: [{ a: 1 }], input2: [{ b: 2 }, { b: 3 }] },
    out: { main: [{ a: 1 }, { b: 2 }, { b: 3 }] },
  },
  {
    name: 'Merge combines by matching fields',
    type: 'merge',
    params: { mode: 'combineByFields', fieldsToMatch: [{ field1: 'id', field2: 'userId' }] },
    input: [],
    inputs: {
      input1: [
        { id: 1, n: 'a' },
        { id: 2, n: 'b' },
      ],
      input2: [{ userId: 2, x: true }],
    },
    out: { main: [{ id: 2, n: 'b', userId: 2, x: true }] },
  },
  {
    // n8n Merge 3: items without a partner are left out unless "include unpaired" is on.
    name: 'Merge combines by position',
    type: 'merge',
    params: { mode: 'combineByPosition' },
    input: [],
    inputs: { input1: [{ a: 1 }, { a: 2 }], input2: [{ b: 1 }] },
    out: { main: [{ a: 1, b: 1 }] },
  },
  {
    name: 'Merge combines by position, unpaired items included',
    type: 'merge',
    params: { mode: 'combineByPosition', includeUnpaired: true },
    input: [],
    inputs: { input1: [{ a: 1 }, { a: 2 }], input2: [{ b: 1 }] },
    out: { main: [{ a: 1, b: 1 }, { a: 2 }] },
  },
  {
    name: 'Merge chooses a branch',
    type: 'merge',
    params: { mode: 'chooseBranch', useDataOfInput: 'input2' },
    input: [],
    inputs: { input1: [{ a: 1 }], input2: [{ b: 1 }] },
    out: { main: [{ b: 1 }] },
  },
  // Edit Fields (Set)
  {
    name: 'Set assigns typed fields from expressions, with dot paths',
    type: 'set',
    params: {
      assignments: [
        { name: 'total', value: '={{ $json.price * $json.qty }}', type: 'number' },
        { name: 'customer.name', value: '=Dear {{ $json.who }}', type: 'string' },
        { name: 'paid', value: 'true', type: 'boolean' },
      ],
    },
    input: [{ price: 2.5, qty: 4, who: 'Ann' }],
    out: { main: [{ total: 10, customer: { name: 'Dear Ann' }, paid: true }] },
  },
  {
    name: 'Set keeps the other fields when asked',
    type: 'set',
    params: { includeOtherFields: true, assignments: [{ name: 'b', value: '2', type: 'number' }] },
    input: [{ a: 1 }],
    out: { main: [{ a: 1, b: 2 }] },
  },
  {
    name: 'Set refuses field names that would write into a prototype',
    type: 'set',
    params: { assignments: [{ name: '__proto__.polluted', value: 'yes', type: 'string' }] },
    input: [{ a: 1 }],
    error: /"__proto__", "constructor" and "prototype" cannot be field names/,
  },
  {
    name: 'Set refuses "constructor.prototype" paths too',
    type: 'set',
    params: { includeOtherFields: true, assignments: [{ name: 'constructor.prototype.polluted', value: 'yes' }] },
    input: [{ a: 1 }],
    error: /cannot be field names/,
  },
  {
    name: 'Set in JSON mode',
    type: 'set',
    params: { mode: 'raw', jsonOutput: '={{ JSON.stringify({ twice: $json.a * 2 }) }}' },
    input: [{ a: 21 }],
    out: { main: [{ twice: 42 }] },
  },
  {
    name: 'Set: a number field that is not a number is a clear error',
    type: 'set',
    params: { assignments: [{ name: 'n', value: 'ten', type: 'number' }] },
    input: [{}],
    // n8n's own words (validateFieldType), with the item's index.
    error: /'n' expects a number but we got 'ten' \[item 0\]/,
  },
  // Code
  {
    name: 'Code once for all items',
    type: 'code',
    params: { jsCode: 'return $input.all().map((i) => ({ doubled: i.json.n * 2 }));' },
    input: [{ n: 1 }, { n: 2 }],
    out: { main: [{ doubled: 2 }, { doubled: 4 }] },
  },
  {
    name: 'Code once per item',
    type: 'code',
    params: { mode: 'runOnceForEachItem', jsCode: 'return { n: $json.n + 1, i: $itemIndex };' },
    input: [{ n: 1 }, { n: 2 }],
    out: {
      main: [
        { n: 2, i: 0 },
        { n: 3, i: 1 },
      ],
    },
  },
  {
    name: 'Code: a syntax error names the line',
    type: 'code',
    params: { jsCode: 'const a = 1;\nconst b = ;\nreturn [];' },
    input: [{}],
    error: /SyntaxError: .* \[line 2\]/,
  },
  {
    name: 'Code: a thrown error names the line',
    type: 'code',
    params: { jsCode: '\n\nthrow new Error("nope");' },
    input: [{}],
    error: /^nope \[line 3\]$/,
  },
  {
    name: 'Code: returning something that is not items is a clear error',
    type: 'code',
    params: { jsCode: 'return [1, 2];' },
    input: [{}],
    error: /Code doesn't return items properly/,
  },
  // Sort, Limit, Aggregate, Split Out, Remove Duplicates
  {
    name: 'Sort by two fields',
    type: 'sort',
    params: {
      sortFields: [
        { fieldName: 'g', order: 'ascending' },
        { fieldName: 'n', order: 'descending' },
      ],
    },
    input: [
      { g: 'b', n: 1 },
      { g: 'a', n: 1 },
      { g: 'a', n: 2 },
    ],
    out: {
      main: [
        { g: 'a', n: 2 },
        { g: 'a', n: 1 },
        { g: 'b', n: 1 },
      ],
    },
  },
  {
    name: 'Limit keeps the last items',
    type: 'limit',
    params: { maxItems: 2, keep: 'lastItems' },
    input: [{ i: 1 }, { i: 2 }, { i: 3 }],
    out: { main: [{ i: 2 }, { i: 3 }] },
  },
  {
    name: 'Limit: a bad number is a clear error',
    type: 'limit',
    params: { maxItems: 'many' },
    input: [{}],
    error: /"Max items" must be a number/,
  },
  {
    name: 'Aggregate individual fields, renamed',
    type: 'aggregate',
    params: { fieldsToAggregate: [{ fieldToAggregate: 'id', renameField: true, outputFieldName: 'ids' }] },
    input: [{ id: 1 }, { id: 2 }, {}],
    out: { main: [{ ids: [1, 2] }] },
  },
  {
    name: 'Aggregate all item data',
    type: 'aggregate',
    params: { aggregate: 'aggregateAllItemData', destinationFieldName: 'rows' },
    input: [{ a: 1 }, { a: 2 }],
    out: { main: [{ rows: [{ a: 1 }, { a: 2 }] }] },
  },
  {
    name: 'Split Out a list of objects, keeping other fields (each object under the field name, as n8n does)',
    type: 'splitOut',
    params: { fieldToSplitOut: 'lines', include: 'allOtherFields' },
    input: [{ order: 7, lines: [{ sku: 'a' }, { sku: 'b' }] }],
    out: {
      main: [
        { order: 7, lines: { sku: 'a' } },
        { order: 7, lines: { sku: 'b' } },
      ],
    },
  },
  {
    name: 'Split Out values into a named field',
    type: 'splitOut',
    params: { fieldToSplitOut: 'tags', destinationFieldName: 'tag' },
    input: [{ tags: ['x', 'y'] }],
    out: { main: [{ tag: 'x' }, { tag: 'y' }] },
  },
  {
    name: 'Remove Duplicates by selected fields',
    type: 'removeDuplicates',
    params: { compare: 'selectedFields', fieldsToCompare: 'email' },
    input: [
      { email: 'a', n: 1 },
      { email: 'b', n: 2 },
      { email: 'a', n: 3 },
    ],
    out: {
      main: [
        { email: 'a', n: 1 },
        { email: 'b', n: 2 },
      ],
    },
  },
  {
    name: 'Remove Duplicates comparing all fields but one',
    type: 'removeDuplicates',
    params: { compare: 'allFieldsExcept', fieldsToExclude: 'at' },
    input: [
      { v: 1, at: 1 },
      { v: 1, at: 2 },
      { v: 2, at: 3 },
    ],
    out: {
      main: [
        { v: 1, at: 1 },
        { v: 2, at: 3 },
      ],
    },
  },
  // Date & Time
  {
    // As n8n's Date & Time 2: a timestamp is formatted in UTC unless the workflow's zone is asked for.
    name: 'Date & Time formats a timestamp',
    type: 'dateTime',
    params: {
      operation: 'formatDate',
      date: '={{ $json.t }}',
      format: "yyyy/MM/dd HH:mm 'utc'",
      outputFieldName: 'out',
    },
    input: [{ t: 1682918315906 }],
    out: { main: [{ out: '2023/05/01 05:18 utc' }] },
  },
  {
    name: 'Date & Time adds to a date',
    type: 'dateTime',
    params: {
      operation: 'addToDate',
      magnitude: '2026-01-31T00:00:00Z',
      duration: 1,
      timeUnit: 'months',
      outputFieldName: 'next',
    },
    input: [{}],
    out: { main: [{ next: '2026-02-28T00:00:00.000Z' }] },
  },
  {
    name: 'Date & Time between two dates in days',
    type: 'dateTime',
    params: {
      operation: 'getTimeBetweenDates',
      startDate: '2026-01-01',
      endDate: '2026-01-11',
      units: 'days',
      outputFieldName: 'd',
    },
    input: [{}],
    // n8n answers Luxon's Duration#toObject: one field per unit.
    out: { main: [{ d: { days: 10 } }] },
  },
  {
    name: 'Date & Time: a date that is not one is a clear error',
    type: 'dateTime',
    params: { operation: 'formatDate', date: 'someday', format: 'yyyy' },
    input: [{}],
    error: /Invalid date format/,
  },
  // No-Op, Wait, triggers
  { name: 'No-Op passes items', type: 'noOp', params: {}, input: [{ a: 1 }], out: { main: [{ a: 1 }] } },
  {
    name: 'Wait passes items after waiting',
    type: 'wait',
    params: { amount: 0.01, unit: 'seconds' },
    input: [{ a: 1 }],
    out: { main: [{ a: 1 }] },
  },
  {
    name: 'Wait: a bad unit is a clear error',
    type: 'wait',
    params: { amount: 1, unit: 'fortnights' },
    input: [{}],
    error: /Invalid wait unit. Valid units are/,
  },
  {
    name: 'Manual Trigger starts with one empty item',
    type: 'manualTrigger',
    params: {},
    input: [],
    out: { main: [{}] },
  },
];

describe('nodes', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const inputs = c.inputs
      ? Object.fromEntries(Object.entries(c.inputs).map(([h, list]) => [h, items(...list)]))
      : undefined;
    const run = runNode(c.type, c.params, items(...c.input), inputs ? { inputs } : {});
    if (c.error) {
      await expect(run).rejects.toThrow(c.error);
      return;
    }
    const output = await run;
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const got = Object.fromEntries(
      Object.entries(output)
        .filter(([, list]) => list.length > 0)
        .map(([h, list]) => [h, list.map((i) => i.json)]),
    );
    expect(got).toEqual(c.out);
  });
});

describe('Respond to Webhook', () => {
  it.each([
    [{ respondWith: 'firstIncomingItem' }, 200, { a: 1 }],
    [{ respondWith: 'allIncomingItems', responseCode: 201 }, 201, [{ a: 1 }, { a: 2 }]],
    [{ respondWith: 'json', responseBody: '={{ JSON.stringify({ count: $input.all().length }) }}' }, 200, { count: 2 }],
    [{ respondWith: 'text', responseText: '=Hi {{ $json.a }}' }, 200, 'Hi 1'],
  ])('%j answers %i with the expected body', async (params, status, body) => {
    let answer: { status: number; body: unknown } | undefined;
    await runNode('respondToWebhook', params, items({ a: 1 }, { a: 2 }), { onRespond: (r) => (answer = r) });
    expect(answer).toMatchObject({ status, body });
  });

  it('hands on a status HTTP cannot send, as n8n does (the server refuses it: webhook-response.ts)', async () => {
    let status: number | undefined;
    await runNode('respondToWebhook', { responseCode: 1000 }, items({}), { onRespond: (r) => (status = r.status) });
    expect(status).toBe(1000);
  });
});

describe('Edit Fields copies the items it keeps', () => {
  it('deeply, keeping a "__proto__" key as data', async () => {
    const input = JSON.parse('{"a":{"b":[1,{"c":2}]},"__proto__":{"polluted":true}}') as JsonObject;
    const output = await runNode(
      'set',
      { includeOtherFields: true, assignments: [{ name: 'a.d', value: '3', type: 'number' }] },
      items(input),
    );
    const json = output.main?.[0]?.json as Record<string, unknown>;
    expect(JSON.stringify(json)).toBe('{"a":{"b":[1,{"c":2}],"d":3},"__proto__":{"polluted":true}}');
    expect(Object.getPrototypeOf(json)).toBe(Object.prototype);
    expect(json.polluted).toBeUndefined();
    // The input item is untouched.
    expect(JSON.stringify(input)).toBe('{"a":{"b":[1,{"c":2}]},"__proto__":{"polluted":true}}');
  });
});
