import { describe, expect, it } from 'vitest';
import { bucketLabel, formatMinutes, formatMs, formatRate } from './format.ts';

describe('insights formats', () => {
  it('writes durations, rates, minutes and bucket labels', () => {
    expect(formatMs(null)).toBe('—');
    expect(formatMs(42.4)).toBe('42 ms');
    expect(formatMs(2_500)).toBe('2.50 s');
    expect(formatMs(90_000)).toBe('1.5 min');
    expect(formatRate(0.1234)).toBe('12.3%');
    expect(formatRate(null)).toBe('—');
    expect(formatMinutes(30)).toBe('30 min');
    expect(formatMinutes(90)).toBe('1.5 h');
    expect(formatMinutes(60 * 72)).toBe('3.0 days');
    expect(bucketLabel(Date.UTC(2026, 0, 1, 7), 'hour')).toBe('07:00');
  });
});
