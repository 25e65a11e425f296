import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Item } from '#shared/runs/items.ts';
import type { PairedLookup } from '#shared/runs/items.ts';
import { EXPRESSION } from '#shared/sandbox/function-source.ts';
import { Sandbox } from '#shared/sandbox/sandbox.ts';
import { asTemplateText, hostReaderOf, jsonPathOf, readJsonPath } from '#shared/expressions/json-path.ts';
import { ParameterResolver } from '#shared/expressions/resolve.ts';
import { createSandbox } from '../../src/sandbox/node-host.ts';

/**
 * Plain `$json` reads are answered on the host; they must give exactly what
 * the sandbox gives for the same code, so this checks the host against the
 * sandbox itself on random data and paths (seeded; the seed is printed on a
 * failure).
 */

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await createSandbox();
});
afterAll(() => sandbox.dispose());

const scope = { metaText: '{"workflow":{},"execution":{}}', now: 0, zone: 'UTC' };

/** What the sandbox gives for the code on one item: single value, and the text a template joins. */
const inSandbox = (code: string, json: unknown): { single: unknown; text: unknown } => {
  const id = sandbox.compile(EXPRESSION, code, 'json-path-test');
  const payload = JSON.stringify({ items: [{ json }], refs: {} });
  const [row] = JSON.parse(sandbox.evaluate([id, ~id], payload, scope)) as { v?: unknown }[][];
  return { single: row?.[0]?.v, text: row?.[1]?.v };
};

const mulberry32 = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

const KEYS = [
  'a',
  'b',
  'name',
  'constructor',
  'toString',
  'length',
  '__proto__',
  'valueOf',
  'map',
  'hasOwnProperty',
  '0',
  'x y',
];

describe('$json reads on the host', () => {
  it('parses only plain reads', () => {
    expect(jsonPathOf(' $json.a.b ')).toEqual(['a', 'b']);
    expect(jsonPathOf('$json["first name"][0].x')).toEqual(['first name', 0, 'x']);
    expect(jsonPathOf("$json['a']")).toEqual(['a']);
    expect(jsonPathOf('$json')).toEqual([]);
    for (const other of [
      '$json.a()',
      '$json.a + 1',
      '$json[i]',
      '$json["a\\"b"]',
      '$jsonx',
      '$json?.a',
      '$json. a',
      '$input.item.json.a',
    ])
      expect(jsonPathOf(other), other).toBeUndefined();
  });

  it('answers constants as the sandbox does', () => {
    const constants = [
      '50',
      ' -0 ',
      '0.1',
      '-2.5e-3',
      '12345678901234567890',
      "'a'",
      '"b c"',
      "''",
      'true',
      'false',
      'null',
    ];
    for (const code of constants) {
      const read = hostReaderOf(code)?.({}, 0, { nodeItem: () => undefined });
      expect(read, code).toBeDefined();
      const expected = inSandbox(code, {});
      expect(read?.value, code).toEqual(expected.single);
      expect(asTemplateText(read ?? { value: undefined })?.value, code).toBe(expected.text);
    }
    for (const other of ['1e400', '050', '1_000', '0x10', '.5', "'a\\'b'", 'undefined', 'NaN', 'true && 1'])
      expect(hostReaderOf(other), other).toBeUndefined();
  });

  it('gives what the sandbox gives, on random data and paths', () => {
    const seed = Number(process.env.WEFT_JSON_PATH_SEED ?? Date.now() % 100000);
    const random = mulberry32(seed);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;
    const value = (depth: number): unknown => {
      const r = random();
      if (depth > 2 || r < 0.35)
        return pick([0, -0, 1.5, Number.NaN, Infinity, '', 'text', 'ü', true, false, null, undefined, new Date(0)]);
      if (r < 0.6) return Array.from({ length: Math.floor(random() * 3) }, () => value(depth + 1));
      const o: Record<string, unknown> = {};
      for (let i = Math.floor(random() * 4); i > 0; i--)
        Object.defineProperty(o, pick(KEYS), {
          value: value(depth + 1),
          enumerable: true,
          configurable: true,
          writable: true,
        });
      return o;
    };
    let checked = 0;
    for (let n = 0; n < 400; n++) {
      const json = value(0);
      const steps = Array.from({ length: 1 + Math.floor(random() * 3) }, () =>
        random() < 0.2
          ? `[${Math.floor(random() * 3)}]`
          : random() < 0.5
            ? `[${JSON.stringify(pick(KEYS))}]`
            : `.${pick(KEYS.filter((k) => /^[a-z_]\w*$/i.test(k)))}`,
      );
      const code = `$json${steps.join('')}`;
      const path = jsonPathOf(code);
      expect(path, code).toBeDefined();
      const host = readJsonPath(json, path ?? []);
      if (!host) continue;
      const expected = inSandbox(code, json);
      const text = asTemplateText(host);
      const context = `seed ${seed}: ${code} on ${JSON.stringify(json)}`;
      expect(host.value, context).toEqual(expected.single);
      if (text) expect(text.value, context).toBe(expected.text);
      checked++;
    }
    // Most cases are decided on the host; the rest are left to the sandbox.
    expect(checked, `seed ${seed}`).toBeGreaterThan(100);
  });

  it('skips the sandbox when every expression of a node is a plain read', () => {
    const resolver = new ParameterResolver(sandbox);
    const spy = vi.spyOn(sandbox, 'evaluate');
    const meta = {
      workflow: { id: 'w', name: 'w', active: false },
      execution: { id: 'e', mode: 'manual' },
      now: 0,
      timezone: 'UTC',
    };
    const items: Item[] = [{ json: { n: 3, s: 'x', o: { k: [1, 2] } } }, { json: { n: null } }];
    const plain = resolver.resolve(
      'N',
      { a: '={{ $json.n }}', b: '=is {{ $json.s }}', c: '={{ $json.o.k }}' },
      items,
      meta,
      () => undefined,
    );
    expect(plain).toEqual([
      { a: 3, b: 'is x', c: [1, 2] },
      { a: null, b: 'is ', c: undefined },
    ]);
    expect(spy).not.toHaveBeenCalled();
    // One read the host cannot answer (a string's length) sends that one to the sandbox, beside the others.
    const mixed = resolver.resolve(
      'N',
      { a: '={{ $json.s.length }}', b: '={{ $json.n * 2 }}', c: '={{ $json.n }}' },
      items,
      meta,
      () => undefined,
    );
    expect(mixed).toEqual([
      { a: 1, b: 6, c: 3 },
      { a: undefined, b: 0, c: null },
    ]);
    expect(spy).toHaveBeenCalledTimes(1);
    expect(spy.mock.calls[0]?.[0]).toHaveLength(2);
    spy.mockRestore();
  });

  it("reads $('Name').item / .first() / .last() as the sandbox does (paired items, errors, missing nodes)", () => {
    const resolver = new ParameterResolver(sandbox);
    const meta = {
      workflow: { id: 'w', name: 'w', active: false },
      execution: { id: 'e', mode: 'manual' },
      now: 0,
      timezone: 'UTC',
    };
    const made: Item[] = [{ json: { n: 1, o: { k: 'x' } } }, { json: { n: 2 } }, { json: { n: null } }];
    const outputs = (name: string) => (name === 'Made' ? made : name === 'Empty' ? [] : undefined);
    const items: Item[] = [{ json: {} }, { json: {} }, { json: {} }, { json: {} }];
    // Item 0 pairs to Made's item 1, item 1 to an item no longer in its output, item 2 cannot be paired, item 3 to 0.
    const lookups: PairedLookup[] = [
      { item: made[1] as Item },
      { item: { json: { n: 9 } } },
      { error: "Paired item data for item from node 'Made' is unavailable" },
      { item: made[0] as Item },
    ];
    const pairedOf = (name: string) => (name === 'Made' ? lookups : []);
    const forms = [
      "$('Made').item.json.n",
      "$('Made').item.json.o.k",
      '$("Made").first().json.n',
      "$('Made').last().json",
      "$('Empty').first().json.n",
      "$('Empty').item.json.n",
      "$('Gone').first().json.n",
      "$('Made').first().json.o['k']",
    ];
    for (const form of forms) {
      for (const [label, pairing] of [
        ['paired', pairedOf],
        ['unpaired', undefined],
      ] as const) {
        const run = (code: string) => {
          try {
            return resolver.resolve(
              'N',
              { v: `={{ ${code} }}`, t: `=is {{ ${code} }}` },
              items,
              meta,
              outputs,
              pairing,
            );
          } catch (e) {
            // The parentheses move the error's position by one character.
            return (e as Error).message.replace(/ \(at character \d+ of the expression\)/, '');
          }
        };
        // In parentheses the host does not take the code: the sandbox answers it.
        expect(run(form), `${form} (${label})`).toEqual(run(`(${form})`));
      }
    }
    // And the host did answer the reads it can: no call into the sandbox for them.
    const spy = vi.spyOn(sandbox, 'evaluate');
    resolver.resolve('N', { v: "={{ $('Made').first().json.n }}" }, items, meta, outputs, pairedOf);
    resolver.resolve('N', { v: "={{ $('Made').item.json.n }}" }, items.slice(0, 2), meta, outputs, pairedOf);
    expect(spy).not.toHaveBeenCalled();
    spy.mockRestore();
  });
});
