import {
  constantRow,
  legacyDefaults,
  legacyRow,
  mapFilter,
  mapV1Conditions,
  operand,
  text,
  type ConditionRow,
  type MappedConditions,
} from '../conditions.ts';
import { record, type Mapper, type ParamReader, type Params } from '../param-reader.ts';

const settings = (out: Params, mapped: MappedConditions): void => {
  out.combinator = mapped.combinator;
  out.ignoreCase = mapped.ignoreCase;
  out.looseTypeValidation = mapped.looseTypeValidation;
  out.comparison = mapped.comparison;
};

const conditions = (out: Params, mapped: MappedConditions, r: ParamReader): void => {
  out.conditions = mapped.rows;
  settings(out, mapped);
  for (const p of mapped.problems) r.problem(p);
};

/** A field n8n fills with its default when the stored parameters leave it out. */
const field = (row: Params, key: string, fallback: unknown): unknown => (key in row ? row[key] : fallback);

/** An expression n8n works out per item, kept as it is: anything else is read now. */
const isExpressionValue = (value: unknown): value is string => typeof value === 'string' && value.startsWith('=');

/** n8n's Switch 1 has four outputs whatever its rules; Weft's has one per rule, so rules that never match fill up to four. */
const LEGACY_OUTPUTS = 4;
const neverRow = { leftValue: '', operator: 'string:equals', rightValue: '={{ null }}', output: -1, outputKey: '' };

/** Switch 1 and 2: one value compared by each rule (`dataType`, `value1`, `rules.rules`), outputs by number. */
const legacySwitch = (r: ParamReader, out: Params): Params => {
  out.comparison = 'legacy';
  const mode = r.get('mode') ?? 'rules';
  out.mode = mode;
  if (mode === 'expression') {
    out.numberOutputs = r.version < 2 ? LEGACY_OUTPUTS : (r.get('outputsAmount') ?? 4);
    out.output = operand(r.get('output') ?? (r.version < 2 ? 0 : ''));
    return out;
  }
  const type = text(r.get('dataType') ?? 'number');
  const defaults = legacyDefaults[type] ?? { value1: '', operation: '', value2: '' };
  const value1 = r.get('value1') ?? defaults.value1;
  const problems: string[] = [];
  const rules = r.rows('rules.rules').flatMap((rule): Params[] => {
    const row = legacyRow(
      type,
      value1,
      field(rule, 'operation', defaults.operation),
      field(rule, 'value2', type === 'dateTime' ? 0 : defaults.value2),
      problems,
      'switch',
    );
    if (!row) return [];
    const written = field(rule, 'output', 0);
    // Switch 2 works an output name out with the rest of its rule, per item; Switch 1 has no such parameter (n8n
    // drops it on load), so an expression there is only a label, never evaluated.
    const key = text(rule.outputKey);
    const outputKey = r.version < 2 && isExpressionValue(key) ? '' : key;
    // An expression stays one: n8n works it out per item.
    if (r.version < 2 && isExpressionValue(written)) return [{ ...row, output: written, outputKey }];
    const output = r.version < 2 ? Number(written) : -1;
    return [{ ...row, output: Number.isInteger(output) ? output : -1, outputKey }];
  });
  for (const p of problems) r.problem(p);
  if (r.version < 2) while (rules.length < LEGACY_OUTPUTS) rules.push({ ...neverRow });
  out.rules = rules;
  const written = r.get('fallbackOutput') ?? -1;
  // n8n reads an expression only for an item no rule matched (see the engine's Switch).
  if (isExpressionValue(written)) {
    out.fallbackOutput = written;
    return out;
  }
  const fallback = Number(written);
  if (fallback !== -1) {
    out.fallbackOutput = 'output';
    out.fallbackOutputIndex = fallbackIndex(fallback);
  }
  return out;
};

/** An output index n8n refuses (negative, too large) stays one Weft refuses too: past the last possible rule. */
const fallbackIndex = (value: number): number => (Number.isInteger(value) && value >= 0 && value <= 31 ? value : 31);

/**
 * A rule's own case and type checks (n8n keeps them in each rule's filter
 * options): written on the rule where they differ from the node's settings
 * (those of rule 1), or where they are expressions.
 */
const ruleOptions = (rule: Params, mapped: MappedConditions, first: MappedConditions): Params => {
  const own = record(record(rule.conditions).options);
  const out: Params = {};
  if (isExpressionValue(own.caseSensitive)) out.caseSensitivity = own.caseSensitive;
  else if (mapped.ignoreCase !== first.ignoreCase) out.caseSensitivity = mapped.ignoreCase ? 'ignore' : 'sensitive';
  if (isExpressionValue(own.typeValidation)) out.typeValidation = own.typeValidation;
  else if (mapped.looseTypeValidation !== first.looseTypeValidation)
    out.typeValidation = mapped.looseTypeValidation ? 'loose' : 'strict';
  if (mapped.comparison !== first.comparison) out.ruleComparison = mapped.comparison;
  return out;
};

/** Switch 3 and later: rules of filter conditions. */
const rulesSwitch = (r: ParamReader, out: Params): Params => {
  const more: (ConditionRow & { rule: number })[] = [];
  let first: MappedConditions | undefined;
  const mappedRules: MappedConditions[] = [];
  const rules: Params[] = r.rows('rules.values').map((rule, i) => {
    const mapped = mapFilter(rule.conditions, `rule ${i + 1}, condition`);
    mappedRules.push(mapped);
    for (const p of mapped.problems) r.problem(p);
    first ??= mapped;
    const [own, ...rest] = mapped.rows;
    for (const row of rest) more.push({ rule: i + 1, ...row });
    return {
      ...(own ?? constantRow(mapped.combinator === 'and')),
      // An expression stays one: n8n works it out per item ("and", "or", anything else holds for nothing).
      combinator: isExpressionValue(record(rule.conditions).combinator)
        ? record(rule.conditions).combinator
        : mapped.combinator,
      // n8n keeps (and works out) the name while "Rename Output" is true or an expression: its displayParameter
      // shows whatever hangs on an expression.
      outputKey: rule.renameOutput === true || isExpressionValue(rule.renameOutput) ? text(rule.outputKey) : '',
      ...ruleOptions(rule, mapped, first),
    };
  });
  out.rules = rules;
  if (more.length > 0) out.ruleConditions = more;
  if (first) {
    out.ignoreCase = first.ignoreCase;
    out.looseTypeValidation = first.looseTypeValidation;
    out.comparison = first.comparison;
  }
  // n8n works out its options for each item, these two as well though each rule's own settings decide: as
  // expressions they become the node's settings (evaluated, so they fail as in n8n) and every rule says its own.
  const ignoreCase = r.get('options.ignoreCase');
  const loose = r.version < 3.1 ? r.get('options.looseTypeValidation') : undefined;
  if (isExpressionValue(ignoreCase) || isExpressionValue(loose)) {
    out.rules = rules.map((rule, i) => ({
      caseSensitivity: mappedRules[i]?.ignoreCase ? 'ignore' : 'sensitive',
      typeValidation: mappedRules[i]?.looseTypeValidation ? 'loose' : 'strict',
      ...rule,
    }));
    if (isExpressionValue(ignoreCase)) out.ignoreCase = ignoreCase;
    if (isExpressionValue(loose)) out.looseTypeValidation = loose;
  }
  const fallback = r.get('options.fallbackOutput');
  // An expression stays one: n8n works it out per item (see the engine's Switch).
  if (isExpressionValue(fallback)) out.fallbackOutput = fallback;
  else if (fallback === 'extra') out.fallbackOutput = 'extra';
  else if (fallback !== undefined && fallback !== 'none') {
    out.fallbackOutput = 'output';
    out.fallbackOutputIndex = fallbackIndex(Number(fallback));
  }
  // n8n sends on to later rules for any truthy value.
  const all = r.get('options.allMatchingOutputs');
  if (all) out.allMatchingOutputs = isExpressionValue(all) ? all : true;
  const fallbackName = r.get('options.renameFallbackOutput');
  if (fallback === 'extra' && fallbackName !== undefined && fallbackName !== '')
    out.fallbackOutputName = isExpressionValue(fallbackName) ? fallbackName : text(fallbackName);
  return out;
};

/** IF, Filter and Switch. */
export const conditionMappers: Record<string, Mapper> = {
  if: (r) => {
    const out: Params = {};
    if (r.version < 2) conditions(out, mapV1Conditions(r.get('conditions'), r.get('combineOperation') === 'any'), r);
    else conditions(out, mapFilter(r.get('conditions')), r);
    // n8n's editor keeps these beside the filter; the filter's own options decide.
    r.get('options.ignoreCase');
    r.get('options.looseTypeValidation');
    r.get('looseTypeValidation');
    return out;
  },

  filter: (r) => {
    const out: Params = {};
    if (r.version < 2) conditions(out, mapV1Conditions(r.get('conditions'), r.get('combineConditions') === 'OR'), r);
    else conditions(out, mapFilter(r.get('conditions')), r);
    r.get('options.ignoreCase');
    r.get('options.looseTypeValidation');
    r.get('looseTypeValidation');
    return out;
  },

  switch: (r) => {
    const out: Params = {};
    if (r.version < 3) return legacySwitch(r, out);
    const mode = r.get('mode') ?? 'rules';
    out.mode = mode;
    if (mode === 'expression') {
      const count = r.get('numberOutputs') ?? 4;
      // From 3.3 n8n takes the field as written, never as an expression: text makes `new Array(text)`, one output.
      const expression = typeof count === 'string' && count.startsWith('=') && r.version < 3.3;
      // Weft draws a Switch's outputs from a number: an expression that is one becomes it.
      const constant = expression ? /^=\s*\{\{\s*(\d+)\s*\}\}\s*$/.exec(count) : null;
      if (expression && !constant)
        r.problem('its number of outputs is an expression; Weft draws one output until it is set to a number');
      out.numberOutputs = typeof count === 'number' ? count : constant ? Number(constant[1]) : expression ? count : 1;
      out.output = operand(r.get('output') ?? '={{}}');
      return out;
    }
    r.get('options.ignoreCase');
    r.get('options.looseTypeValidation');
    r.get('looseTypeValidation');
    return rulesSwitch(r, out);
  },
};
