import { conditionOperators } from '../../nodes/conditions.ts';

/**
 * n8n's conditions (the filter structure of IF ≥ 2, Filter ≥ 2 and Switch ≥ 3,
 * and the older per-type lists of IF/Filter 1) as Weft's condition rows.
 */

export interface ConditionRow {
  leftValue: string;
  operator: string;
  rightValue: string;
}

const known = new Set<string>(conditionOperators.map(([id]) => id));

/** n8n writes some operations under other names than Weft's `type:operation` ids. */
const renamed: Record<string, string> = {
  'string:exists': 'any:exists',
  'string:notExists': 'any:notExists',
  'number:exists': 'any:exists',
  'number:notExists': 'any:notExists',
  'boolean:exists': 'any:exists',
  'boolean:notExists': 'any:notExists',
  'dateTime:exists': 'any:exists',
  'dateTime:notExists': 'any:notExists',
  'array:exists': 'any:exists',
  'array:notExists': 'any:notExists',
  'object:exists': 'any:exists',
  'object:notExists': 'any:notExists',
  'any:empty': 'string:empty',
  'any:notEmpty': 'string:notEmpty',
  'number:empty': 'any:notExists',
  'number:notEmpty': 'any:exists',
  'boolean:equals': 'string:equals',
  'boolean:notEquals': 'string:notEquals',
  'boolean:empty': 'any:notExists',
  'boolean:notEmpty': 'any:exists',
  'array:lengthEq': 'array:lengthEquals',
};

/** IF/Filter version 1: `{ string: [{ value1, operation, value2 }], number: [...] }`. */
const v1Operations: Record<string, Record<string, string>> = {
  string: {
    equal: 'string:equals',
    notEqual: 'string:notEquals',
    contains: 'string:contains',
    notContains: 'string:notContains',
    startsWith: 'string:startsWith',
    endsWith: 'string:endsWith',
    regex: 'string:regex',
    isEmpty: 'string:empty',
    isNotEmpty: 'string:notEmpty',
  },
  number: {
    equal: 'number:equals',
    notEqual: 'number:notEquals',
    larger: 'number:gt',
    largerEqual: 'number:gte',
    smaller: 'number:lt',
    smallerEqual: 'number:lte',
    isEmpty: 'any:notExists',
    isNotEmpty: 'any:exists',
  },
  dateTime: { after: 'dateTime:after', before: 'dateTime:before' },
};

export const text = (value: unknown): string =>
  value === undefined || value === null ? '' : typeof value === 'string' ? value : JSON.stringify(value);

const record = (value: unknown): Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};

export interface MappedConditions {
  rows: ConditionRow[];
  combinator: 'and' | 'or';
  ignoreCase: boolean;
  problems: string[];
}

/** The filter structure: `{ conditions: [{ leftValue, rightValue, operator: { type, operation } }], combinator, options }`. */
export const mapFilter = (value: unknown): MappedConditions => {
  const filter = record(value);
  const problems: string[] = [];
  const rows: ConditionRow[] = [];
  const list = Array.isArray(filter.conditions) ? filter.conditions : [];
  for (const [i, raw] of list.entries()) {
    const c = record(raw);
    const op = record(c.operator);
    const id = `${text(op.type)}:${text(op.operation)}`;
    const operator = known.has(id) ? id : renamed[id];
    if (!operator) {
      problems.push(`condition ${i + 1} uses the operation "${id}", which Weft does not have; it was left out`);
      continue;
    }
    rows.push({ leftValue: text(c.leftValue), operator, rightValue: text(c.rightValue) });
  }
  const options = record(filter.options);
  return {
    rows,
    combinator: filter.combinator === 'or' ? 'or' : 'and',
    ignoreCase: options.caseSensitive === false,
    problems,
  };
};

/** IF/Filter version 1. */
export const mapV1Conditions = (conditions: unknown, combineOperation: unknown): MappedConditions => {
  const groups = record(conditions);
  const problems: string[] = [];
  const rows: ConditionRow[] = [];
  for (const [type, list] of Object.entries(groups)) {
    if (!Array.isArray(list)) continue;
    for (const raw of list) {
      const c = record(raw);
      if (type === 'boolean') {
        const operation = c.operation === 'notEqual' ? 'notEqual' : 'equal';
        // Boolean conditions compare value1 with value2 (default false): "is true" when they match true.
        const wantsTrue = (c.value2 === true) === (operation === 'equal');
        rows.push({
          leftValue: text(c.value1 ?? false),
          operator: wantsTrue ? 'boolean:true' : 'boolean:false',
          rightValue: '',
        });
        continue;
      }
      const operator = v1Operations[type]?.[text(c.operation ?? 'equal')];
      if (!operator) {
        problems.push(
          `a ${type} condition uses the operation "${text(c.operation)}", which Weft does not have; it was left out`,
        );
        continue;
      }
      rows.push({ leftValue: text(c.value1), operator, rightValue: text(c.value2) });
    }
  }
  return { rows, combinator: combineOperation === 'any' ? 'or' : 'and', ignoreCase: false, problems };
};
