import { z } from 'zod';
import { workflowDefinitionSchema } from '../schema/definition.ts';
import { timeSchema as time } from './common.ts';

/** A workflow's version history over REST (docs/plans/collaboration.md §7.2). */

export const versionKinds = ['auto', 'named', 'publish', 'restore'] as const;
export type VersionKind = (typeof versionKinds)[number];

export const MAX_VERSION_NAME = 100;

const kindList = new RegExp(`^(${versionKinds.join('|')})(,(${versionKinds.join('|')}))*$`);

export const versionAuthorSchema = z.object({
  id: z.string(),
  /** Null once the account was deleted. */
  name: z.string().nullable(),
});

export const versionSchema = z.object({
  /** The history entry's id. */
  id: z.string(),
  name: z.string().nullable(),
  kind: z.enum(versionKinds),
  createdAt: time,
  /** Who named, published or restored it; null for an auto version. */
  createdBy: z.string().nullable(),
  /** Who edited since the version before. */
  authors: z.array(versionAuthorSchema),
  /** The content-addressed version (executions name it too). */
  hash: z.string(),
});
export type VersionDto = z.infer<typeof versionSchema>;

export const versionListSchema = z.object({
  versions: z.array(versionSchema),
  /** Pass as `cursor` for the next page; null on the last one. */
  nextCursor: z.string().nullable(),
});

export const versionListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z
    .string()
    .regex(/^\d{1,15}:[A-Za-z0-9_-]{1,64}$/, 'must be a cursor from a previous page')
    .optional(),
  kinds: z
    .string()
    .regex(kindList, `must be a comma-separated list of ${versionKinds.join(', ')}`)
    .optional()
    .meta({ description: 'Only these kinds, comma-separated (e.g. `named,publish`)' }),
});

export const versionNameRequest = z.strictObject({
  name: z.string().trim().min(1, 'must not be empty').max(MAX_VERSION_NAME),
});

export const namedVersionSchema = versionSchema
  .omit({ createdBy: true })
  .extend({ kind: z.literal('named'), name: z.string() });

export const versionDetailSchema = z.object({
  /** Null when no history entry names this version (a run's version, by hash). */
  id: z.string().nullable(),
  hash: z.string(),
  name: z.string().nullable(),
  kind: z.enum(versionKinds).nullable(),
  createdAt: time,
  authors: z.array(versionAuthorSchema),
  definition: workflowDefinitionSchema,
});
export type VersionDetailDto = z.infer<typeof versionDetailSchema>;

export const restoreResultSchema = z.object({
  /** The version restored. */
  restored: z.object({ id: z.string(), hash: z.string() }),
  /** The `restore` history entry (undo takes its id). */
  entry: z.object({ id: z.string() }),
  /** The version the document held just before. */
  before: z.object({ hash: z.string() }),
  /** How many changes the restore wrote. */
  changes: z.number().int(),
});

export const undoRestoreResultSchema = z.object({ changes: z.number().int() });
