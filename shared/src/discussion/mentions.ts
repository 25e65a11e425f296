import { ID_PATTERN } from '../ids.ts';

/**
 * Mentions are written `@{userId}` in a comment's body: an id never changes,
 * so a renamed person stays mentioned, and the server can read who to notify
 * without knowing any names. Display turns tokens into names.
 */

const MENTION = new RegExp(`@\\{(${ID_PATTERN.source.slice(1, -1)})\\}`, 'g');

export const mentionToken = (userId: string): string => {
  if (!ID_PATTERN.test(userId)) throw new Error(`Not a user id: ${userId}`);
  return `@{${userId}}`;
};

/** The ids mentioned in a body, each once, in order of first mention. */
export const parseMentions = (body: string): string[] => [
  ...new Set(Array.from(body.matchAll(MENTION), (m) => m[1] as string)),
];

export type BodySegment = { kind: 'text'; text: string } | { kind: 'mention'; userId: string };

/**
 * A body cut into text and mentions, for a UI that renders mentions as chips
 * (no markup is ever built from the body).
 *
 * @example
 * splitMentions('hi @{u1}!') // [{kind:'text',text:'hi '},{kind:'mention',userId:'u1'},{kind:'text',text:'!'}]
 */
export const splitMentions = (body: string): BodySegment[] => {
  const segments: BodySegment[] = [];
  let at = 0;
  for (const m of body.matchAll(MENTION)) {
    if (m.index > at) segments.push({ kind: 'text', text: body.slice(at, m.index) });
    segments.push({ kind: 'mention', userId: m[1] as string });
    at = m.index + m[0].length;
  }
  if (at < body.length) segments.push({ kind: 'text', text: body.slice(at) });
  return segments;
};

/**
 * The body as plain text with each token replaced by `@Name` (excerpts,
 * notifications). A person no longer known reads as `@unknown user`.
 *
 * @example
 * renderMentions('ask @{u1}', (id) => (id === 'u1' ? 'Ada' : undefined)) // 'ask @Ada'
 */
export const renderMentions = (body: string, nameOf: (userId: string) => string | undefined): string =>
  body.replace(MENTION, (_token, userId: string) => `@${nameOf(userId) ?? 'unknown user'}`);
