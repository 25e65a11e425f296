import { conditionsParameters } from './conditions-gen.ts';
import type { Family } from './differ.ts';
import { itemSet } from './items.ts';
import type { NodeCase, Params } from './node-case.ts';
import { Rng } from './rng.ts';

/**
 * Switch version 3 to 3.4: rules mode (one to four rules of filter
 * conditions as IF's, each with its own case and type options, constant or
 * expressions; renamed outputs, their names constant or expressions; a rule that always holds and one that throws,
 * anywhere; a fallback output none / extra / an existing one / an expression;
 * all matching outputs, constant or an expression; the fallback's name; the
 * node's case and type options, sometimes expressions, some throwing) and
 * expression mode (a number of outputs and an output index
 * expression). Parameters of the other mode are sometimes left in, as n8n
 * keeps them: n8n never reads them.
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

/**
 * Expressions that throw n8n's own errors (which n8n does not swallow): a node
 * that does not exist, a helper called on the wrong type, text that is no
 * integer (only for some items).
 */
const throwing = ["={{ $('Missing').item.json.a }}", '={{ ({}).first() }}', '={{ $json.name.toInt() }}'];

/** Output names written as expressions: a value, text around one, nothing, an object, one that throws. */
const renamedOutputs = [
  '={{ $json.name }}',
  '=Out {{ $itemIndex }}',
  '={{ $json.missing }}',
  '={{ { a: 1 } }}',
  ...throwing,
];

/** A rule that always holds (text "a" equals "a"), so the rules after it are tested only with all matching outputs. */
const matchingRule = (version: number) => ({
  conditions: {
    options: { caseSensitive: true, leftValue: '', typeValidation: 'strict', version },
    conditions: [{ id: 'm', leftValue: 'a', rightValue: 'a', operator: { type: 'string', operation: 'equals' } }],
    combinator: 'and',
  },
});

/** A rule whose condition throws (for some items or all). */
const throwingRule = (rng: Rng, version: number) => ({
  conditions: {
    options: { caseSensitive: true, leftValue: '', typeValidation: 'loose', version },
    conditions: [
      { id: 't', leftValue: rng.pick(throwing), rightValue: 'x', operator: { type: 'string', operation: 'equals' } },
    ],
    combinator: 'and',
  },
});

/** A rule's own filter options: as the node's, its own, expressions, or left out (n8n's defaults). */
const ruleFilterOptions = (rng: Rng, options: Params, ignoreCase: boolean, loose: boolean): Params => {
  const out: Params = { ...options, caseSensitive: !ignoreCase, typeValidation: loose ? 'loose' : 'strict' };
  if (rng.chance(0.4)) {
    out.caseSensitive = rng.chance(0.5);
    out.typeValidation = rng.pick(['strict', 'loose']);
  }
  if (rng.chance(0.1))
    out.caseSensitive = rng.pick(['={{ false }}', '={{ true }}', '={{ $itemIndex % 2 === 0 }}', '={{ !!$json.name }}']);
  if (rng.chance(0.1)) out.typeValidation = rng.pick(["={{ 'loose' }}", "={{ 'strict' }}"]);
  if (rng.chance(0.05)) out.version = rng.pick([1, 2, 3]);
  if (rng.chance(0.05)) delete out.caseSensitive;
  if (rng.chance(0.05)) delete out.typeValidation;
  return out;
};

/** Fallback outputs written as expressions: n8n works them out per item. */
const fallbackExpressions = [
  "={{ 'extra' }}",
  '={{ 0 }}',
  "={{ $itemIndex % 2 ? 'extra' : 0 }}",
  "={{ $itemIndex === 0 ? 'none' : 'extra' }}",
  '={{ $json.missing }}',
  '={{ 7 }}',
  "={{ 'none' }}",
];

export const switchParameters = (rng: Rng, version: number): Params => {
  if (rng.chance(0.2)) {
    return {
      mode: 'expression',
      numberOutputs: rng.chance(0.9) ? 2 + rng.int(3) : '={{ 3 }}',
      output: rng.pick(outputIndexes),
      // Rules left from rules mode: n8n never reads them in expression mode.
      ...(rng.chance(0.2) ? { rules: { values: [throwingRule(rng, 1)] } } : {}),
    };
  }
  const ignoreCase = rng.chance(0.3);
  const loose = rng.chance(0.3);
  // The filter's own version follows the node's: 3.4 → 3, 3.2 → 2, older → 1 (IF 2.3, 2.2, 2).
  const ifVersion = version >= 3.4 ? 2.3 : version >= 3.2 ? 2.2 : 2;
  const filterVersion = version >= 3.4 ? 3 : version >= 3.2 ? 2 : 1;
  const rules: Params[] = Array.from({ length: 1 + rng.int(4) }, (_, i) => {
    const filter = record(conditionsParameters(rng, ifVersion).conditions);
    const options = ruleFilterOptions(rng, record(filter.options), ignoreCase, loose);
    const rename = rng.chance(0.3);
    // n8n reads every rule whole for each item (`rules.values`), so an output name written as an expression is
    // worked out per item too: one that throws fails the item even though it only names an output.
    const outputKey = rng.chance(0.2) ? rng.pick(renamedOutputs) : `Out ${i}`;
    // "Rename Output" itself an expression: n8n's editor shows the name only for the constant true.
    const renameOutput = rng.chance(0.1) ? rng.pick(['={{ true }}', '={{ false }}']) : true;
    // n8n works a combinator written as an expression out per item; neither "and" nor "or" holds for nothing.
    const combinator = rng.chance(0.05)
      ? { combinator: rng.pick(["={{ 'or' }}", "={{ $itemIndex % 2 ? 'or' : 'and' }}", "={{ 'xor' }}", ...throwing]) }
      : {};
    return {
      conditions: { ...filter, options, ...combinator },
      ...(rename ? { renameOutput, outputKey } : rng.chance(0.1) ? { renameOutput: false, outputKey } : {}),
    };
  });
  // A rule that throws after one that holds: it fails the item all the same (n8n reads every rule first).
  if (rng.chance(0.15)) rules.splice(rng.int(rules.length + 1), 0, matchingRule(filterVersion));
  if (rng.chance(0.15)) rules.splice(rng.int(rules.length + 1), 0, throwingRule(rng, filterVersion));
  const options: Params = {};
  const fallback = rng.chance(0.15)
    ? rng.pick(fallbackExpressions)
    : rng.pick(['none', 'extra', 0, rules.length - 1, 'absent']);
  if (fallback !== 'absent') options.fallbackOutput = fallback;
  if (fallback === 'extra' && rng.chance(0.3))
    options.renameFallbackOutput = rng.chance(0.8) ? 'Other' : rng.pick(['={{ $json.name }}', ...throwing]);
  // The node's options are the editor's defaults for new rules; each rule's filter options decide. n8n
  // still works them out for each item, so an expression there that throws fails the node.
  if (rng.chance(0.3)) options.ignoreCase = rng.chance(0.5) ? ignoreCase : !ignoreCase;
  if (rng.chance(0.05)) options.ignoreCase = rng.pick(['={{ $itemIndex % 2 === 0 }}', ...throwing]);
  if (version < 3.1 && rng.chance(0.05)) options.looseTypeValidation = rng.pick(['={{ true }}', ...throwing]);
  if (rng.chance(0.3)) options.allMatchingOutputs = rng.chance(0.2) ? '={{ $itemIndex % 2 === 0 }}' : rng.chance(0.8);
  if (loose && version < 3.1 && rng.chance(0.8)) options.looseTypeValidation = true;
  return {
    ...(rng.chance(0.3) ? { mode: 'rules' } : {}),
    rules: { values: rules },
    ...(loose && version >= 3.1 && rng.chance(0.8) ? { looseTypeValidation: true } : {}),
    // From 3.1 n8n reads the node's own "convert types" only to word an error: an expression there is never run.
    ...(version >= 3.1 && rng.chance(0.03) ? { looseTypeValidation: rng.pick(throwing) } : {}),
    // An output index left from expression mode: n8n never reads it in rules mode.
    ...(rng.chance(0.05) ? { output: rng.pick(throwing) } : {}),
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
