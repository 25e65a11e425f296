import { describe, expect, it } from 'vitest';
import { mentionQuery, toComposerText, toStoredBody } from './mention-text.ts';

describe('mentions in the composer', () => {
  const ann = { userId: 'uAnn', name: 'Ann' };
  const annLee = { userId: 'uAnnLee', name: 'Ann Lee' };

  it('stores picked names as tokens, the longest name first, and leaves the rest as typed', () => {
    expect(toStoredBody('@Ann Lee and @Ann, not @Bob', [ann, annLee])).toBe('@{uAnnLee} and @{uAnn}, not @Bob');
    expect(toStoredBody('mail ann@example.com', [ann])).toBe('mail ann@example.com');
    expect(toStoredBody('@Annabel is someone else', [ann])).toBe('@Annabel is someone else');
  });

  it('turns a stored body back into text and picked mentions, and round-trips', () => {
    const names = new Map([['uAnn', 'Ann']]);
    const { text, picked } = toComposerText('ask @{uAnn} or @{gone}', (id) => names.get(id));
    expect(text).toBe('ask @Ann or @unknown user');
    expect(toStoredBody(text, picked)).toBe('ask @{uAnn} or @{gone}');
  });

  it.each([
    ['hello @an', 9, { start: 6, query: 'an' }],
    ['@', 1, { start: 0, query: '' }],
    ['mail ann@exa', 12, null],
    ['@ann\nmore', 9, null],
    ['no at here', 5, null],
  ])('finds the mention being typed in %j', (text, caret, expected) => {
    expect(mentionQuery(text, caret)).toEqual(expected);
  });
});
