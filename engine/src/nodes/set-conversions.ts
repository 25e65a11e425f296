import { parse, type Node } from 'acorn';
import { jsonrepair } from 'jsonrepair';
import { NodeError } from '../runner/types.ts';

/**
 * How Edit Fields (Set) turns a field's value into its declared type, rule for
 * rule as n8n's versions do it (Set 1 and 2: `values` per type; Edit Fields
 * 3–3.2 and 3.3+: n8n-workflow's validateFieldType behind validateEntry).
 * `strict` is the current rule set, the one a node made in Weft's editor uses.
 */

export const CONVERSIONS = ['strict', 'n8n3.2', 'n8n3.1', 'n8n3', 'n8n2', 'n8n1'] as const;
export type Conversion = (typeof CONVERSIONS)[number];

export const conversionOf = (value: unknown): Conversion =>
  (CONVERSIONS as readonly unknown[]).includes(value) ? (value as Conversion) : 'strict';

/** Set 1 and 2 set each field as it comes; Edit Fields 3+ gathers them by name first (last value, first place). */
export const isLegacy = (c: Conversion): boolean => c === 'n8n1' || c === 'n8n2';

export type FieldType = 'string' | 'number' | 'boolean' | 'array' | 'object';

/** JavaScript's String(value), spelled out: an object reads "[object Object]", a list its entries joined by commas. */
export const jsString = (value: unknown): string => {
  if (Array.isArray(value))
    return value.map((v: unknown) => (v === null || v === undefined ? '' : jsString(v))).join(',');
  if (typeof value === 'object' && value !== null) return '[object Object]';
  return String(value);
};

/** How n8n names a value in its messages. */
const describe = (value: unknown): string => {
  if (value === null) return "'null'";
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'object') return 'object';
  return `'${jsString(value)}'`;
};

const fail = Symbol('not convertible');

/** Number(value) unless that is NaN. */
const toNumber = (value: unknown): number | typeof fail => {
  const n = Number(value);
  return Number.isNaN(n) ? fail : n;
};

const toBoolean = (value: unknown): boolean | typeof fail => {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && ['true', 'false'].includes(value.toLowerCase()))
    return value.toLowerCase() === 'true';
  if (!(typeof value === 'string' && value.trim() === '')) {
    const n = Number(value);
    if (n === 0) return false;
    if (n === 1) return true;
  }
  return fail;
};

const toArray = (value: unknown): unknown[] | typeof fail => {
  if (Array.isArray(value)) return value as unknown[];
  let parsed: unknown;
  try {
    parsed = JSON.parse(jsString(value)) as unknown;
  } catch {
    try {
      // n8n's second try: single quotes read as double ones.
      parsed = JSON.parse(jsString(value).replace(/'/g, '"')) as unknown;
    } catch {
      return fail;
    }
  }
  return Array.isArray(parsed) ? parsed : fail;
};

const toObject = (value: unknown): unknown => {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value;
  const text = jsString(value);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = parseObjectLiteral(text);
    if (parsed === fail) return fail;
  }
  // "null" passes: n8n asks only typeof === 'object'.
  return typeof parsed !== 'object' || Array.isArray(parsed) ? fail : parsed;
};

/**
 * A JavaScript object literal written as text (`{a: 1, 'b': [x]}`), read the
 * way n8n's jsonParse with acceptJSObject reads it: keys and values are taken
 * from the syntax, never evaluated — a name stands for its own text, and
 * anything else than a literal, list, object or negated number is undefined.
 */
export const parseObjectLiteral = (text: string): unknown => {
  let body: Node[];
  try {
    // Esprima (n8n's parser) knows ES2017: object spread and the like are syntax errors there too.
    body = (parse(`(${text})`, { ecmaVersion: 2017, sourceType: 'script' }) as unknown as { body: Node[] }).body;
  } catch {
    return fail;
  }
  const statement = body.find(
    (n) =>
      n.type === 'ExpressionStatement' && (n as unknown as { expression: Node }).expression.type === 'ObjectExpression',
  );
  return statement ? valueOfSyntax((statement as unknown as { expression: Node }).expression) : undefined;
};

interface Syntax {
  type: string;
  name?: string;
  value?: unknown;
  operator?: string;
  argument?: Syntax;
  elements?: (Syntax | null)[];
  properties?: { type: string; key: Syntax; value: Syntax }[];
}

const valueOfSyntax = (node: Syntax | null | undefined): unknown => {
  switch (node?.type) {
    case 'ObjectExpression': {
      const out: Record<string, unknown> = {};
      for (const p of node.properties ?? []) {
        if (p.type !== 'Property') continue;
        const key = String(valueOfSyntax(p.key));
        // Object.fromEntries in n8n: "__proto__" is an own key there, so it must stay data here.
        Object.defineProperty(out, key, {
          value: valueOfSyntax(p.value),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      return out;
    }
    case 'Identifier':
      return node.name;
    case 'Literal':
      return node.value instanceof RegExp ? {} : node.value;
    case 'ArrayExpression':
      return (node.elements ?? []).map((e) => valueOfSyntax(e));
    case 'UnaryExpression': {
      const value = valueOfSyntax(node.argument);
      return typeof value === 'number' && node.operator === '-' ? -value : value;
    }
    default:
      return undefined;
  }
};

/**
 * JSON as Edit Fields' JSON mode reads it (n8n's jsonParse with repairJSON):
 * strict JSON first, then the text as jsonrepair mends it.
 */
export const parseRepairedJson = (text: string): unknown => {
  try {
    return JSON.parse(text) as unknown;
  } catch (first) {
    try {
      return JSON.parse(jsonrepair(text)) as unknown;
    } catch {
      throw first;
    }
  }
};

/** The typed value of a field in Edit Fields 3+ (n8n's validateEntry), per version. */
export const convertEntry = (
  name: string,
  type: string,
  input: unknown,
  conversion: Conversion,
  ignoreErrors: boolean,
  itemIndex: number,
): unknown => {
  let value = input;
  const atLeast32 = conversion === 'strict' || conversion === 'n8n3.2';
  if (atLeast32 && (value === undefined || value === null)) return null;
  if (type === 'string') {
    if (conversion === 'n8n3.1' && (value === undefined || value === null)) {
      if (ignoreErrors) return null;
      throw new NodeError(`'${name}' expects a string but we got ${describe(value)} [item ${itemIndex}]`);
    }
    value = typeof value === 'object' ? JSON.stringify(value) : jsString(value);
  }
  if (value === undefined || value === null) return null;
  let converted: unknown;
  switch (type) {
    case 'string':
      converted = value;
      break;
    case 'number':
      converted = toNumber(value);
      break;
    case 'boolean':
      converted = toBoolean(value);
      break;
    case 'array':
      converted = toArray(value);
      break;
    case 'object':
      converted = toObject(value);
      break;
    default:
      throw new NodeError(`field "${name}": unknown type "${type}"`);
  }
  if (converted === fail) {
    if (ignoreErrors) return value;
    throw new NodeError(
      `'${name}' expects a ${type} but we got ${describe(value)} [item ${itemIndex}]`,
      `To fix the error try to change the type for the field "${name}" or turn on "Ignore type conversion errors"`,
    );
  }
  return converted ?? null;
};

/**
 * Set 1 and 2: a boolean is the value's truthiness, a number stays as given
 * (Set 2 reads a numeric text as its number), anything else is set as it is.
 * `literal` says the value was typed in rather than computed: n8n stored those
 * as real booleans and numbers, Weft as their text.
 */
export const convertLegacy = (type: string, value: unknown, conversion: Conversion, literal: boolean): unknown => {
  if (type === 'boolean') {
    if (literal && typeof value === 'string') return value !== '' && value !== 'false';
    return Boolean(value);
  }
  if (type === 'number') {
    if (typeof value === 'string' && (literal || conversion === 'n8n2') && !Number.isNaN(Number(value))) {
      // n8n 1 stored a typed-in number as a number; Weft keeps it as text (an empty one is n8n's default 0).
      return Number(value);
    }
    return value;
  }
  return value;
};
