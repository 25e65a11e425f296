import {
  fieldsOfExample as sharedFieldsOfExample,
  triggerFields as sharedTriggerFields,
  type WorkflowInputField,
  type WorkflowInputType,
} from '#shared/nodes/workflows.ts';
import type { Item, JsonObject } from '#shared/runs/items.ts';
import { NodeError } from '../runner/types.ts';
import { jsString, parseObjectLiteral } from './set-conversions.ts';

/**
 * Workflow inputs as n8n 2.41.1 passes them: the Execute Workflow node checks
 * (and with "attempt to convert types", converts) each mapped value against
 * its declared type with n8n-workflow's validateFieldType, sets it on the item
 * and drops removed fields (workflowInputsResourceMapping/GenericFunctions.ts);
 * the child's Execute Workflow Trigger keeps the fields its schema declares,
 * null where one is missing, or everything in "accept all data".
 */

export type InputField = WorkflowInputField;

type Checked = { valid: true; value: unknown } | { valid: false };
const INVALID: Checked = { valid: false };

/** n8n's getValueDescription. */
const describe = (value: unknown): string => {
  if (value === null) return "'null'";
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'object') return 'object';
  return `'${jsString(value)}'`;
};

const toNumber = (value: unknown): Checked => {
  const n = Number(value);
  return Number.isNaN(n) ? INVALID : { valid: true, value: n };
};

const toBoolean = (value: unknown): Checked => {
  if (typeof value === 'boolean') return { valid: true, value };
  if (typeof value === 'string' && ['true', 'false'].includes(value.toLowerCase()))
    return { valid: true, value: value.toLowerCase() === 'true' };
  if (!(typeof value === 'string' && value.trim() === '')) {
    const n = Number(value);
    if (n === 0) return { valid: true, value: false };
    if (n === 1) return { valid: true, value: true };
  }
  return INVALID;
};

const toArray = (value: unknown): Checked => {
  if (Array.isArray(value)) return { valid: true, value };
  for (const text of [jsString(value), jsString(value).replace(/'/g, '"')]) {
    try {
      const parsed = JSON.parse(text) as unknown;
      return Array.isArray(parsed) ? { valid: true, value: parsed } : INVALID;
    } catch {
      // n8n tries single quotes as double ones next.
    }
  }
  return INVALID;
};

const toObject = (value: unknown): Checked => {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) return { valid: true, value };
  const text = jsString(value);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = parseObjectLiteral(text);
  }
  return typeof parsed === 'object' && !Array.isArray(parsed) ? { valid: true, value: parsed } : INVALID;
};

/**
 * n8n-workflow's validateFieldType for the six input types. `strict` (no
 * "attempt to convert types") refuses a value of another JavaScript type;
 * `parseStrings` turns anything given to a string input into text.
 * undefined means "no new value" (n8n's `newValue` left unset).
 */
export const checkInputValue = (
  name: string,
  value: unknown,
  type: WorkflowInputType,
  options: { strict: boolean; parseStrings: boolean },
  itemIndex = 0,
): unknown => {
  if (value === null || value === undefined) return undefined;
  const { strict, parseStrings } = options;
  let checked: Checked;
  switch (type) {
    case 'any':
      return value;
    case 'string':
      if (!parseStrings) return value;
      checked =
        strict && typeof value !== 'string'
          ? INVALID
          : { valid: true, value: typeof value === 'object' ? JSON.stringify(value) : jsString(value) };
      break;
    case 'number':
      checked = strict && typeof value !== 'number' ? INVALID : toNumber(value);
      break;
    case 'boolean':
      checked = strict && typeof value !== 'boolean' ? INVALID : toBoolean(value);
      break;
    case 'object':
      // lodash's isObject: lists and functions count too, then tryToParseObject refuses a list.
      checked = strict && typeof value !== 'object' ? INVALID : toObject(value);
      break;
    case 'array':
      checked = strict && !Array.isArray(value) ? INVALID : toArray(value);
      break;
  }
  if (!checked.valid) {
    throw new NodeError(
      `Invalid input for '${name}' [item ${itemIndex}]`,
      `'${name}' expects a ${type} but we got ${describe(value)}`,
    );
  }
  return checked.value;
};

export interface MappedInput {
  name: string;
  value: unknown;
  type: WorkflowInputType;
  removed: boolean;
}

/**
 * The items the child gets: each item's JSON with the mapped values set on it (checked against their types),
 * without removed fields (n8n's getCurrentWorkflowInputData). `mapped[i]` are item i's resolved inputs.
 */
export const childInputItems = (
  items: readonly Item[],
  mapped: readonly (readonly MappedInput[])[],
  options: { strict: boolean; parseStrings: boolean },
): Item[] =>
  items.map((item, i) => {
    const json: JsonObject = { ...item.json };
    const fields = mapped[i] ?? [];
    for (const field of fields) {
      if (field.removed || field.name === '') continue;
      const value = checkInputValue(field.name, field.value, field.type, options, i);
      // n8n sets the field to undefined, which leaves it out of the JSON the child gets.
      if (value === undefined) Reflect.deleteProperty(json, field.name);
      else json[field.name] = value;
    }
    for (const field of fields) if (field.removed) Reflect.deleteProperty(json, field.name);
    return { json };
  });

/** n8n's JSON example's fields; throws n8n's refusal as the node's error. */
export const fieldsOfExample = (text: string): InputField[] => {
  const fields = sharedFieldsOfExample(text);
  if ('error' in fields) throw new NodeError(fields.error);
  return fields;
};

/** The fields a trigger declares; undefined in "accept all data". */
export const triggerFields = (params: JsonObject): InputField[] | undefined => {
  const fields = sharedTriggerFields(params);
  if (fields && 'error' in fields) throw new NodeError(fields.error);
  return fields;
};

/** The trigger's output: its schema's fields (null when missing) of each item, or the items as they came. */
export const itemsInSchema = (items: readonly Item[], fields: readonly InputField[] | undefined): Item[] => {
  if (!fields) return items.map((item) => ({ json: item.json }));
  const names = new Set(fields.map((f) => f.name));
  return items.map((item) => {
    const json: JsonObject = {};
    for (const f of fields) json[f.name] = null;
    for (const key of Object.keys(item.json)) if (names.has(key)) json[key] = item.json[key];
    return { json };
  });
};
