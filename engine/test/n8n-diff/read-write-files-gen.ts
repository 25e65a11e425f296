import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { shrinkParams } from './item-list-params.ts';
import type { CaseDiff, Family } from './differ.ts';
import { caseWorkflow, type NodeCase, type Params } from './node-case.ts';
import { compareResults, type EngineResult } from './outcome.ts';
import { REFERENCE_FILES_DIR, type N8nReference } from './reference.ts';
import { Rng } from './rng.ts';
import { runInWeft } from './weft.ts';

/**
 * Read/Write Files from Disk 1 and 1.1. Each engine gets a folder of its own holding the same files (n8n's is
 * the reference's N8N_RESTRICT_FILE_ACCESS_TO, Weft's its files folder), and the case's paths are absolute in
 * it (`@ROOT@` in the parameters). Read: single paths, globs (`*`, `**`, braces, classes with brackets literal or
 * not, dot files, no match) with every option; write: each item's file by expression or to one path, replaced or
 * appended, with a missing binary field or folder. Outputs are compared with the folder written as `@ROOT@`, items
 * with their files (`binary`), and the folder's files afterwards as a pseudo-node `(files)`.
 */

const ROOT = '@ROOT@';
const WEFT_FILES_DIR = join(dirname(REFERENCE_FILES_DIR), 'weft');

/** The folder every case starts from: text, data, a file without extension, a dot file, brackets, nesting. */
const fixture = (rng: Rng): Record<string, string | Buffer> => ({
  'a.txt': 'hello\n',
  'b.txt': 'second file',
  'empty.txt': '',
  'data.csv': 'a,b\n1,2\n',
  'data.json': '{"x":1}',
  'page.html': '<p>hi</p>',
  noext: 'no extension',
  '.hidden.txt': 'dot file',
  'odd[1].txt': 'brackets',
  'UPPER.TXT': 'upper',
  'blob.bin': Buffer.from(Array.from({ length: 1 + rng.int(64) }, () => rng.int(256))),
  'image.png': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, rng.int(256)]),
  'sub/c.txt': 'nested',
  'sub/deep/d.csv': 'deep,er\n',
  'out/.keep': '',
});

const SELECTORS = [
  'a.txt',
  '*.txt',
  '**/*.txt',
  'sub/**',
  'sub/*',
  '*.{csv,json}',
  'odd[1].txt',
  '[ab].txt',
  'data.*',
  'noext',
  '.hidden.txt',
  'UPPER.TXT',
  'image.png',
  'blob.bin',
  'page.html',
  'nothing-*.txt',
  'missing.txt',
  'sub',
];

const readCase = (rng: Rng, typeVersion: number): Params => {
  const options: Params = {};
  if (rng.chance(0.2)) options.fileExtension = rng.pick(['md', '', 'bin']);
  if (rng.chance(0.2)) options.fileName = rng.pick(['renamed.txt', '', 'x']);
  if (rng.chance(0.2)) options.mimeType = rng.pick(['application/zip', 'text/csv', '']);
  if (rng.chance(0.25)) options.dataPropertyName = rng.pick(['file', 'data', 'attachment_0']);
  if (rng.chance(0.25)) options.literalBrackets = rng.chance(0.5);
  const selector = rng.pick(SELECTORS);
  const parameters: Params = {
    fileSelector: rng.chance(0.15) ? `={{ "${ROOT}/" + "${selector}" }}` : `${ROOT}/${selector}`,
    options,
  };
  if (typeVersion === 1.1 && rng.chance(0.2)) parameters.operation = 'read';
  return parameters;
};

const writeCase = (rng: Rng): Params => {
  const fileName = rng.pick([
    `={{ "${ROOT}/out/" + $json.fileName }}`,
    `${ROOT}/out/all.txt`,
    `${ROOT}/out/all.txt`,
    `={{ "${ROOT}/" + $json.fileName }}`,
    `${ROOT}/missing/x.txt`,
    `${ROOT}/sub`,
  ]);
  const options: Params = rng.chance(0.5) ? { append: rng.chance(0.6) } : {};
  return {
    operation: 'write',
    fileName,
    dataPropertyName: rng.chance(0.85) ? 'data' : rng.pick(['file', 'nope']),
    options,
  };
};

/** Edit Fields (Set) after a read: which versions keep the files, by their include and binary options. */
const setCase = (rng: Rng): { typeVersion: number; parameters: Params } => {
  const typeVersion = rng.pick([1, 2, 3, 3.1, 3.2, 3.3, 3.4]);
  if (typeVersion < 3)
    return {
      typeVersion,
      parameters: { keepOnlySet: rng.chance(0.5), values: { string: [{ name: 'x', value: 'y' }] }, options: {} },
    };
  const options: Params = {};
  if (rng.chance(0.6)) options[typeVersion >= 3.4 ? 'stripBinary' : 'includeBinary'] = rng.chance(0.5);
  const include = rng.pick(['all', 'none', 'selected', 'except']);
  const fields =
    typeVersion < 3.3
      ? { fields: { values: [{ name: 'x', stringValue: 'y' }] } }
      : { assignments: { assignments: [{ id: '1', name: 'x', value: 'y', type: 'string' }] } };
  const including =
    typeVersion < 3.3
      ? { include }
      : { includeOtherFields: include !== 'none', include: include === 'none' ? 'all' : include };
  return {
    typeVersion,
    parameters: {
      mode: 'manual',
      ...fields,
      ...including,
      includeFields: 'fileName',
      excludeFields: 'fileSize',
      options,
    },
  };
};

/** Which files the Before node reads into binary items for a write case. */
const WRITE_SOURCES = ['*.txt', 'a.txt', 'data.*', 'sub/**', 'blob.bin'];

export const readWriteFilesCase = (seed: number): NodeCase => {
  const rng = new Rng(seed);
  if (rng.chance(0.2)) {
    const set = setCase(rng);
    return {
      family: 'read-write-files',
      seed,
      type: 'set',
      ...set,
      items: [{ i: 0 }],
      before: {
        type: 'readWriteFile',
        typeVersion: 1.1,
        parameters: { fileSelector: `${ROOT}/${rng.pick(['*.txt', 'a.txt', 'data.*'])}`, options: {} },
      },
    };
  }
  const typeVersion = rng.pick([1, 1.1]);
  const write = rng.chance(0.4);
  const c: NodeCase = {
    family: 'read-write-files',
    seed,
    type: 'readWriteFile',
    typeVersion,
    parameters: write ? writeCase(rng) : readCase(rng, typeVersion),
    items: Array.from({ length: 1 + (rng.chance(0.25) ? 1 : 0) }, (_, i) => ({ i })),
  };
  if (write)
    c.before = {
      type: 'readWriteFile',
      typeVersion: 1.1,
      parameters: {
        fileSelector: `${ROOT}/${rng.pick(WRITE_SOURCES)}`,
        options: rng.chance(0.2) ? { dataPropertyName: 'file' } : {},
      },
    };
  if (rng.chance(0.15)) c.onError = 'continueRegularOutput';
  return c;
};

/** Both folders hold the case's files and nothing else. */
const resetFolders = (seed: number): void => {
  for (const root of [REFERENCE_FILES_DIR, WEFT_FILES_DIR]) {
    rmSync(root, { recursive: true, force: true });
    // The same seed gives the same bytes in both.
    for (const [path, content] of Object.entries(fixture(new Rng(seed)))) {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), content);
    }
  }
};

/** The folder's files afterwards, by path inside it, as base64. */
const filesIn = (root: string): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const entry of readdirSync(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    out[relative(root, path)] = readFileSync(path).toString('base64');
  }
  return out;
};

/** The result with its folder written as @ROOT@, and the folder's files as the pseudo-node (files). */
const normalized = (result: EngineResult, root: string): EngineResult => {
  if (!result.ok) return result;
  const text = JSON.stringify(result).replaceAll(root, ROOT);
  const plain = JSON.parse(text) as EngineResult & { ok: true };
  plain.nodes['(files)'] = [{ outputs: [[filesIn(root)]], error: null }];
  return plain;
};

const inFolder = (workflow: unknown, root: string): unknown =>
  JSON.parse(JSON.stringify(workflow).replaceAll(ROOT, root)) as unknown;

const diffReadWriteFiles = async (reference: N8nReference, c: NodeCase): Promise<CaseDiff> => {
  const workflow = caseWorkflow(c);
  resetFolders(c.seed);
  const n8n = normalized(await reference.run(inFolder(workflow, REFERENCE_FILES_DIR), c.now), REFERENCE_FILES_DIR);
  const weft = await runInWeft(inFolder(workflow, WEFT_FILES_DIR), c.now, false, WEFT_FILES_DIR);
  return {
    divergences: compareResults(n8n, normalized(weft.result, WEFT_FILES_DIR), workflow),
    warnings: weft.warnings,
  };
};

export const readWriteFilesFamily: Family = {
  name: 'read-write-files',
  generate: readWriteFilesCase,
  shrink: shrinkParams,
  key: (c) =>
    [
      c.type,
      c.type === 'set' ? String(c.typeVersion) : c.parameters.operation === 'write' ? 'write' : 'read',
      ...Object.keys(c.parameters.options ?? {}).sort(),
    ].join(' '),
  coverage: () => ({ selectors: SELECTORS, writeSources: WRITE_SOURCES }),
  diff: diffReadWriteFiles,
  setup: () => {
    mkdirSync(WEFT_FILES_DIR, { recursive: true });
    return Promise.resolve(() => {
      rmSync(dirname(REFERENCE_FILES_DIR), { recursive: true, force: true });
      return Promise.resolve();
    });
  },
};
