import { isExpression } from '#shared/expressions/template.ts';
import type { Item, NodeOutput } from '#shared/runs/items.ts';
import { NodeError, type NodeExecutor } from '../runner/types.ts';
import { jsString } from './condition-values.ts';
import { allHold, rowsWithSources, settingsOf, test, type ConditionRow } from './conditions.ts';
import { lazyFallback, ruleSettings, switchMode, switchParams } from './switch-params.ts';

/**
 * Switch, as n8n's: rules mode sends an item to the first rule whose
 * conditions hold (or every one, with "all matching outputs"), else to the
 * fallback; expression mode to the output its index expression names. The
 * outputs exist as the first item's parameters say, and an output index that
 * does not name one of them fails the node.
 */

interface RuleRow extends ConditionRow {
  combinator?: unknown;
  output?: unknown;
  caseSensitivity?: unknown;
  typeValidation?: unknown;
  ruleComparison?: unknown;
}

/** The output `index` names among `count`: only a whole number from 0 (or its text, "2") does, as a JavaScript array index. */
const outputAt = (index: unknown, count: number, itemIndex: number): number => {
  const key = jsString(index);
  const n = Number(key);
  if (!/^(0|[1-9]\d*)$/.test(key) || n >= count)
    throw new NodeError(
      `The output ${index === undefined ? 'undefined' : JSON.stringify(index)} is not allowed [item ${itemIndex}]`,
      `It has to be between 0 and ${count - 1}`,
    );
  return n;
};

/**
 * Switch 3 reads its output index as a number (true is 1, "01" is 1, [2] is 2);
 * nothing at all names no output. Switch 1 and 2 take the value as it is.
 */
const asIndexNumber = (value: unknown, itemIndex: number): unknown => {
  if (value === null || value === undefined) return value;
  const n = Number(value);
  if (Number.isNaN(n))
    throw new NodeError(
      `Invalid input for 'Output Index' [item ${itemIndex}]`,
      `'output' expects a number but we got ${jsString(value)}`,
    );
  return n;
};

const rowsOf = (value: unknown): RuleRow[] =>
  Array.isArray(value) ? value.filter((r): r is RuleRow => typeof r === 'object' && r !== null) : [];

const extraConditions = (p: Record<string, unknown>): Map<number, ConditionRow[]> => {
  const byRule = new Map<number, ConditionRow[]>();
  for (const row of rowsOf(p.ruleConditions) as (ConditionRow & { rule?: unknown })[]) {
    const rule = Number(row.rule) - 1;
    byRule.set(rule, [...(byRule.get(rule) ?? []), row]);
  }
  return byRule;
};

/**
 * A fallback written as an expression gives n8n's own value per item: nothing
 * or "none" drops the item, "extra" sends it to the last output (the fallback
 * output when the first item's value made one, else the last rule's), and
 * anything else must name an output.
 */
const fallbackOf = (value: unknown, ruleCount: number, extra: boolean, itemIndex: number): string | undefined => {
  if (value === undefined || value === 'none') return undefined;
  if (value === 'extra') return extra ? 'fallback' : `output${ruleCount - 1}`;
  const index = outputAt(value, ruleCount + (extra ? 1 : 0), itemIndex);
  return index === ruleCount ? 'fallback' : `output${index}`;
};

const expressionMode = (ctx: Parameters<NodeExecutor>[0]): NodeOutput => {
  const out: NodeOutput = {};
  const params = switchParams(ctx, 'expression');
  const first = params[0] ?? {};
  // n8n makes `new Array(numberOutputs)` outputs: one for anything but a number.
  const count = typeof first.numberOutputs === 'number' ? first.numberOutputs : 1;
  if (!Number.isInteger(count) || count < 0) throw new NodeError(`Invalid array length (${count} outputs)`);
  const convert = settingsOf(first).comparison !== 'legacy';
  ctx.items.forEach((item, i) => {
    const index = convert ? asIndexNumber((params[i] ?? {}).output, i) : (params[i] ?? {}).output;
    (out[`output${outputAt(index, count, i)}`] ??= []).push(item);
  });
  return out;
};

export const switchNode: NodeExecutor = (ctx) => {
  const mode = switchMode(ctx.node);
  if (mode === 'expression') return expressionMode(ctx);
  const out: NodeOutput = {};
  const send = (handle: string, item: Item) => (out[handle] ??= []).push(item);
  const rawRules = rowsOf(ctx.node.parameters.rules);
  // n8n skips an item without rules before it reads the options: nothing else is evaluated.
  if (rawRules.length === 0) return out;
  const params = switchParams(ctx, mode);
  const first = params[0] ?? {};
  const ruleCount = rawRules.length;
  const fallbackExpression = isExpression(ctx.node.parameters.fallbackOutput);
  const legacyFallback =
    fallbackExpression && settingsOf(first).comparison === 'legacy'
      ? lazyFallback(ctx, String(ctx.node.parameters.fallbackOutput))
      : undefined;
  // The extra output exists as the first item's options say.
  const extraOutput = first.fallbackOutput === 'extra';
  ctx.items.forEach((item, i) => {
    const p = params[i] ?? {};
    const rules = rowsWithSources<RuleRow>(p.rules, ctx.node.parameters.rules);
    if (rules.length === 0) return;
    const base = settingsOf(p);
    const more = extraConditions(p);
    let matched = false;
    for (const [r, rule] of rules.entries()) {
      const settings = ruleSettings(base, rule, rawRules[r]);
      const conditions = [rule, ...(more.get(r) ?? [])];
      // n8n's executeFilter: a combinator other than "and" or "or" (an expression's value) holds for nothing.
      const unknownCombinator =
        isExpression(rawRules[r]?.combinator) && rule.combinator !== 'and' && rule.combinator !== 'or';
      const holds =
        settings.comparison === 'legacy'
          ? test(rule, settings, 0, i)
          : !unknownCombinator && allHold(conditions, rule.combinator, settings, i);
      if (!holds) continue;
      matched = true;
      // Switch 1's output per rule; written as an expression, its value must name one of the outputs.
      const chosen = isExpression(rawRules[r]?.output) || (typeof rule.output === 'number' && rule.output >= 0);
      const target = chosen ? outputAt(rule.output, ruleCount, i) : r;
      send(`output${target}`, item);
      // n8n: `if (!options.allMatchingOutputs)`, so any truthy value (an expression's) sends on.
      if (!p.allMatchingOutputs) return;
    }
    if (matched) return;
    if (legacyFallback) {
      // n8n's Switch 1 and 2: -1 is no fallback; anything else must name an output.
      const value = legacyFallback(i);
      if (value !== -1) send(`output${outputAt(value, ruleCount, i)}`, item);
    } else if (fallbackExpression) {
      const handle = fallbackOf(p.fallbackOutput, ruleCount, extraOutput, i);
      if (handle) send(handle, item);
    } else if (p.fallbackOutput === 'extra' && extraOutput) send('fallback', item);
    else if (p.fallbackOutput === 'output') send(`output${outputAt(p.fallbackOutputIndex ?? 0, ruleCount, i)}`, item);
  });
  return out;
};
