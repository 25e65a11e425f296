import { join } from 'node:path';
import type * as Y from 'yjs';
import { toExchange } from '#shared/schema/exchange.ts';
import type { WorkflowDefinition } from '#shared/schema/definition.ts';
import { diffDefinitions, type Change } from '#shared/schema/diff/diff.ts';
import { GitFolderError, messageOf } from './errors.ts';
import { readWorkflowFolder, renderWorkflow, WORKFLOW_FILE, type ParsedWorkflow } from './folder-format.ts';
import { isSafeName } from './file-names.ts';
import { entryType, listDirs, removeDirIfEmpty, removeFile, writeIfChanged, ensureDir } from './fs-safe.ts';

/** A workflow folder found in the directory: its parsed content, or why it cannot be read. */
export interface LocalFolder {
  folder: string;
  parsed?: ParsedWorkflow;
  error?: GitFolderError;
}

/** Every folder of `dir` that holds a workflow.json, read and validated. */
export const scanFolders = async (dir: string): Promise<LocalFolder[]> => {
  const out: LocalFolder[] = [];
  for (const folder of (await listDirs(dir)).sort()) {
    if (folder.startsWith('.')) continue;
    if ((await entryType(join(dir, folder, WORKFLOW_FILE))) === 'missing') continue;
    if (!isSafeName(folder)) {
      out.push({
        folder,
        error: new GitFolderError(`${folder}: folder names may hold only letters, digits, ".", "_" and "-"`, {
          file: folder,
        }),
      });
      continue;
    }
    try {
      out.push({ folder, parsed: await readWorkflowFolder(join(dir, folder), folder) });
    } catch (error) {
      if (error instanceof GitFolderError) out.push({ folder, error });
      else out.push({ folder, error: new GitFolderError(`${folder}: ${messageOf(error)}`, { file: folder }) });
    }
  }
  return out;
};

/** Whether `folder` has a workflow.json. */
export const holdsWorkflow = async (dir: string, folder: string): Promise<boolean> =>
  (await entryType(join(dir, folder, WORKFLOW_FILE))) !== 'missing';

/**
 * Whether a pulled workflow's folder still says what was pulled: 'clean'
 * (same definition, whatever the formatting), 'changed' (edited, invalid, or
 * another workflow's id), or 'absent' (deleted).
 */
export const localStatus = async (
  dir: string,
  folder: string,
  id: string,
  base: WorkflowDefinition,
): Promise<{ status: 'clean' | 'changed' | 'absent'; changes: Change[] }> => {
  if ((await entryType(join(dir, folder, WORKFLOW_FILE))) === 'missing') return { status: 'absent', changes: [] };
  try {
    const parsed = await readWorkflowFolder(join(dir, folder), folder);
    if (parsed.id !== id) return { status: 'changed', changes: [] };
    const changes = diffDefinitions(base, parsed.definition);
    return { status: changes.length === 0 ? 'clean' : 'changed', changes };
  } catch (error) {
    if (error instanceof GitFolderError) return { status: 'changed', changes: [] };
    throw error;
  }
};

/**
 * Writes a workflow's files into its folder, and removes the files an
 * earlier version of it had that this one does not (a renamed or deleted
 * Code node's file); files it never wrote are left alone. Answers whether
 * anything on disk changed.
 */
export const writeWorkflowFolder = async (
  dir: string,
  folder: string,
  id: string,
  doc: Y.Doc,
  previous: Y.Doc | undefined,
  /** Text files the pushed workflow.json referred to: replaced by the new ones. */
  referenced: readonly string[] = [],
): Promise<boolean> => {
  const path = join(dir, folder);
  await ensureDir(path);
  const files = renderWorkflow(id, toExchange(doc));
  let changed = false;
  // workflow.json last: a folder whose workflow.json is in place has all of its text files.
  for (const [name, content] of [...files].sort(([a], [b]) =>
    a === WORKFLOW_FILE ? 1 : b === WORKFLOW_FILE ? -1 : 0,
  )) {
    if (await writeIfChanged(join(path, name), content)) changed = true;
  }
  const stale = new Set(referenced);
  if (previous) for (const name of renderWorkflow(id, toExchange(previous)).keys()) stale.add(name);
  for (const name of stale) {
    if (!files.has(name) && (await removeFile(join(path, name)))) changed = true;
  }
  return changed;
};

/** Removes the files a pulled workflow was written as, and its folder when nothing else is in it. */
export const removeWorkflowFolder = async (dir: string, folder: string, id: string, base: Y.Doc): Promise<void> => {
  const path = join(dir, folder);
  for (const name of renderWorkflow(id, toExchange(base)).keys()) await removeFile(join(path, name));
  await removeDirIfEmpty(path);
};
