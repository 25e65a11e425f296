import { legacyOperations, legacyValue } from './conditions-v1-gen.ts';
import type { Family } from './differ.ts';
import { itemSet } from './items.ts';
import type { NodeCase, Params } from './node-case.ts';
import { Rng } from './rng.ts';

const shown = (v: unknown, fallback: string): string => (v === undefined ? fallback : JSON.stringify(v));

/**
 * Switch 1 and 2: rules mode (one data type, one value compared by each
 * rule, every operation of the type and some left out, Switch 1's fixed four
 * outputs chosen per rule (or by an expression), a rule whose value throws, a
 * fallback output none / in range / out of range / an expression, which n8n
 * reads only for an item no rule matched)
 * and expression mode (Switch 1's four outputs, Switch 2's number of outputs,
 * an output index expression).
 */

/** Switch 1 and 2 have no "is empty" operations. */
const switchOperations = (type: string): readonly string[] =>
  (legacyOperations[type] ?? []).filter((op) => op !== 'isEmpty' && op !== 'isNotEmpty');

const outputIndexes = [
  '={{ $json.a }}',
  '={{ 1 }}',
  '={{ $itemIndex % 2 }}',
  '={{ 5 }}',
  '={{ "1" }}',
  '={{ -1 }}',
  0,
  2,
  3,
];

/** An expression that throws n8n's own error (which n8n does not swallow). */
const MISSING = "={{ $('Missing').item.json.a }}";

/** Fallback outputs as expressions: n8n reads them only for an item no rule matched. */
const fallbackExpressions = ['={{ 1 }}', '={{ $itemIndex % 2 }}', '={{ -1 }}', '={{ "0" }}', '={{ $json.a }}', MISSING];

/** Switch 1's output of a rule as an expression: in range, as text, out of range. */
const ruleOutputExpressions = ['={{ 1 }}', '={{ $itemIndex % 4 }}', '={{ "2" }}', '={{ 4 }}'];

/** Output names as expressions: a value, nothing, one that throws. */
const outputKeys = ['={{ $json.name }}', '={{ $json.missing }}', '=Out {{ $itemIndex }}', MISSING];

export const switchV1Parameters = (rng: Rng, version: number): Params => {
  if (rng.chance(0.2)) {
    return {
      mode: 'expression',
      // Rules left from rules mode (n8n's editor drops them from the parameters of expression mode).
      ...(rng.chance(0.2)
        ? { rules: { rules: [{ operation: 'equal', value2: 1, outputKey: rng.pick(outputKeys) }] } }
        : {}),
      ...(version >= 2 ? { outputsAmount: 1 + rng.int(4) } : {}),
      ...(rng.chance(0.9) ? { output: rng.pick(outputIndexes) } : {}),
    };
  }
  const dataType = rng.pick(['boolean', 'dateTime', 'number', 'string', 'absent']);
  const type = dataType === 'absent' ? 'number' : dataType;
  const rules = Array.from({ length: 1 + rng.int(4) }, (_, i) => {
    const rule: Params = {};
    if (rng.chance(0.9)) rule.operation = rng.pick(switchOperations(type));
    if (rng.chance(0.85)) rule.value2 = legacyValue(rng, type);
    if (version < 2 && rng.chance(0.9)) rule.output = rng.chance(0.1) ? rng.pick(ruleOutputExpressions) : rng.int(4);
    // n8n reads every rule whole for each item, the output name too: an expression there is worked out (and
    // fails the item when it throws), in Switch 2 whatever the mode.
    if (rng.chance(0.3)) rule.outputKey = rng.chance(0.3) ? rng.pick(outputKeys) : `Out ${i}`;
    return rule;
  });
  // A rule whose value throws: n8n reads every rule of an item before comparing, so it fails the item.
  if (rng.chance(0.1)) rules.splice(rng.int(rules.length + 1), 0, { value2: MISSING });
  const params: Params = { ...(dataType === 'absent' ? {} : { dataType }), rules: { rules } };
  if (rng.chance(0.9)) params.value1 = legacyValue(rng, type);
  const fallback = rng.chance(0.15) ? rng.pick(fallbackExpressions) : rng.pick([-1, 0, 1, 3, rules.length, 'absent']);
  if (fallback !== 'absent') params.fallbackOutput = fallback;
  return params;
};

export const switchV1Case = (seed: number): NodeCase => {
  const rng = new Rng(seed);
  const typeVersion = rng.pick([1, 2]);
  return {
    family: 'switch-v1',
    seed,
    type: 'switch',
    typeVersion,
    parameters: switchV1Parameters(rng, typeVersion),
    items: itemSet(rng),
  };
};

const rulesOf = (p: Params): Params[] => {
  const rules = (p.rules as { rules?: unknown } | undefined)?.rules;
  return Array.isArray(rules) ? (rules as Params[]) : [];
};

/** One rule less, no fallback. */
export const shrinkSwitchV1 = (p: Params): Params[] => {
  const out: Params[] = [];
  const rules = rulesOf(p);
  if (rules.length > 1) rules.forEach((_, i) => out.push({ ...p, rules: { rules: rules.filter((__, j) => j !== i) } }));
  if (p.fallbackOutput !== undefined && p.fallbackOutput !== -1) out.push({ ...p, fallbackOutput: -1 });
  return out;
};

export const switchV1Family: Family = {
  name: 'switch-v1',
  generate: switchV1Case,
  shrink: shrinkSwitchV1,
  key: (c) => {
    const p = c.parameters;
    if (p.mode === 'expression') return `switch@${c.typeVersion} expression ${String(p.output)}`;
    const ops = rulesOf(p).map((r) => shown(r.operation, '(default)'));
    return `switch@${c.typeVersion} ${shown(p.dataType, 'number')} ${[...new Set(ops)].sort().join(' ')} fallback ${shown(p.fallbackOutput, '-1')}`;
  },
};
