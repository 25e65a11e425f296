import type { Family } from './differ.ts';
import { itemSet } from './items.ts';
import type { NodeCase, Params } from './node-case.ts';
import { Rng } from './rng.ts';

/**
 * n8n's legacy Function (once for all items) and Function Item (once per
 * item) nodes, version 1, which Weft imports as Code nodes; and No Operation.
 * Snippets read and mutate `items` / `item`, return new lists, plain objects
 * without `json`, `{ json }` wrappers, non-objects and nothing, throw, and use
 * the data proxy n8n gives both (`$json`, `$node`, `$item(i)`, `$items()`,
 * `$input`, `$('Node')`). Cases run with the node failing the run, going on
 * with the error as an item, or sending it to an error output; after a node
 * that reorders, drops or remakes items, or an Edit Fields whose values are
 * expressions; and sometimes with a Sticky Note on the canvas.
 */

const functionCode = [
  'return items;',
  // n8n's default code: `item` assigned without a declaration (sloppy mode).
  "for (item of items) {\n  item.json.myNewField = 1;\n}\nconsole.log('Done!');\nreturn items;",
  'return items.reverse();',
  'return items.filter((it, i) => i % 2 === 0);',
  'return items.map((it) => ({ json: { ...it.json, seen: true } }));',
  'return [{ json: { count: items.length } }];',
  'return items.map((it) => ({ json: { index: it.index, keys: Object.keys(it).sort() } }));',
  'items[0].json.changed = true; return [items[0]];',
  'return [...items, ...items];',
  'return items.slice(1);',
  'return { a: 1 };',
  'return { json: { a: 1 } };',
  'return [{ a: 1 }, { b: 2 }];',
  'return [{ a: 1 }, { json: { b: 2 } }];',
  'return items.map((it) => it.json);',
  'return [];',
  'return;',
  'return null;',
  'return [1, 2];',
  "return 'text';",
  'return 5;',
  'return [null];',
  'return [{ json: 5 }];',
  'return [{ json: null }];',
  'return [{ json: { a: 1 }, extra: 2 }];',
  'return [{ json: { a: 1 }, binary: 5 }];',
  'return [{ json: { a: 1 }, pairedItem: 0 }];',
  "throw new Error('boom');",
  'return [{ json: { x: $json.missing.deep } }];',
  'return [{ json: { j: $json } }];',
  "return [{ json: { first: $node['Input'].json } }];",
  'return items.map((it, i) => ({ json: { mine: $item(i).$json, node: $item(i).$node["Input"].json } }));',
  "return [{ json: { n: $items('Input').length, m: $items().length } }];",
  'return $input.all();',
  "return [{ json: { before: $('Before').first().json } }];",
  "return items.map((it, i) => ({ json: { src: $('Input').itemMatching(i).json } }));",
  'return [{ json: { d: new Date(0), nested: { when: new Date(0), list: [new Date(0)] } } }];',
  'const out = []; for (const it of items) out.push({ json: { t: typeof it.json.a } }); return out;',
  'total = 0; for (const it of items) total += 1; return [{ json: { total } }];',
  'let items2 = items.map((it) => ({ ...it })); items2.forEach((it) => { it.json = { k: Object.keys(it.json).length }; }); return items2;',
  'const seen = await Promise.resolve(items.length); return [{ json: { seen } }];',
  'return [{ json: { dt: DateTime.fromMillis(0, { zone: "utc" }).toISO(), now: typeof $now.toISO() } }];',
  "return [{ json: { picked: $jmespath(items.map((it) => it.json), '[0]') ?? null } }];",
  'return [{ json: { run: $runIndex, wf: typeof $workflow.id } }];',
];

const functionItemCode = [
  // n8n's default code.
  "item.myNewField = 1;\nconsole.log('Done!');\nreturn item;",
  'return item;',
  'return $json;',
  'item.x = 1; return $json;',
  'item.x = 1; return { same: item === $json, keys: Object.keys($json).length };',
  'item = { replaced: true }; return item;',
  'return { ...item, n: Object.keys(item).length };',
  'return { json: item };',
  'return { json: { a: 1 }, pairedItem: 3 };',
  'const item = { own: 1 }; return item;',
  'let out = { ...item }; delete out.a; return out;',
  'return { node: $node["Input"].json };',
  'return { other: $item(0).$json };',
  "return { all: $items('Input').length };",
  'return { input: $input.item.json };',
  "return { p: $('Input').item.json };",
  'return { i: $itemIndex };',
  'return;',
  'return null;',
  'return 5;',
  "return 'text';",
  'return [item];',
  'return true;',
  "if (item.a === undefined) throw new Error('no a'); return item;",
  'return { x: $json.missing.deep };',
  'return { d: new Date(0), nested: { when: new Date(0) } };',
  'return { b: getBinaryData() === undefined };',
  'console.log(item); return item;',
  'return { t: typeof item.meta, tags: Array.isArray(item.tags) };',
  'return await Promise.resolve({ later: true });',
  'return { dt: DateTime.fromMillis(0, { zone: "utc" }).toISO(), when: new Date(0) };',
  "return { first: $jmespath($json, 'a') ?? null, ifEmpty: $ifEmpty(item.a, 'none') };",
];

export const befores: NodeCase['before'][] = [
  { type: 'code', typeVersion: 2, parameters: { jsCode: 'return $input.all().reverse();' } },
  { type: 'code', typeVersion: 2, parameters: { jsCode: 'return $input.all().slice(1);' } },
  { type: 'limit', typeVersion: 1, parameters: { maxItems: 2, keep: 'lastItems' } },
  {
    type: 'set',
    typeVersion: 3.4,
    parameters: {
      mode: 'manual',
      includeOtherFields: true,
      assignments: { assignments: [{ id: 'w', name: 'w', value: '={{ $json.a ?? $itemIndex }}', type: 'string' }] },
      options: {},
    },
  },
];

export const onErrors = ['stop', 'continueRegularOutput', 'continueErrorOutput', 'stopWorkflow'] as const;

/** The parts every case of these families varies: input, the node before, failure handling, a sticky note. */
const around = (rng: Rng): Omit<NodeCase, 'family' | 'seed' | 'type' | 'typeVersion' | 'parameters'> => {
  const items = itemSet(rng);
  const before = rng.chance(0.4) ? rng.pick(befores) : undefined;
  const onError = rng.pick(onErrors);
  return {
    items,
    ...(before ? { before } : {}),
    ...(onError !== 'stop' ? { onError } : {}),
    ...(rng.chance(0.2) ? { sticky: true } : {}),
  };
};

export const functionCase = (seed: number): NodeCase => {
  const rng = new Rng(seed);
  return {
    family: 'function',
    seed,
    type: 'function',
    typeVersion: 1,
    parameters: { functionCode: rng.pick(functionCode) },
    ...around(rng),
  };
};

/** n8n builds a sandbox per item for Function Item: long lists are cut to this, or one case takes minutes there. */
const MAX_ITEMS_EACH = 20;

export const functionItemCase = (seed: number): NodeCase => {
  const rng = new Rng(seed);
  const parameters = { functionCode: rng.pick(functionItemCode) };
  const rest = around(rng);
  return {
    family: 'function-item',
    seed,
    type: 'functionItem',
    typeVersion: 1,
    parameters,
    ...rest,
    items: rest.items.slice(0, MAX_ITEMS_EACH),
  };
};

export const noOpCase = (seed: number): NodeCase => {
  const rng = new Rng(seed);
  return { family: 'noOp', seed, type: 'noOp', typeVersion: 1, parameters: {}, ...around(rng) };
};

const key = (c: NodeCase): string => {
  const code = typeof c.parameters.functionCode === 'string' ? ` ${c.parameters.functionCode}` : '';
  const where = c.before ? `after ${c.before.type}` : 'direct';
  return `${c.type}${code} ${c.onError ?? 'stop'} ${where}${c.sticky ? ' +sticky' : ''}`;
};

const noShrink = (): Params[] => [];

const sandboxNames = [
  '$json',
  '$node',
  '$item(i)',
  '$items()',
  '$input',
  "$('Node')",
  'console',
  'await',
  'DateTime',
  '$now',
  '$jmespath',
];

export const functionFamily: Family = {
  name: 'function',
  generate: functionCase,
  shrink: noShrink,
  key,
  coverage: () => ({
    'code snippets': functionCode,
    'sandbox names': ['items', 'item.index', ...sandboxNames],
    onError: onErrors,
  }),
};

export const functionItemFamily: Family = {
  name: 'function-item',
  generate: functionItemCase,
  shrink: noShrink,
  key,
  coverage: () => ({
    'code snippets': functionItemCode,
    'sandbox names': ['item', 'getBinaryData', '$itemIndex', ...sandboxNames],
    onError: onErrors,
  }),
};

export const noOpFamily: Family = {
  name: 'noOp',
  generate: noOpCase,
  shrink: noShrink,
  key,
  coverage: () => ({ onError: onErrors }),
};
