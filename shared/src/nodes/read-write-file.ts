import { defineNode, MAIN } from './types.ts';

const read = { operation: ['read'] } as const;
const write = { operation: ['write'] } as const;

/**
 * n8n's Read/Write Files from Disk (1, 1.1), confined to the engine's files folder (WEFT_FILES_DIR): paths are
 * relative to it, or absolute inside it. n8n's read options come over flat; its "File Name" option is
 * `outputFileName` here, since `fileName` is the write operation's path.
 */
export const readWriteFile = defineNode({
  type: 'readWriteFile',
  version: 1,
  label: 'Read/Write Files',
  description: "Reads files from the engine's files folder into binary items, or writes an item's file there.",
  category: 'action',
  icon: 'folder-open',
  color: '#2f7d32',
  inputs: [{ name: MAIN, label: 'Input' }],
  outputs: [{ name: MAIN, label: 'Output' }],
  params: [
    {
      name: 'operation',
      label: 'Operation',
      kind: 'options',
      default: 'read',
      options: [
        { value: 'read', label: 'Read file(s)', description: 'Files matching a path or pattern, one item each' },
        { value: 'write', label: 'Write file', description: "Each item's file to a path" },
      ],
    },
    {
      name: 'fileSelector',
      label: 'File(s) selector',
      description:
        'A path or glob pattern (picomatch: *, **, ?, {a,b}) in the files folder, with forward slashes; [ ] and ( ) are literal unless turned off below.',
      kind: 'string',
      default: '',
      placeholder: 'e.g. reports/**/*.csv',
      required: true,
      showWhen: read,
    },
    {
      name: 'fileName',
      label: 'File path and name',
      description: 'Where to write, in the files folder, with the extension.',
      kind: 'string',
      default: '',
      placeholder: 'e.g. out/report.csv',
      required: true,
      showWhen: write,
    },
    {
      name: 'dataPropertyName',
      label: 'Binary field',
      description: 'Read: the field each file is put in. Write: the field holding the file to write.',
      kind: 'string',
      default: 'data',
      required: true,
    },
    {
      name: 'append',
      label: 'Append',
      description: 'Add to the end of an existing file instead of replacing it.',
      kind: 'boolean',
      default: false,
      showWhen: write,
    },
    { name: 'fileExtension', label: 'File extension', kind: 'string', default: '', showWhen: read },
    {
      name: 'outputFileName',
      label: 'File name',
      description: 'Of the file in the output item.',
      kind: 'string',
      default: '',
      showWhen: read,
    },
    {
      name: 'mimeType',
      label: 'MIME type',
      kind: 'string',
      default: '',
      placeholder: 'e.g. application/zip',
      showWhen: read,
    },
    {
      name: 'literalBrackets',
      label: 'Brackets and parentheses are literal',
      description: 'Off: [0-9] is a character class and (a|b) a group.',
      kind: 'boolean',
      default: true,
      showWhen: read,
    },
    {
      name: 'errorWhenNone',
      label: 'Fail when no file matches',
      description: "n8n's version 1 put out nothing instead; 1.1 fails.",
      kind: 'boolean',
      default: true,
      showWhen: read,
    },
  ],
  keywords: ['file', 'disk', 'read', 'write', 'glob', 'binary', 'save'],
});
