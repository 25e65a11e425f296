import {
  dateNumbers,
  dateTexts,
  FIELDS,
  numberTexts,
  scalar,
  caseTexts,
  unicodeTexts,
  itemSet,
  type Json,
} from './items.ts';
import type { Family } from './differ.ts';
import type { NodeCase, Params } from './node-case.ts';
import { Rng } from './rng.ts';

/**
 * IF and Filter version 2 (2, 2.1, 2.2, 2.3): n8n's filter conditions with
 * every operator of every type, left and right values as literals, as
 * `={{ … }}` expressions and as text templates, one to three conditions
 * joined by and/or, case-insensitive and loose type validation on or off.
 */

export const filterOperators: readonly (readonly [type: string, operation: string, unary?: 'unary'])[] = [
  ...['string', 'number', 'dateTime', 'boolean', 'array', 'object'].flatMap((type) => [
    [type, 'exists', 'unary'] as const,
    [type, 'notExists', 'unary'] as const,
    [type, 'empty', 'unary'] as const,
    [type, 'notEmpty', 'unary'] as const,
  ]),
  ...[
    'equals',
    'notEquals',
    'contains',
    'notContains',
    'startsWith',
    'notStartsWith',
    'endsWith',
    'notEndsWith',
    'regex',
    'notRegex',
  ].map((op) => ['string', op] as const),
  ...['equals', 'notEquals', 'gt', 'lt', 'gte', 'lte'].map((op) => ['number', op] as const),
  ...['equals', 'notEquals', 'after', 'before', 'afterOrEquals', 'beforeOrEquals'].map(
    (op) => ['dateTime', op] as const,
  ),
  ['boolean', 'true', 'unary'],
  ['boolean', 'false', 'unary'],
  ['boolean', 'equals'],
  ['boolean', 'notEquals'],
  ...[
    'contains',
    'notContains',
    'lengthEquals',
    'lengthNotEquals',
    'lengthGt',
    'lengthLt',
    'lengthGte',
    'lengthLte',
  ].map((op) => ['array', op] as const),
];

const regexes = ['h.llo', '^H', 'o$', '/hello/i', '/^a/', '/(/', '[', 'ab+c', '/日本/u', ''];

const literalFor = (rng: Rng, type: string, operation: string): Json => {
  if (type === 'string' && (operation === 'regex' || operation === 'notRegex')) return rng.pick(regexes);
  if (type === 'array' && operation.startsWith('length'))
    return rng.chance(0.5) ? rng.int(4) : rng.pick(['0', '2', ' 1 ', 'x']);
  switch (type) {
    case 'number':
      return rng.chance(0.5) ? rng.pick([0, 1, -1, 3.5, 42, 1705314030]) : rng.pick(numberTexts);
    case 'dateTime':
      return rng.chance(0.8) ? rng.pick(dateTexts) : rng.pick(dateNumbers);
    case 'boolean':
      return rng.pick([true, false, 'true', 'false', 'TRUE', '1', 0, 'yes']);
    case 'string':
      return rng.pick([...caseTexts, ...unicodeTexts, '', 'l', 'LL', '42']);
    default:
      return scalar(rng);
  }
};

const paths = [...FIELDS, 'meta.a', 'tags[0]', 'missing'];

/** A value the way n8n's editor stores it: literal, `={{ expression }}` or a `=text {{ template }}`. */
const operand = (rng: Rng, type: string, operation: string, left: boolean): Json => {
  const r = rng.int(10);
  if (r < (left ? 6 : 2)) return `={{ $json.${rng.pick(paths)} }}`;
  if (r < (left ? 7 : 3)) return `=${rng.pick(['', 'x', 'Hello '])}{{ $json.${rng.pick(paths)} }}`;
  if (r < (left ? 8 : 4))
    return `={{ ${rng.pick(['1 + 1', '"Hello"', 'null', '[1, 2]', '({ a: 1 })', 'true', '"2024-01-15"', '$json.a ?? "x"'])} }}`;
  const literal = literalFor(rng, type, operation);
  // The editor saves what is typed as text; JSON written by hand or by tools may hold other types.
  return rng.chance(0.7) && typeof literal !== 'string' ? JSON.stringify(literal) : literal;
};

export const conditionsParameters = (rng: Rng, version: number): Params => {
  const ignoreCase = rng.chance(0.3);
  const loose = rng.chance(0.3);
  const conditions = Array.from({ length: 1 + (rng.chance(0.3) ? rng.int(3) : 0) }, (_, i) => {
    const [type, operation, unary] = rng.pick(filterOperators);
    // n8n's editor marks operators without a right value, and gives a list's contains and length
    // operations a right type of their own; JSON written by hand or by tools may lack either.
    const editorRightType =
      type === 'array' && !unary ? (operation.startsWith('length') ? 'number' : 'any') : undefined;
    const rightType = editorRightType && rng.chance(0.7) ? { rightType: editorRightType } : {};
    const singleValue = unary && rng.chance(0.9) ? { singleValue: true } : {};
    return {
      id: `c${i}`,
      leftValue: operand(rng, type, operation, true),
      rightValue: unary && rng.chance(0.9) ? '' : operand(rng, type, operation, false),
      operator: { type, operation, ...rightType, ...singleValue },
    };
  });
  const options: Params = {};
  if (ignoreCase) options.ignoreCase = true;
  if (loose && version < 2.1) options.looseTypeValidation = true;
  // The filter's own options decide; the node's (ignoreCase, looseTypeValidation) are the editor's copy.
  // Older or hand-written JSON may leave some out (n8n then takes case-sensitive, strict, version 1).
  const filterOptions = Object.fromEntries(
    Object.entries({
      caseSensitive: rng.chance(0.05) ? ignoreCase : !ignoreCase,
      leftValue: '',
      typeValidation: loose ? 'loose' : 'strict',
      version: version >= 2.3 ? 3 : version >= 2.2 ? 2 : 1,
    }).filter(([key]) => key === 'leftValue' || rng.chance(0.95)),
  );
  return {
    conditions: {
      ...(rng.chance(0.03) ? {} : { options: filterOptions }),
      conditions,
      combinator: rng.chance(0.7) ? 'and' : 'or',
    },
    ...(loose && version >= 2.1 ? { looseTypeValidation: true } : {}),
    options,
  };
};

export const conditionsCase = (seed: number): NodeCase => {
  const rng = new Rng(seed);
  const type = rng.chance(0.6) ? 'if' : 'filter';
  const typeVersion = rng.pick([2, 2.1, 2.2, 2.3]);
  return {
    family: 'conditions',
    seed,
    type,
    typeVersion,
    parameters: conditionsParameters(rng, typeVersion),
    items: itemSet(rng),
  };
};

const filterOf = (p: Params): { conditions: unknown[] } & Params => {
  const value = p.conditions;
  if (typeof value === 'object' && value !== null && Array.isArray((value as Params).conditions))
    return value as { conditions: unknown[] } & Params;
  return { conditions: [] };
};

/** Smaller parameter sets to try while a divergence persists: one condition less, `and`, no options. */
export const shrinkConditions = (p: Params): Params[] => {
  const filter = filterOf(p);
  const out: Params[] = [];
  if (filter.conditions.length > 1) {
    filter.conditions.forEach((_, i) =>
      out.push({ ...p, conditions: { ...filter, conditions: filter.conditions.filter((__, j) => j !== i) } }),
    );
  }
  if (filter.combinator === 'or') out.push({ ...p, conditions: { ...filter, combinator: 'and' } });
  if (p.looseTypeValidation !== undefined) {
    const { looseTypeValidation: _, ...rest } = p;
    out.push(rest);
  }
  if (typeof p.options === 'object' && p.options !== null && Object.keys(p.options).length > 0)
    out.push({ ...p, options: {} });
  return out;
};

export const conditionsFamily: Family = {
  name: 'conditions',
  generate: conditionsCase,
  shrink: shrinkConditions,
  coverage: () => ({ 'Regular expressions': regexes.map((r) => JSON.stringify(r)), 'Fields read': paths }),
  key: (c) => {
    const ops = filterOf(c.parameters).conditions.map((raw) => {
      const op = (raw as { operator?: { type?: unknown; operation?: unknown } }).operator;
      return `${String(op?.type)}:${String(op?.operation)}`;
    });
    return `${c.type} ${[...new Set(ops)].sort().join(' ')}`;
  },
};
