import { defaultParameters } from '#shared/nodes/catalog.ts';
import type { DefinitionNode } from '#shared/schema/definition.ts';
import { ExpressionError } from '#shared/expressions/errors.ts';
import { isExpression } from '#shared/expressions/template.ts';
import type { JsonObject } from '#shared/runs/items.ts';
import type { NodeContext } from '../runner/types.ts';
import type { ConditionSettings } from './conditions.ts';
import { singleExpressionCode } from './set-expressions.ts';

/**
 * What of a Switch's parameters n8n reads, and so evaluates. n8n's Switch
 * reads the parameters of its mode only (rules and options, or the number of
 * outputs and the output index), and options only for an item it has rules
 * for: an expression elsewhere (a rule left from the other mode) is never
 * worked out, so it cannot fail the node. Within rules mode n8n reads every
 * rule of an item before testing the first (`getNodeParameter('rules.values')`),
 * so each rule's expressions are all evaluated, as Weft's batch does.
 */

const EXPRESSION_MODE = ['mode', 'numberOutputs', 'output', 'comparison'];
const RULES_MODE = [
  'mode',
  'rules',
  'ruleConditions',
  'ignoreCase',
  'looseTypeValidation',
  'comparison',
  'fallbackOutput',
  'fallbackOutputIndex',
  'allMatchingOutputs',
];

const subsets = new WeakMap<DefinitionNode, Map<string, JsonObject>>();

/** The node's parameters (defaults filled in) of one mode only; the same object each run keeps its compiled plan. */
const subsetOf = (node: DefinitionNode, mode: string): JsonObject => {
  let byMode = subsets.get(node);
  if (!byMode) subsets.set(node, (byMode = new Map<string, JsonObject>()));
  let params = byMode.get(mode);
  if (!params) {
    const all: JsonObject = { ...defaultParameters(node.type), ...node.parameters };
    const keys = mode === 'expression' ? EXPRESSION_MODE : RULES_MODE;
    // Switch 1 and 2 read an expression fallback lazily (lazyFallback).
    const lazy = all.comparison === 'legacy' && isExpression(all.fallbackOutput) ? 'fallbackOutput' : undefined;
    // n8n keeps the fallback's name only beside an extra fallback output (and reads it with the other options).
    const named = mode !== 'expression' && all.fallbackOutput === 'extra' ? ['fallbackOutputName'] : [];
    params = Object.fromEntries([...keys, ...named].filter((k) => k in all && k !== lazy).map((k) => [k, all[k]]));
    byMode.set(mode, params);
  }
  return params;
};

/** The mode as written (n8n's is never an expression: `noDataExpression`), `rules` by default. */
export const switchMode = (node: DefinitionNode): string => {
  const mode = node.parameters.mode;
  return mode === 'expression' ? 'expression' : 'rules';
};

/** The parameters of the node's mode, resolved per item. */
export const switchParams = (ctx: NodeContext, mode: string): JsonObject[] =>
  ctx.paramsOf ? ctx.paramsOf(subsetOf(ctx.node, mode)) : ctx.params();

/** A rule row as written and as resolved for an item. */
interface RuleOptions {
  caseSensitivity?: unknown;
  typeValidation?: unknown;
  ruleComparison?: unknown;
}

/**
 * A rule's own case and type checks, as n8n keeps them in each rule's filter
 * options: a fixed choice names one, empty follows the node's settings, and an
 * expression's value is read as n8n reads `caseSensitive` (any truthy value)
 * and `typeValidation` (only "strict" is strict).
 */
export const ruleSettings = (
  base: ConditionSettings,
  rule: RuleOptions,
  raw: RuleOptions | undefined,
): ConditionSettings => {
  if (base.comparison === 'legacy') return base;
  const ignoreCase = isExpression(raw?.caseSensitivity)
    ? !rule.caseSensitivity
    : rule.caseSensitivity === 'sensitive'
      ? false
      : rule.caseSensitivity === 'ignore'
        ? true
        : base.ignoreCase;
  const loose = isExpression(raw?.typeValidation)
    ? rule.typeValidation !== 'strict'
    : rule.typeValidation === 'strict'
      ? false
      : rule.typeValidation === 'loose'
        ? true
        : base.loose;
  const own = rule.ruleComparison;
  const comparison = own === '1' || own === '2' || own === '3' ? own : base.comparison;
  return { ignoreCase, loose, comparison };
};

/**
 * Switch 1 and 2 read "Fallback Output" only for an item no rule matched: an
 * expression there is worked out for that item alone, so one that throws
 * fails no item that matched. Each item's value is worked out in one batch,
 * an error of n8n's own kept as a value (others read as nothing, as n8n's
 * expressions swallow them), and thrown only for an item that asks for it.
 */
export const lazyFallback = (ctx: NodeContext, expression: string): ((itemIndex: number) => unknown) => {
  const code = singleExpressionCode(expression);
  if (code === undefined) {
    // Text around the {{ }}: worked out for every item, as other parameters are.
    let all: JsonObject[] | undefined;
    return (i) => (all ??= resolveFor(ctx, { fallbackOutput: expression }))[i]?.fallbackOutput;
  }
  let wrapped = probes.get(ctx.node);
  if (!wrapped) {
    wrapped = { fallbackOutput: `={{ ${catching(code)} }}` };
    probes.set(ctx.node, wrapped);
  }
  const params = wrapped;
  let results: JsonObject[] | undefined;
  return (i) => {
    const result = (results ??= resolveFor(ctx, params))[i]?.fallbackOutput;
    if (typeof result === 'object' && result !== null && 'e' in result)
      throw new ExpressionError(ctx.node.name, 'fallbackOutput', String(result.e));
    return typeof result === 'object' && result !== null && 'v' in result ? result.v : undefined;
  };
};

const probes = new WeakMap<DefinitionNode, JsonObject>();

/** The code of an expression as one that gives `{ v }`, `{ e }` for n8n's own errors, or `{}` for any other. */
const catching = (code: string): string =>
  `(() => { try { return { v: (\n${code}\n) }; } catch (e) { ` +
  `if (e !== null && typeof e === 'object' && e.name === 'InternalError') throw e; ` +
  `if (e !== null && typeof e === 'object' && (e.name === 'ExpressionError' || e.name === 'ExpressionExtensionError')) ` +
  `return { e: e.name + ': ' + e.message }; return {}; } })()`;

const resolveFor = (ctx: NodeContext, params: JsonObject): JsonObject[] =>
  ctx.paramsOf
    ? ctx.paramsOf(params)
    : ctx.resolver.resolve(ctx.node.name, params, ctx.items, ctx.meta, (name) => ctx.outputOf(name));
