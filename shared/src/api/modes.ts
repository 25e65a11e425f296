import { z } from 'zod';

/**
 * A workflow's edit mode (docs/plans/collaboration.md §5): `parallel` (every
 * editor writes), `locked` (owners only) or `pen` (only whoever holds the pen,
 * owners included). The same shape is the `mode` field of the server's
 * awareness entry (protocol/live.ts), so a tab hears a change as it happens.
 */

export const editModes = ['parallel', 'locked', 'pen'] as const;
export const editModeSchema = z.enum(editModes);
export type EditModeName = z.infer<typeof editModeSchema>;

export const MAX_MODE_REASON = 200;

export const penRequestSchema = z.object({ userId: z.string(), at: z.number() });

export const penSchema = z.object({
  /** Account id; null while nobody holds it. */
  holder: z.string().nullable(),
  since: z.number().nullable(),
  /** When the server frees it unless the holder edits before (epoch ms); null while free. */
  idleReleaseAt: z.number().nullable(),
  /** Who asked for it, oldest first. */
  requests: z.array(penRequestSchema),
});
export type PenDto = z.infer<typeof penSchema>;

export const modeSchema = z.object({
  mode: editModeSchema,
  reason: z.string().nullable(),
  /** Account id of whoever set the mode; null for a workflow never switched, or a deleted account. */
  setBy: z.string().nullable(),
  setAt: z.number().nullable(),
  /** Set exactly in pen mode. */
  pen: penSchema.nullable(),
});
export type ModeDto = z.infer<typeof modeSchema>;

/** The contract's body (mode, reason), plus this server's idle release for the pen. */
export const setModeRequest = z.strictObject({
  mode: editModeSchema,
  reason: z.string().trim().max(MAX_MODE_REASON).optional(),
  /** How long the pen stays with a holder who does not edit (this workflow only). */
  penIdleMinutes: z.number().int().min(1).max(240).optional(),
});

export const takePenRequest = z.strictObject({
  /** Owners only: take it from whoever holds it. */
  force: z.literal(true).optional(),
});

export const handOverPenRequest = z.strictObject({ userId: z.string().min(1).max(100) });
