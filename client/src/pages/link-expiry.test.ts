import { describe, expect, it } from 'vitest';
import { LINK_MAX_LIFETIME_MS, linkExpirySchema } from '#shared/api/index.ts';
import { dateRange, expiryToIso, linkState, localDate, usesText, withArticle } from './link-expiry.ts';

const now = new Date(2026, 11, 4, 13, 30);

describe('expiryToIso', () => {
  it('is null for never and now plus the days otherwise, in a form the server takes', () => {
    expect(expiryToIso('never', '', now)).toBeNull();
    for (const [choice, days] of [
      ['1', 1],
      ['7', 7],
      ['30', 30],
    ] as const) {
      const iso = expiryToIso(choice, '', now);
      expect(iso).toBeDefined();
      expect(Date.parse(iso ?? '') - now.getTime()).toBe(days * 24 * 60 * 60 * 1000);
      expect(linkExpirySchema.safeParse(iso).success).toBe(true);
    }
  });

  it('takes a picked date as the end of that day in the browser’s time zone', () => {
    const iso = expiryToIso('date', '2026-12-24', now);
    expect(linkExpirySchema.safeParse(iso).success).toBe(true);
    const at = new Date(iso ?? '');
    expect([at.getFullYear(), at.getMonth(), at.getDate(), at.getHours(), at.getMinutes()]).toEqual([
      2026, 11, 24, 23, 59,
    ]);
  });

  it('has no answer for a missing or impossible date', () => {
    expect(expiryToIso('date', '', now)).toBeUndefined();
    expect(expiryToIso('date', '2026-02-31', now)).toBeUndefined();
    expect(expiryToIso('date', '24/12/2026', now)).toBeUndefined();
  });

  it('offers dates from today up to the server’s limit', () => {
    const { min, max } = dateRange(now);
    expect(min).toBe(localDate(now));
    expect(min).toBe('2026-12-04');
    const last = Date.parse(expiryToIso('date', max, now) ?? '');
    expect(last - now.getTime()).toBeLessThanOrEqual(LINK_MAX_LIFETIME_MS);
  });
});

describe('linkState', () => {
  const open = { revokedAt: null, expiresAt: null, uses: 0, maxUses: null };
  it('says why a link is closed, revoked first', () => {
    expect(linkState(open, 10)).toBe('active');
    expect(linkState({ ...open, expiresAt: 10 }, 10)).toBe('expired');
    expect(linkState({ ...open, expiresAt: 11 }, 10)).toBe('active');
    expect(linkState({ ...open, uses: 1, maxUses: 1 }, 10)).toBe('usedUp');
    expect(linkState({ ...open, uses: 1, maxUses: 1, expiresAt: 5, revokedAt: 7 }, 10)).toBe('revoked');
  });
});

describe('words', () => {
  it('counts uses and picks the article', () => {
    expect(usesText(1, 1)).toBe('Used 1 of 1');
    expect(usesText(1, null)).toBe('Used 1 time');
    expect(usesText(0, null)).toBe('Used 0 times');
    expect(withArticle('editor')).toBe('an editor');
    expect(withArticle('commenter')).toBe('a commenter');
  });
});
