import { NodeError } from '../runner/types.ts';

/**
 * A list of field names as n8n's item-list nodes take it (prepareFieldsArray):
 * text split at commas, each name trimmed, empty ones dropped; a list as it
 * is; anything else is refused.
 */
export const namesOf = (value: unknown, label: string): unknown[] => {
  if (value === undefined) return [];
  if (typeof value === 'string')
    return value
      .split(',')
      .map((f) => f.trim())
      .filter((f) => f !== '');
  if (Array.isArray(value)) return value;
  throw new NodeError(
    `The '${label}' parameter must be a string of fields separated by commas or an array of strings.`,
  );
};

/** Sets a key as data, even "__proto__" (which a plain assignment would turn into the object's prototype). */
export const setOwn = (object: Record<string, unknown>, key: string, value: unknown): void => {
  if (key === '__proto__')
    Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
  else object[key] = value;
};

/** An own field, or nothing ("constructor" of an item is not a function). */
export const own = (object: Record<string, unknown>, key: string): unknown =>
  Object.prototype.hasOwnProperty.call(object, key) ? object[key] : undefined;
