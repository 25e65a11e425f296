import type { Item, NodeOutput } from '../runner/items.ts';
import { NodeError, type NodeExecutor } from '../runner/types.ts';
import { jsString } from './condition-values.ts';
import { allHold, rowsWithSources, settingsOf, test, type ConditionRow } from './conditions.ts';

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

export const switchNode: NodeExecutor = (ctx) => {
  const params = ctx.params();
  const out: NodeOutput = {};
  const send = (handle: string, item: Item) => (out[handle] ??= []).push(item);
  const first = params[0] ?? {};
  if (first.mode === 'expression') {
    // n8n makes `new Array(numberOutputs)` outputs: one for anything but a number.
    const count = typeof first.numberOutputs === 'number' ? first.numberOutputs : 1;
    if (!Number.isInteger(count) || count < 0) throw new NodeError(`Invalid array length (${count} outputs)`);
    const convert = settingsOf(first).comparison !== 'legacy';
    ctx.items.forEach((item, i) => {
      const index = convert ? asIndexNumber((params[i] ?? {}).output, i) : (params[i] ?? {}).output;
      send(`output${outputAt(index, count, i)}`, item);
    });
    return out;
  }
  const ruleCount = rowsOf(first.rules).length;
  const extraOutput = first.fallbackOutput === 'extra';
  ctx.items.forEach((item, i) => {
    const p = params[i] ?? {};
    const rules = rowsWithSources<RuleRow>(p.rules, ctx.node.parameters.rules);
    if (rules.length === 0) return;
    const settings = settingsOf(p);
    const more = extraConditions(p);
    let matched = false;
    for (const [r, rule] of rules.entries()) {
      const conditions = [rule, ...(more.get(r) ?? [])];
      const holds =
        settings.comparison === 'legacy'
          ? test(rule, settings, 0, i)
          : allHold(conditions, rule.combinator, settings, i);
      if (!holds) continue;
      matched = true;
      const target = typeof rule.output === 'number' && rule.output >= 0 ? outputAt(rule.output, ruleCount, i) : r;
      send(`output${target}`, item);
      if (p.allMatchingOutputs !== true) return;
    }
    if (matched) return;
    if (p.fallbackOutput === 'extra' && extraOutput) send('fallback', item);
    else if (p.fallbackOutput === 'output') send(`output${outputAt(p.fallbackOutputIndex ?? 0, ruleCount, i)}`, item);
  });
  return out;
};
