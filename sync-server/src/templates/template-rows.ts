import type { WorkflowDefinition } from '#shared/schema/index.ts';
import type { TemplateCategory, TemplatePins, TemplateVariable } from '#shared/templates/types.ts';
import type { NewTemplate, SavedTemplate } from './template-store.ts';

/** A templates row as both dialects read it (the JSON columns as text). */
export interface TemplateRowText {
  id: string;
  name: string;
  description: string;
  category: string;
  tags: string;
  definition: string;
  variables: string;
  pins: string | null;
  contentHash: string;
  createdBy: string | null;
  creatorName: string | null;
  createdAt: number;
  updatedAt: number;
}

/** Rows were validated before they were written, so they are read back as they went in. */
export const fromRow = (row: TemplateRowText): SavedTemplate => ({
  id: row.id,
  name: row.name,
  description: row.description,
  category: row.category as TemplateCategory,
  tags: JSON.parse(row.tags) as string[],
  definition: JSON.parse(row.definition) as WorkflowDefinition,
  variables: JSON.parse(row.variables) as TemplateVariable[],
  pins: row.pins === null ? null : (JSON.parse(row.pins) as TemplatePins),
  contentHash: row.contentHash,
  createdBy: row.createdBy === null ? null : { id: row.createdBy, name: row.creatorName ?? '' },
  createdAt: row.createdAt,
  updatedAt: row.updatedAt,
});

export const toRow = (t: NewTemplate) => ({
  id: t.id,
  name: t.name,
  description: t.description,
  category: t.category,
  tags: JSON.stringify(t.tags),
  definition: JSON.stringify(t.definition),
  variables: JSON.stringify(t.variables),
  pins: t.pins === null ? null : JSON.stringify(t.pins),
  contentHash: t.contentHash,
  createdBy: t.createdBy,
  createdAt: t.createdAt,
  updatedAt: t.createdAt,
});
