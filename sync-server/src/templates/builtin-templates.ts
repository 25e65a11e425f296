import { createHash } from 'node:crypto';
import { validateDefinition, type WorkflowDefinition } from '#shared/schema/index.ts';
import { builtinTemplateSchema, type BuiltinTemplate } from '#shared/templates/types.ts';
import { checkTemplateVariables } from '#shared/templates/variables.ts';
import { builtinFiles } from './builtin-files.ts';

/** A built-in as the routes use it: its definition normalized as an import would (edge ids filled in). */
export interface LoadedBuiltin extends Omit<BuiltinTemplate, 'definition'> {
  definition: WorkflowDefinition;
  contentHash: string;
}

/** sha256 of what a picture is drawn from, so a saved and a built-in template name their pictures alike. */
export const contentHashOf = (template: Pick<BuiltinTemplate, 'definition'>): string =>
  createHash('sha256').update(JSON.stringify(template.definition)).digest('hex').slice(0, 32);

/**
 * Checks one built-in file as an imported workflow would be checked: a
 * template that does not import cleanly (an unknown node, a dangling edge, a
 * variable aimed at nothing) is a bug in this code, so it stops the server
 * at start rather than failing the person who picks it.
 */
export const loadBuiltin = (raw: unknown): LoadedBuiltin => {
  const template = builtinTemplateSchema.parse(raw);
  const checked = validateDefinition(template.definition);
  const problems = checked.ok
    ? [...checked.warnings, ...checkTemplateVariables(checked.definition, template.variables)]
    : checked.issues;
  if (!checked.ok || problems.length > 0) {
    throw new Error(`built-in template ${template.id}: ${problems.map((p) => p.message).join('; ')}`);
  }
  return { ...template, definition: checked.definition, contentHash: contentHashOf(checked) };
};

/** The built-in templates by id, each checked (the routes load them once). */
export const loadBuiltins = (): ReadonlyMap<string, LoadedBuiltin> =>
  new Map(builtinFiles.map((raw) => loadBuiltin(raw)).map((t) => [t.id, t]));
