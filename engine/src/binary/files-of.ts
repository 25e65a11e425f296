import { binaryMapSchema } from '#shared/runs/item-schema.ts';
import type { BinaryData } from '#shared/runs/items.ts';
import { NodeError } from '../runner/types.ts';

/**
 * Files an item carries as code made them (the Code node): checked, because the server decodes `data` for a download
 * and the inspector shows `fileName` and `mimeType`; something else under `binary` would be stored as if it were a
 * file. n8n takes any object there.
 */
export const filesOf = (value: unknown): Record<string, BinaryData> => {
  const parsed = binaryMapSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue && issue.path.length > 0 ? ` (at binary.${issue.path.join('.')})` : '';
  throw new NodeError(
    `An item's 'binary' is not a set of files: each needs 'data' (base64) and 'mimeType'${where}: ${issue?.message ?? 'invalid'}`,
  );
};
