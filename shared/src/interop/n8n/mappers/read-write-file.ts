import { type Mapper, type Params, same } from '../param-reader.ts';

/**
 * Read/Write Files from Disk 1 and 1.1. The read options come over flat (its "File Name" option is
 * `outputFileName`); version 1 put out nothing when no file matched, 1.1 fails (`errorWhenNone`). Paths now live
 * in the engine's files folder (WEFT_FILES_DIR): an absolute path works only inside it, which the import says.
 */
const readWriteFile: Mapper = (r) => {
  const out: Params = {};
  same(r, out, ['operation']);
  const operation = out.operation ?? 'read';
  if (operation === 'write') {
    same(r, out, ['fileName', 'dataPropertyName']);
    const append = r.get('options.append');
    if (append !== undefined) out.append = append;
  } else {
    same(r, out, ['fileSelector']);
    for (const [from, to] of [
      ['options.fileExtension', 'fileExtension'],
      ['options.fileName', 'outputFileName'],
      ['options.mimeType', 'mimeType'],
      ['options.dataPropertyName', 'dataPropertyName'],
      ['options.literalBrackets', 'literalBrackets'],
    ] as const) {
      const value = r.get(from);
      if (value !== undefined) out[to] = value;
    }
    out.errorWhenNone = r.version > 1;
  }
  const path = out[operation === 'write' ? 'fileName' : 'fileSelector'];
  if (typeof path === 'string' && (path.startsWith('/') || /^[a-zA-Z]:[\\/]/.test(path)))
    r.problem(
      `its path "${path}" is absolute: Weft reads and writes only in its files folder (WEFT_FILES_DIR), so it works only if that folder holds it; a path relative to the folder is safer`,
    );
  return out;
};

export const readWriteFileMappers: Record<string, Mapper> = { readWriteFile };
