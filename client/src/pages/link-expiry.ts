import { LINK_MAX_LIFETIME_MS, type LinkDto } from '#shared/api/index.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

/** What the share dialog offers for a link's expiry. */
export type ExpiryChoice = 'never' | '1' | '7' | '30' | 'date';

export const expiryChoices: readonly { value: ExpiryChoice; label: string }[] = [
  { value: 'never', label: 'Never' },
  { value: '1', label: 'In 1 day' },
  { value: '7', label: 'In 7 days' },
  { value: '30', label: 'In 30 days' },
  { value: 'date', label: 'On a date…' },
];

/** `yyyy-mm-dd` of a moment in the browser's time zone, as `<input type="date">` takes it. */
export const localDate = (at: Date): string =>
  `${String(at.getFullYear()).padStart(4, '0')}-${String(at.getMonth() + 1).padStart(2, '0')}-${String(at.getDate()).padStart(2, '0')}`;

/** The range the date picker allows: today (its end is still ahead) up to the server's limit. */
export const dateRange = (now: Date): { min: string; max: string } => ({
  min: localDate(now),
  max: localDate(new Date(now.getTime() + LINK_MAX_LIFETIME_MS - DAY_MS)),
});

/**
 * The `expiresAt` to send: null for never, a full ISO date-time otherwise.
 * A picked date means the end of that day where the owner is, so it is sent
 * as a date-time (a bare date would be the end of the day in UTC).
 * Undefined when "a date" has no valid date yet.
 */
export const expiryToIso = (choice: ExpiryChoice, date: string, now: Date): string | null | undefined => {
  if (choice === 'never') return null;
  if (choice !== 'date') return new Date(now.getTime() + Number(choice) * DAY_MS).toISOString();
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!match) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const end = new Date(year, month - 1, day, 23, 59, 59, 999);
  // new Date rolls 31 Feb over into March: such a date was not a date.
  if (end.getFullYear() !== year || end.getMonth() !== month - 1 || end.getDate() !== day) return undefined;
  return end.toISOString();
};

export type LinkState = 'active' | 'expired' | 'usedUp' | 'revoked';

/** Why a link no longer admits anyone, in the order the server checks. */
export const linkState = (
  link: Pick<LinkDto, 'revokedAt' | 'expiresAt' | 'uses' | 'maxUses'>,
  now: number,
): LinkState => {
  if (link.revokedAt !== null) return 'revoked';
  if (link.expiresAt !== null && link.expiresAt <= now) return 'expired';
  if (link.maxUses !== null && link.uses >= link.maxUses) return 'usedUp';
  return 'active';
};

export const stateLabel: Record<Exclude<LinkState, 'active'>, string> = {
  revoked: 'Revoked',
  expired: 'Expired',
  usedUp: 'Used up',
};

/** "Used 1 of 1", or "Used 3 times" when there is no limit. */
export const usesText = (uses: number, maxUses: number | null): string =>
  maxUses === null ? `Used ${uses} ${uses === 1 ? 'time' : 'times'}` : `Used ${uses} of ${maxUses}`;

/** "a commenter", "an editor". */
export const withArticle = (role: string): string => `${/^[aeiou]/i.test(role) ? 'an' : 'a'} ${role}`;
