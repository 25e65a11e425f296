import { z } from 'zod';
import { roleSchema, timeSchema as time } from './common.ts';

/**
 * Share links (docs/plans/collaboration.md §3): whoever opens one joins the
 * workflow with its role. Requests take ISO 8601 times; answers give Unix ms,
 * as every other DTO does.
 */

export const LINK_LABEL_MAX = 100;
export const LINK_MAX_USES = 10_000;
/** How far ahead a link may expire. */
export const LINK_MAX_LIFETIME_MS = 366 * 24 * 60 * 60 * 1000;

export const linkRoleSchema = z.enum(['editor', 'commenter', 'viewer'], {
  error: (issue) => (issue.input === 'owner' ? 'A link cannot make owners' : undefined),
});
export type LinkRole = z.infer<typeof linkRoleSchema>;

/** A date-time with its offset, or a bare date: the end of that day in UTC. */
export const linkExpirySchema = z.union([z.iso.datetime({ offset: true }), z.iso.date()]).meta({
  description: 'ISO 8601: a date-time with its offset, or a bare date (the end of that day in UTC)',
});

/** Unix ms of an expiry as `linkExpirySchema` takes it. */
export const expiryMs = (value: string): number =>
  /^\d{4}-\d{2}-\d{2}$/.test(value) ? Date.parse(`${value}T23:59:59.999Z`) : Date.parse(value);

/** `POST /api/workflows/:id/links` (contract: keep the shape). */
export const createLinkRequest = z.strictObject({
  role: linkRoleSchema,
  /** Null or left out: never. At most a year ahead. */
  expiresAt: linkExpirySchema.nullable().optional(),
  /** Null or left out: no limit. */
  maxUses: z.number().int().min(1).max(LINK_MAX_USES).nullable().optional(),
  label: z.string().trim().max(LINK_LABEL_MAX).optional(),
});
export type CreateLinkRequest = z.infer<typeof createLinkRequest>;

const linkFields = {
  id: z.string(),
  role: linkRoleSchema,
  label: z.string().nullable(),
  /** People who joined (or were raised) through it; each person counts once. */
  uses: z.number().int(),
  maxUses: z.number().int().nullable(),
  expiresAt: time.nullable(),
  revokedAt: time.nullable(),
  createdAt: time,
  /** The account id of the owner who made it (null once that account is gone). */
  createdBy: z.string().nullable(),
};

/** The answer to creating a link: the only time the token comes on its own. */
export const createdLinkSchema = z.object({
  ...linkFields,
  token: z.string(),
  /** `<public base>/join/<token>`: what the owner shares. */
  url: z.string(),
  revokedAt: z.null(),
});
export type CreatedLinkDto = z.infer<typeof createdLinkSchema>;

export const linkJoinSchema = z.object({
  userId: z.string(),
  name: z.string(),
  email: z.string(),
  joinedAt: time,
});

/** A link as its workflow's owners list it (`GET /api/workflows/:id/links`). */
export const linkSchema = z.object({
  ...linkFields,
  /** Null when the stored token no longer opens (the server's encryption key changed). */
  url: z.string().nullable(),
  /** Who joined through it, newest first (at most 50). */
  joined: z.array(linkJoinSchema),
});
export type LinkDto = z.infer<typeof linkSchema>;

/** What a visitor holding the link sees before joining (`GET /api/links/:token`). */
export const linkPreviewSchema = z.object({
  workflowName: z.string(),
  role: linkRoleSchema,
  /** The name of the owner who made the link, if that account still exists. */
  invitedBy: z.string().nullable(),
  expiresAt: time.nullable(),
});
export type LinkPreviewDto = z.infer<typeof linkPreviewSchema>;

/** `POST /api/links/:token/join` (contract: keep the shape); the role they hold now. */
export const joinedLinkSchema = z.object({
  workflowId: z.string(),
  role: roleSchema,
});
export type JoinedLinkDto = z.infer<typeof joinedLinkSchema>;
