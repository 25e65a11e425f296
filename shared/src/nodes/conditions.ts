import type { BooleanParam, ListFieldParam, ListParam, OptionsParam } from './types.ts';

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
  ['string:notStartsWith', 'does not start with'],
  ['string:endsWith', 'ends with'],
  ['string:notEndsWith', 'does not end with'],
  ['string:regex', 'matches regex'],
  ['string:notRegex', 'does not match regex'],
  ['string:empty', 'is empty (text)'],
  ['string:notEmpty', 'is not empty (text)'],
  ['string:exists', 'exists (text)'],
  ['string:notExists', 'does not exist (text)'],
  ['number:equals', '= (number)'],
  ['number:notEquals', '≠ (number)'],
  ['number:gt', '>'],
  ['number:gte', '≥'],
  ['number:lt', '<'],
  ['number:lte', '≤'],
  ['number:empty', 'is empty (number)'],
  ['number:notEmpty', 'is not empty (number)'],
  ['number:exists', 'exists (number)'],
  ['number:notExists', 'does not exist (number)'],
  ['boolean:true', 'is true'],
  ['boolean:false', 'is false'],
  ['boolean:equals', 'is equal to (boolean)'],
  ['boolean:notEquals', 'is not equal to (boolean)'],
  ['boolean:empty', 'is empty (boolean)'],
  ['boolean:notEmpty', 'is not empty (boolean)'],
  ['boolean:exists', 'exists (boolean)'],
  ['boolean:notExists', 'does not exist (boolean)'],
  ['dateTime:after', 'is after (date)'],
  ['dateTime:before', 'is before (date)'],
  ['dateTime:afterOrEquals', 'is after or equal to (date)'],
  ['dateTime:beforeOrEquals', 'is before or equal to (date)'],
  ['dateTime:equals', 'is the same time as'],
  ['dateTime:notEquals', 'is not the same time as'],
  ['dateTime:empty', 'is empty (date)'],
  ['dateTime:notEmpty', 'is not empty (date)'],
  ['dateTime:exists', 'exists (date)'],
  ['dateTime:notExists', 'does not exist (date)'],
  ['array:contains', 'list contains'],
  ['array:notContains', 'list does not contain'],
  ['array:empty', 'list is empty'],
  ['array:notEmpty', 'list is not empty'],
  ['array:lengthEquals', 'list length is'],
  ['array:lengthNotEquals', 'list length is not'],
  ['array:lengthGt', 'list length >'],
  ['array:lengthLt', 'list length <'],
  ['array:lengthGte', 'list length ≥'],
  ['array:lengthLte', 'list length ≤'],
  ['array:exists', 'list exists'],
  ['array:notExists', 'list does not exist'],
  ['object:empty', 'object is empty'],
  ['object:notEmpty', 'object is not empty'],
  ['object:exists', 'object exists'],
  ['object:notExists', 'object does not exist'],
  ['any:exists', 'exists'],
  ['any:notExists', 'does not exist'],
] as const;

export type ConditionOperator = (typeof conditionOperators)[number][0];

const unaryOperations = new Set(['empty', 'notEmpty', 'exists', 'notExists', 'true', 'false']);

/** Operators that take no right-hand value. */
export const unaryOperators: ReadonlySet<string> = new Set(
  conditionOperators.map(([id]) => id).filter((id) => unaryOperations.has(id.slice(id.indexOf(':') + 1))),
);

/**
 * The type the right value is read as, unless a row says otherwise: a list's
 * contains takes any value, its length operations a number, every other
 * operator its own type (as n8n's editor sets them).
 */
export const defaultRightType = (operator: string): string => {
  if (operator === 'array:contains' || operator === 'array:notContains') return 'any';
  if (operator.startsWith('array:length')) return 'number';
  return operator.slice(0, operator.indexOf(':'));
};

export const rightTypes = ['any', 'string', 'number', 'boolean', 'dateTime', 'array', 'object'] as const;

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
  {
    name: 'rightType',
    label: 'Right side read as',
    kind: 'options',
    default: '',
    options: [
      { value: '', label: 'by the comparison (default)' },
      ...rightTypes.map((t) => ({ value: t, label: t === 'any' ? 'any value' : t })),
    ],
  },
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

/** n8n's "Convert types where required"; on by default because Weft's condition values are typed as text. */
export const looseTypeValidationParam: BooleanParam = {
  name: 'looseTypeValidation',
  label: 'Convert types where required',
  description: 'Off: a value of the wrong type (text "5" compared as a number) fails the node, as n8n’s strict mode.',
  kind: 'boolean',
  default: true,
};

/** Which n8n node version's comparison rules apply: set when a workflow is imported from n8n. */
export const comparisonParam: OptionsParam = {
  name: 'comparison',
  label: 'Comparison rules',
  kind: 'options',
  default: '3',
  options: [
    { value: '3', label: 'Current', description: 'n8n IF/Filter 2.3, Switch 3.4: empty text is no number.' },
    { value: '2', label: 'n8n IF/Filter 2.2, Switch 3.2–3.3', description: 'Empty text reads as the number 0.' },
    {
      value: '1',
      label: 'n8n IF/Filter 2–2.1, Switch 3–3.1',
      description: 'Converted booleans are any truthy value.',
    },
    {
      value: 'legacy',
      label: 'n8n IF/Filter 1, Switch 1–2',
      description: 'Plain JavaScript comparisons without type checks.',
    },
  ],
};
