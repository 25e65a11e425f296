import { NodeError } from '../runner/types.ts';
import { str } from './values.ts';

/** IF, Filter and Switch conditions: `type:operation` as in shared/nodes/conditions.ts. */

export interface Condition {
  leftValue: unknown;
  operator: string;
  rightValue: unknown;
}

const text = (v: unknown, ignoreCase: boolean): string => {
  const s = str(v);
  return ignoreCase ? s.toLowerCase() : s;
};

const number = (v: unknown, side: string): number => {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : Number.NaN;
  if (Number.isNaN(n)) throw new NodeError(`the ${side} value ${JSON.stringify(v)} is not a number`);
  return n;
};

const date = (v: unknown, side: string): number => {
  const t = typeof v === 'number' ? v : Date.parse(String(v));
  if (Number.isNaN(t)) throw new NodeError(`the ${side} value ${JSON.stringify(v)} is not a date`);
  return t;
};

const truthy = (v: unknown): boolean => v === true || (typeof v === 'string' && v.trim().toLowerCase() === 'true');

export const test = (c: Condition, ignoreCase: boolean): boolean => {
  const { leftValue: l, rightValue: r } = c;
  switch (c.operator) {
    case 'string:equals':
      return text(l, ignoreCase) === text(r, ignoreCase);
    case 'string:notEquals':
      return text(l, ignoreCase) !== text(r, ignoreCase);
    case 'string:contains':
      return text(l, ignoreCase).includes(text(r, ignoreCase));
    case 'string:notContains':
      return !text(l, ignoreCase).includes(text(r, ignoreCase));
    case 'string:startsWith':
      return text(l, ignoreCase).startsWith(text(r, ignoreCase));
    case 'string:endsWith':
      return text(l, ignoreCase).endsWith(text(r, ignoreCase));
    case 'string:regex': {
      let re: RegExp;
      try {
        re = new RegExp(text(r, false), ignoreCase ? 'i' : '');
      } catch {
        throw new NodeError(`${JSON.stringify(r)} is not a valid regular expression`);
      }
      return re.test(text(l, false));
    }
    case 'string:empty':
      return text(l, false) === '';
    case 'string:notEmpty':
      return text(l, false) !== '';
    case 'number:equals':
      return number(l, 'left') === number(r, 'right');
    case 'number:notEquals':
      return number(l, 'left') !== number(r, 'right');
    case 'number:gt':
      return number(l, 'left') > number(r, 'right');
    case 'number:gte':
      return number(l, 'left') >= number(r, 'right');
    case 'number:lt':
      return number(l, 'left') < number(r, 'right');
    case 'number:lte':
      return number(l, 'left') <= number(r, 'right');
    case 'boolean:true':
      return truthy(l);
    case 'boolean:false':
      return !truthy(l);
    case 'dateTime:after':
      return date(l, 'left') > date(r, 'right');
    case 'dateTime:before':
      return date(l, 'left') < date(r, 'right');
    case 'dateTime:equals':
      return date(l, 'left') === date(r, 'right');
    case 'array:contains':
    case 'array:notContains': {
      if (!Array.isArray(l)) throw new NodeError(`the left value ${JSON.stringify(l)} is not a list`);
      const has = l.some((e) => text(e, ignoreCase) === text(r, ignoreCase));
      return c.operator === 'array:contains' ? has : !has;
    }
    case 'array:empty':
      return !Array.isArray(l) || l.length === 0;
    case 'array:notEmpty':
      return Array.isArray(l) && l.length > 0;
    case 'array:lengthEquals':
      return Array.isArray(l) && l.length === number(r, 'right');
    case 'object:empty':
      return l === null || l === undefined || (typeof l === 'object' && Object.keys(l).length === 0);
    case 'object:notEmpty':
      return typeof l === 'object' && l !== null && Object.keys(l).length > 0;
    case 'any:exists':
      return l !== undefined && l !== null;
    case 'any:notExists':
      return l === undefined || l === null;
    default:
      throw new NodeError(`unknown operator "${c.operator}"`);
  }
};

/** Whether an item passes the node's conditions (parameters resolved for that item). */
export const passes = (params: Record<string, unknown>, listName = 'conditions'): boolean => {
  const list = params[listName];
  if (!Array.isArray(list)) throw new NodeError(`"${listName}" must be a list of conditions`);
  const ignoreCase = params.ignoreCase === true;
  const results = list.map((raw: unknown, i) => {
    const c = raw as Condition;
    try {
      return test(c, ignoreCase);
    } catch (e) {
      throw new NodeError(`condition ${i + 1}: ${e instanceof Error ? e.message : String(e)}`);
    }
  });
  if (results.length === 0) return true;
  return params.combinator === 'or' ? results.some(Boolean) : results.every(Boolean);
};
