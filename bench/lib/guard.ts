import { fmt } from './stats.ts';

/**
 * The regression guard of the benchmarks' `--quick` modes, which `.ci/run`
 * runs after the browser tests: each bench hands its measured figures here by
 * row id; a row whose target is enforced fails the run (exit code 1) when it
 * misses the target by more than its margin. The targets, margins and which
 * rows are enforced are in guard-targets.ts; the evidence for the margins is
 * in docs/benchmarks.md › Regression guards in CI.
 */

export interface GuardTarget {
  /** The key a bench hands its measured figure under. */
  id: string;
  /** What the row measures, as the bench's own table names it. */
  label: string;
  /** `max`: the figure must be ≤ target; `min`: ≥ target. */
  direction: 'max' | 'min';
  target: number;
  unit: string;
  /**
   * How far past the target a figure may be before the guard fails, as a
   * fraction of the target: 0.5 on `≤ 16 ms` fails above 24 ms, 0.25 on
   * `≥ 20×` fails below 15×.
   */
  margin: number;
  /** false: printed with its verdict but never fails the run (a target not met yet). */
  enforced: boolean;
}

/** The ids a bench hands its figures under. */
export type GuardId<T extends readonly GuardTarget[]> = T[number]['id'];

export type Verdict = 'met' | 'within margin' | 'FAILED' | 'missed (reported)' | 'not measured';

export interface GuardRow extends GuardTarget {
  measured: number;
  /** The figure past which the row fails: target × (1 ± margin). */
  limit: number;
  verdict: Verdict;
}

export interface GuardResult {
  rows: GuardRow[];
  failed: GuardRow[];
}

/**
 * Overrides from the environment, for showing that a guard can fail and for
 * reading a target strictly: WEFT_GUARD_MARGIN replaces every row's margin
 * (0 = the target itself); WEFT_GUARD_ENFORCE=all or a list of row ids
 * enforces reported rows too.
 */
export interface GuardOverrides {
  margin?: number;
  enforce?: 'all' | Set<string>;
}

export const overridesFromEnv = (env: NodeJS.ProcessEnv = process.env): GuardOverrides => {
  const overrides: GuardOverrides = {};
  const margin = env.WEFT_GUARD_MARGIN;
  if (margin !== undefined && margin !== '') {
    const value = Number(margin);
    if (!Number.isFinite(value) || value < 0) throw new Error(`WEFT_GUARD_MARGIN must be a number ≥ 0, not ${margin}`);
    overrides.margin = value;
  }
  const enforce = env.WEFT_GUARD_ENFORCE;
  if (enforce) overrides.enforce = enforce === 'all' ? 'all' : new Set(enforce.split(',').map((s) => s.trim()));
  return overrides;
};

const limitOf = (t: GuardTarget, margin: number): number =>
  t.direction === 'max' ? t.target * (1 + margin) : t.target * (1 - margin);

/** Every target gets a verdict; a figure that is missing or not a number fails an enforced row. */
export const evaluate = (
  targets: readonly GuardTarget[],
  measured: Readonly<Partial<Record<string, number>>>,
  overrides: GuardOverrides = {},
): GuardResult => {
  const rows = targets.map((t): GuardRow => {
    const margin = overrides.margin ?? t.margin;
    const enforced = t.enforced || overrides.enforce === 'all' || (overrides.enforce?.has(t.id) ?? false);
    const value = measured[t.id] ?? Number.NaN;
    const limit = limitOf(t, margin);
    const within = (bound: number) => (t.direction === 'max' ? value <= bound : value >= bound);
    let verdict: Verdict;
    if (Number.isFinite(value) && within(t.target)) verdict = 'met';
    else if (!enforced) verdict = Number.isFinite(value) ? 'missed (reported)' : 'not measured';
    else if (Number.isFinite(value) && within(limit)) verdict = 'within margin';
    else verdict = 'FAILED';
    return { ...t, margin, enforced, measured: value, limit, verdict };
  });
  return { rows, failed: rows.filter((r) => r.verdict === 'FAILED') };
};

const num = (n: number, unit: string): string => {
  const digits = unit === '×' ? 2 : Math.abs(n) >= 100 ? 0 : 1;
  return unit === '×' ? `${fmt(n, digits)}×` : `${fmt(n, digits)} ${unit}`;
};

/** The table a CI log shows: every row with its target, margin, limit and measured figure. */
export const formatGuard = (bench: string, result: GuardResult): string => {
  const lines = [
    `Regression guard, ${bench} (docs/benchmarks.md › Regression guards in CI)`,
    '',
    '| row | measured | target | margin | fails if | enforced | verdict |',
    '| --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const r of result.rows) {
    const op = r.direction === 'max' ? '≤' : '≥';
    const past = r.direction === 'max' ? '>' : '<';
    lines.push(
      `| ${r.label} | ${num(r.measured, r.unit)} | ${op} ${num(r.target, r.unit)} | ${fmt(r.margin * 100, 0)} % | ${past} ${num(r.limit, r.unit)} | ${r.enforced ? 'yes' : 'no'} | ${r.verdict} |`,
    );
  }
  lines.push('');
  const enforced = result.rows.filter((r) => r.enforced).length;
  lines.push(
    result.failed.length === 0
      ? `guard passed: ${enforced} enforced row(s) within their margins`
      : `guard FAILED: ${result.failed
          .map(
            (r) =>
              `${r.label} measured ${num(r.measured, r.unit)}, fails ${r.direction === 'max' ? 'above' : 'below'} ${num(r.limit, r.unit)}`,
          )
          .join('; ')}`,
  );
  return lines.join('\n');
};

/**
 * Evaluates a bench's figures against its targets, prints the table to stdout
 * and sets the exit code when an enforced row failed (the bench still closes
 * its servers and browser on the way out).
 */
export const runGuard = <T extends readonly GuardTarget[]>(
  bench: string,
  targets: T,
  measured: Readonly<Partial<Record<GuardId<T>, number>>>,
): GuardResult => {
  const result = evaluate(targets, measured, overridesFromEnv());
  process.stdout.write(`\n${formatGuard(bench, result)}\n`);
  if (result.failed.length > 0) process.exitCode = 1;
  return result;
};
