import { defaultRightType, unaryOperators } from '#shared/nodes/conditions.ts';
import { NodeError } from '../runner/types.ts';
import { legacyCondition, readsSamePlace } from './condition-legacy.ts';
import { executeCondition, type FilterOptions } from './condition-operators.ts';

/**
 * IF, Filter and Switch conditions: rows of `{ leftValue, operator,
 * rightValue, rightType }` (operator `type:operation` as in
 * shared/nodes/conditions.ts), compared by the node's comparison rules: n8n's
 * filter of a given version, or the plain comparisons of n8n's first
 * condition nodes ("legacy").
 */

export interface ConditionRow {
  leftValue: unknown;
  operator: string;
  rightValue: unknown;
  rightType?: unknown;
  /** Both values as written read the same place in the item (see condition-legacy.ts). */
  sameSource?: boolean;
}

export interface ConditionSettings {
  ignoreCase: boolean;
  loose: boolean;
  /** `3`, `2`, `1` (n8n's filter versions) or `legacy`. */
  comparison: string;
}

export const settingsOf = (p: Record<string, unknown>): ConditionSettings => ({
  ignoreCase: p.ignoreCase === true,
  loose: p.looseTypeValidation !== false,
  comparison: typeof p.comparison === 'string' ? p.comparison : '3',
});

const filterOptions = (s: ConditionSettings): FilterOptions => ({
  caseSensitive: !s.ignoreCase,
  strict: !s.loose,
  version: s.comparison === '1' ? 1 : s.comparison === '2' ? 2 : 3,
});

/** Whether one row holds, for the item at `itemIndex` (from 0); `index` is the row's (from 0). */
export const test = (row: ConditionRow, s: ConditionSettings, index: number, itemIndex: number): boolean => {
  const operator = typeof row.operator === 'string' ? row.operator : '';
  if (s.comparison === 'legacy')
    return legacyCondition(operator, row.leftValue, row.rightValue, row.sameSource === true);
  const colon = operator.indexOf(':');
  const type = operator.slice(0, colon);
  const ownType = typeof row.rightType === 'string' && row.rightType !== '';
  const rightType = ownType ? String(row.rightType) : defaultRightType(operator);
  return executeCondition(
    {
      leftValue: row.leftValue,
      rightValue: row.rightValue,
      type,
      operation: operator.slice(colon + 1),
      rightType,
      // No right value to check, unless the row says how to read one (n8n JSON without singleValue).
      singleValue: unaryOperators.has(operator) && !ownType,
    },
    filterOptions(s),
    index,
    itemIndex,
  );
};

/** Rows joined by `and` (all hold) or `or` (one holds), evaluated only as far as the answer needs. */
export const allHold = (
  rows: readonly ConditionRow[],
  combinator: unknown,
  s: ConditionSettings,
  itemIndex: number,
): boolean => {
  const holds = (row: ConditionRow, i: number) => test(row, s, i, itemIndex);
  return combinator === 'or' ? rows.some(holds) : rows.every(holds);
};

const isRow = (r: unknown): r is ConditionRow => typeof r === 'object' && r !== null;

/** Resolved rows, each marked when its unresolved row reads the same place on both sides. */
export const rowsWithSources = <T extends ConditionRow>(resolved: unknown, raw: unknown): T[] => {
  const written = Array.isArray(raw) ? raw : [];
  return (Array.isArray(resolved) ? resolved : []).filter(isRow).map((row, i) => {
    const source: unknown = written[i];
    const same = isRow(source) && readsSamePlace(source.leftValue, source.rightValue);
    return (same ? { ...row, sameSource: true } : row) as T;
  });
};

/**
 * Whether an item passes an IF's or Filter's conditions: `params` resolved
 * for that item, `raw` the node's parameters as written.
 */
export const passes = (params: Record<string, unknown>, itemIndex: number, raw: Record<string, unknown>): boolean => {
  if (!Array.isArray(params.conditions)) throw new NodeError('"conditions" must be a list of conditions');
  const rows = rowsWithSources(params.conditions, raw.conditions);
  return allHold(rows, params.combinator, settingsOf(params), itemIndex);
};
