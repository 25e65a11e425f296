import { z } from 'zod';

/**
 * Instance settings (`/api/admin/settings`, the Settings page's Instance
 * section): stored in the database and applied without a restart; the
 * environment variables give each one's first value.
 */

/** `open`: anyone; `invite`: only an address with a pending invitation, or through a join link; `closed`: nobody (the admin makes accounts). */
export const signupPolicySchema = z.enum(['open', 'invite', 'closed']);
export type SignupPolicy = z.infer<typeof signupPolicySchema>;

/** SMTP as the admin sees it: the password is never sent back, only whether one is set. */
export const smtpSettingsSchema = z.object({
  host: z.string(),
  port: z.number().int(),
  /** TLS from the start (port 465); false: plain, upgraded by STARTTLS when the server offers it. */
  secure: z.boolean(),
  user: z.string().nullable(),
  passwordSet: z.boolean(),
  /** The sender, e.g. `Weft <weft@example.com>`. */
  from: z.string(),
});
export type SmtpSettingsDto = z.infer<typeof smtpSettingsSchema>;

export const executionRetentionSchema = z.object({
  /** Finished executions older than this many days are deleted (0 keeps them). */
  maxAgeDays: z.number().int().min(0).max(36_500),
  /** At most this many finished executions are kept (0: no limit). */
  maxCount: z.number().int().min(0).max(100_000_000),
});

export const instanceSettingsSchema = z.object({
  signup: signupPolicySchema,
  /** Null: no mail (invitations give links to copy). */
  smtp: smtpSettingsSchema.nullable(),
  /** Hosts and ranges HTTP Request (and the database nodes) may always reach: IP, CIDR, host name or `*.domain`. */
  outboundAllow: z.array(z.string()),
  executionRetention: executionRetentionSchema,
  /** The time limit of a workflow that sets none of its own, in seconds (0: none). */
  defaultTimeoutSeconds: z.number().int(),
});
export type InstanceSettingsDto = z.infer<typeof instanceSettingsSchema>;

const hostName = z.string().trim().min(1, 'must not be empty').max(253);

/** SMTP in a change: `password` left out keeps the stored one, null clears it. */
export const smtpSettingsInput = z.strictObject({
  host: hostName,
  port: z.number().int().min(1).max(65_535),
  secure: z.boolean(),
  user: z.string().trim().max(200).nullable().optional(),
  password: z.string().max(500).nullable().optional(),
  from: z.string().trim().min(3).max(200),
});
export type SmtpSettingsInput = z.infer<typeof smtpSettingsInput>;

/** `PATCH /api/admin/settings`: what is given changes, the rest stays. */
export const updateInstanceSettingsRequest = z
  .strictObject({
    signup: signupPolicySchema.optional(),
    smtp: smtpSettingsInput.nullable().optional(),
    outboundAllow: z.array(z.string().trim().min(1).max(300)).max(1_000).optional(),
    executionRetention: executionRetentionSchema.strict().optional(),
    defaultTimeoutSeconds: z.number().int().min(0).max(86_400).optional(),
  })
  .refine((v) => Object.keys(v).length > 0, 'give at least one setting');
export type UpdateInstanceSettingsRequest = z.infer<typeof updateInstanceSettingsRequest>;
