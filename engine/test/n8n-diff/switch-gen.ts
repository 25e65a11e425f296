import { conditionsParameters } from './conditions-gen.ts';
import type { Family } from './differ.ts';
import { itemSet } from './items.ts';
import type { NodeCase, Params } from './node-case.ts';
import { Rng } from './rng.ts';

/**
 * Switch version 3 to 3.4: rules mode (one to four rules of filter
 * conditions as IF's, renamed outputs, a fallback output none / extra / an
 * existing one, all matching outputs, case and type validation options) and
 * expression mode (a number of outputs and an output index expression).
 */

const record = (value: unknown): Params =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Params) : {};

/** Expression mode's output index: in range, out of range, not a whole number, not a number. */
const outputIndexes = [
  '={{ $json.a }}',
  '={{ 1 }}',
  '={{ $itemIndex % 2 }}',
  '={{ 5 }}',
  '={{ "1" }}',
  '={{ -1 }}',
  '={{ 1.5 }}',
  '={{ null }}',
  '={{ [1] }}',
  '={{ "01" }}',
  '={{ true }}',
  '={{ $json.name }}',
  '={{ $json.b }}',
  2,
];

export const switchParameters = (rng: Rng, version: number): Params => {
  if (rng.chance(0.2)) {
    return {
      mode: 'expression',
      numberOutputs: rng.chance(0.9) ? 2 + rng.int(3) : '={{ 3 }}',
      output: rng.pick(outputIndexes),
    };
  }
  const ignoreCase = rng.chance(0.3);
  const loose = rng.chance(0.3);
  // The filter's own version follows the node's: 3.4 → 3, 3.2 → 2, older → 1 (IF 2.3, 2.2, 2).
  const ifVersion = version >= 3.4 ? 2.3 : version >= 3.2 ? 2.2 : 2;
  const rules = Array.from({ length: 1 + rng.int(4) }, (_, i) => {
    const filter = record(conditionsParameters(rng, ifVersion).conditions);
    const options = {
      ...record(filter.options),
      caseSensitive: !ignoreCase,
      typeValidation: loose ? 'loose' : 'strict',
    };
    const rename = rng.chance(0.3);
    return {
      conditions: { ...filter, options },
      ...(rename ? { renameOutput: true, outputKey: `Out ${i}` } : {}),
    };
  });
  const options: Params = {};
  const fallback = rng.pick(['none', 'extra', 0, rules.length - 1, 'absent']);
  if (fallback !== 'absent') options.fallbackOutput = fallback;
  if (ignoreCase) options.ignoreCase = true;
  if (rng.chance(0.3)) options.allMatchingOutputs = true;
  if (loose && version < 3.1) options.looseTypeValidation = true;
  return {
    rules: { values: rules },
    ...(loose && version >= 3.1 ? { looseTypeValidation: true } : {}),
    options,
  };
};

export const switchCase = (seed: number): NodeCase => {
  const rng = new Rng(seed);
  const typeVersion = rng.pick([3, 3.1, 3.2, 3.3, 3.4]);
  return {
    family: 'switch',
    seed,
    type: 'switch',
    typeVersion,
    parameters: switchParameters(rng, typeVersion),
    items: itemSet(rng),
  };
};

const rulesOf = (p: Params): Params[] => {
  const values = record(p.rules).values;
  return Array.isArray(values) ? values.map(record) : [];
};

/** One rule less, no options. */
export const shrinkSwitch = (p: Params): Params[] => {
  const out: Params[] = [];
  const rules = rulesOf(p);
  if (rules.length > 1)
    rules.forEach((_, i) => out.push({ ...p, rules: { values: rules.filter((__, j) => j !== i) } }));
  if (Object.keys(record(p.options)).length > 0) out.push({ ...p, options: {} });
  return out;
};

export const switchFamily: Family = {
  name: 'switch',
  generate: switchCase,
  shrink: shrinkSwitch,
  coverage: () => ({ 'Output index (expression mode)': outputIndexes.map(String) }),
  key: (c) => {
    const p = c.parameters;
    if (p.mode === 'expression') return `switch expression ${String(p.output)}`;
    const o = record(p.options);
    const fallback = o.fallbackOutput === undefined ? 'no fallback' : `fallback ${JSON.stringify(o.fallbackOutput)}`;
    return `switch rules ${fallback}${o.allMatchingOutputs === true ? ' allMatching' : ''}`;
  },
};
