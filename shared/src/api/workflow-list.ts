import { z } from 'zod';
import { workflowSchema } from './index.ts';

/**
 * One page of the workflow list (docs/plans/collaboration.md §8). Without
 * `limit` the list is whole, as before paging existed; with it, pages follow
 * the list's order (latest change first, then id) and `cursor` resumes after
 * the last row of the page before.
 */
export const workflowListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).optional(),
  cursor: z
    .string()
    .regex(/^\d{1,15}:[A-Za-z0-9_-]{1,64}$/, 'must be a cursor from a previous page')
    .optional(),
  q: z
    .string()
    .trim()
    .max(200)
    .refine((text) => !text.includes('\u0000'), 'must not contain NUL characters')
    .optional()
    .meta({ description: 'Only workflows whose name contains this, any case' }),
});
export type WorkflowListQuery = z.infer<typeof workflowListQuery>;

export const workflowListSchema = z.object({
  workflows: z.array(workflowSchema),
  /** With `limit`: pass as `cursor` for the next page; null on the last one. Absent for the whole list. */
  nextCursor: z.string().nullable().optional(),
});

/** Where a page resumes: after this row in the list's order. */
export interface WorkflowListCursor {
  updatedAt: number;
  id: string;
}

export const encodeWorkflowCursor = (row: WorkflowListCursor): string => `${row.updatedAt}:${row.id}`;

/** Only cursors the query schema accepted come here. */
export const decodeWorkflowCursor = (cursor: string): WorkflowListCursor => {
  const at = cursor.indexOf(':');
  return { updatedAt: Number(cursor.slice(0, at)), id: cursor.slice(at + 1) };
};
