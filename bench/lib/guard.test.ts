import { describe, expect, it } from 'vitest';
import { evaluate, formatGuard, overridesFromEnv, type GuardTarget } from './guard.ts';
import { CLIENT_GUARD, ENGINE_GUARD, SYNC_GUARD } from './guard-targets.ts';

const drag: GuardTarget = {
  id: 'drag',
  label: 'drag p95',
  direction: 'max',
  target: 16,
  unit: 'ms',
  margin: 0.5,
  enforced: true,
};
const ratio: GuardTarget = {
  id: 'ratio',
  label: 'Weft ÷ n8n',
  direction: 'min',
  target: 20,
  unit: '×',
  margin: 0.25,
  enforced: true,
};
const pending: GuardTarget = {
  id: 'pending',
  label: 'webhooks/s',
  direction: 'min',
  target: 3000,
  unit: '/s',
  margin: 0.5,
  enforced: false,
};

describe('the regression guard', () => {
  it('passes a row inside its target or its margin, and fails one past the margin', () => {
    const verdicts = (d: number, r: number) =>
      evaluate([drag, ratio], { drag: d, ratio: r }).rows.map((row) => row.verdict);
    expect(verdicts(12, 25)).toEqual(['met', 'met']);
    expect(verdicts(20, 16)).toEqual(['within margin', 'within margin']);
    expect(verdicts(24, 15)).toEqual(['within margin', 'within margin']);
    expect(verdicts(24.1, 14.9)).toEqual(['FAILED', 'FAILED']);
    const result = evaluate([drag, ratio], { drag: 30, ratio: 25 });
    expect(result.failed.map((r) => r.id)).toEqual(['drag']);
    expect(result.failed[0]?.limit).toBe(24);
  });

  it('reports a row whose guard is off without failing on it', () => {
    const result = evaluate([pending], { pending: 1500 });
    expect(result.rows[0]?.verdict).toBe('missed (reported)');
    expect(result.failed).toEqual([]);
    expect(evaluate([pending], { pending: 3100 }).rows[0]?.verdict).toBe('met');
    expect(evaluate([pending], {}).rows[0]?.verdict).toBe('not measured');
  });

  it('fails an enforced row whose figure is missing or not a number', () => {
    expect(evaluate([drag, ratio], { drag: Number.NaN }).failed.map((r) => r.id)).toEqual(['drag', 'ratio']);
  });

  it('tightens or enforces from the environment', () => {
    const strict = overridesFromEnv({ WEFT_GUARD_MARGIN: '0', WEFT_GUARD_ENFORCE: 'pending' });
    const result = evaluate([drag, pending], { drag: 16.5, pending: 2000 }, strict);
    expect(result.rows.map((r) => r.verdict)).toEqual(['FAILED', 'FAILED']);
    expect(result.rows[0]?.limit).toBe(16);
    expect(evaluate([pending], { pending: 1000 }, overridesFromEnv({ WEFT_GUARD_ENFORCE: 'all' })).failed).toHaveLength(
      1,
    );
    expect(() => overridesFromEnv({ WEFT_GUARD_MARGIN: '-1' })).toThrow(/WEFT_GUARD_MARGIN/);
    expect(() => overridesFromEnv({ WEFT_GUARD_MARGIN: 'loose' })).toThrow(/WEFT_GUARD_MARGIN/);
  });

  it('prints target, margin, limit and the measured figure of every row, and why it failed', () => {
    const text = formatGuard(
      'bench:test',
      evaluate([drag, ratio, pending], { drag: 31.2, ratio: 22.5, pending: 1800 }),
    );
    expect(text).toContain('| drag p95 | 31.2 ms | ≤ 16.0 ms | 50 % | > 24.0 ms | yes | FAILED |');
    expect(text).toContain('| Weft ÷ n8n | 22.50× | ≥ 20.00× | 25 % | < 15.00× | yes | met |');
    expect(text).toContain('| webhooks/s | 1800 /s | ≥ 3000 /s | 50 % | < 1500 /s | no | missed (reported) |');
    expect(text).toContain('guard FAILED: drag p95 measured 31.2 ms, fails above 24.0 ms');
    expect(formatGuard('bench:test', evaluate([ratio], { ratio: 21 }))).toContain(
      'guard passed: 1 enforced row(s) within their margins',
    );
  });

  it('has unique row ids and sane margins in every bench', () => {
    for (const targets of [CLIENT_GUARD, SYNC_GUARD, ENGINE_GUARD] as readonly (readonly GuardTarget[])[]) {
      expect(new Set(targets.map((t) => t.id)).size).toBe(targets.length);
      for (const t of targets) {
        expect(t.margin).toBeGreaterThanOrEqual(0);
        if (t.direction === 'min') expect(t.margin).toBeLessThan(1);
      }
    }
  });
});
