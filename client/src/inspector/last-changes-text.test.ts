import { describe, expect, it } from 'vitest';
import { changedByText, changeLines } from './last-changes-text.ts';

const now = Date.UTC(2026, 11, 4, 12);
const change = (name: string, minutesAgo: number, count = 1) => ({
  user: { id: name.toLowerCase(), name },
  at: now - minutesAgo * 60_000,
  count,
});

describe('last changes in words', () => {
  it('names people newest first with relative times, and counts the rest', () => {
    expect(changedByText([], now)).toBe('');
    expect(changedByText([change('Ann', 3), change('Bob', 26 * 60)], now)).toBe(
      'Changed by Ann 3 min ago, Bob yesterday',
    );
    expect(changedByText([change('A', 1), change('B', 2), change('C', 3), change('D', 4)], now)).toBe(
      'Changed by A 1 min ago, B 2 min ago, C 3 min ago and 1 other',
    );
  });

  it('gives one line per person for a parameter, with the number of edits past one', () => {
    expect(changeLines([change('Ann', 0, 4), change('Bob', 120)], now)).toEqual([
      'Ann, just now (4 edits)',
      'Bob, 2 h ago',
    ]);
  });
});
