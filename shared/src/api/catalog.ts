import { z } from 'zod';

/**
 * The node catalog as the REST API serves it (`GET /api/nodes`,
 * `GET /api/nodes/{type}`): shared/src/nodes/types.ts's definitions as data.
 */

export const nodeCategories = ['trigger', 'flow', 'transform', 'action', 'utility'] as const;

export const nodeSummarySchema = z.object({
  type: z.string(),
  version: z.number().int(),
  label: z.string(),
  description: z.string(),
  category: z.enum(nodeCategories),
  /** Icon key the web app maps to a glyph. */
  icon: z.string(),
  /** Accent colour (#rrggbb). */
  color: z.string(),
});

/** The definitions are constants in shared/src/nodes: their lists are readonly. */
const list = <T extends z.ZodType>(item: T) => z.array(item).readonly();

const showWhen = z.record(z.string(), list(z.union([z.string(), z.number(), z.boolean()])));

const paramBase = {
  name: z.string(),
  label: z.string(),
  description: z.string().optional(),
  required: z.boolean().optional(),
  /** Shown only when every listed parameter has one of the listed values. */
  showWhen: showWhen.optional(),
};

const stringParam = z.object({
  ...paramBase,
  kind: z.literal('string'),
  default: z.string(),
  placeholder: z.string().optional(),
  multiline: z.boolean().optional(),
});
const numberParam = z.object({
  ...paramBase,
  kind: z.literal('number'),
  default: z.number(),
  min: z.number().optional(),
  max: z.number().optional(),
  integer: z.boolean().optional(),
});
const booleanParam = z.object({ ...paramBase, kind: z.literal('boolean'), default: z.boolean() });
const optionsParam = z.object({
  ...paramBase,
  kind: z.literal('options'),
  default: z.string(),
  options: list(z.object({ value: z.string(), label: z.string(), description: z.string().optional() })),
});
const jsonParam = z.object({ ...paramBase, kind: z.literal('json'), default: z.string() });
const codeParam = z.object({
  ...paramBase,
  kind: z.literal('code'),
  language: z.literal('javascript'),
  default: z.string(),
});
const listFieldParam = z.discriminatedUnion('kind', [stringParam, numberParam, booleanParam, optionsParam]);
const listParam = z.object({
  ...paramBase,
  kind: z.literal('list'),
  default: list(z.record(z.string(), z.unknown())),
  fields: list(listFieldParam),
  addLabel: z.string().optional(),
});

export const paramSpecSchema = z.discriminatedUnion('kind', [
  stringParam,
  numberParam,
  booleanParam,
  optionsParam,
  jsonParam,
  codeParam,
  listParam,
]);

const portSpec = z.object({ name: z.string(), label: z.string() });

export const nodeDefinitionSchema = nodeSummarySchema.extend({
  inputs: list(portSpec),
  outputs: list(portSpec),
  /** Outputs whose number follows a list parameter (Switch): handles `${prefix}${index}`. */
  dynamicOutputs: z.object({ listParam: z.string(), prefix: z.string(), max: z.number().int() }).optional(),
  params: list(paramSpecSchema),
  credentials: list(
    z.object({ name: z.string(), label: z.string(), types: list(z.string()), showWhen: showWhen.optional() }),
  ).optional(),
  /** Triggers start executions; they have no inputs. */
  trigger: z.boolean().optional(),
  /** Not executed at all (Sticky Note). */
  annotation: z.boolean().optional(),
  /** Extra words the palette search matches. */
  keywords: list(z.string()).optional(),
});
