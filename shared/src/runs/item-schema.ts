import { z } from 'zod';
import type { BinaryData, Item } from './items.ts';

/**
 * Items at a boundary (the engine channel, REST run bodies, stored node runs read back): `binary` is part of an
 * item, so a schema that knew only `json` would strip a file silently (docs/plans/n8n-daily.md §8.2).
 */

export const binaryFileTypes = ['text', 'json', 'image', 'audio', 'video', 'pdf', 'html'] as const;

export const binaryDataSchema = z
  .object({
    data: z.base64(),
    mimeType: z.string().max(255),
    fileType: z.enum(binaryFileTypes).optional(),
    fileName: z.string().max(1024).optional(),
    directory: z.string().max(4096).optional(),
    fileExtension: z.string().max(255).optional(),
    fileSize: z.string().max(64).optional(),
    bytes: z.number().int().min(0).optional(),
    id: z.string().max(1024).optional(),
  })
  // n8n's IBinaryData takes any other string or number field.
  .catchall(z.union([z.string(), z.number()])) satisfies z.ZodType<BinaryData>;

/** Property name → file; a name is what `$binary.<name>` and a node's "binary property" parameter use. */
export const binaryMapSchema = z.record(z.string().min(1).max(255), binaryDataSchema);

export const itemSchema = z.object({
  json: z.record(z.string(), z.unknown()),
  binary: binaryMapSchema.optional(),
}) satisfies z.ZodType<Item>;
