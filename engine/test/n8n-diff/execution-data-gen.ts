import { onErrors } from './function-gen.ts';
import type { Family } from './differ.ts';
import { listItems } from './item-list-params.ts';
import type { NodeCase, Params } from './node-case.ts';
import { Rng } from './rng.ts';

/**
 * Execution Data 1 and 1.1: its pass-through of items and the custom data
 * itself (the reference shows n8n's `resultData.metadata` as the pseudo-node
 * "(custom data)"): keys of every kind n8n checks (letters of other scripts,
 * dashes and spaces, empty, over 50 characters, integer-like, Object's own
 * names, more than 10 of them, from expressions), values over 255 and 512
 * characters and of every type an expression gives, per item, with each
 * failure setting; now and then a Code node before it sets, reads and breaks
 * custom data through `$execution.customData`.
 */

const KEYS = [
  'a',
  'b',
  'customer',
  'region',
  'k_1',
  '日本',
  'émoi',
  'a-b',
  'a b',
  'a.b',
  '',
  'k'.repeat(60),
  `${'k'.repeat(50)}x`,
  '1',
  '2',
  '10',
  '__proto__',
  'constructor',
  'toString',
  '={{ $json.name }}',
  '={{ "key_" + $itemIndex }}',
  '={{ 5 }}',
];

const VALUES = [
  'v',
  '',
  'x:y',
  'v'.repeat(300),
  'w'.repeat(600),
  '={{ $json.name }}',
  '={{ $json.a }}',
  '={{ $json.missing }}',
  '={{ $itemIndex }}',
  '={{ false }}',
  '={{ true }}',
  '={{ null }}',
  '={{ 0 }}',
  '={{ 1.5 }}',
  '={{ { a: 1 } }}',
  '={{ [1, 2] }}',
  '={{ "v".repeat(520) }}',
  '={{ $execution.customData.get("pre") }}',
  '={{ JSON.stringify($execution.customData.getAll()) }}',
];

/** A Code node before Execution Data that works with $execution.customData as n8n's Code node can. */
const CODE_BEFORE = [
  "$execution.customData.set('pre', 'x');\nreturn $input.all();",
  "$execution.customData.setAll({ pre: 1, b: 'two', c: 3.5 });\nreturn $input.all();",
  "for (let i = 0; i < 9; i++) $execution.customData.set('p' + i, String(i));\nreturn $input.all();",
  "$execution.customData.set('bad-key', 'x');\nreturn $input.all();",
  "$execution.customData.set('pre', { a: 1 });\nreturn $input.all();",
  "$execution.customData.set(5, 'x');\nreturn $input.all();",
  "$execution.customData.setAll({ ok: 'y', 'not ok': 'z', pre: 'p' });\nreturn $input.all();",
  "$execution.customData.set('n', 12345678901234567890n);\nreturn $input.all();",
  "$execution.customData.set('k'.repeat(60), 'v'.repeat(600));\nreturn [{ json: { got: $execution.customData.get('k'.repeat(70)) ?? null, all: $execution.customData.getAll() } }];",
  "$execution.customData.set('pre', 'x');\nreturn [{ json: { pre: $execution.customData.get('pre'), none: $execution.customData.get('none') ?? null } }];",
];

const row = (rng: Rng): Params => ({ key: rng.pick(KEYS), value: rng.pick(VALUES) });

export const executionDataCase = (seed: number): NodeCase => {
  const rng = new Rng(seed);
  // Past 10 keys now and then: n8n drops the new ones without a word.
  const count = rng.chance(0.15) ? 9 + rng.int(5) : rng.int(5);
  const rows = Array.from({ length: count }, () =>
    count > 8 && rng.chance(0.7) ? { key: `k${rng.int(14)}`, value: rng.pick(VALUES) } : row(rng),
  );
  const parameters: Params = rows.length > 0 || rng.chance(0.5) ? { dataToSave: { values: rows } } : {};
  if (rng.chance(0.2)) parameters.operation = 'save';
  const onError = rng.pick(onErrors);
  const before = rng.chance(0.3)
    ? { type: 'code', typeVersion: 2, parameters: { jsCode: rng.pick(CODE_BEFORE) } }
    : undefined;
  return {
    family: 'executionData',
    seed,
    type: 'executionData',
    typeVersion: rng.pick([1, 1.1]),
    parameters,
    items: listItems(rng),
    ...(before ? { before } : {}),
    ...(onError !== 'stop' ? { onError } : {}),
  };
};

const rowsOf = (c: NodeCase): Params[] => {
  const data = c.parameters.dataToSave as { values?: Params[] } | undefined;
  return data?.values ?? [];
};

export const executionDataFamily: Family = {
  name: 'executionData',
  generate: executionDataCase,
  shrink: (p) => {
    const rows = (p.dataToSave as { values?: Params[] } | undefined)?.values ?? [];
    return rows.map((_, i) => ({ ...p, dataToSave: { values: rows.filter((__, j) => j !== i) } }));
  },
  key: (c) =>
    `executionData ${c.typeVersion} ${rowsOf(c).length > 10 ? 'over 10 keys' : 'keys'} ${c.onError ?? 'stop'}`,
};
