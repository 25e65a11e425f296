import { z } from 'zod';

/** GET /api/instance: what this server offers that the web app adapts to. */
export const instanceSchema = z.object({
  /** Whether owners can invite people by email (SMTP is set up). */
  emailInvitations: z.boolean(),
  /** `closed`: only the first account could sign up; `invite`: only with an invitation or a join link. */
  signup: z.enum(['open', 'invite', 'closed']),
});
export type InstanceDto = z.infer<typeof instanceSchema>;
