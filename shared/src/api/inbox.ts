import { z } from 'zod';

/** One notice in a person's inbox: a mention of them, or a reply in a thread they wrote in. */
export const inboxItemSchema = z.object({
  id: z.string(),
  kind: z.enum(['mention', 'reply']),
  workflowId: z.string(),
  workflowName: z.string(),
  threadId: z.string(),
  commentId: z.string(),
  actor: z.object({ id: z.string(), name: z.string() }).nullable(),
  /** The comment's first characters, mentions shown as names. */
  excerpt: z.string(),
  createdAt: z.number().int(),
  readAt: z.number().int().nullable(),
});
export type InboxItemDto = z.infer<typeof inboxItemSchema>;

export const inboxQuery = z.object({
  cursor: z
    .string()
    .regex(/^\d{1,15}:[A-Za-z0-9_-]{1,64}$/, 'must be a cursor from a previous page')
    .optional(),
  limit: z.coerce.number().int().min(1).max(100).default(30),
  unread: z.enum(['true', 'false']).optional(),
});

export const inboxPageSchema = z.object({
  items: z.array(inboxItemSchema),
  nextCursor: z.string().nullable(),
  unread: z.number().int(),
});
export type InboxPageDto = z.infer<typeof inboxPageSchema>;

export const markInboxReadRequest = z.union([
  z.strictObject({ ids: z.array(z.string().max(64)).min(1).max(200) }),
  z.strictObject({ all: z.literal(true) }),
]);
