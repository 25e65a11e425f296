import { z } from 'zod';
import { workflowDefinitionSchema } from '../schema/definition.ts';
import {
  TEMPLATE_DESCRIPTION_MAX,
  TEMPLATE_NAME_MAX,
  templateCategories,
  templatePinsSchema,
  templateTagsSchema,
  templateVariablesSchema,
} from '../templates/types.ts';
import { timeSchema } from './common.ts';

/** Templates over REST (docs/plans/n8n-daily.md §9.1). */

export const templateSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  category: z.enum(templateCategories),
  tags: z.array(z.string()),
  /** The node types it uses, each once, in the order they first appear. */
  nodeTypes: z.array(z.string()),
  builtin: z.boolean(),
  /** Who saved it (null for a built-in, or when their account is gone). */
  createdBy: z.object({ id: z.string(), name: z.string() }).nullable(),
  /** Whether the caller may delete it: its creator or the instance admin, never a built-in. */
  canDelete: z.boolean(),
  createdAt: timeSchema.nullable(),
  /** Where its picture is (changes with its content, so it may be cached for good). */
  pictureUrl: z.string(),
});
export type TemplateSummaryDto = z.infer<typeof templateSummarySchema>;

export const templateDetailSchema = templateSummarySchema.extend({
  definition: workflowDefinitionSchema,
  variables: templateVariablesSchema,
  pins: templatePinsSchema.nullable(),
});
export type TemplateDetailDto = z.infer<typeof templateDetailSchema>;

export const templateListSchema = z.object({
  templates: z.array(templateSummarySchema),
  /** Every category, with how many templates of it match the search (zero included, so chips stay put). */
  categories: z.array(z.object({ name: z.enum(templateCategories), count: z.number().int() })),
});
export type TemplateListDto = z.infer<typeof templateListSchema>;

export const templateListQuery = z.object({
  search: z
    .string()
    .max(200)
    .optional()
    .meta({ description: 'Words that must all appear in the name, description, tags or node types (any case)' }),
  category: z.enum(templateCategories).optional().meta({ description: 'Only this category' }),
});

export const saveTemplateRequest = z.strictObject({
  workflowId: z.string().min(1).max(64),
  name: z.string().trim().min(1).max(TEMPLATE_NAME_MAX),
  description: z.string().max(TEMPLATE_DESCRIPTION_MAX).default(''),
  category: z.enum(templateCategories),
  tags: templateTagsSchema.default([]),
  /** The parameters the author marked; a variable per credential slot is added on the server. */
  variables: templateVariablesSchema.default([]),
  /** Keep the workflow's pinned data as sample data (off: a template never carries pins unasked). */
  includePins: z.boolean().default(false),
});
export type SaveTemplateRequest = z.input<typeof saveTemplateRequest>;

export const useTemplateRequest = z.strictObject({
  name: z.string().trim().min(1).max(200).optional(),
  /** One value per variable key: text, a number, true/false, an option, or a credential or workflow id. */
  values: z.record(z.string().max(64), z.union([z.string().max(100_000), z.number(), z.boolean()])).default({}),
});
export type UseTemplateRequest = z.input<typeof useTemplateRequest>;

export const usedTemplateSchema = z.object({ workflowId: z.string() });
