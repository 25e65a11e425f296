import { z } from 'zod';
import { ID_PATTERN } from '../ids.ts';
import { workflowSchema } from './index.ts';

export const workflowSorts = ['updated', 'name', 'lastRun', 'failures'] as const;
export type WorkflowSort = (typeof workflowSorts)[number];

/** Tags filtered on at once: each is one `exists` in the list's query. */
export const MAX_TAG_FILTERS = 10;

const tagIdFilter = z.string().regex(ID_PATTERN, 'must be a tag id');

/**
 * A cursor: `<updatedAt>:<id>` (the list's first cursors, still accepted for the default sort) or
 * `<sort>.<hex of the JSON [key, id]>`, so a page resumes in the order it was read in.
 */
const CURSOR = /^(\d{1,15}:[A-Za-z0-9_-]{1,64}|(updated|name|lastRun|failures)\.[0-9a-f]{1,8000})$/;

/**
 * One page of the workflow list (docs/plans/collaboration.md §8, docs/plans/home-insights.md §2). Without
 * `limit` the list is whole, as before paging existed; with it, pages follow the list's order (`sort`, then id)
 * and `cursor` resumes after the last row of the page before.
 */
export const workflowListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).optional(),
  cursor: z.string().regex(CURSOR, 'must be a cursor from a previous page').optional(),
  q: z
    .string()
    .trim()
    .max(200)
    .refine((text) => !text.includes('\u0000'), 'must not contain NUL characters')
    .optional()
    .meta({ description: 'Only workflows whose name, a node type or a tag name contains this, any case' }),
  tag: z
    .union([tagIdFilter.transform((t) => [t]), z.array(tagIdFilter).max(MAX_TAG_FILTERS)])
    .optional()
    .meta({ description: 'Tag ids (repeatable): only workflows that have every one' }),
  folder: z
    .string()
    .regex(ID_PATTERN, 'must be a folder id')
    .optional()
    .meta({ description: "Only the workflows the caller filed in this folder of theirs (not its sub-folders')" }),
  active: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
  sort: z.enum(workflowSorts).optional().meta({
    description:
      'updated (latest change first, the default), name (A–Z), lastRun (latest run first, never-run last), failures (most failed runs in 7 days first)',
  }),
});
export type WorkflowListQuery = z.infer<typeof workflowListQuery>;

export const workflowListSchema = z.object({
  workflows: z.array(workflowSchema),
  /** With `limit`: pass as `cursor` for the next page; null on the last one. Absent for the whole list. */
  nextCursor: z.string().nullable().optional(),
});

/** Where a page resumes: after this row in the list's order. `key` is the sort's value for it. */
export interface WorkflowListCursor {
  sort: WorkflowSort;
  key: number | string;
  id: string;
}

// Hex of UTF-16 code units: URL-safe without a base64 library, which shared code (no DOM, no Node types) lacks.
const toHex = (text: string): string => {
  let out = '';
  for (let i = 0; i < text.length; i++) out += text.charCodeAt(i).toString(16).padStart(4, '0');
  return out;
};

const fromHex = (hex: string): string | undefined => {
  if (!/^([0-9a-f]{4})*$/.test(hex)) return undefined;
  let out = '';
  for (let i = 0; i < hex.length; i += 4) out += String.fromCharCode(parseInt(hex.slice(i, i + 4), 16));
  return out;
};

export const encodeWorkflowCursor = (cursor: WorkflowListCursor): string =>
  `${cursor.sort}.${toHex(JSON.stringify([cursor.key, cursor.id]))}`;

const decodedKey = z.tuple([z.union([z.number(), z.string().max(1000)]), z.string().regex(ID_PATTERN)]);

/**
 * Only cursors the query schema accepted come here; undefined when one does not decode (forged), or was made
 * for another sort than `sort` (the caller changed the sort between pages).
 */
export const decodeWorkflowCursor = (cursor: string, sort: WorkflowSort): WorkflowListCursor | undefined => {
  const legacy = /^(\d{1,15}):(.+)$/.exec(cursor);
  if (legacy) return sort === 'updated' ? { sort, key: Number(legacy[1]), id: legacy[2] ?? '' } : undefined;
  const dot = cursor.indexOf('.');
  if (cursor.slice(0, dot) !== sort) return undefined;
  try {
    const text = fromHex(cursor.slice(dot + 1));
    if (text === undefined) return undefined;
    const parsed = decodedKey.safeParse(JSON.parse(text));
    if (!parsed.success) return undefined;
    const [key, id] = parsed.data;
    if ((sort === 'name') !== (typeof key === 'string')) return undefined;
    return { sort, key, id };
  } catch {
    return undefined;
  }
};
