import { describe, expect, it } from 'vitest';
import { mentionToken, parseMentions, renderMentions, splitMentions } from './mentions.ts';

describe('mentions', () => {
  it('finds each mentioned id once, in order of first mention', () => {
    expect(parseMentions('@{bob} and @{ada}, again @{bob}')).toEqual(['bob', 'ada']);
  });

  it('ignores what only looks like a mention', () => {
    expect(parseMentions('mail me@{} or @bob or @{has space} or {ada} or @{a.b}')).toEqual([]);
    expect(parseMentions(`@{${'x'.repeat(65)}}`)).toEqual([]);
  });

  it('builds tokens that parse back, and refuses what is not an id', () => {
    expect(parseMentions(`hi ${mentionToken('u_1-A')}`)).toEqual(['u_1-A']);
    expect(() => mentionToken('a}b')).toThrow();
  });

  it('renders names, and a person no longer known', () => {
    const names = new Map([['u1', 'Ada']]);
    expect(renderMentions('ask @{u1} and @{gone}', (id) => names.get(id))).toBe('ask @Ada and @unknown user');
  });

  it('splits a body into text and mentions for chips', () => {
    expect(splitMentions('@{a} hi @{b}!')).toEqual([
      { kind: 'mention', userId: 'a' },
      { kind: 'text', text: ' hi ' },
      { kind: 'mention', userId: 'b' },
      { kind: 'text', text: '!' },
    ]);
    expect(splitMentions('')).toEqual([]);
  });
});
