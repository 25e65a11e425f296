import { z } from 'zod';
import { timeSchema as time } from './common.ts';

/** The audit trail over REST (docs/plans/collaboration.md §6.3). */

const ISO_OR_MS = /^(\d{1,15}|\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?)$/;
const moment = z
  .string()
  .regex(ISO_OR_MS, 'must be Unix milliseconds or an ISO 8601 date')
  .refine((s) => !Number.isNaN(/^\d+$/.test(s) ? Number(s) : Date.parse(s)), 'must be a real date')
  .optional();

/** Unix milliseconds from a `since`/`until` the query schema accepted. */
export const auditMoment = (s: string): number => (/^\d+$/.test(s) ? Number(s) : Date.parse(s));

export const auditQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z
    .string()
    .regex(/^\d{1,15}$/, 'must be a cursor from a previous page')
    .optional(),
  action: z
    .string()
    .regex(
      /^[a-z_]{1,40}(\.[a-z_]{0,40})?(,[a-z_]{1,40}(\.[a-z_]{0,40})?){0,9}$/,
      'must be actions or their starts, comma-separated, e.g. `member.,invitation.` or `link.created`',
    )
    .optional()
    .meta({ description: 'Only actions starting with one of these (comma-separated), e.g. `member.,invitation.`' }),
  actor: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be a user id')
    .optional()
    .meta({ description: 'Only what this user did' }),
  since: moment.meta({ description: 'Not before this moment (Unix ms or ISO 8601)' }),
  until: moment.meta({ description: 'Not after this moment (Unix ms or ISO 8601)' }),
});

export const adminAuditQuery = auditQuery.extend({
  workflowId: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be a workflow id')
    .optional(),
});

export const auditEventSchema = z.object({
  /** Its place in the trail; later events have larger ids. */
  id: z.string(),
  /** `<area>.<verb>`, e.g. `member.invited`, `pen.taken`, `run.started`. */
  action: z.string(),
  /** Null for what the server did itself (an idle pen released). */
  actor: z.object({ id: z.string(), name: z.string() }).nullable(),
  at: time,
  via: z.enum(['session', 'token', 'socket', 'system', 'engine']),
  /** The session id the sessions page shows, or `token:<id>`. */
  session: z.string().nullable(),
  target: z.object({ type: z.string(), id: z.string() }).nullable(),
  /** What the action was about (a role, a mode, a version name); invitee addresses for owners only. */
  data: z.record(z.string(), z.unknown()),
});
export type AuditEventDto = z.infer<typeof auditEventSchema>;

export const adminAuditEventSchema = auditEventSchema.extend({
  workflow: z.object({ id: z.string(), name: z.string().nullable() }).nullable(),
  address: z.string().nullable(),
});
export type AdminAuditEventDto = z.infer<typeof adminAuditEventSchema>;

export const auditPageSchema = z.object({
  events: z.array(auditEventSchema),
  /** Pass as `cursor` for older events; null on the last page. */
  nextCursor: z.string().nullable(),
});
export type AuditPageDto = z.infer<typeof auditPageSchema>;

export const adminAuditPageSchema = z.object({
  events: z.array(adminAuditEventSchema),
  nextCursor: z.string().nullable(),
});
