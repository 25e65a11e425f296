import { NodeError } from '../runner/types.ts';
import { regexLiteral } from './condition-operators.ts';
import { regexTest } from './condition-regex.ts';
import { jsString } from './condition-values.ts';

/**
 * The comparisons of n8n's first condition nodes (IF 1, Filter 1, Switch 1
 * and 2): plain JavaScript on the values as they are, no type checks, dates
 * read by `new Date(text)`. Text operations on a value that is not text fail
 * the node, as calling `.endsWith` on it does in n8n.
 */

/** JavaScript's own ordering of any two values (numbers, text, or a mix of them). */
const order = (a: unknown, b: unknown) => ({
  gt: (a as number) > (b as number),
  lt: (a as number) < (b as number),
  gte: (a as number) >= (b as number),
  lte: (a as number) <= (b as number),
});

const textMethod = (value: unknown, method: 'startsWith' | 'endsWith'): ((s: string) => boolean) => {
  if (typeof value !== 'string')
    throw new NodeError(
      value === null || value === undefined
        ? `Cannot read properties of ${jsString(value)} (reading '${method}')`
        : `value1.${method} is not a function`,
    );
  return (s) => value[method](s);
};

const orBlank = (value: unknown): string => jsString(value || '');

const isEmpty = (value: unknown): boolean =>
  value === undefined ||
  value === null ||
  value === '' ||
  Number.isNaN(value) ||
  (typeof value === 'object' && Object.entries(value).length === 0);

const regex = (value1: unknown, value2: unknown): boolean => {
  const { source, flags } = regexLiteral(orBlank(value2));
  return regexTest(source, flags, orBlank(value1));
};

/** n8n's `convertDateTime`: text through `new Date`, numbers as milliseconds, nothing else. */
export const legacyDate = (value: unknown): number => {
  const t = typeof value === 'string' ? new Date(value).getTime() : typeof value === 'number' ? value : undefined;
  if (t === undefined || Number.isNaN(t))
    throw new NodeError(`The value "${jsString(value)}" is not a valid DateTime.`);
  return t;
};

/**
 * JavaScript's === as n8n saw it: two reads of the same place in an item
 * (`{{ $json.tags }}` on both sides) are the same object there, while Weft
 * hands each side its own copy; any other two objects are different ones.
 */
const same = (value1: unknown, value2: unknown, sameSource: boolean): boolean =>
  value1 === value2 ||
  (sameSource && typeof value1 === 'object' && value1 !== null && JSON.stringify(value1) === JSON.stringify(value2));

/** One comparison, `type:operation` as Weft names them, on values already converted (dates to numbers). */
export const legacyCompare = (operator: string, value1: unknown, value2: unknown, sameSource = false): boolean => {
  const operation = operator.slice(operator.indexOf(':') + 1);
  const [a, b] = [value1 || 0, value2 || 0];
  switch (operation) {
    case 'after':
    case 'gt':
      return order(a, b).gt;
    case 'before':
    case 'lt':
      return order(a, b).lt;
    case 'gte':
      return order(a, b).gte;
    case 'lte':
      return order(a, b).lte;
    case 'equals':
      return same(value1, value2, sameSource);
    case 'notEquals':
      return !same(value1, value2, sameSource);
    case 'contains':
      return orBlank(value1).includes(orBlank(value2));
    case 'notContains':
      return !orBlank(value1).includes(orBlank(value2));
    case 'startsWith':
      return textMethod(value1, 'startsWith')(jsString(value2));
    case 'notStartsWith':
      return !textMethod(value1, 'startsWith')(jsString(value2));
    case 'endsWith':
      return textMethod(value1, 'endsWith')(jsString(value2));
    case 'notEndsWith':
      return !textMethod(value1, 'endsWith')(jsString(value2));
    case 'empty':
      return isEmpty(value1);
    case 'notEmpty':
      return !isEmpty(value1);
    case 'regex':
      return regex(value1, value2);
    case 'notRegex':
      return !regex(value1, value2);
    default:
      throw new NodeError(`compareOperationFunctions[operation] is not a function ("${operator}")`);
  }
};

/** A whole legacy condition: dates converted first (left, then right), then compared. */
export const legacyCondition = (operator: string, value1: unknown, value2: unknown, sameSource = false): boolean =>
  operator.startsWith('dateTime:')
    ? legacyCompare(operator, legacyDate(value1), legacyDate(value2))
    : legacyCompare(operator, value1, value2, sameSource);

/** An expression that only reads a place in the item (`={{ $json.a.b }}`, `={{ $json["a"][0] }}`). */
const READ = /^=\{\{\s*\$json(?:\.[\w$]+|\[(?:\d+|"[^"]*"|'[^']*')\])*\s*\}\}$/;

/** Whether both sides, as written, read the same place: n8n then compares one object with itself. */
export const readsSamePlace = (left: unknown, right: unknown): boolean =>
  typeof left === 'string' && left === right && READ.test(left);
