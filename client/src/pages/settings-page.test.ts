import { describe, expect, it } from 'vitest';
import { tabOf } from './settings-page.tsx';
import { expiryOf } from './tokens-section.tsx';

describe('the settings page', () => {
  it('opens the tab the URL names, admins-only tabs only for admins', () => {
    expect(tabOf('?tab=tokens', false)).toBe('tokens');
    expect(tabOf('?tab=users', false)).toBe('account');
    expect(tabOf('?tab=users', true)).toBe('users');
    expect(tabOf('?tab=instance', true)).toBe('instance');
    expect(tabOf('', true)).toBe('account');
    expect(tabOf('?tab=nonsense', true)).toBe('account');
  });

  it('a token expires at the end of the chosen day, in the browser zone', () => {
    const at = expiryOf('2031-03-04');
    expect(at).toBe(new Date(2031, 2, 4, 23, 59, 59, 999).getTime());
    expect(expiryOf('')).toBeUndefined();
    expect(expiryOf('tomorrow')).toBeUndefined();
  });
});
