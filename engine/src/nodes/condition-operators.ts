import { NodeError } from '../runner/types.ts';
import { regexTest } from './condition-regex.ts';
import { jsString, parseFilterValue } from './condition-values.ts';

/**
 * One condition as n8n's filter (IF ≥ 2, Filter ≥ 2, Switch ≥ 3) evaluates
 * it: both sides read as the operator's types (failing the node when a value
 * does not fit), `exists` before everything else, then the operation.
 */

export interface FilterCondition {
  leftValue: unknown;
  rightValue: unknown;
  /** n8n's operator type and operation (`string`, `equals`). */
  type: string;
  operation: string;
  /** The right value's type when it is not the operator's (array contains: any; array length: number). */
  rightType: string;
  /** Operators without a right value do not check it. */
  singleValue: boolean;
}

export interface FilterOptions {
  caseSensitive: boolean;
  /** n8n's typeValidation "strict"; anything else converts. */
  strict: boolean;
  /** The filter's own version: 1 (IF 2–2.1), 2 (2.2), 3 (2.3). */
  version: number;
}

const article = (noun: string): string => `${'aeiou'.includes(noun.charAt(0)) ? 'an' : 'a'} ${noun}`;

const typeError = (options: FilterOptions, type: string, value: unknown, where: string): NodeError => {
  const from = (typeof value).toLocaleLowerCase();
  return options.strict
    ? new NodeError(
        `Wrong type: '${jsString(value)}' is ${article(from)} but was expecting ${article(type)} ${where}`,
        "Try changing the type of comparison. Alternatively you can enable 'Convert types where required'.",
      )
    : new NodeError(
        `Conversion error: the ${from} '${jsString(value)}' can't be converted to ${article(type)} ${where}`,
        'Try changing the type of the comparison.',
      );
};

const parseSides = (c: FilterCondition, options: FilterOptions, where: string): { left: unknown; right: unknown } => {
  const left = parseFilterValue(c.leftValue, c.type, options.strict, options.version);
  const right = parseFilterValue(c.rightValue, c.rightType, options.strict, options.version);
  const rightValid = right.valid || c.singleValue;
  if (!left.valid && !rightValid && typeof c.leftValue === typeof c.rightValue)
    throw new NodeError(
      `Comparison type expects ${article(c.type)} but both fields are ${article(typeof c.leftValue)}`,
      options.strict ? 'Try changing the type of comparison.' : 'Try changing the type of the comparison.',
    );
  if (!left.valid) throw typeError(options, c.type, c.leftValue, where);
  if (!rightValid) throw typeError(options, c.rightType, c.rightValue, where);
  return { left: left.value, right: right.valid ? right.value : undefined };
};

/** `/source/flags` is a regular expression with flags; anything else is its source. */
export const regexLiteral = (value: string): { source: string; flags: string } => {
  const match = /^\/(.*?)\/([gimusy]*)$/.exec(value);
  return match ? { source: match[1] ?? '', flags: match[2] ?? '' } : { source: value, flags: '' };
};

const matches = (pattern: unknown, input: string): boolean => {
  const { source, flags } = regexLiteral(jsString(pattern));
  return regexTest(source, flags, input);
};

const arrayContains = (list: unknown[], value: unknown, ignoreCase: boolean): boolean => {
  if (ignoreCase && typeof value === 'string') {
    const wanted = value.toLocaleLowerCase();
    return list.some((e) => typeof e === 'string' && e.toLocaleLowerCase() === wanted);
  }
  return list.includes(value);
};

const stringOperation = (operation: string, l: string, r: string): boolean | undefined => {
  switch (operation) {
    case 'empty':
      return l.length === 0;
    case 'notEmpty':
      return l.length !== 0;
    case 'equals':
      return l === r;
    case 'notEquals':
      return l !== r;
    case 'contains':
      return l.includes(r);
    case 'notContains':
      return !l.includes(r);
    case 'startsWith':
      return l.startsWith(r);
    case 'notStartsWith':
      return !l.startsWith(r);
    case 'endsWith':
      return l.endsWith(r);
    case 'notEndsWith':
      return !l.endsWith(r);
    case 'regex':
      return matches(r, l);
    case 'notRegex':
      return !matches(r, l);
    default:
      return undefined;
  }
};

/** Number comparisons compare whatever the values read as (null included), as JavaScript does. */
const compare = (operation: string, l: never, r: never): boolean | undefined => {
  switch (operation) {
    case 'equals':
      return l === r;
    case 'notEquals':
      return l !== r;
    case 'gt':
      return l > r;
    case 'lt':
      return l < r;
    case 'gte':
      return l >= r;
    case 'lte':
      return l <= r;
    default:
      return undefined;
  }
};

interface Instant {
  toMillis(): number;
}

const dateOperation = (operation: string, l: Instant, r: Instant): boolean | undefined => {
  const [a, b] = [l.toMillis(), r.toMillis()];
  switch (operation) {
    case 'equals':
      return a === b;
    case 'notEquals':
      return a !== b;
    case 'after':
      return a > b;
    case 'before':
      return a < b;
    case 'afterOrEquals':
      return a >= b;
    case 'beforeOrEquals':
      return a <= b;
    default:
      return undefined;
  }
};

const arrayOperation = (operation: string, list: unknown[], right: unknown, ignoreCase: boolean) => {
  const n = right as number;
  switch (operation) {
    case 'contains':
      return arrayContains(list, right, ignoreCase);
    case 'notContains':
      return !arrayContains(list, right, ignoreCase);
    case 'lengthEquals':
      return list.length === n;
    case 'lengthNotEquals':
      return list.length !== n;
    case 'lengthGt':
      return list.length > n;
    case 'lengthLt':
      return list.length < n;
    case 'lengthGte':
      return list.length >= n;
    case 'lengthLte':
      return list.length <= n;
    case 'empty':
      return list.length === 0;
    case 'notEmpty':
      return list.length !== 0;
    default:
      return undefined;
  }
};

const evaluate = (c: FilterCondition, left: unknown, right: unknown, exists: boolean, ignoreCase: boolean) => {
  const { type, operation } = c;
  switch (type) {
    case 'string': {
      let [l, r] = [left, right];
      if (ignoreCase) {
        if (typeof l === 'string') l = l.toLocaleLowerCase();
        // The pattern of a regex keeps its case: only the text is lowered.
        if (typeof r === 'string' && operation !== 'regex' && operation !== 'notRegex') r = r.toLocaleLowerCase();
      }
      return stringOperation(operation, (l ?? '') as string, (r ?? '') as string);
    }
    case 'number':
    case 'boolean':
      if (operation === 'empty') return !exists;
      if (operation === 'notEmpty') return exists;
      if (type === 'boolean' && operation === 'true') return Boolean(left);
      if (type === 'boolean' && operation === 'false') return !left;
      return compare(operation, left as never, right as never);
    case 'dateTime':
      if (operation === 'empty') return !exists;
      if (operation === 'notEmpty') return exists;
      if (!left || !right) return false;
      return dateOperation(operation, left as Instant, right as Instant);
    case 'array':
      return arrayOperation(operation, (left ?? []) as unknown[], right, ignoreCase);
    case 'object':
      if (operation === 'empty') return !left || Object.keys(left).length === 0;
      if (operation === 'notEmpty') return !!left && Object.keys(left).length !== 0;
      return undefined;
    default:
      return undefined;
  }
};

/**
 * Whether one condition holds. `index` and `itemIndex` (from 0) name the
 * condition and item in errors, as n8n's "[condition 0, item 0]".
 */
export const executeCondition = (
  c: FilterCondition,
  options: FilterOptions,
  index: number,
  itemIndex: number,
): boolean => {
  const { left, right } = parseSides(c, options, `[condition ${index}, item ${itemIndex}]`);
  const exists = left !== undefined && left !== null && !Number.isNaN(left);
  if (c.operation === 'exists') return exists;
  if (c.operation === 'notExists') return !exists;
  // An operation n8n does not know is false there too.
  return evaluate(c, left, right, exists, !options.caseSensitive) ?? false;
};
