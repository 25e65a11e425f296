import { z } from 'zod';

/** GET /api/instance: what this server offers that the web app adapts to. */
export const instanceSchema = z.object({
  /** Whether owners can invite people by email (SMTP is set up). */
  emailInvitations: z.boolean(),
  /** `closed`: only the first account could sign up; others get an account from the admin. */
  signup: z.enum(['open', 'closed']),
});
export type InstanceDto = z.infer<typeof instanceSchema>;
