import type { ListFieldParam, ListParam, OptionsParam } from './types.ts';

/**
 * Comparison operators shared by IF, Filter and Switch, written `type:operation`
 * (n8n's `{ type, operation }` flattened into one selectable value).
 */
export const conditionOperators = [
  ['string:equals', 'is equal to (text)'],
  ['string:notEquals', 'is not equal to (text)'],
  ['string:contains', 'contains'],
  ['string:notContains', 'does not contain'],
  ['string:startsWith', 'starts with'],
  ['string:endsWith', 'ends with'],
  ['string:regex', 'matches regex'],
  ['string:empty', 'is empty (text)'],
  ['string:notEmpty', 'is not empty (text)'],
  ['number:equals', '= (number)'],
  ['number:notEquals', '≠ (number)'],
  ['number:gt', '>'],
  ['number:gte', '≥'],
  ['number:lt', '<'],
  ['number:lte', '≤'],
  ['boolean:true', 'is true'],
  ['boolean:false', 'is false'],
  ['dateTime:after', 'is after (date)'],
  ['dateTime:before', 'is before (date)'],
  ['dateTime:equals', 'is the same time as'],
  ['array:contains', 'list contains'],
  ['array:notContains', 'list does not contain'],
  ['array:empty', 'list is empty'],
  ['array:notEmpty', 'list is not empty'],
  ['array:lengthEquals', 'list length is'],
  ['object:empty', 'object is empty'],
  ['object:notEmpty', 'object is not empty'],
  ['any:exists', 'exists'],
  ['any:notExists', 'does not exist'],
] as const;

export type ConditionOperator = (typeof conditionOperators)[number][0];

/** Operators that take no right-hand value. */
export const unaryOperators: ReadonlySet<string> = new Set([
  'string:empty',
  'string:notEmpty',
  'boolean:true',
  'boolean:false',
  'array:empty',
  'array:notEmpty',
  'object:empty',
  'object:notEmpty',
  'any:exists',
  'any:notExists',
]);

const operatorParam: OptionsParam = {
  name: 'operator',
  label: 'Operator',
  kind: 'options',
  default: 'string:equals',
  options: conditionOperators.map(([value, label]) => ({ value, label })),
};

export const conditionFields: readonly ListFieldParam[] = [
  { name: 'leftValue', label: 'Value 1', kind: 'string', default: '', placeholder: '={{ $json.status }}' },
  operatorParam,
  { name: 'rightValue', label: 'Value 2', kind: 'string', default: '' },
];

export const conditionsParam = (description: string): ListParam => ({
  name: 'conditions',
  label: 'Conditions',
  kind: 'list',
  description,
  default: [{ leftValue: '', operator: 'string:equals', rightValue: '' }],
  fields: conditionFields,
  addLabel: 'Add condition',
});

export const combinatorParam: OptionsParam = {
  name: 'combinator',
  label: 'Combine conditions',
  kind: 'options',
  default: 'and',
  options: [
    { value: 'and', label: 'AND — all must match' },
    { value: 'or', label: 'OR — any may match' },
  ],
};

export const ignoreCaseParam = {
  name: 'ignoreCase',
  label: 'Ignore case',
  kind: 'boolean',
  default: false,
} as const;
