import { join } from 'node:path';
import * as Y from 'yjs';
import { z } from 'zod';
import { ID_PATTERN } from '#shared/ids.ts';
import type { WorkflowDefinition } from '#shared/schema/definition.ts';
import { canonicalJson } from '#shared/schema/diff/canonical-json.ts';
import { GitFolderError, messageOf } from './errors.ts';
import { isSafeName } from './file-names.ts';
import { ensureDir, entryType, readBytes, readTextFile, removeFile, writeIfChanged } from './fs-safe.ts';

/**
 * What a folder was pulled at, in `<dir>/.weft/`:
 * - state.json: the server's URL and, per workflow id, the folder holding it;
 * - base/<id>.yjs: the workflow's Yjs document as pulled (or last pushed) —
 *   push applies the file's changes to this copy and sends the resulting
 *   update, so they merge with whatever others did since;
 * - base/<id>.json: the definition of that document, for people and tools.
 * Nothing secret: the token is never written.
 */

export const STATE_DIR = '.weft';
const STATE_FILE = 'state.json';
const MAX_STATE_BYTES = 10 * 1024 * 1024;
const MAX_BASE_BYTES = 200 * 1024 * 1024;

const stateSchema = z.strictObject({
  format: z.literal(1),
  url: z.string().min(1).max(2000),
  workflows: z.record(
    z.string().regex(ID_PATTERN),
    z.strictObject({ folder: z.string().refine(isSafeName, 'must be a plain folder name') }),
  ),
});

export interface FolderState {
  url: string;
  /** Workflow id → the folder (a name inside the pulled directory) holding it. */
  workflows: Map<string, string>;
}

export const readState = async (dir: string): Promise<FolderState | undefined> => {
  const label = `${STATE_DIR}/${STATE_FILE}`;
  const path = join(dir, STATE_DIR, STATE_FILE);
  if ((await entryType(path)) === 'missing') return undefined;
  const text = await readTextFile(path, label, MAX_STATE_BYTES);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new GitFolderError(`${label} is not valid JSON (${messageOf(error)})`, { file: label });
  }
  const parsed = stateSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || 'state'}: ${i.message}`);
    throw new GitFolderError(`${label} is damaged: ${problems[0] ?? ''}`, { file: label, problems });
  }
  return {
    url: parsed.data.url,
    workflows: new Map(Object.entries(parsed.data.workflows).map(([id, w]) => [id, w.folder])),
  };
};

export const writeState = async (dir: string, state: FolderState): Promise<void> => {
  await ensureDir(join(dir, STATE_DIR));
  const workflows = Object.fromEntries([...state.workflows].map(([id, folder]) => [id, { folder }]));
  await writeIfChanged(join(dir, STATE_DIR, STATE_FILE), canonicalJson({ format: 1, url: state.url, workflows }));
};

const basePath = (dir: string, id: string, ext: '.yjs' | '.json'): string =>
  join(dir, STATE_DIR, 'base', `${id}${ext}`);

/** The pulled document of a workflow, or undefined when none was recorded. */
export const readBase = async (dir: string, id: string): Promise<Y.Doc | undefined> => {
  const bytes = await readBytes(basePath(dir, id, '.yjs'), MAX_BASE_BYTES);
  if (!bytes) return undefined;
  const doc = new Y.Doc();
  try {
    Y.applyUpdate(doc, bytes);
  } catch (error) {
    doc.destroy();
    throw new GitFolderError(`${STATE_DIR}/base/${id}.yjs is damaged (${messageOf(error)}); pull again`);
  }
  return doc;
};

/**
 * Records a workflow's document as the new base. The bytes of an unchanged
 * document are kept: the server may encode the same state differently after
 * reloading it, and a pull that changed nothing must write nothing.
 */
export const writeBase = async (dir: string, id: string, doc: Y.Doc, definition: WorkflowDefinition): Promise<void> => {
  await ensureDir(join(dir, STATE_DIR, 'base'));
  const previous = await readBase(dir, id).catch(() => undefined);
  const unchanged = previous !== undefined && Y.equalSnapshots(Y.snapshot(previous), Y.snapshot(doc));
  previous?.destroy();
  if (!unchanged) await writeIfChanged(basePath(dir, id, '.yjs'), Y.encodeStateAsUpdate(doc));
  await writeIfChanged(basePath(dir, id, '.json'), canonicalJson(definition));
};

export const removeBase = async (dir: string, id: string): Promise<void> => {
  await removeFile(basePath(dir, id, '.yjs'));
  await removeFile(basePath(dir, id, '.json'));
};
