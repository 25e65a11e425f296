/**
 * Parameter values as text. Parameters come from documents and expressions,
 * so any JSON value may arrive where text is expected: objects read as JSON,
 * nothing (or empty text) as the fallback.
 */
export const str = (value: unknown, fallback = ''): string => {
  if (value === undefined || value === null || value === '') return fallback;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
};
