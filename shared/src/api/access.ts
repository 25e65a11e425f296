import { z } from 'zod';
import type { CredentialType } from './credentials.ts';
import type { WorkflowRole } from './index.ts';

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
export interface InvitationDto {
  id: string;
  workflowId: string;
  email: string;
  role: WorkflowRole;
  createdAt: number;
}

/** An invitation as its invitee sees it (`GET /api/me/invitations`). */
export interface ReceivedInvitationDto {
  id: string;
  workflowId: string;
  workflowName: string;
  role: WorkflowRole;
  /** Name of the owner who invited, if that account still exists. */
  invitedBy: string | null;
  createdAt: number;
}

/** `POST /api/credentials/:id/grants`: the credential's owner lets a workflow use it. */
export const grantCredentialRequest = z.strictObject({
  workflowId: z.string().min(1).max(64),
});

export interface CredentialGrantDto {
  workflowId: string;
  workflowName: string;
  grantedAt: number;
}

/**
 * A credential granted to a workflow, as its members see it
 * (`GET /api/workflows/:id/credentials`): what they may pick in a node and
 * what its runs may use. Never the secret.
 */
export interface WorkflowCredentialDto {
  id: string;
  name: string;
  type: CredentialType;
  ownerId: string;
  ownerName: string;
  grantedAt: number;
}

/** One of a person's signed-in browsers (`GET /api/auth/sessions`). */
export interface SessionDto {
  /** Not the cookie: an id derived from its hash, fit to name it for `DELETE /api/auth/sessions/:id`. */
  id: string;
  createdAt: number;
  expiresAt: number;
  userAgent: string | null;
  /** The session this request came with. */
  current: boolean;
}

/** `POST /api/workflows/:id/test-webhook/listen` (contract: keep the shape). */
export interface TestWebhookListenDto {
  /** Unix ms; `/webhook-test/<path>` serves this workflow's current document until then. */
  expiresAt: number;
  /** The webhook paths it serves, without `/webhook-test/`. */
  paths: string[];
}

/** `DELETE /api/me`: deleting one's own account takes the password again. */
export const deleteAccountRequest = z.strictObject({
  password: z.string().max(200),
});

/** An account as the instance admin lists it (`GET /api/admin/users`). */
export interface AdminUserDto {
  id: string;
  email: string;
  name: string;
  isAdmin: boolean;
  createdAt: number;
  disabled: boolean;
}
