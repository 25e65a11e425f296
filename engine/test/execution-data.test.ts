import { describe, expect, it } from 'vitest';
import { fromN8n } from '#shared/interop/n8n/index.ts';
import { customDataSchema } from '#shared/protocol/engine.ts';
import type { DefinitionNode } from '#shared/schema/definition.ts';
import { definition, edge, meta, node, outputsByName, run } from './harness.ts';

/**
 * Execution Data and `$execution.customData` as n8n-core 2.41.1's
 * execution-metadata.ts has them: 10 keys (more dropped quietly), keys of
 * letters, numbers and underscores cut to 50 characters, values cut to 512,
 * a bad key or value failing only a manual run. The run's custom data goes
 * with its result (RunResult.customData).
 */

type Row = { key: string; value: string };

const rows = (...pairs: [string, string][]): Row[] => pairs.map(([key, value]) => ({ key, value }));

const workflow = (...middle: DefinitionNode[]) => {
  const nodes = [
    node('Start', 'manualTrigger'),
    node('Items', 'code', { jsCode: 'return [{ n: 1 }, { n: 2 }];' }),
    ...middle,
  ];
  return definition({
    name: 'Custom data',
    nodes,
    edges: nodes.slice(1).map((n, i) => edge(nodes[i]?.name ?? '', n.name)),
  });
};

const save = (name: string, dataToSave: Row[], extra: Record<string, unknown> = {}, settings = {}) =>
  node(name, 'executionData', { dataToSave, ...extra }, settings);

const inMode = (mode: string) => ({ meta: { ...meta, execution: { id: 'ex-mode', mode } } });

describe('Execution Data', () => {
  it.each([
    ['saves each row', rows(['a', '1'], ['b', 'x']), { a: '1', b: 'x' }],
    ['the last item sets the value last', rows(['n', '={{ $json.n }}']), { n: '2' }],
    ['a later row with the same key wins', rows(['a', '1'], ['a', '2']), { a: '2' }],
    ['a key over 50 characters is cut', rows(['k'.repeat(60), 'v']), { ['k'.repeat(50)]: 'v' }],
    ['a value of 300 characters is kept whole', rows(['a', 'v'.repeat(300)]), { a: 'v'.repeat(300) }],
    ['a value over 512 characters is cut to 512', rows(['a', 'v'.repeat(600)]), { a: 'v'.repeat(512) }],
    [
      'letters of any script, marks and digits are keys',
      rows(['émoi_ß_2', 'x'], ['日本', 'y']),
      { émoi_ß_2: 'x', 日本: 'y' },
    ],
    [
      'past 10 keys, new ones are dropped without a word',
      rows(...Array.from({ length: 12 }, (_, i): [string, string] => [`k${i}`, String(i)])),
      Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`k${i}`, String(i)])),
    ],
    ['an empty value is saved (1.1)', rows(['a', '']), { a: '' }],
    ['a falsy value is saved as "" (1.1)', rows(['a', '={{ false }}'], ['b', '={{ 0 }}']), { a: '', b: '' }],
  ])('%s', async (_, dataToSave, expected) => {
    const result = await run(workflow(save('Save', dataToSave)));
    expect(result.status).toBe('succeeded');
    expect(result.customData).toEqual(expected);
    // Items pass through untouched.
    expect(outputsByName(result).Save).toEqual([{ n: 1 }, { n: 2 }]);
  });

  it('saves nothing and sends no custom data when there are no rows', async () => {
    const result = await run(workflow(save('Save', [])));
    expect(result.status).toBe('succeeded');
    expect(result.customData).toBeUndefined();
  });

  it.each([
    [
      'a key with other characters',
      rows(['a-b', 'x']),
      'Custom data key can only contain letters, numbers, and underscores (key "a-b")',
    ],
    [
      'a key with a space',
      rows(['a b', 'x']),
      'Custom data key can only contain letters, numbers, and underscores (key "a b")',
    ],
  ])('%s fails a manual run, and is skipped in a production run', async (_, bad, message) => {
    const def = workflow(save('Save', [...rows(['ok', '1']), ...bad, ...rows(['after', '2'])]));
    const manual = await run(def);
    expect(manual.status).toBe('failed');
    expect(manual.error).toContain(message);
    // setAll tries every entry before it throws the first failure: the good ones are saved.
    expect(manual.customData).toEqual({ ok: '1', after: '2' });
    for (const mode of ['webhook', 'schedule', 'subworkflow']) {
      const production = await run(def, inMode(mode));
      expect(production.status).toBe('succeeded');
      expect(production.customData).toEqual({ ok: '1', after: '2' });
    }
  });

  it('version 1 hands a falsy value over as it is: false and null fail a manual run, 0 is "0"', async () => {
    const v1 = (value: string) => workflow(save('Save', rows(['a', value]), { n8nVersion: '1' }));
    const failed = await run(v1('={{ false }}'));
    expect(failed.status).toBe('failed');
    expect(failed.error).toContain('Custom data values must be a string (key "a")');
    expect((await run(v1('={{ null }}'))).status).toBe('failed');
    expect((await run(v1('={{ 0 }}'))).customData).toEqual({ a: '0' });
    expect((await run(v1('={{ false }}'), inMode('webhook'))).customData).toBeUndefined();
  });

  it('resolves each item after the items before it saved theirs, as n8n does', async () => {
    const result = await run(
      workflow(
        save('Save', rows(['={{ "k" + $itemIndex }}', '={{ JSON.stringify($execution.customData.getAll()) }}'])),
      ),
    );
    expect(result.customData).toEqual({ k0: '{}', k1: '{"k0":"{}"}' });
  });

  it('checks Object’s own names past 10 keys, as n8n does, but never stores an 11th key', async () => {
    const ten = Array.from({ length: 10 }, (_, i): [string, string] => [`k${i}`, String(i)]);
    const bad = await run(workflow(save('Save', [...rows(...ten), { key: 'toString', value: '={{ { a: 1 } }}' }])));
    expect(bad.status).toBe('failed');
    expect(bad.error).toContain('Custom data values must be a string (key "toString")');
    const good = await run(workflow(save('Save', [...rows(...ten), ...rows(['toString', 'x'], ['k11', 'y'])])));
    expect(good.status).toBe('succeeded');
    expect(good.customData).toEqual(Object.fromEntries(ten));
  });

  it('continues on failure with an { error } item in the failed item’s place', async () => {
    const def = workflow(
      save('Save', rows(['={{ $json.n === 2 ? "bad-key" : "good" }}', 'x']), {}, { onError: 'continueRegularOutput' }),
    );
    const result = await run(def);
    expect(result.status).toBe('succeeded');
    expect(outputsByName(result).Save).toEqual([
      { n: 1 },
      { error: 'Custom data key can only contain letters, numbers, and underscores (key "bad-key")' },
    ]);
    expect(result.customData).toEqual({ good: 'x' });
  });
});

describe('$execution.customData', () => {
  const code = (name: string, jsCode: string) => node(name, 'code', { jsCode });

  it('set, get, setAll and getAll in the Code node, seen by later nodes and their expressions', async () => {
    const result = await run(
      workflow(
        code(
          'Write',
          `$execution.customData.set('a', 'x');
           $execution.customData.set('n', 5);
           $execution.customData.setAll({ b: 'y', c: 7 });
           return [{ json: { a: $execution.customData.get('a'), all: $execution.customData.getAll() } }];`,
        ),
        save('Save', rows(['d', "={{ $execution.customData.get('a') + '!' }}"])),
        code('Read', 'return [{ json: $execution.customData.getAll() }];'),
      ),
    );
    expect(result.status).toBe('succeeded');
    const out = outputsByName(result);
    expect(out.Write).toEqual([{ a: 'x', all: { a: 'x', n: '5', b: 'y', c: '7' } }]);
    expect(out.Read).toEqual([{ a: 'x', n: '5', b: 'y', c: '7', d: 'x!' }]);
    expect(result.customData).toEqual({ a: 'x', n: '5', b: 'y', c: '7', d: 'x!' });
  });

  it('get cuts its key to 50 characters, as set does; a missing key is undefined', async () => {
    const long = 'k'.repeat(70);
    const result = await run(
      workflow(
        code(
          'Write',
          `$execution.customData.set('${long}', 'v');
           return [{ json: { long: $execution.customData.get('${long}'), missing: $execution.customData.get('nope') ?? 'none' } }];`,
        ),
      ),
    );
    expect(outputsByName(result).Write).toEqual([{ long: 'v', missing: 'none' }]);
  });

  it.each([
    ['an object value', `$execution.customData.set('a', { x: 1 })`, 'Custom data values must be a string (key "a")'],
    ['a non-string key', `$execution.customData.set(5, 'x')`, 'Custom data keys must be a string (key "5")'],
    ['a bad key in setAll', `$execution.customData.setAll({ 'a.b': 'x', ok: 'y' })`, 'key "a.b"'],
  ])('%s fails the Code node in a manual run and is ignored in a production one', async (_, line, message) => {
    const def = workflow(code('Write', `${line};\nreturn [{ json: $execution.customData.getAll() }];`));
    const manual = await run(def);
    expect(manual.status).toBe('failed');
    expect(manual.error).toContain(message);
    const production = await run(def, inMode('webhook'));
    expect(production.status).toBe('succeeded');
  });

  it('is the run’s own: a second run starts empty, even in the same sandbox', async () => {
    const def = workflow(
      code(
        'Write',
        `const before = $execution.customData.getAll();
         $execution.customData.set('seen', 'yes');
         return [{ json: { before } }];`,
      ),
    );
    const first = await run(def);
    const second = await run(def);
    expect(outputsByName(first).Write).toEqual([{ before: {} }]);
    expect(outputsByName(second).Write).toEqual([{ before: {} }]);
    expect(second.customData).toEqual({ seen: 'yes' });
  });

  it('cannot be replaced or changed by user code', async () => {
    const result = await run(
      workflow(
        code(
          'Write',
          `let replaced = 'no';
           try { $execution.customData.set = () => 0; } catch { replaced = 'refused'; }
           $execution.customData.set('a', 'x');
           return [{ json: { replaced, a: $execution.customData.get('a') } }];`,
        ),
      ),
    );
    expect(outputsByName(result).Write).toEqual([{ replaced: 'refused', a: 'x' }]);
  });
});

describe('customDataSchema (what the server accepts from an engine)', () => {
  it.each([
    ['ten short keys', Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`k${i}`, 'v'])), true],
    ['eleven keys', Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`k${i}`, 'v'])), false],
    ['a key of 51 characters', { ['k'.repeat(51)]: 'v' }, false],
    ['a key with a dash', { 'a-b': 'v' }, false],
    ['a value of 513 characters', { a: 'v'.repeat(513) }, false],
    ['a number value', { a: 5 }, false],
  ])('%s: %s', (_, value, ok) => {
    expect(customDataSchema.safeParse(value).success).toBe(ok);
  });

  it('drops a __proto__ key rather than setting a prototype', () => {
    const parsed = customDataSchema.parse(JSON.parse('{"__proto__":"x","a":"b"}'));
    expect(Object.keys(parsed)).toEqual(['a']);
    expect(Object.getPrototypeOf(parsed)).not.toBe('x');
  });
});

describe('Execution Data import from n8n', () => {
  const imported = (typeVersion: number, parameters: Record<string, unknown>) =>
    fromN8n({
      nodes: [{ id: 'e', name: 'E', type: 'n8n-nodes-base.executionData', typeVersion, position: [0, 0], parameters }],
      connections: {},
    });

  it.each([
    [1.1, '1.1'],
    [1, '1'],
  ])('version %s: the rows come over, and the version says how a falsy value is saved', (typeVersion, n8nVersion) => {
    const result = imported(typeVersion, {
      operation: 'save',
      dataToSave: { values: [{ key: 'customer', value: '={{ $json.name }}' }, { key: 'empty' }] },
    });
    expect(result.definition.nodes[0]?.type).toBe('executionData');
    expect(result.definition.nodes[0]?.parameters).toEqual({
      dataToSave: [
        { key: 'customer', value: '={{ $json.name }}' },
        { key: 'empty', value: '' },
      ],
      n8nVersion,
    });
    expect(result.warnings).toEqual([]);
  });

  it('names an operation it does not carry', () => {
    const result = imported(1.1, { operation: 'load' });
    expect(result.warnings.map((w) => w.message).join(' ')).toContain('operation "load" is not carried');
  });
});
