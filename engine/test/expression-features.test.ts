import { describe, expect, it } from 'vitest';
import { definition, edge, node, outputsByName, run } from './harness.ts';

/**
 * What n8n's expressions and Code have besides `$json`: its legacy names
 * ($node, $items, $item, Code's `items` and `item`), its helpers ($if,
 * $ifEmpty, $jmespath), how a {{ }} inside text becomes text, and that an
 * expression's own errors (a TypeError past a missing field) give nothing.
 */

const trigger = node('Start', 'manualTrigger');
const seed = (name: string, rows: Record<string, unknown>[]) =>
  node(name, 'code', { jsCode: `return ${JSON.stringify(rows)};` });

const setOf = (name: string, values: Record<string, string>) =>
  node(name, 'set', {
    assignments: Object.entries(values).map(([field, value]) => ({ name: field, value, type: 'string' })),
  });

const evaluate = async (values: Record<string, string>, rows: Record<string, unknown>[] = [{ a: 1 }]) => {
  const def = definition({
    name: 'Features',
    nodes: [trigger, seed('Rows', rows), setOf('Out', values)],
    edges: [edge('Start', 'Rows'), edge('Rows', 'Out')],
  });
  const r = await run(def);
  if (r.error) throw new Error(r.error);
  return outputsByName(r).Out;
};

describe('n8n expression features', () => {
  it('a {{ }} inside text becomes text as n8n joins its template: String(value), nothing for null, undefined and errors', async () => {
    expect(
      await evaluate({
        list: '=x {{ [1, [2, 3], { a: 1 }] }} y',
        obj: '=x {{ $json }} y',
        nothing: '=x {{ $json.missing }}|{{ null }}|{{ 0 }}|{{ false }}|{{ "" }} y',
        // n8n swallows the TypeError of reading past a missing field: the part is empty, the rest stays.
        past: '=x {{ $json.a.b.c }} y',
      }),
    ).toEqual([
      { list: 'x 1,2,3,[object Object] y', obj: 'x [object Object] y', nothing: 'x ||0|false| y', past: 'x  y' },
    ]);
  });

  it('a whole-value expression that throws a TypeError gives nothing (null), not a failure', async () => {
    expect(await evaluate({ v: '={{ $json.a.b.c }}' })).toEqual([{ v: null }]);
  });

  it('$node["Name"], $items(), $item(i), $if and $ifEmpty', async () => {
    expect(
      await evaluate(
        {
          node: '={{ $node["Rows"].json.a }}',
          items: "={{ $items('Rows').length + ':' + $items().length }}",
          item: '={{ $item(1).$json.a }}',
          ifYes: "={{ $if($json.a > 1, 'big', 'small') }}",
          ifNo: '={{ $if(false, 1) }}',
          empty: "={{ $ifEmpty($json.missing, 'none') + '/' + $ifEmpty([], 'e') + '/' + $ifEmpty($json.a, 'x') }}",
        },
        [{ a: 1 }, { a: 2 }],
      ),
    ).toEqual([
      { node: '1', items: '2:2', item: '2', ifYes: 'small', ifNo: 'false', empty: 'none/e/1' },
      { node: '2', items: '2:2', item: '2', ifYes: 'big', ifNo: 'false', empty: 'none/e/2' },
    ]);
  });

  it('$jmespath searches with jmespath, and refuses what n8n refuses', async () => {
    expect(
      await evaluate({ v: "={{ $jmespath($json, 'people[?age > `30`].name') }}" }, [
        {
          people: [
            { name: 'Ann', age: 41 },
            { name: 'Ben', age: 20 },
            { name: 'Cy', age: 33 },
          ],
        },
      ]),
    ).toEqual([{ v: '["Ann","Cy"]' }]);
    await expect(evaluate({ v: "={{ $jmespath($json, 'constructor') }}" })).rejects.toThrow(/security concerns/);
  });

  it('the helpers are shared by every workflow, so nothing can be left on them for the next', async () => {
    await evaluate({ v: "={{ ($if.leak = 1, $ifEmpty.leak = 2, $jmespath.leak = 3, $jmespath({ a: 1 }, 'a')) }}" });
    expect(
      await evaluate({ v: "={{ [$if.leak, $ifEmpty.leak, $jmespath.leak, $jmespath({ a: 1 }, 'a')].join('|') }}" }),
    ).toEqual([{ v: '|||1' }]);
  });

  it("Code has n8n's legacy items (once for all items) and item (once per item), unless the code declares them", async () => {
    const def = definition({
      name: 'Legacy',
      nodes: [
        trigger,
        seed('Rows', [{ a: 1 }, { a: 2 }]),
        node('All', 'code', { jsCode: 'return items.map((it) => ({ json: { b: it.json.a * 10 } }));' }),
        node('Each', 'code', { mode: 'runOnceForEachItem', jsCode: 'return { c: item.json.b + 1 };' }),
        node('Own', 'code', { jsCode: 'const items = $input.all(); return [{ json: { n: items.length } }];' }),
        // n8n runs Code sloppy: a name assigned without a declaration is a variable.
        node('Sloppy', 'code', {
          jsCode:
            'total = 0; a = await Promise.resolve(2); for (const it of $input.all()) total += a; return [{ json: { total } }];',
        }),
      ],
      edges: [
        edge('Start', 'Rows'),
        edge('Rows', 'All'),
        edge('All', 'Each'),
        edge('Each', 'Own'),
        edge('Own', 'Sloppy'),
      ],
    });
    const r = await run(def);
    expect(r.error).toBeUndefined();
    const out = outputsByName(r);
    expect(out.All).toEqual([{ b: 10 }, { b: 20 }]);
    expect(out.Each).toEqual([{ c: 11 }, { c: 21 }]);
    expect(out.Own).toEqual([{ n: 2 }]);
    expect(out.Sloppy).toEqual([{ total: 2 }]);
  });

  it("Code's result is checked as n8n checks it; once per item a failure stays in its place on the regular output", async () => {
    const codeRun = async (jsCode: string, extra: Record<string, unknown> = {}, onError?: 'continueRegularOutput') => {
      const def = definition({
        name: 'Checks',
        nodes: [
          trigger,
          seed('Rows', [{ a: 1 }, { a: 2 }, { a: 3 }]),
          node('Code', 'code', { jsCode, ...extra }, onError ? { onError } : {}),
        ],
        edges: [edge('Start', 'Rows'), edge('Rows', 'Code')],
      });
      return run(def);
    };
    expect((await codeRun('return;', { mode: 'runOnceForEachItem' })).error).toMatch(/Code doesn't return an object/);
    expect((await codeRun('return [{ a: 1 }, { json: { b: 2 } }];')).error).toMatch(/Unknown top-level item key: a/);
    expect((await codeRun('return [{ json: [1] }];')).error).toMatch(/A 'json' property isn't an object/);
    // n8n stops at the first failing item: the run has no output.
    const stopped = await codeRun("if ($itemIndex === 1) throw new Error('bad'); return $json;", {
      mode: 'runOnceForEachItem',
    });
    expect(stopped.runs.find((r) => r.name === 'Code')?.output).toEqual({ main: [] });
    const goOn = await codeRun(
      "if ($itemIndex === 1) throw new Error('bad'); return $json;",
      { mode: 'runOnceForEachItem' },
      'continueRegularOutput',
    );
    expect(outputsByName(goOn).Code).toEqual([{ a: 1 }, { error: 'bad [line 1, for item 1]' }, { a: 3 }]);
  });
});
