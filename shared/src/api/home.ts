import { z } from 'zod';
import { timeSchema } from './common.ts';

/**
 * Tags and per-person folders (docs/plans/home-insights.md §2). Tags are instance-wide names whose workflows
 * anyone who may read them sees tagged; folders are each person's own and visible to nobody else.
 */

export const MAX_TAG_NAME = 50;
export const MAX_FOLDER_NAME = 100;

// Names show in chips and menus: a line break or NUL has no place there.
const noControl = (text: string): boolean => {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) < 0x20) return false;
  return true;
};

const tagName = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(MAX_TAG_NAME)
  .refine(noControl, 'must not contain control characters');

const folderName = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(MAX_FOLDER_NAME)
  .refine(noControl, 'must not contain control characters');

const idRef = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be an id');

export const tagSchema = z.object({
  id: z.string(),
  name: z.string(),
  createdBy: z.string().nullable(),
  createdAt: timeSchema,
  /** Workflows the caller may read that carry it. */
  workflows: z.number().int(),
  /** Whether the caller may rename or delete it (its maker, or an admin). */
  mayManage: z.boolean(),
});
export type TagDto = z.infer<typeof tagSchema>;

export const tagListSchema = z.object({ tags: z.array(tagSchema) });
export const createTagRequest = z.object({ name: tagName });
export const renameTagRequest = z.object({ name: tagName });
/** Tags a workflow by name: an existing tag of that name (any case), else a new one. */
export const tagWorkflowRequest = z.object({ name: tagName });
export const workflowTagSchema = z.object({ id: z.string(), name: z.string() });

export const folderSchema = z.object({
  id: z.string(),
  parentId: z.string().nullable(),
  name: z.string(),
  createdAt: timeSchema,
});
export type FolderDto = z.infer<typeof folderSchema>;

export const folderListSchema = z.object({ folders: z.array(folderSchema) });
export const createFolderRequest = z.object({ name: folderName, parentId: idRef.nullable().optional() });
export const updateFolderRequest = z
  .object({ name: folderName.optional(), parentId: idRef.nullable().optional() })
  .refine((patch) => patch.name !== undefined || patch.parentId !== undefined, 'name or parentId');
/** Files the workflow in one of the caller's folders, or (null) in none. */
export const fileWorkflowRequest = z.object({ folderId: idRef.nullable() });
