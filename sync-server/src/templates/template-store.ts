import type { WorkflowDefinition } from '#shared/schema/index.ts';
import type { TemplateCategory, TemplatePins, TemplateVariable } from '#shared/templates/types.ts';

/** A template saved by someone of this instance (built-in ones are files: builtin-templates.ts). */
export interface SavedTemplate {
  id: string;
  name: string;
  description: string;
  category: TemplateCategory;
  tags: string[];
  definition: WorkflowDefinition;
  variables: TemplateVariable[];
  pins: TemplatePins | null;
  /** sha256 of what the picture is drawn from: its ETag. */
  contentHash: string;
  /** The creator, with their name as it is now; null once their account is gone. */
  createdBy: { id: string; name: string } | null;
  createdAt: number;
  updatedAt: number;
}

export type NewTemplate = Omit<SavedTemplate, 'createdBy' | 'updatedAt'> & { createdBy: string };

/**
 * The storage port for saved templates. Every implementation passes
 * test/contracts/template-store.contract.ts. The store keeps what it is
 * given: validating a template is the route's work.
 */
export interface TemplateStore {
  /** Every saved template, by category then name. */
  list(): Promise<SavedTemplate[]>;
  get(id: string): Promise<SavedTemplate | undefined>;
  create(template: NewTemplate): Promise<SavedTemplate>;
  /** False when there was none with this id. */
  delete(id: string): Promise<boolean>;
}
