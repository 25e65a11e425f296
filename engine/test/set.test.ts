import { describe, expect, it } from 'vitest';
import type { JsonObject } from '#shared/runs/items.ts';
import { definition, edge, items, node, outputsByName, run as runWorkflow, runNode } from './harness.ts';

/**
 * Edit Fields (Set) as n8n's versions give it, one concrete case per rule
 * (n8n-nodes-base Set v1/v2 and the v3 helpers, validateFieldType in
 * n8n-workflow). The differential harness (family `set`) is the broad proof.
 */

const run = async (params: Record<string, unknown>, input: JsonObject[]): Promise<unknown[]> => {
  const out = await runNode('set', params, items(...input));
  return (out.main ?? []).map((i) => i.json);
};

const field = (name: string, value: string, type = 'string') => ({ name, value, type });

describe('Edit Fields: type conversion of Edit Fields 3.2+ (validateEntry → validateFieldType)', () => {
  it('reads "0", "TRUE" and 1 as booleans, "" and true as numbers, and a missing value as null', async () => {
    const out = await run(
      {
        assignments: [
          field('f', '0', 'boolean'),
          field('t', 'TRUE', 'boolean'),
          field('one', '={{ 1 }}', 'boolean'),
          field('empty', '', 'number'),
          field('yes', '={{ true }}', 'number'),
          field('gone', '={{ $json.missing }}', 'number'),
        ],
      },
      [{}],
    );
    expect(out).toEqual([{ f: false, t: true, one: true, empty: 0, yes: 1, gone: null }]);
  });

  it('fails on a value that is not of the type, or keeps it as it is with ignoreConversionErrors', async () => {
    await expect(run({ assignments: [field('n', 'abc', 'number')] }, [{}])).rejects.toThrow(
      "'n' expects a number but we got 'abc' [item 0]",
    );
    const out = await run({ assignments: [field('n', 'abc', 'number')], ignoreConversionErrors: true }, [{}]);
    expect(out).toEqual([{ n: 'abc' }]);
  });

  it('reads a JavaScript object literal as an object (names stand for their text), and arrays with single quotes', async () => {
    const out = await run(
      { assignments: [field('o', "{a: 1, 'b': x, c: [-2]}", 'object'), field('l', "['a', 1]", 'array')] },
      [{}],
    );
    expect(out).toEqual([{ o: { a: 1, b: 'x', c: [-2] }, l: ['a', 1] }]);
  });

  it('sees NaN as n8n does: no number (an error), the text "NaN" in a text field', async () => {
    await expect(run({ assignments: [field('n', '={{ $json.a + 1 }}', 'number')] }, [{}])).rejects.toThrow(
      "'n' expects a number but we got 'NaN' [item 0]",
    );
    expect(await run({ assignments: [field('s', '={{ $json.a + 1 }}')] }, [{}])).toEqual([{ s: 'NaN' }]);
  });

  it('writes a text field that is an object as JSON text', async () => {
    const out = await run({ assignments: [field('s', '={{ $json.o }}')] }, [{ o: { a: [1] } }]);
    expect(out).toEqual([{ s: '{"a":[1]}' }]);
  });

  it('gathers fields by name before writing: a name set twice keeps its first place and its last value', async () => {
    const out = await run({ assignments: [field('a.b', '1'), field('a', '5'), field('a.b', '2')] }, [{}]);
    expect(out).toEqual([{ a: '5' }]);
  });
});

describe('Edit Fields: paths and input fields', () => {
  it('makes a list for an index ("tags[0]") and an object for a dotted name', async () => {
    const out = await run({ assignments: [field('tags[0]', 'a'), field('meta.x', '1', 'number')] }, [{}]);
    expect(out).toEqual([{ tags: ['a'], meta: { x: 1 } }]);
  });

  it('with dot notation off, a name with dots is one field', async () => {
    const out = await run({ assignments: [field('a.b', '1')], dotNotation: false }, [{}]);
    expect(out).toEqual([{ 'a.b': '1' }]);
  });

  it('with dot notation off, "[\'a\']" is the field a from Edit Fields 3 on (sanitizeDataPathKey), as written in Set 2', async () => {
    const params = { assignments: [field("['a']", '1')], dotNotation: false, includeOtherFields: true };
    expect(await run(params, [{}])).toEqual([{ a: '1' }]);
    expect(await run(params, [{ "['a']": 0 }])).toEqual([{ "['a']": '1' }]);
    expect(await run({ ...params, conversion: 'n8n2' }, [{}])).toEqual([{ "['a']": '1' }]);
  });

  it('includes selected input fields, a dotted one under its last name', async () => {
    const out = await run(
      {
        includeOtherFields: true,
        include: 'selected',
        includeFields: 'name, meta.a, missing',
        assignments: [field('n', '1')],
      },
      [{ name: 'x', meta: { a: 2, b: 3 }, other: true }],
    );
    expect(out).toEqual([{ name: 'x', a: 2, n: '1' }]);
  });

  it('includes all input fields except the listed ones, nested ones too', async () => {
    const out = await run({ includeOtherFields: true, include: 'except', excludeFields: 'b,meta.a', assignments: [] }, [
      { a: 1, b: 2, meta: { a: 2, b: 3 } },
    ]);
    expect(out).toEqual([{ a: 1, meta: { b: 3 } }]);
  });

  it('leaves the input item alone when a selected field is written into (n8n changes the input there)', async () => {
    const input = { meta: { a: 1 } };
    const out = await run(
      { includeOtherFields: true, include: 'selected', includeFields: 'meta', assignments: [field('meta.x', '2')] },
      [input],
    );
    expect(out).toEqual([{ meta: { a: 1, x: '2' } }]);
    expect(input).toEqual({ meta: { a: 1 } });
  });
});

describe('Edit Fields: the rules of older n8n versions (imported workflows)', () => {
  it('Set 1: a boolean is the value’s truthiness, a computed number stays text, an undefined value drops the field', async () => {
    const out = await run(
      {
        conversion: 'n8n1',
        includeOtherFields: true,
        assignments: [
          field('t', '={{ "false" }}', 'boolean'),
          field('f', 'false', 'boolean'),
          field('n', '={{ "7" }}', 'number'),
          field('lit', '3.5', 'number'),
          field('a', '={{ $json.missing }}'),
          field('o', '={{ $json.o }}'),
        ],
      },
      [{ a: 1, o: { k: 1 } }],
    );
    expect(out).toEqual([{ o: { k: 1 }, t: true, f: false, n: '7', lit: 3.5 }]);
  });

  it('Set 2: a numeric text is read as its number ("" is 0), any other value is kept', async () => {
    const out = await run(
      {
        conversion: 'n8n2',
        assignments: [
          field('a', '={{ " 7 " }}', 'number'),
          field('b', '={{ "" }}', 'number'),
          field('c', 'x', 'number'),
        ],
      },
      [{}],
    );
    expect(out).toEqual([{ a: 7, b: 0, c: 'x' }]);
  });

  it('Set 1 and 2 write each field in turn (a later "a" replaces an earlier "a.b")', async () => {
    const out = await run(
      { conversion: 'n8n2', assignments: [field('a.b', '1'), field('a', '5'), field('a.c', '2')] },
      [{}],
    );
    expect(out).toEqual([{ a: { c: '2' } }]);
  });

  it('Edit Fields 3: a missing text reads "undefined", a null one "null"', async () => {
    const out = await run(
      { conversion: 'n8n3', assignments: [field('u', '={{ $json.missing }}'), field('n', '={{ null }}')] },
      [{}],
    );
    expect(out).toEqual([{ u: 'undefined', n: 'null' }]);
  });

  it('Edit Fields 3.1: a missing text is an error unless conversion errors are ignored', async () => {
    const params = { conversion: 'n8n3.1', assignments: [field('u', '={{ $json.missing }}')] };
    await expect(run(params, [{}])).rejects.toThrow("'u' expects a string but we got");
    expect(await run({ ...params, ignoreConversionErrors: true }, [{}])).toEqual([{ u: null }]);
  });

  it('Edit Fields 3–3.2: an object written as a {{ }} text is filled in piece by piece and read as JSON', async () => {
    const out = await run(
      {
        conversion: 'n8n3.2',
        assignments: [field('o', '={"n": {{ $json.n }}, "l": {{ $json.l }}, "u": "{{ $json.missing }}"}', 'object')],
      },
      [{ n: 5, l: [1, 'a'] }],
    );
    expect(out).toEqual([{ o: { n: 5, l: [1, 'a'], u: 'undefined' } }]);
  });
  it('Edit Fields 3–3.2: an object field computed as Infinity is read from its text, which is no JSON object', async () => {
    await expect(
      run({ conversion: 'n8n3.2', assignments: [field('o', '={{ 1 / 0 }}', 'object')] }, [{}]),
    ).rejects.toThrow('does not contain a valid JSON object');
  });

  it('Edit Fields 3–3.2: an object text that reads null makes the field null (n8n lets null through)', async () => {
    const out = await run({ conversion: 'n8n3', assignments: [field('o', '={{ $json.n }}', 'object')] }, [
      { n: 'null' },
    ]);
    expect(out).toEqual([{ o: null }]);
  });
});

describe('Edit Fields: JSON mode (n8n resolveRawData + jsonParse with repairJSON)', () => {
  it('writes each {{ }} of the text in as text: undefined as "undefined", objects as JSON', async () => {
    const out = await run({ mode: 'raw', jsonOutput: '={"a": "{{ $json.missing }}", "o": {{ $json.o }}}' }, [
      { o: { k: [1] } },
    ]);
    expect(out).toEqual([{ a: 'undefined', o: { k: [1] } }]);
  });

  it('mends JSON that a value broke (a line break inside a string)', async () => {
    const out = await run({ mode: 'raw', jsonOutput: '={"a": "{{ $json.t }}"}' }, [{ t: 'a\nb' }]);
    expect(out).toEqual([{ a: 'a\nb' }]);
  });

  it('refuses JSON that is not an object', async () => {
    await expect(run({ mode: 'raw', jsonOutput: '[1, 2]' }, [{}])).rejects.toThrow(
      'does not contain a valid JSON object',
    );
  });
});

describe('Edit Fields in a workflow', () => {
  it("reads $('Node').item inside JSON mode and Set 2 values (the paired item of each item)", async () => {
    const def = definition({
      name: 'Paired',
      nodes: [
        node('Start', 'manualTrigger'),
        node('Make', 'code', { jsCode: 'return [{ a: 1 }, { a: 2 }];' }),
        // Sort turns the order round: only the items' pairing, not their position, leads back to Make's item.
        node('Turn', 'sort', { sortFields: [{ fieldName: 'a', order: 'descending' }] }),
        node('Step', 'set', { assignments: [field('b', '={{ $json.a * 10 }}', 'number')] }),
        node('Json', 'set', { mode: 'raw', jsonOutput: '={"a": {{ $(\'Make\').item.json.a }}, "b": {{ $json.b }}}' }),
        node('Old', 'set', {
          conversion: 'n8n2',
          includeOtherFields: true,
          assignments: [field('c', "={{ $('Make').item.json.a }}", 'number')],
        }),
      ],
      edges: [
        edge('Start', 'Make'),
        edge('Make', 'Turn'),
        edge('Turn', 'Step'),
        edge('Step', 'Json'),
        edge('Json', 'Old'),
      ],
    });
    const r = await runWorkflow(def);
    expect(r.status).toBe('succeeded');
    expect(outputsByName(r).Old).toEqual([
      { a: 2, b: 20, c: 2 },
      { a: 1, b: 10, c: 1 },
    ]);
  });
});
