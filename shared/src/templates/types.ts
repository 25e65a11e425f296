import { z } from 'zod';
import { ID_PATTERN } from '../ids.ts';
import { workflowDefinitionSchema } from '../schema/definition.ts';

/**
 * Workflow templates (docs/plans/n8n-daily.md §9): a definition without
 * credential ids, the variables that fill it in, and where it came from.
 * Built-ins ship with the server; saved ones belong to the instance.
 */

/** The gallery's categories, fixed so built-in and saved templates share them. */
export const templateCategories = [
  'Getting started',
  'Data transformation',
  'HTTP & APIs',
  'Databases',
  'Email & notifications',
  'Files',
  'Error handling',
  'Sub-workflows',
  'Scheduling',
] as const;
export type TemplateCategory = (typeof templateCategories)[number];

export const TEMPLATE_NAME_MAX = 100;
export const TEMPLATE_DESCRIPTION_MAX = 2_000;
export const TEMPLATE_TAGS_MAX = 10;
export const TEMPLATE_VARIABLES_MAX = 50;

/** `builtin:<slug>` for the shipped ones; saved ones get a plain id. */
export const BUILTIN_PREFIX = 'builtin:';
export const templateIdSchema = z
  .string()
  .regex(/^(builtin:[a-z0-9-]{1,64}|[A-Za-z0-9_-]{1,64})$/, 'must be a template id');
export const isBuiltinId = (id: string): boolean => id.startsWith(BUILTIN_PREFIX);

/**
 * Segments a path may not name: walking into them would reach a prototype
 * rather than a parameter (the values are applied on the server).
 */
const FORBIDDEN_SEGMENTS = new Set(['__proto__', 'prototype', 'constructor']);
const pathSegment = z
  .string()
  .min(1)
  .max(128)
  .refine((s) => !FORBIDDEN_SEGMENTS.has(s), 'must not name a prototype');

/**
 * Where a variable's value goes: a parameter of a node (the path inside its
 * `parameters`, e.g. `['url']`) or one of its credential slots. The whole
 * value is replaced: there is no placeholder syntax inside text, which would
 * collide with `{{ }}` expressions (§0, "Template variables").
 */
export const templateTargetSchema = z.union([
  z.strictObject({ nodeId: z.string().regex(ID_PATTERN), path: z.array(pathSegment).min(1).max(8) }),
  z.strictObject({ nodeId: z.string().regex(ID_PATTERN), credentialSlot: z.string().min(1).max(64) }),
]);
export type TemplateTarget = z.infer<typeof templateTargetSchema>;

export const templateVariableKinds = ['string', 'number', 'boolean', 'options', 'credential', 'workflow'] as const;
export type TemplateVariableKind = (typeof templateVariableKinds)[number];

export const templateVariableSchema = z
  .strictObject({
    key: z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/, 'must be a letter then letters, digits or "_"'),
    label: z.string().trim().min(1).max(100),
    description: z.string().max(500).optional(),
    required: z.boolean(),
    kind: z.enum(templateVariableKinds),
    default: z.union([z.string().max(10_000), z.number(), z.boolean()]).optional(),
    options: z.array(z.string().max(200)).min(1).max(100).optional(),
    /** For `credential`: the credential types the slot accepts (a node's slot may take several). */
    credentialTypes: z.array(z.string().min(1).max(64)).min(1).max(10).optional(),
    targets: z.array(templateTargetSchema).min(1).max(20),
  })
  .superRefine((v, ctx) => {
    if (v.kind === 'options' && !v.options)
      ctx.addIssue({ code: 'custom', message: 'an options variable lists its options' });
    if (v.kind === 'credential' && !v.credentialTypes) {
      ctx.addIssue({ code: 'custom', message: 'a credential variable names its credential types' });
    }
    const slot = v.targets.some((t) => 'credentialSlot' in t);
    if (slot !== (v.kind === 'credential') || (slot && v.targets.some((t) => !('credentialSlot' in t)))) {
      ctx.addIssue({ code: 'custom', message: 'credential slots are filled by credential variables only' });
    }
    if (v.kind === 'credential' && v.default !== undefined) {
      ctx.addIssue({ code: 'custom', message: 'a credential variable has no default (ids are never saved)' });
    }
  });
export type TemplateVariable = z.infer<typeof templateVariableSchema>;

export const templateVariablesSchema = z
  .array(templateVariableSchema)
  .max(TEMPLATE_VARIABLES_MAX)
  .refine((vs) => new Set(vs.map((v) => v.key)).size === vs.length, 'variable keys must be unique');

/** Sample data per node id: the output items "Execute step" starts from (the workflow's pins). */
export const templatePinsSchema = z.record(
  z.string().regex(ID_PATTERN),
  z.array(z.record(z.string(), z.unknown())).max(1_000),
);
export type TemplatePins = z.infer<typeof templatePinsSchema>;

export const templateTagsSchema = z.array(z.string().trim().min(1).max(40)).max(TEMPLATE_TAGS_MAX);

/** A built-in template file (sync-server/src/templates/builtin/*.json). */
export const builtinTemplateSchema = z.strictObject({
  id: z.string().regex(/^builtin:[a-z0-9-]{1,64}$/),
  name: z.string().min(1).max(TEMPLATE_NAME_MAX),
  description: z.string().max(TEMPLATE_DESCRIPTION_MAX),
  category: z.enum(templateCategories),
  tags: templateTagsSchema,
  definition: workflowDefinitionSchema,
  variables: templateVariablesSchema,
  pins: templatePinsSchema.optional(),
});
export type BuiltinTemplate = z.infer<typeof builtinTemplateSchema>;
