import type { Family } from './differ.ts';
import { itemSet } from './items.ts';
import type { NodeCase, Params } from './node-case.ts';
import { Rng } from './rng.ts';

/**
 * Code (versions 1, 2) once for all items and once per item, with snippets
 * that read `$input`, `$json`, `items`/`item`, paired items (`$('Input').item`,
 * `.itemMatching(i)`, `$('Before').item` after a node that reorders, drops or
 * remakes items), throw, and return odd shapes; and Edit Fields (Set 3.4)
 * whose values are expressions using the same features (paired items,
 * `$input.item`, `$node[…]`, `$items()`, `$ifEmpty`, templates with text
 * around objects and missing values). Half the cases run after a "Before"
 * node (Code or Limit), so pairing has a node to walk back through.
 */

const allItems = [
  'return $input.all();',
  'return $input.all().reverse();',
  'return $input.all().filter((it, i) => i % 2 === 0);',
  'return $input.all().map((it) => ({ json: { ...it.json, seen: true } }));',
  'return $input.all().map((it, i) => ({ json: { i, a: it.json.a ?? null } }));',
  'return [{ json: { count: $input.all().length } }];',
  'return [{ json: { first: $input.first().json, last: $input.last().json } }];',
  'return $input.all().slice(1).concat($input.all().slice(0, 1));',
  "return $input.all().map((it, i) => ({ json: { src: $('Input').itemMatching(i).json } }));",
  "return $input.all().map((it, i) => ({ json: { before: $('Before').itemMatching(i).json } }));",
  "return [{ json: { x: $('Input').item.json } }];",
  'return items;',
  'return items.map((it) => ({ json: { k: Object.keys(it.json).length } }));',
  'return { a: 1 };',
  'return $input.first().json;',
  'return [];',
  'return;',
  'return null;',
  'return [1, 2];',
  "return 'text';",
  'return [{ json: { a: 1 }, pairedItem: 0 }, { json: { b: 2 }, pairedItem: { item: 0 } }];',
  'return [{ a: 1 }, { json: { b: 2 } }];',
  'return [{ json: [1] }];',
  "throw new Error('boom');",
  'return $input.all().map((it) => ({ json: { deep: it.json.meta?.x ?? null } }));',
  'return [{ json: { j: $json } }];',
  'const out = []; for (const it of $input.all()) out.push({ json: { t: typeof it.json.a } }); return out;',
  'return $input.all().map((it) => ({ json: it.json, pairedItem: it.pairedItem }));',
  'total = 0; for (const it of $input.all()) total += 1; return [{ json: { total } }];',
  'return [{ json: { d: new Date(0), when: DateTime.fromMillis(0, { zone: "utc" }) } }];',
  "return $input.all().map((it, i) => ({ json: { p: $('Input').pairedItem(i).json } }));",
  "return [{ json: { far: $('Input').itemMatching(99).json } }];",
  'return [{ json: { x: $json.missing.deep } }];',
  'return [{ json: { item: $input.item.json } }];',
  'return [{ json: { m: $node["Before"].parameter.maxItems ?? null, raw: $("Before").params.maxItems ?? null } }];',
  'return [{ json: { self: $("Under test").params.jsCode.length, ran: $("Under test").isExecuted } }];',
];

const eachItem = [
  'return $input.item;',
  'return $json;',
  'return { json: { ...$json, index: $itemIndex } };',
  'return { a: $json.a ?? null };',
  "return $('Input').item.json;",
  "return { before: $('Before').item.json };",
  "return { input: $('Input').item.json, mine: $json };",
  "if ($itemIndex === 1) throw new Error('bad item'); return $json;",
  'return null;',
  'return;',
  'return [$json];',
  'return 5;',
  'return item.json;',
  'return { json: { k: Object.keys($json) } };',
  'return { json: $json, pairedItem: 3 };',
  'return { json: { a: 1 }, extra: 2 };',
  'return { t: typeof $json.meta };',
  'return { m: $node["Before"].parameter.maxItems ?? null, k: $node["Before"].parameter.keep ?? null };',
];

/** Set 3.4 values that use the expression features this family covers. */
const setValues = [
  "={{ $('Input').item.json.a }}",
  "={{ $('Before').item.json }}",
  "={{ $('Input').itemMatching(0).json }}",
  '={{ $input.item.json.a }}',
  '={{ $json.a.b.c }}',
  '={{ $json.missing }}',
  '=x {{ $json.missing }} y',
  '=x {{ $json.meta }} y',
  '=x {{ $json.tags }} y',
  '=x {{ $json }} y',
  '=x {{ null }} {{ true }} {{ 1.50 }} y',
  '=x {{ [1, [2, 3], { a: 1 }] }} y',
  '=x {{ $json.when }} y',
  '=x {{ DateTime.fromMillis(0, { zone: "utc" }) }} y',
  '={{ DateTime.fromMillis(0, { zone: "utc" }) }}',
  "={{ $jmespath($json, 'meta') }}",
  '=x {{ $json.a.b.c }} y',
  "={{ $('Input').pairedItem().json }}",
  "={{ $node['Input'].json.a }}",
  '={{ $node["Input"].json }}',
  "={{ $items('Input').length }}",
  "={{ $ifEmpty($json.a, 'empty') }}",
  "={{ $ifEmpty($json.missing, 'empty') }}",
  "={{ $if($json.a, 'yes', 'no') }}",
  "={{ $('Input').first().json }}",
  "={{ $('Input').all().length }}",
  "={{ $('Start').item.json }}",
  "={{ $('Webhook').item.json.body }}",
  "={{ $('Webhook').item.json }}",
  // Another node's parameters: n8n works an expression among them out when it is read, .params gives its text.
  "={{ $node['Before'].parameter.maxItems }}",
  '=n {{ $node["Before"].parameter.keep }} {{ $node["Before"].parameter.maxItems }}',
  "={{ $('Before').params.maxItems }}",
  "={{ $node['Before'].parameter }}",
  "={{ $('Under test').params.mode }}",
];

const befores: NodeCase['before'][] = [
  { type: 'code', typeVersion: 2, parameters: { jsCode: 'return $input.all().reverse();' } },
  { type: 'code', typeVersion: 2, parameters: { jsCode: 'return $input.all().slice(1);' } },
  { type: 'code', typeVersion: 2, parameters: { jsCode: 'return $input.all().map((it) => ({ json: { w: 1 } }));' } },
  { type: 'code', typeVersion: 2, parameters: { jsCode: 'return [{ json: { one: true } }];' } },
  {
    type: 'code',
    typeVersion: 2,
    parameters: { mode: 'runOnceForEachItem', jsCode: 'return { ...$json, each: true };' },
  },
  { type: 'limit', typeVersion: 1, parameters: { maxItems: 2, keep: 'lastItems' } },
  // Parameters written as expressions, which $node["Before"].parameter works out for the item being processed.
  { type: 'limit', typeVersion: 1, parameters: { maxItems: '={{ 1 + 1 }}', keep: '=lastItems' } },
  {
    type: 'limit',
    typeVersion: 1,
    parameters: { maxItems: '={{ $json.a === undefined ? 3 : 2 }}', keep: "={{ 'first' + 'Items' }}" },
  },
];

const codeParameters = (rng: Rng, version: number): Params => {
  const each = rng.chance(0.4);
  const jsCode = rng.pick(each ? eachItem : allItems);
  const params: Params = version === 1 ? { jsCode } : { jsCode, language: 'javaScript' };
  if (each) params.mode = 'runOnceForEachItem';
  return params;
};

const setParameters = (rng: Rng): Params => ({
  mode: 'manual',
  includeOtherFields: rng.chance(0.3),
  assignments: {
    assignments: Array.from({ length: 1 + rng.int(2) }, (_, i) => ({
      id: `v${i}`,
      name: `v${i}`,
      value: rng.pick(setValues),
      type: 'string',
    })),
  },
  options: {},
});

export const codeCase = (seed: number): NodeCase => {
  const rng = new Rng(seed);
  const items = itemSet(rng).slice(0, 6);
  const before = rng.chance(0.5) ? rng.pick(befores) : undefined;
  const onSet = rng.chance(0.35);
  const base = onSet
    ? { type: 'set', typeVersion: 3.4, parameters: setParameters(rng) }
    : (() => {
        const typeVersion = rng.pick([1, 2]);
        return { type: 'code', typeVersion, parameters: codeParameters(rng, typeVersion) };
      })();
  const webhookStart = rng.chance(0.25);
  return {
    family: 'code',
    seed,
    ...base,
    items,
    ...(before ? { before } : {}),
    ...(webhookStart ? { webhookStart } : {}),
  };
};

const shrink = (parameters: Params): Params[] => {
  const out: Params[] = [];
  const a = parameters.assignments as { assignments?: unknown[] } | undefined;
  if (a?.assignments && a.assignments.length > 1) {
    for (let i = 0; i < a.assignments.length; i++) {
      out.push({ ...parameters, assignments: { assignments: a.assignments.filter((_, k) => k !== i) } });
    }
  }
  if (parameters.includeOtherFields === true) out.push({ ...parameters, includeOtherFields: false });
  return out;
};

const key = (c: NodeCase): string => {
  const where = `${c.webhookStart ? 'webhook ' : ''}${c.before ? `after ${c.before.type}` : 'direct'}`;
  if (c.type === 'set') {
    const a = (c.parameters.assignments as { assignments: { value: string }[] }).assignments;
    return `set ${a.map((x) => x.value).join(' ; ')} ${where}`;
  }
  const mode = c.parameters.mode === 'runOnceForEachItem' ? 'each' : 'all';
  return `code v${c.typeVersion} ${mode} ${typeof c.parameters.jsCode === 'string' ? c.parameters.jsCode : ''} ${where}`;
};

export const codeFamily: Family = { name: 'code', generate: codeCase, shrink, key };
