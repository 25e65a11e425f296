import { z } from 'zod';
import { parseNodeTarget } from '../schema/changes.ts';
import { timeSchema as time } from './common.ts';

/** "Who changed this" over REST (docs/plans/collaboration.md §6.4). */

/** The most people one answer names. */
export const MAX_CHANGES = 10;

export const changesQuery = z.object({
  target: z
    .string()
    .refine((s) => parseNodeTarget(s) !== undefined, 'must be `node:<id>`, `node:<id>:param:<name>` or `node:<id>:pin`')
    .meta({ description: 'A node (`node:<id>`) or one of its parameters (`node:<id>:param:<name>`)' }),
});

export const changeSchema = z.object({
  user: z.object({ id: z.string(), name: z.string() }),
  /** When they last changed it (Unix ms). */
  at: time,
  /** In how many updates they changed it. */
  count: z.number().int().min(1),
});
export type ChangeDto = z.infer<typeof changeSchema>;

export const changeListSchema = z.object({
  /** The latest first, at most 10 people. */
  changes: z.array(changeSchema),
});
