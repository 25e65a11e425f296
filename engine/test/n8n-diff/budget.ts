import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The knobs of `npm run test:n8n-diff`:
 * - WEFT_N8N_DIFF_BUDGET: `short` (the default: 300 cases per node family and
 *   300 random workflows), `long` (1,250 cases per node family — 20,000 over
 *   the 16 families — and 2,000 random workflows), or one count for both;
 * - WEFT_N8N_DIFF_SEED: the first case's seed (1 by default; case i has seed + i);
 * - WEFT_N8N_DIFF_FAMILY: run only these families (names, comma-separated; `graphs` is one).
 */

const budgets: Record<string, { node: number; workflow: number }> = {
  short: { node: 300, workflow: 300 },
  long: { node: 1_250, workflow: 2_000 },
};

export const caseBudget = (kind: 'node' | 'workflow' = 'node'): number => {
  const raw = process.env.WEFT_N8N_DIFF_BUDGET ?? 'short';
  const n = budgets[raw]?.[kind] ?? Number(raw);
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

/** WEFT_N8N_DIFF_FAMILY names one family or several, comma-separated. */
export const familySelected = (name: string): boolean => {
  const only = process.env.WEFT_N8N_DIFF_FAMILY;
  return !only || only.split(',').some((f) => f.trim() === name);
};

/** Full reports go beside Playwright's, in test-results/ (ignored by git): the terminal gets a summary. */
export const writeResult = (file: string, text: string): string => {
  const dir = fileURLToPath(new URL('../../../test-results/n8n-diff/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  writeFileSync(`${dir}${file}`, text);
  return `${dir}${file}`;
};

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * The code a differential result depends on: a change under these paths makes
 * a recorded result stale. The scripts that only write documentation from
 * results are left out (git pathspec excludes).
 */
export const CODE_PATHS = [
  'engine/src',
  'shared/src',
  'engine/test/n8n-diff',
  'bench/engine/n8n-baseline/package.json',
  ':(exclude)engine/test/n8n-diff/write-compat-doc.ts',
  ':(exclude)engine/test/n8n-diff/write-param-table.ts',
  ':(exclude)engine/test/n8n-diff/coverage.ts',
  ':(exclude)engine/test/n8n-diff/coverage.test.ts',
];

export const git = (args: readonly string[]): string =>
  execFileSync('git', args, { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();

/** What a result was produced on: the commit, and the code files changed from it at the time (none for a clean run). */
export interface RunStamp {
  commit: string;
  uncommitted: string[];
  at: string;
}

export const runStamp = (): RunStamp => {
  const at = new Date().toISOString();
  try {
    const uncommitted = git(['status', '--porcelain', '--', ...CODE_PATHS])
      .split('\n')
      .filter((line) => line !== '');
    return { commit: git(['rev-parse', 'HEAD']), uncommitted, at };
  } catch {
    // Not a git checkout: nothing ties the result to a version of the code.
    return { commit: 'unknown', uncommitted: [], at };
  }
};
