import { z } from 'zod';
import { ID_PATTERN } from '../ids.ts';

/**
 * A soft lock: "Ann is reworking this node — reason, until 15:40", carried
 * in its holder's awareness state (field `softLock`). Nothing enforces it:
 * others can still edit (the CRDT merges), they only see the warning. It
 * lapses at `until`, or when its holder's awareness goes (tab closed).
 */
export const SOFT_LOCK_MAX_MS = 8 * 60 * 60 * 1000;
export const SOFT_LOCK_REASON_MAX = 200;

export const softLockSchema = z.strictObject({
  nodeId: z.string().regex(ID_PATTERN),
  reason: z.string().max(SOFT_LOCK_REASON_MAX),
  /** Unix ms. */
  until: z.number().int().positive(),
});
export type SoftLock = z.infer<typeof softLockSchema>;

/**
 * A peer's soft lock as untrusted input: one that does not parse, has lapsed,
 * or claims more than SOFT_LOCK_MAX_MS from now (a clock far ahead, or a
 * client forcing a permanent warning) counts as none.
 */
export const activeSoftLock = (value: unknown, now: number): SoftLock | null => {
  const parsed = softLockSchema.safeParse(value);
  if (!parsed.success) return null;
  const { until } = parsed.data;
  return until > now && until <= now + SOFT_LOCK_MAX_MS ? parsed.data : null;
};
