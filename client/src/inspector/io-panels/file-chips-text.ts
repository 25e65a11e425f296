import { formatFileSize } from '#shared/runs/file-size.ts';

/**
 * What a file chip in the input and output panels says, and where its download comes from
 * (GET /api/executions/{id}/binary, docs/plans/n8n-daily.md §8.2). No React: tested in Node.
 */

/** Where a panel's items are stored: one handle of one side of one node run. */
export interface ItemsSource {
  executionId: string;
  nodeId: string;
  run: number;
  side: 'input' | 'output';
  handle: string;
}

export interface FileChip {
  /** The item's index on its handle. */
  item: number;
  key: string;
  name: string;
  mimeType: string;
  size: string;
}

/** Decimal units with three significant digits, as n8n's fileSize (pretty-bytes). */
export const formatBytes = formatFileSize;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Decoded bytes of base64 text, from its length (what the item would download as). */
const base64Bytes = (data: string): number => {
  const pad = data.endsWith('==') ? 2 : data.endsWith('=') ? 1 : 0;
  return Math.max(0, Math.floor((data.length * 3) / 4) - pad);
};

/** The files of one item (its index on the handle is `item`), each as a chip; nothing that is not a file. */
export const chipsOf = (binary: unknown, item: number): FileChip[] => {
  if (!isRecord(binary)) return [];
  const chips: FileChip[] = [];
  for (const [key, file] of Object.entries(binary)) {
    if (!isRecord(file) || typeof file.data !== 'string') continue;
    const mimeType = typeof file.mimeType === 'string' ? file.mimeType : 'application/octet-stream';
    const ext = typeof file.fileExtension === 'string' && file.fileExtension !== '' ? `.${file.fileExtension}` : '';
    const name = typeof file.fileName === 'string' && file.fileName !== '' ? file.fileName : `${key}${ext}`;
    const bytes = typeof file.bytes === 'number' ? file.bytes : base64Bytes(file.data);
    chips.push({ item, key, name, mimeType, size: formatBytes(bytes) });
  }
  return chips;
};

/** The download URL of one chip's file. */
export const downloadUrl = (source: ItemsSource, chip: Pick<FileChip, 'item' | 'key'>): string => {
  const q = new URLSearchParams({
    node: source.nodeId,
    run: String(source.run),
    side: source.side,
    handle: source.handle,
    item: String(chip.item),
    key: chip.key,
  });
  return `/api/executions/${encodeURIComponent(source.executionId)}/binary?${q.toString()}`;
};
