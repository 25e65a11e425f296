import { z } from 'zod';

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

export const loginRequest = z.strictObject({
  email: z.string().trim().max(254),
  password: z.string().max(200),
});
export type LoginRequest = z.infer<typeof loginRequest>;

export const createTokenRequest = z.strictObject({
  name: z.string().trim().min(1, 'must not be empty').max(100),
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

export const roleSchema = z.enum(['owner', 'editor', 'viewer']);
export type WorkflowRole = z.infer<typeof roleSchema>;

export const addMemberRequest = z.strictObject({
  email: emailSchema,
  role: roleSchema,
});

export interface UserDto {
  id: string;
  email: string;
  name: string;
  isAdmin: boolean;
  createdAt: number;
}

export interface WorkflowDto {
  id: string;
  name: string;
  role: WorkflowRole;
  createdAt: number;
  updatedAt: number;
  /** Active workflows answer their webhooks and run their schedules. */
  active: boolean;
  /** The production version (publish), or null. */
  publishedHash: string | null;
}

export interface MemberDto {
  userId: string;
  email: string;
  name: string;
  role: WorkflowRole;
  addedAt: number;
}

export interface ApiTokenDto {
  id: string;
  name: string;
  createdAt: number;
  lastUsedAt: number | null;
}

export interface ApiErrorBody {
  error: {
    code: string;
    message: string;
    issues?: { path: (string | number)[]; message: string; severity: 'error' | 'warning' }[];
  };
}
export * from './credentials.ts';
export * from './access.ts';
