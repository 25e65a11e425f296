import { mentionToken, splitMentions } from '#shared/discussion/index.ts';

/**
 * People type and read `@Ann` in the composer; the document stores
 * `@{userId}` (shared/src/discussion/mentions.ts). These convert between the
 * two for the mentions picked from the autocomplete, so a name typed by hand
 * that was never picked stays plain text and notifies nobody.
 */
export interface PickedMention {
  userId: string;
  name: string;
}

/** The composer's text with each picked `@Name` turned into its token. */
export const toStoredBody = (text: string, picked: readonly PickedMention[]): string => {
  // Longer names first: "@Ann Lee" must not be taken as "@Ann" followed by " Lee".
  const byLength = [...picked].sort((a, b) => b.name.length - a.name.length);
  let out = '';
  let i = 0;
  while (i < text.length) {
    const hit =
      text[i] === '@'
        ? byLength.find(
            (p) => text.startsWith(`@${p.name}`, i) && !/[\p{L}\p{N}]/u.test(text[i + p.name.length + 1] ?? ''),
          )
        : undefined;
    if (hit) {
      out += mentionToken(hit.userId);
      i += hit.name.length + 1;
    } else {
      out += text.charAt(i);
      i += 1;
    }
  }
  return out;
};

/** A stored body as composer text, with its mentions as picked (to edit a comment). */
export const toComposerText = (
  body: string,
  nameOf: (userId: string) => string | undefined,
): { text: string; picked: PickedMention[] } => {
  const picked: PickedMention[] = [];
  let text = '';
  for (const segment of splitMentions(body)) {
    if (segment.kind === 'text') text += segment.text;
    else {
      const name = nameOf(segment.userId) ?? 'unknown user';
      picked.push({ userId: segment.userId, name });
      text += `@${name}`;
    }
  }
  return { text, picked };
};

/** The word being typed after an `@` that ends at the caret, or null when the caret is not in one. */
export const mentionQuery = (text: string, caret: number): { start: number; query: string } | null => {
  const before = text.slice(0, caret);
  const at = before.lastIndexOf('@');
  if (at < 0) return null;
  const query = before.slice(at + 1);
  // An @ inside a word (an address) starts no mention; a query ends at a line break or after 30 characters.
  if ((at > 0 && /\S/.test(before[at - 1] ?? '')) || /[\n@]/.test(query) || query.length > 30) return null;
  return { start: at, query };
};
