import type { ChangeDto } from '#shared/api/changes.ts';
import { relativeTime } from '../activity/activity-text.ts';

/** The people shown on the node's line; the rest are counted ("and 2 others"). */
const SHOWN = 3;

/** "Changed by Ann 3 min ago, Bob yesterday" (newest first, as the server answers); empty for nobody. */
export const changedByText = (changes: readonly ChangeDto[], now: number): string => {
  if (changes.length === 0) return '';
  const shown = changes.slice(0, SHOWN).map((c) => `${c.user.name} ${relativeTime(c.at, now)}`);
  const rest = changes.length - SHOWN;
  return `Changed by ${shown.join(', ')}${rest > 0 ? ` and ${rest} other${rest === 1 ? '' : 's'}` : ''}`;
};

/** One line per person, for a parameter's ⓘ: "Ann, 3 min ago (4 edits)". */
export const changeLines = (changes: readonly ChangeDto[], now: number): string[] =>
  changes.map((c) => `${c.user.name}, ${relativeTime(c.at, now)}${c.count > 1 ? ` (${c.count} edits)` : ''}`);
