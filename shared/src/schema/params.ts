import type { ListFieldParam, ParamSpec } from '../nodes/types.ts';

/** `={{ ... }}` and any other value starting with "=" is an expression, evaluated when the node runs. */
export const isExpression = (value: unknown): value is string => typeof value === 'string' && value.startsWith('=');

const describeType = (value: unknown): string =>
  value === null
    ? 'null'
    : Array.isArray(value)
      ? 'a list'
      : typeof value === 'object'
        ? 'an object'
        : `a ${typeof value}`;

/**
 * Checks one parameter value against its spec; returns what is wrong, or null.
 * Any non-text parameter may hold an expression instead of a literal.
 */
export const checkParamValue = (spec: ParamSpec | ListFieldParam, value: unknown): string | null => {
  switch (spec.kind) {
    case 'string':
    case 'json':
    case 'code':
      return typeof value === 'string' ? null : `must be text, not ${describeType(value)}`;
    case 'number': {
      if (isExpression(value)) return null;
      if (typeof value !== 'number' || !Number.isFinite(value)) return `must be a number, not ${describeType(value)}`;
      if (spec.integer && !Number.isInteger(value)) return 'must be a whole number';
      if (spec.min !== undefined && value < spec.min) return `must be at least ${spec.min}`;
      if (spec.max !== undefined && value > spec.max) return `must be at most ${spec.max}`;
      return null;
    }
    case 'boolean':
      return typeof value === 'boolean' || isExpression(value)
        ? null
        : `must be true or false, not ${describeType(value)}`;
    case 'options': {
      if (isExpression(value)) return null;
      if (spec.options.some((o) => o.value === value)) return null;
      const allowed = spec.options.map((o) => o.value);
      const shown = allowed.length > 8 ? `${allowed.slice(0, 8).join(', ')}, …` : allowed.join(', ');
      return `must be one of ${shown} (got ${JSON.stringify(value)})`;
    }
    case 'list': {
      if (!Array.isArray(value)) return `must be a list, not ${describeType(value)}`;
      for (let i = 0; i < value.length; i++) {
        const row: unknown = value[i];
        if (typeof row !== 'object' || row === null || Array.isArray(row)) return `row ${i + 1} must be an object`;
        for (const [key, fieldValue] of Object.entries(row)) {
          const field = spec.fields.find((f) => f.name === key);
          if (!field) return `row ${i + 1} has an unknown field "${key}"`;
          const problem = checkParamValue(field, fieldValue);
          if (problem) return `row ${i + 1}, field "${key}" ${problem}`;
        }
      }
      return null;
    }
  }
};

/** Whether a parameter counts as filled in (for `required` checks before a run). */
export const isFilled = (value: unknown): boolean =>
  !(value === undefined || value === null || (typeof value === 'string' && value.trim().length === 0));

/** Whether a field with `showWhen` is visible (and therefore in force) for these parameter values. */
export const isShown = (
  showWhen: Record<string, readonly (string | number | boolean)[]> | undefined,
  params: Record<string, unknown>,
): boolean => {
  if (!showWhen) return true;
  return Object.entries(showWhen).every(([name, values]) => values.includes(params[name] as string | number | boolean));
};

/** A parameter as text where text is expected (a path, a cron expression): anything else reads as the fallback. */
export const paramText = (value: unknown, fallback = ''): string =>
  typeof value === 'string' && value !== '' ? value : typeof value === 'number' ? String(value) : fallback;
