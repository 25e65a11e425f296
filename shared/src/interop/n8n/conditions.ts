import { conditionOperators, defaultRightType, unaryOperators } from '../../nodes/conditions.ts';

/**
 * n8n's conditions (the filter structure of IF ≥ 2, Filter ≥ 2 and Switch ≥ 3,
 * and the per-type lists of IF/Filter 1 and Switch 1–2) as Weft's condition
 * rows, keeping what decides n8n's result: the exact operator, the right
 * value's type, literal values' JSON types, and the filter's options.
 */

export interface ConditionRow {
  leftValue: string;
  operator: string;
  rightValue: string;
  rightType?: string;
}

const known = new Set<string>(conditionOperators.map(([id]) => id));

export const text = (value: unknown): string =>
  value === undefined || value === null ? '' : typeof value === 'string' ? value : JSON.stringify(value);

/**
 * A value as a Weft text parameter that gives n8n's value back: text as it
 * is (an n8n expression starts with "=" as Weft's do), any other literal as
 * an expression of its JSON, so the number 5 stays a number.
 */
export const operand = (value: unknown): string => {
  if (typeof value === 'string') return value;
  if (value === undefined || value === null) return '={{ null }}';
  const json = JSON.stringify(value);
  return typeof value === 'object' && !Array.isArray(value) ? `={{ (${json}) }}` : `={{ ${json} }}`;
};

const record = (value: unknown): Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};

export interface MappedConditions {
  rows: ConditionRow[];
  combinator: 'and' | 'or';
  ignoreCase: boolean;
  looseTypeValidation: boolean;
  /** Weft's `comparison` parameter: the filter's version, or `legacy`. */
  comparison: string;
  problems: string[];
}

/** A filter condition's operator as a Weft row's operator and right type. */
const filterRow = (raw: unknown, problems: string[], where: string): ConditionRow | undefined => {
  const c = record(raw);
  const op = record(c.operator);
  const type = text(op.type);
  const id = `${type}:${text(op.operation)}`;
  if (!known.has(id)) {
    problems.push(`${where} uses the operation "${id}", which Weft does not have; it was left out`);
    return undefined;
  }
  const row: ConditionRow = { leftValue: operand(c.leftValue), operator: id, rightValue: operand(c.rightValue) };
  const rightType = typeof op.rightType === 'string' && op.rightType !== '' ? op.rightType : type;
  // A right type kept on an operator without a right value makes Weft check that value, as n8n does without singleValue.
  if (rightType !== defaultRightType(id) || (unaryOperators.has(id) && op.singleValue !== true))
    row.rightType = rightType;
  return row;
};

/** A rule or node without conditions: `and` of none holds, `or` of none does not. */
export const constantRow = (holds: boolean): ConditionRow => ({
  leftValue: '={{ null }}',
  operator: holds ? 'any:notExists' : 'any:exists',
  rightValue: '',
});

/** The filter structure: `{ conditions: [{ leftValue, rightValue, operator: { type, operation } }], combinator, options }`. */
export const mapFilter = (value: unknown, where = 'condition'): MappedConditions => {
  const filter = record(value);
  const problems: string[] = [];
  const list = Array.isArray(filter.conditions) ? filter.conditions : [];
  const rows = list.flatMap((raw, i) => filterRow(raw, problems, `${where} ${i + 1}`) ?? []);
  // n8n fills in these options when the stored filter lacks them.
  const options = { caseSensitive: true, typeValidation: 'strict', ...record(filter.options) };
  const version = Number(record(filter.options).version ?? 1);
  return {
    rows,
    combinator: filter.combinator === 'or' ? 'or' : 'and',
    ignoreCase: !options.caseSensitive,
    looseTypeValidation: options.typeValidation !== 'strict',
    comparison: version >= 3 ? '3' : version >= 2 ? '2' : '1',
    problems,
  };
};

/** n8n's first condition nodes' operations by data type, as Weft operators. */
const legacyOperations: Record<string, Record<string, string>> = {
  boolean: { equal: 'boolean:equals', notEqual: 'boolean:notEquals' },
  dateTime: { after: 'dateTime:after', before: 'dateTime:before' },
  number: {
    smaller: 'number:lt',
    smallerEqual: 'number:lte',
    equal: 'number:equals',
    notEqual: 'number:notEquals',
    larger: 'number:gt',
    largerEqual: 'number:gte',
    isEmpty: 'number:empty',
    isNotEmpty: 'number:notEmpty',
  },
  string: {
    contains: 'string:contains',
    notContains: 'string:notContains',
    endsWith: 'string:endsWith',
    notEndsWith: 'string:notEndsWith',
    equal: 'string:equals',
    notEqual: 'string:notEquals',
    regex: 'string:regex',
    notRegex: 'string:notRegex',
    startsWith: 'string:startsWith',
    notStartsWith: 'string:notStartsWith',
    isEmpty: 'string:empty',
    isNotEmpty: 'string:notEmpty',
  },
};

/** What n8n's first condition nodes take when a field is left out, by data type. */
export const legacyDefaults: Record<string, { value1: unknown; operation: string; value2: unknown }> = {
  boolean: { value1: false, operation: 'equal', value2: false },
  dateTime: { value1: '', operation: 'after', value2: '' },
  number: { value1: 0, operation: 'smaller', value2: 0 },
  string: { value1: '', operation: 'equal', value2: '' },
};

/** One legacy comparison as a row; undefined (with a problem) for an operation Weft does not have. */
export const legacyRow = (
  type: string,
  value1: unknown,
  operation: unknown,
  value2: unknown,
  problems: string[],
  node: 'if' | 'switch' = 'if',
): ConditionRow | undefined => {
  const op = text(operation ?? legacyDefaults[type]?.operation);
  // Switch 1 and 2 have no "is empty" operations.
  const operator = node === 'switch' && op.endsWith('Empty') ? undefined : legacyOperations[type]?.[op];
  if (!operator) {
    problems.push(`a ${type} condition uses the operation "${op}", which Weft does not have; it was left out`);
    return undefined;
  }
  return { leftValue: operand(value1), operator, rightValue: operand(value2) };
};

/** IF/Filter version 1: `{ boolean: [...], dateTime: [...], number: [...], string: [...] }`, checked in that order. */
export const mapV1Conditions = (conditions: unknown, any: boolean): MappedConditions => {
  const groups = record(conditions);
  const problems: string[] = [];
  const rows: ConditionRow[] = [];
  for (const type of ['boolean', 'dateTime', 'number', 'string']) {
    const list = groups[type];
    if (!Array.isArray(list)) continue;
    const defaults = legacyDefaults[type] ?? { value1: '', operation: '', value2: '' };
    for (const raw of list) {
      const c = record(raw);
      const row = legacyRow(type, c.value1 ?? defaults.value1, c.operation, c.value2 ?? defaults.value2, problems);
      if (row) rows.push(row);
    }
  }
  return {
    rows,
    combinator: any ? 'or' : 'and',
    ignoreCase: false,
    looseTypeValidation: true,
    comparison: 'legacy',
    problems,
  };
};
