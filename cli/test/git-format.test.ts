import { readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readWorkflowFolder, renderWorkflow, WORKFLOW_FILE } from '../src/git/folder-format.ts';
import { GitFolderError } from '../src/git/errors.ts';
import { slugify } from '../src/git/file-names.ts';
import { tempDir } from '../../sync-server/test/helpers/temp-dir.ts';
import { CODE_BODY, sampleCanonical } from './git-fixtures.ts';

const dirs: { remove: () => void }[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) d.remove();
});

const writeFolder = (files: Map<string, string>): string => {
  const dir = tempDir('weft-git-format-');
  dirs.push(dir);
  for (const [name, content] of files) writeFileSync(join(dir.path, name), content);
  return dir.path;
};

const refused = async (folder: string): Promise<GitFolderError> => {
  const error = await readWorkflowFolder(folder, 'order-sync').then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(GitFolderError);
  return error as GitFolderError;
};

describe('the folder format', () => {
  it('writes workflow.json with sorted keys, nodes in id order, and long texts as their own files', () => {
    const files = renderWorkflow('wf1', sampleCanonical());
    expect([...files.keys()].sort()).toEqual(['description.md', 'shape.js', 'shape.notes.md', 'workflow.json']);
    expect(files.get('shape.js')).toBe(CODE_BODY);
    expect(files.get('description.md')).toBe('Fetches orders.\nShapes them.');
    const text = files.get(WORKFLOW_FILE) ?? '';
    expect(text.endsWith('}\n')).toBe(true);
    const json = JSON.parse(text) as { id: string; nodes: { id: string; parameters: Record<string, unknown> }[] };
    expect(Object.keys(json)).toEqual([...Object.keys(json)].sort());
    expect(json.id).toBe('wf1');
    expect(json.nodes.map((n) => n.id)).toEqual(['fetch', 'shape', 'start']);
    expect(json.nodes[1]?.parameters.jsCode).toEqual({ $file: 'shape.js' });
    // One node per block: each node object starts on its own line at the same indentation.
    expect(text.match(/^ {4}\{$/gm)?.length).toBe(3 + 2);
  });

  it('renders the same definition to the same bytes every time', () => {
    const a = renderWorkflow('wf1', sampleCanonical());
    const b = renderWorkflow('wf1', sampleCanonical());
    expect([...a]).toEqual([...b]);
  });

  it('reads its own files back to the same definition, the code body byte for byte', async () => {
    const definition = sampleCanonical();
    const folder = writeFolder(renderWorkflow('wf1', definition));
    const parsed = await readWorkflowFolder(folder, 'order-sync');
    expect(parsed.id).toBe('wf1');
    expect(parsed.files).toEqual(['description.md', 'shape.js', 'shape.notes.md']);
    const shape = parsed.definition.nodes.find((n) => n.id === 'shape');
    expect(shape?.parameters.jsCode).toBe(CODE_BODY);
    expect(Buffer.from(readFileSync(join(folder, 'shape.js'))).equals(Buffer.from(CODE_BODY, 'utf8'))).toBe(true);
    expect(parsed.definition.name).toBe(definition.name);
    expect(parsed.definition.description).toBe(definition.description);
    expect(parsed.definition.edges.map((e) => e.id).sort()).toEqual(definition.edges.map((e) => e.id).sort());
  });

  it('refuses invalid JSON, naming the file', async () => {
    const folder = writeFolder(new Map([[WORKFLOW_FILE, '{ "name": "x", ']]));
    const error = await refused(folder);
    expect(error.message).toMatch(/^order-sync\/workflow\.json: is not valid JSON/);
    expect(error.kind).toBe('usage');
  });

  it('refuses a definition the schema refuses, listing every problem with its node', async () => {
    const files = renderWorkflow('wf1', sampleCanonical());
    const json = JSON.parse(files.get(WORKFLOW_FILE) ?? '') as { nodes: Record<string, unknown>[] };
    const fetch = json.nodes[0] ?? {};
    fetch.position = { x: 'left', y: 0 };
    fetch.typeVersion = 0;
    files.set(WORKFLOW_FILE, JSON.stringify(json));
    const error = await refused(writeFolder(files));
    expect(error.file).toBe('order-sync/workflow.json');
    expect(error.problems.length).toBe(2);
    expect(error.problems.join('\n')).toMatch(/Node "Fetch orders" \(fetch\), field "position.x"/);
    expect(error.problems.join('\n')).toMatch(/Node "Fetch orders" \(fetch\), field "typeVersion"/);
  });

  it('refuses a file reference that leaves the folder, is missing, or is a link', async () => {
    const files = renderWorkflow('wf1', sampleCanonical());
    const text = files.get(WORKFLOW_FILE) ?? '';
    const folder = writeFolder(new Map([[WORKFLOW_FILE, text.replace('"shape.js"', '"../secret.js"')]]));
    expect((await refused(folder)).problems.join('\n')).toMatch(
      /"\.\.\/secret\.js" must be a file name in the same folder/,
    );

    const missing = writeFolder(new Map([[WORKFLOW_FILE, text]]));
    expect((await refused(missing)).problems.join('\n')).toMatch(/order-sync\/shape\.js does not exist/);

    const linked = writeFolder(files);
    const outside = tempDir('weft-git-outside-');
    dirs.push(outside);
    writeFileSync(join(outside.path, 'id_rsa'), 'PRIVATE KEY');
    rmSync(join(linked, 'shape.js'));
    symlinkSync(join(outside.path, 'id_rsa'), join(linked, 'shape.js'));
    expect((await refused(linked)).problems.join('\n')).toMatch(/shape\.js is not a regular file/);
  });

  it('refuses text that is not UTF-8 and a file reference on a parameter that is not text', async () => {
    const files = renderWorkflow('wf1', sampleCanonical());
    const folder = writeFolder(files);
    writeFileSync(join(folder, 'shape.js'), Buffer.from([0x66, 0xff, 0xfe, 0x00]));
    expect((await refused(folder)).problems.join('\n')).toMatch(/shape\.js is not UTF-8 text/);

    const json = JSON.parse(files.get(WORKFLOW_FILE) ?? '') as { nodes: { parameters: Record<string, unknown> }[] };
    const fetchParams = json.nodes[0]?.parameters ?? {};
    fetchParams.timeout = { $file: 'shape.js' };
    const other = writeFolder(new Map([...files, [WORKFLOW_FILE, JSON.stringify(json)]]));
    expect((await refused(other)).problems.join('\n')).toMatch(/parameter "timeout": only text and code parameters/);
  });

  it('reads a parameter named __proto__ without touching any prototype', async () => {
    const files = renderWorkflow('wf1', sampleCanonical());
    const text = (files.get(WORKFLOW_FILE) ?? '').replace('"url": ', '"__proto__": { "polluted": true },\n "url": ');
    const parsed = await readWorkflowFolder(writeFolder(new Map([...files, [WORKFLOW_FILE, text]])), 'order-sync');
    const fetch = parsed.definition.nodes.find((n) => n.id === 'fetch');
    expect(fetch?.parameters.url).toBe('https://example.com/orders');
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(fetch?.parameters)).toBe(Object.prototype);
  });

  it("makes names from anyone's text safe", () => {
    expect(slugify('../../etc/passwd', 'x')).toBe('etc-passwd');
    expect(slugify('Crème brûlée — Orders!', 'x')).toBe('creme-brulee-orders');
    expect(slugify('.hidden', 'x')).toBe('hidden');
    expect(slugify('🚀🚀', 'workflow')).toBe('workflow');
    expect(slugify('CON', 'x')).toBe('con-1');
  });
});
