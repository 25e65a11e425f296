import type { BinaryData } from '#shared/runs/items.ts';

type FileFacts = Pick<BinaryData, 'mimeType' | 'fileName' | 'fileExtension'>;

/**
 * The headers of a file a node run's item carries, sent as a download. Its name and type come from the workflow
 * (a Code node can write anything there), so the name is encoded per RFC 6266 / 5987 and the type is kept only when
 * it is a plain `type/subtype`; the browser is told to save it, not to guess or render it.
 */

const TOKEN = /^[A-Za-z0-9!#$&^_.+-]{1,127}\/[A-Za-z0-9!#$&^_.+-]{1,127}$/;

/** The item's MIME type without parameters, or application/octet-stream when it is not one. */
export const safeMimeType = (mimeType: string): string => {
  const bare = (mimeType.split(';')[0] ?? '').trim();
  return TOKEN.test(bare) ? bare.toLowerCase() : 'application/octet-stream';
};

/** RFC 5987's attr-char: what may stand unescaped in `filename*`. */
const encodeExtValue = (value: string): string =>
  encodeURIComponent(value).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/**
 * `attachment; filename="…"; filename*=UTF-8''…`: an ASCII fallback (quotes, backslashes, control and non-ASCII
 * characters replaced) for old clients, the exact name for the rest. Path separators never reach a name.
 */
export const contentDisposition = (fileName: string): string => {
  const base = fileName.replace(/[/\\]/g, '_').slice(0, 255) || 'file';
  const fallback = base.replace(/[^\x20-\x7e]|["\\%]/g, '_');
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encodeExtValue(base)}`;
};

/** The name a download gets: the item's file name, else its key with the item's extension. */
export const downloadName = (key: string, file: FileFacts): string => {
  if (typeof file.fileName === 'string' && file.fileName !== '') return file.fileName;
  const ext = typeof file.fileExtension === 'string' && file.fileExtension !== '' ? `.${file.fileExtension}` : '';
  return `${key}${ext}`;
};

export const downloadHeaders = (key: string, file: FileFacts, bytes: number): Record<string, string> => ({
  'Content-Type': safeMimeType(file.mimeType),
  'Content-Disposition': contentDisposition(downloadName(key, file)),
  'Content-Length': String(bytes),
  'X-Content-Type-Options': 'nosniff',
  // Opened directly anyway (a browser that ignores attachment), the file can run nothing and load nothing.
  'Content-Security-Policy': "default-src 'none'; sandbox",
  'Cache-Control': 'private, no-store',
});
