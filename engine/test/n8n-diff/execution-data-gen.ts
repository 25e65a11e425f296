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
 * failure setting.
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
  return {
    family: 'executionData',
    seed,
    type: 'executionData',
    typeVersion: rng.pick([1, 1.1]),
    parameters,
    items: listItems(rng),
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
