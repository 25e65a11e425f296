/**
 * A file's size as n8n writes it in `fileSize` (its pretty-bytes 5: decimal units, three significant digits):
 * "11 B", "1.23 kB", "12.3 MB".
 */
const UNITS = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'];

export const formatFileSize = (bytes: number): string => {
  if (!Number.isFinite(bytes) || bytes < 0) return '';
  if (bytes < 1) return `${bytes} B`;
  const exponent = Math.min(Math.floor(Math.log10(bytes) / 3), UNITS.length - 1);
  const n = Number((bytes / 1000 ** exponent).toPrecision(3));
  return `${n} ${UNITS[exponent]}`;
};
