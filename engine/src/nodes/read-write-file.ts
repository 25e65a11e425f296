import { MAIN } from '#shared/nodes/types.ts';
import { formatFileSize } from '#shared/runs/file-size.ts';
import type { BinaryData, Item } from '#shared/runs/items.ts';
import { defaultRunLimits } from '#shared/protocol/engine.ts';
import { parse as parsePath } from 'node:path';
import { FilesFolder, type FoundFile } from '../files/files-folder.ts';
import { fileTypeOf, lookupMimeType } from '../files/mime-lookup.ts';
import { pairedWith } from '../runner/paired-items.ts';
import { ItemErrors, NodeError, type NodeContext, type NodeExecutor } from '../runner/types.ts';
import { str } from './values.ts';

/**
 * n8n's Read/Write Files from Disk (ReadWriteFile.node.ts 1, 1.1), in the engine's files folder only
 * (files-folder.ts). Read: every file a pattern matches becomes an item with the file in `binary` and its facts in
 * `json`, as n8n's prepareBinaryData describes it. Write: each item's file is written to a path, and the item goes
 * on with `fileName` added. A failed item stops the node, or with "continue" is `{ error }` in its place, as n8n's.
 */

/** One folder object per configured path: its real path is looked up once per engine. */
const folders = new Map<string, FilesFolder>();
const folderOf = (ctx: NodeContext): FilesFolder => {
  const dir = ctx.filesDir;
  if (dir === undefined) {
    throw new NodeError(
      'This engine has no files folder',
      'start the engine with --files-dir (or WEFT_FILES_DIR) to read and write files',
    );
  }
  let folder = folders.get(dir);
  if (!folder) {
    folder = new FilesFolder(dir);
    folders.set(dir, folder);
  }
  return folder;
};

/** What prepareBinaryData makes of a file read from `shown` (n8n: a stream, so its bytes are never sniffed). */
const describe = (shown: string, bytes: Buffer): BinaryData => {
  const mimeType = lookupMimeType(shown) ?? 'text/plain';
  const parts = parsePath(shown);
  const file: BinaryData = { mimeType, data: bytes.toString('base64') };
  const fileType = fileTypeOf(mimeType);
  if (fileType) file.fileType = fileType;
  const ext = parts.ext.slice(1);
  if (parts.dir !== '') file.directory = parts.dir;
  file.fileName = parts.base;
  if (ext) file.fileExtension = ext;
  file.fileSize = formatFileSize(bytes.length);
  file.bytes = bytes.length;
  return file;
};

const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));

export const readWriteFile: NodeExecutor = async (ctx) => {
  const folder = folderOf(ctx);
  const all = ctx.params();
  const operation = str(all[0]?.operation, 'read');
  const budget = ctx.maxOutputBytes ?? defaultRunLimits.maxBytesPerNode;
  // Files go out as base64: a file may have at most three quarters of what is left, in bytes.
  let left = budget;
  const out: Item[] = [];
  const failed: { index: number; message: string }[] = [];
  const inPlace = ctx.node.onError === 'continueRegularOutput';
  const goOn = inPlace || ctx.node.onError === 'continueErrorOutput';

  const read = async (p: Record<string, unknown>, index: number): Promise<Item[]> => {
    const selector = str(p.fileSelector);
    const files: FoundFile[] = await folder.find(selector, p.literalBrackets !== false);
    if (files.length === 0 && p.errorWhenNone !== false) {
      throw new NodeError('No file(s) found', `No file matching the selector "${selector}" found`);
    }
    const field = str(p.dataPropertyName, 'data');
    const items: Item[] = [];
    for (const found of files) {
      ctx.signal.throwIfAborted();
      const bytes = await folder.read(found, Math.max(0, Math.floor((left * 3) / 4)));
      left -= Math.ceil(bytes.length / 3) * 4;
      const file = describe(found.shown, bytes);
      // n8n sets what the options give, even empty.
      if (p.outputFileName !== undefined && p.outputFileName !== '') file.fileName = str(p.outputFileName);
      if (p.fileExtension !== undefined && p.fileExtension !== '') file.fileExtension = str(p.fileExtension);
      if (p.mimeType !== undefined && p.mimeType !== '') file.mimeType = str(p.mimeType);
      items.push(
        pairedWith(
          {
            json: {
              mimeType: file.mimeType,
              fileType: file.fileType,
              fileName: file.fileName,
              fileExtension: file.fileExtension,
              fileSize: file.fileSize,
            },
            binary: { [field]: file },
          },
          { item: index },
        ),
      );
    }
    return items;
  };

  const write = async (p: Record<string, unknown>, index: number): Promise<Item[]> => {
    const field = str(p.dataPropertyName, 'data');
    const fileName = str(p.fileName);
    const item = ctx.items[index];
    const files = item?.binary;
    if (files === undefined) {
      throw new NodeError(
        `This operation expects the node's input data to contain a binary file '${field}', but none was found [item ${index}]`,
        'Make sure that the previous node outputs a binary file',
      );
    }
    const file = Object.hasOwn(files, field) ? files[field] : undefined;
    if (file === undefined) throw new NodeError(`The item has no binary field '${field}' [item ${index}]`);
    await folder.write(fileName, Buffer.from(file.data, 'base64'), p.append === true);
    return [pairedWith({ json: { ...item?.json, fileName }, binary: { ...files } }, { item: index })];
  };

  // Read runs once even without input items, as n8n's executes its node once.
  const count = operation === 'read' ? Math.max(ctx.items.length, 1) : ctx.items.length;
  for (let index = 0; index < count; index++) {
    ctx.signal.throwIfAborted();
    const p = all[index] ?? all[0] ?? {};
    try {
      out.push(...(operation === 'write' ? await write(p, index) : await read(p, index)));
    } catch (e) {
      // A stopped run stops here, "continue" or not.
      if (ctx.signal.aborted) throw e;
      const message = messageOf(e);
      if (!goOn) throw e instanceof NodeError ? e : new NodeError(message);
      if (inPlace) out.push(pairedWith({ json: { error: message } }, { item: index }));
      else failed.push({ index, message });
    }
  }
  if (failed.length > 0) throw new ItemErrors({ [MAIN]: out }, failed);
  return { [MAIN]: out };
};
