import { describe, expect, it } from 'vitest';
import readme from '../../../README.md?raw';
import { SHORTCUTS } from './shortcuts.ts';

describe('keyboard shortcuts', () => {
  it('the README lists every shortcut the help panel shows', () => {
    for (const { keys, action } of SHORTCUTS) expect(readme).toContain(`| ${keys} | ${action} |`);
  });
});
