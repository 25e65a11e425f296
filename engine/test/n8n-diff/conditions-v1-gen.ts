import type { Family } from './differ.ts';
import { caseTexts, dateNumbers, dateTexts, FIELDS, itemSet, numberTexts, scalar, type Json } from './items.ts';
import type { NodeCase, Params } from './node-case.ts';
import { Rng } from './rng.ts';

const shown = (v: unknown, fallback: string): string => (v === undefined ? fallback : JSON.stringify(v));

/**
 * IF 1 and Filter 1: conditions listed by data type (boolean, dateTime,
 * number, string, in any order in the JSON), every operation of each type and
 * some left out (n8n's defaults), values as typed literals, as text, as
 * `={{ … }}` expressions and left out, combined by all/any (IF) or AND/OR
 * (Filter). Also used for Switch 1 and 2's rules (switch-v1-gen.ts).
 */

export const legacyOperations: Record<string, readonly string[]> = {
  boolean: ['equal', 'notEqual'],
  dateTime: ['after', 'before'],
  number: ['smaller', 'smallerEqual', 'equal', 'notEqual', 'larger', 'largerEqual', 'isEmpty', 'isNotEmpty'],
  string: [
    'contains',
    'notContains',
    'endsWith',
    'notEndsWith',
    'equal',
    'notEqual',
    'regex',
    'notRegex',
    'startsWith',
    'notStartsWith',
    'isEmpty',
    'isNotEmpty',
  ],
};

const paths = [...FIELDS, 'meta.a', 'tags[0]', 'missing'];

/** A value as n8n's typed fields hold it: a literal of the field's type (or not), an expression, text. */
export const legacyValue = (rng: Rng, type: string): Json => {
  const r = rng.int(10);
  if (r < 4) return `={{ $json.${rng.pick(paths)} }}`;
  if (r < 5)
    return `={{ ${rng.pick(['1 + 1', '"Hello"', 'null', '[1, 2]', '({ a: 1 })', 'true', '"2024-01-15"', '0'])} }}`;
  switch (type) {
    case 'boolean':
      return rng.pick([true, false, 'true', 0]);
    case 'dateTime':
      return rng.chance(0.8) ? rng.pick(dateTexts) : rng.pick(dateNumbers);
    case 'number':
      return rng.chance(0.7) ? rng.pick([0, 1, -1, 3.5, 42]) : rng.pick(numberTexts);
    default:
      return rng.chance(0.8)
        ? rng.pick([...caseTexts, '', 'l', '/hello/i', '^H', 'o$', '/(/', '42'])
        : (scalar(rng) ?? '');
  }
};

export const legacyCondition = (rng: Rng, type: string, withValue1 = true): Params => {
  const c: Params = {};
  if (withValue1 && rng.chance(0.9)) c.value1 = legacyValue(rng, type);
  if (rng.chance(0.9)) c.operation = rng.pick(legacyOperations[type] ?? []);
  if (rng.chance(0.85)) c.value2 = legacyValue(rng, type);
  return c;
};

export const conditionsV1Parameters = (rng: Rng, type: 'if' | 'filter'): Params => {
  const conditions: Params = {};
  const count = 1 + (rng.chance(0.4) ? rng.int(3) : 0);
  for (let i = 0; i < count; i++) {
    const dataType = rng.pick(Object.keys(legacyOperations));
    conditions[dataType] = [...((conditions[dataType] as Params[] | undefined) ?? []), legacyCondition(rng, dataType)];
  }
  const any = rng.chance(0.4);
  const combine = type === 'if' ? { combineOperation: any ? 'any' : 'all' } : { combineConditions: any ? 'OR' : 'AND' };
  return { conditions, ...(rng.chance(0.8) ? combine : {}) };
};

export const conditionsV1Case = (seed: number): NodeCase => {
  const rng = new Rng(seed);
  const type = rng.chance(0.6) ? 'if' : 'filter';
  return {
    family: 'conditions-v1',
    seed,
    type,
    typeVersion: 1,
    parameters: conditionsV1Parameters(rng, type),
    items: itemSet(rng),
  };
};

const groupsOf = (p: Params): Record<string, Params[]> => {
  const value = p.conditions;
  return typeof value === 'object' && value !== null ? (value as Record<string, Params[]>) : {};
};

/** One condition less. */
export const shrinkConditionsV1 = (p: Params): Params[] => {
  const out: Params[] = [];
  for (const [type, list] of Object.entries(groupsOf(p))) {
    if (!Array.isArray(list)) continue;
    list.forEach((_, i) => {
      const rest = list.filter((__, j) => j !== i);
      const groups = Object.fromEntries(
        Object.entries({ ...groupsOf(p), [type]: rest }).filter(([, l]) => Array.isArray(l) && l.length > 0),
      );
      if (Object.keys(groups).length > 0) out.push({ ...p, conditions: groups });
    });
  }
  return out;
};

export const conditionsV1Family: Family = {
  name: 'conditions-v1',
  generate: conditionsV1Case,
  shrink: shrinkConditionsV1,
  key: (c) => {
    const ops = Object.entries(groupsOf(c.parameters)).flatMap(([type, list]) =>
      Array.isArray(list) ? list.map((x) => `${type}:${shown(x.operation, '(default)')}`) : [],
    );
    return `${c.type}@1 ${[...new Set(ops)].sort().join(' ')}`;
  },
};
