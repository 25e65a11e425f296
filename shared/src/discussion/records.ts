import { z } from 'zod';
import { createId, ID_PATTERN } from '../ids.ts';
import { HANDLE_PATTERN } from '../schema/roots.ts';

/**
 * The records of the discussion document (§4.2), one plain JSON value per map
 * key. Every schema is strict: a record with a key Weft does not know is
 * refused by the server's rules and skipped by readers, so a later version
 * has to bump `v` rather than slip a field in.
 */

export const MAX_BODY_LENGTH = 10_000;
/** Node names are at most 128 characters; an edge's label names both ends. */
export const MAX_LABEL_LENGTH = 300;
export const MAX_THREADS = 10_000;
export const MAX_COMMENTS = 50_000;

/** Discussion ids are 21 characters (§4.2), from the same generator and alphabet as every other id. */
export const DISCUSSION_ID_LENGTH = 21;
export const createDiscussionId = (): string => createId(DISCUSSION_ID_LENGTH);

export const idSchema = z.string().regex(ID_PATTERN);
/** User ids are what sync-server's account stores make: `createId()`, within ID_PATTERN. */
export const userIdSchema = z.string().regex(ID_PATTERN);
/** Milliseconds since the epoch, as every time in the API. */
export const timeSchema = z.number().int().nonnegative();

const handle = HANDLE_PATTERN.source.slice(1, -1);
const id = ID_PATTERN.source.slice(1, -1);
/** `source:handle>target:handle` (schema/roots.ts › edgeId). */
export const EDGE_ID_PATTERN = new RegExp(`^${id}:${handle}>${id}:${handle}$`);

const label = z.string().max(MAX_LABEL_LENGTH);

export const anchorSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('workflow') }),
  z.strictObject({ kind: z.literal('node'), nodeId: idSchema, label }),
  z.strictObject({ kind: z.literal('edge'), edgeId: z.string().regex(EDGE_ID_PATTERN), label }),
]);
export type Anchor = z.infer<typeof anchorSchema>;

export const threadRecordSchema = z.strictObject({
  v: z.literal(1),
  id: idSchema,
  anchor: anchorSchema,
  createdBy: userIdSchema,
  createdAt: timeSchema,
});
export type ThreadRecord = z.infer<typeof threadRecordSchema>;

export const statusRecordSchema = z.strictObject({
  resolved: z.boolean(),
  by: userIdSchema,
  at: timeSchema,
  deleted: z.literal(true).optional(),
});
export type StatusRecord = z.infer<typeof statusRecordSchema>;

export const commentRecordSchema = z
  .strictObject({
    v: z.literal(1),
    id: idSchema,
    threadId: idSchema,
    author: userIdSchema,
    body: z.string().max(MAX_BODY_LENGTH),
    createdAt: timeSchema,
    editedAt: timeSchema.optional(),
    deletedAt: timeSchema.optional(),
    deletedBy: userIdSchema.optional(),
  })
  // A tombstone is all three or none: readers and the rules rely on `deletedAt` alone.
  .refine((c) => (c.deletedAt === undefined ? c.deletedBy === undefined : c.deletedBy !== undefined && c.body === ''), {
    message: 'a deleted comment has an empty body, deletedAt and deletedBy',
  });
export type CommentRecord = z.infer<typeof commentRecordSchema>;

export const isTombstone = (c: CommentRecord): boolean => c.deletedAt !== undefined;

/** Parses a map value; undefined when it is not a valid record (a reader skips it). */
export const parseThread = (value: unknown): ThreadRecord | undefined => threadRecordSchema.safeParse(value).data;
export const parseStatus = (value: unknown): StatusRecord | undefined => statusRecordSchema.safeParse(value).data;
export const parseComment = (value: unknown): CommentRecord | undefined => commentRecordSchema.safeParse(value).data;
