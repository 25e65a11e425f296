import { CUSTOM_DATA_KEY } from '#shared/runs/custom-data.ts';

/**
 * The executions panel's custom data filter (`GET /api/executions?custom=key:value`): the query part for a key
 * and value typed in, '' when there is no key, or the reason the key cannot be one a run saves.
 */
export const customFilterQuery = (key: string, value: string): { query: string } | { problem: string } => {
  const k = key.trim();
  if (k === '') return { query: '' };
  if (!CUSTOM_DATA_KEY.test(k)) return { problem: 'A key is letters, numbers and underscores' };
  return { query: `&custom=${encodeURIComponent(`${k}:${value}`)}` };
};

/** A run's custom data as the list shows it, in the order the run saved it. */
export const customDataEntries = (data: Record<string, string> | null | undefined): [string, string][] =>
  data ? Object.entries(data) : [];
