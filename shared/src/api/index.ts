import { z } from 'zod';
import { roleSchema, timeSchema as time } from './common.ts';

/**
 * REST request bodies (validated by the server, used by the client's forms)
 * and response shapes. Errors are always `{ error: { code, message, issues? } }`.
 */

export const emailSchema = z.string().trim().toLowerCase().max(254).pipe(z.email('must be a valid email address'));

export const signupRequest = z.strictObject({
  email: emailSchema,
  password: z.string().min(8, 'must have at least 8 characters').max(200),
  name: z.string().trim().min(1, 'must not be empty').max(100),
});
export type SignupRequest = z.infer<typeof signupRequest>;

/** `POST /api/auth/signup`: with sign-up `invite`, a join link's token (from /join/<token>) lets its holder in. */
export const selfSignupRequest = signupRequest.extend({
  link: z.string().max(200).optional(),
});

export const loginRequest = z.strictObject({
  email: z.string().trim().max(254),
  password: z.string().max(200),
});
export type LoginRequest = z.infer<typeof loginRequest>;

export const createTokenRequest = z.strictObject({
  name: z.string().trim().min(1, 'must not be empty').max(100),
  /** When it stops working (epoch ms, in the future); absent or null: until it is revoked. */
  expiresAt: time.nullable().optional(),
});

/** The palette's starred node types, in order; `PUT /api/me/favourites` replaces the list. */
export const favouritesBody = z.strictObject({
  types: z.array(z.string().min(1).max(64)).max(200),
});
export type FavouritesBody = z.infer<typeof favouritesBody>;

export const createWorkflowRequest = z.strictObject({
  name: z.string().trim().min(1, 'must not be empty').max(200),
});

export const updateWorkflowRequest = z
  .strictObject({
    name: z.string().trim().min(1, 'must not be empty').max(200).optional(),
    description: z.string().max(100_000).optional(),
  })
  .refine((v) => v.name !== undefined || v.description !== undefined, 'give a name or a description');

export { roleSchema, timeSchema, type WorkflowRole } from './common.ts';

export const addMemberRequest = z.strictObject({
  email: emailSchema,
  role: roleSchema,
});

export const userSchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  /** The instance admin (the first account). */
  isAdmin: z.boolean(),
  createdAt: time,
});
export type UserDto = z.infer<typeof userSchema>;

export const workflowSchema = z.object({
  id: z.string(),
  name: z.string(),
  /** The caller's role in it (the instance admin is an owner of every workflow). */
  role: roleSchema,
  createdAt: time,
  updatedAt: time,
  /** Active workflows answer their webhooks and run their schedules. */
  active: z.boolean(),
  /** The production version (publish), or null. */
  publishedHash: z.string().nullable(),
  // The list's rows carry these (docs/plans/home-insights.md §2); other answers leave them out.
  tags: z.array(z.object({ id: z.string(), name: z.string() })).optional(),
  /** The caller's own folder for it (folders are per person), or null. */
  folderId: z.string().nullable().optional(),
  /** Its first owner. */
  owner: z.object({ id: z.string(), name: z.string() }).nullable().optional(),
  /** The first few members (for avatars) and how many there are. */
  members: z.array(z.object({ id: z.string(), name: z.string() })).optional(),
  memberCount: z.number().int().optional(),
  lastRun: z.object({ status: z.string(), at: time }).nullable().optional(),
  /** Failed runs in the last 7 days. */
  failures7d: z.number().int().optional(),
});
export type WorkflowDto = z.infer<typeof workflowSchema>;

export const memberSchema = z.object({
  userId: z.string(),
  email: z.string(),
  name: z.string(),
  role: roleSchema,
  addedAt: time,
});
export type MemberDto = z.infer<typeof memberSchema>;

export const apiTokenSchema = z.object({
  id: z.string(),
  name: z.string(),
  createdAt: time,
  lastUsedAt: time.nullable(),
  /** After this the token gets 401 everywhere and its sockets close; null: until it is revoked. */
  expiresAt: time.nullable(),
});
export type ApiTokenDto = z.infer<typeof apiTokenSchema>;

/** A new token: the only answer that carries its secret. */
export const createdApiTokenSchema = apiTokenSchema.extend({
  /** Send it as `Authorization: Bearer <token>`; it is not shown again. */
  token: z.string(),
});

/** The error body's shape as code sees it; the document's schema (errors.ts) also lists the codes. */
export interface ApiErrorBody {
  error: {
    code: string;
    message: string;
    issues?: { path: (string | number)[]; message: string; severity: 'error' | 'warning' }[];
  };
}
export * from './credentials.ts';
export * from './access.ts';
export * from './links.ts';
export * from './settings.ts';
