import { describe, expect, it } from 'vitest';
import readme from '../../../README.md?raw';
import { SHORTCUTS } from './shortcuts.ts';

describe('keyboard shortcuts', () => {
  it('the README lists every shortcut the help panel shows', () => {
    // Prettier pads table cells; compare with runs of spaces collapsed.
    const text = readme.replace(/ +/g, ' ');
    for (const { keys, action } of SHORTCUTS) expect(text).toContain(`| ${keys} | ${action} |`);
  });
});
