import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The knobs of `npm run test:n8n-diff`:
 * - WEFT_N8N_DIFF_BUDGET: `short` (the default: 300 cases per node family),
 *   `long` (20,000), or a number of cases;
 * - WEFT_N8N_DIFF_SEED: the first case's seed (1 by default; case i has seed + i);
 * - WEFT_N8N_DIFF_FAMILY: run one node family only (its name).
 */

const budgets: Record<string, number> = { short: 300, long: 20_000 };

export const caseBudget = (): number => {
  const raw = process.env.WEFT_N8N_DIFF_BUDGET ?? 'short';
  const n = budgets[raw] ?? Number(raw);
  if (!Number.isInteger(n) || n < 1)
    throw new Error(`WEFT_N8N_DIFF_BUDGET must be short, long or a count, not "${raw}"`);
  return n;
};

export const firstSeed = (): number => {
  const raw = process.env.WEFT_N8N_DIFF_SEED ?? '1';
  const n = Number(raw);
  if (!Number.isInteger(n)) throw new Error(`WEFT_N8N_DIFF_SEED must be an integer, not "${raw}"`);
  return n;
};

export const familySelected = (name: string): boolean => {
  const only = process.env.WEFT_N8N_DIFF_FAMILY;
  return !only || only === name;
};

/** Full reports go beside Playwright's, in test-results/ (ignored by git): the terminal gets a summary. */
export const writeResult = (file: string, text: string): string => {
  const dir = fileURLToPath(new URL('../../../test-results/n8n-diff/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  writeFileSync(`${dir}${file}`, text);
  return `${dir}${file}`;
};
