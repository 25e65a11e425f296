import { describe, expect, it } from 'vitest';
import { activeSoftLock, SOFT_LOCK_MAX_MS } from './presence.ts';

describe('soft locks from awareness', () => {
  const now = 1_800_000_000_000;
  const lock = { nodeId: 'n1', reason: 'switching the CRM', until: now + 60_000 };

  it('keeps a well-formed lock until it lapses', () => {
    expect(activeSoftLock(lock, now)).toEqual(lock);
    expect(activeSoftLock(lock, lock.until)).toBeNull();
  });

  it.each([
    ['a lock past the longest allowed', { ...lock, until: now + SOFT_LOCK_MAX_MS + 1 }],
    ['a reason over 200 characters', { ...lock, reason: 'x'.repeat(201) }],
    ['a node id that is no id', { ...lock, nodeId: '<img src=x>' }],
    ['an extra field', { ...lock, admin: true }],
    ['a time that is no number', { ...lock, until: '16:00' }],
    ['nothing', null],
  ])('ignores %s', (_what, value) => {
    expect(activeSoftLock(value, now)).toBeNull();
  });
});
