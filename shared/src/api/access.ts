import { z } from 'zod';
import { credentialTypes } from './credentials.ts';
import { roleSchema, timeSchema as time } from './common.ts';

/**
 * Who may reach what, over REST: invitations to workflows, credential grants,
 * a person's sessions, test-webhook listening and the admin's account list.
 * See docs/SECURITY.md for the rules these carry.
 */

/**
 * `POST /api/workflows/:id/members` answers an invitation (202) for every
 * address that is not already a member, whether or not an account uses it,
 * so nobody learns from it who has an account. The invitee accepts it.
 */
export const invitationSchema = z.object({
  id: z.string(),
  workflowId: z.string(),
  email: z.string(),
  role: roleSchema,
  createdAt: time,
});
export type InvitationDto = z.infer<typeof invitationSchema>;

/** An invitation as its invitee sees it (`GET /api/me/invitations`). */
export const receivedInvitationSchema = z.object({
  id: z.string(),
  workflowId: z.string(),
  workflowName: z.string(),
  role: roleSchema,
  /** Name of the owner who invited, if that account still exists. */
  invitedBy: z.string().nullable(),
  createdAt: time,
});
export type ReceivedInvitationDto = z.infer<typeof receivedInvitationSchema>;

/** `POST /api/credentials/:id/grants`: the credential's owner lets a workflow use it. */
export const grantCredentialRequest = z.strictObject({
  workflowId: z.string().min(1).max(64),
});

export const credentialGrantSchema = z.object({
  workflowId: z.string(),
  workflowName: z.string(),
  grantedAt: time,
});
export type CredentialGrantDto = z.infer<typeof credentialGrantSchema>;

/**
 * A credential granted to a workflow, as its members see it
 * (`GET /api/workflows/:id/credentials`): what they may pick in a node and
 * what its runs may use. Never the secret.
 */
export const workflowCredentialSchema = z.object({
  id: z.string(),
  name: z.string(),
  type: z.enum(credentialTypes),
  ownerId: z.string(),
  ownerName: z.string(),
  grantedAt: time,
});
export type WorkflowCredentialDto = z.infer<typeof workflowCredentialSchema>;

/** One of a person's signed-in browsers (`GET /api/auth/sessions`). */
export const sessionSchema = z.object({
  /** Not the cookie: an id derived from its hash, fit to name it for `DELETE /api/auth/sessions/:id`. */
  id: z.string(),
  createdAt: time,
  expiresAt: time,
  userAgent: z.string().nullable(),
  /** The session this request came with. */
  current: z.boolean(),
});
export type SessionDto = z.infer<typeof sessionSchema>;

/** `POST /api/workflows/:id/test-webhook/listen` (contract: keep the shape). */
export const testWebhookListenSchema = z.object({
  /** Unix ms; `/webhook-test/<path>` serves this workflow's current document until then. */
  expiresAt: time,
  /** The webhook paths it serves, without `/webhook-test/`. */
  paths: z.array(z.string()),
});
export type TestWebhookListenDto = z.infer<typeof testWebhookListenSchema>;

/** `DELETE /api/me`: deleting one's own account takes the password again. */
export const deleteAccountRequest = z.strictObject({
  password: z.string().max(200),
});

/** `PATCH /api/me`: the caller's own name. */
export const updateMeRequest = z.strictObject({
  name: z.string().trim().min(1, 'must not be empty').max(100),
});

/** `POST /api/me/password`: the current password again, and the new one (as sign-up takes it). */
export const changePasswordRequest = z.strictObject({
  currentPassword: z.string().max(200),
  newPassword: z.string().min(8, 'must have at least 8 characters').max(200),
});

/** An account as the instance admin lists it (`GET /api/admin/users`). */
export const adminUserSchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  isAdmin: z.boolean(),
  createdAt: time,
  disabled: z.boolean(),
});
export type AdminUserDto = z.infer<typeof adminUserSchema>;
