import { extname } from 'node:path';
import { detectMimeType } from 'nodemailer/lib/mime-funcs/mime-types.js';
import type { BinaryFileType } from '#shared/runs/items.ts';

/**
 * MIME types by file name as n8n's prepareBinaryData finds them (mime-types' `lookup`, then text/plain). Weft has
 * no mime-types dependency; nodemailer's table (already a dependency) answers instead, and the few types the two
 * tables name differently are listed in docs/n8n-compatibility.md.
 */

/** mime-types' reading of a path: the text after its last dot, or the whole name when it has none ("json"). */
const extensionOf = (path: string): string => extname(`x.${path}`).toLowerCase().slice(1);

/** mime-db's extensions of application/octet-stream (what mime-types answers for them). */
const OCTET_STREAM = new Set(
  'bin dms lrf mar so dist distz pkg bpk dump elc deploy exe dll deb dmg iso img msi msp msm buffer'.split(' '),
);

/** The type of a file by its name; undefined when the table does not know it. */
export const lookupMimeType = (path: string): string | undefined => {
  const ext = extensionOf(path);
  if (ext === '') return undefined;
  const type = detectMimeType(`f.${ext}`);
  // nodemailer's answer for an extension it does not know, unless mime-db too calls it bytes.
  if (type === 'application/octet-stream' && !OCTET_STREAM.has(ext)) return undefined;
  return type;
};

/** n8n-workflow's fileTypeFromMimeType: how its editor previews a file. */
export const fileTypeOf = (mimeType: string): BinaryFileType | undefined => {
  if (mimeType.startsWith('application/json')) return 'json';
  if (mimeType.startsWith('text/html')) return 'html';
  if (mimeType.startsWith('image/')) return 'image';
  if (mimeType.startsWith('audio/')) return 'audio';
  if (mimeType.startsWith('video/')) return 'video';
  if (mimeType.startsWith('text/') || mimeType.startsWith('application/javascript')) return 'text';
  if (mimeType.startsWith('application/pdf')) return 'pdf';
  return undefined;
};
