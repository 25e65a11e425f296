import { join } from 'node:path';
import type * as Y from 'yjs';
import { toExchange } from '#shared/schema/exchange.ts';
import { combineKinds, kindOf, messageOf, usageError, type FailureKind } from './errors.ts';
import { claimName, slugify } from './file-names.ts';
import { ensureDir, entryType, listEntries } from './fs-safe.ts';
import { holdsWorkflow, localStatus, removeWorkflowFolder, scanFolders, writeWorkflowFolder } from './local.ts';
import { fetchDocState, type Server } from './peer.ts';
import { mapPool } from './pool.ts';
import type { Remote } from './remote.ts';
import { readBase, readState, removeBase, writeBase, writeState, type FolderState } from './state.ts';

export type PullStatus = 'created' | 'updated' | 'unchanged' | 'removed' | 'skipped' | 'failed';

export interface PullEntry {
  id: string;
  name: string;
  folder: string;
  status: PullStatus;
  /** Why it was skipped or failed, */
  message?: string;
  /** and what kind of failure that is (the exit code's name). */
  code?: FailureKind;
}

export interface PullReport {
  url: string;
  dir: string;
  workflows: PullEntry[];
}

export interface PullOptions {
  dir: string;
  server: Server;
  remote: Remote;
  /** Overwrite folders with local changes (they are lost). */
  force: boolean;
  /** Called as workflows are done. */
  progress: (done: number, total: number) => void;
}

/** Same server: scheme, host, port and path compared after URL normalisation. */
export const sameServer = (a: string, b: string): boolean => {
  try {
    const norm = (u: string): string => {
      const url = new URL(u);
      return `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}`;
    };
    return norm(a) === norm(b);
  } catch {
    return a === b;
  }
};

export const checkServer = (state: FolderState | undefined, url: string, dir: string): void => {
  if (state && !sameServer(state.url, url)) {
    throw usageError(`${dir} was pulled from ${state.url}, not ${url}: use another folder for another server`);
  }
};

const CONCURRENCY = 4;

/**
 * Writes every workflow the token can read into `dir`, one folder each, and
 * records what it wrote in `dir/.weft`. A folder with changes not pushed yet
 * is left alone (skipped) unless `force`. Writes only files whose bytes
 * change, so pulling an unchanged server changes nothing on disk.
 */
export const pull = async (options: PullOptions): Promise<PullReport> => {
  const { dir, server, remote, progress } = options;
  // A folder not there yet is made only once the server has answered: a failed pull leaves nothing behind.
  if ((await entryType(dir)) !== 'missing') await ensureDir(dir);
  const previousState = await readState(dir);
  checkServer(previousState, server.url, dir);
  const state: FolderState = { url: previousState?.url ?? server.url, workflows: new Map(previousState?.workflows) };

  const listed = (await remote.listWorkflows()).sort((a, b) => (a.id < b.id ? -1 : 1));
  await ensureDir(dir);
  // Folders that already say which workflow they hold: moved by hand, or checked out without .weft.
  const onDisk = new Map<string, string>();
  for (const local of await scanFolders(dir)) {
    const id = local.parsed?.id;
    if (id !== undefined && !onDisk.has(id)) onDisk.set(id, local.folder);
  }
  const taken = new Set([...(await listEntries(dir)), ...state.workflows.values()].map((n) => n.toLowerCase()));
  const folderOf = new Map<string, string>();
  for (const w of listed) {
    const recorded = state.workflows.get(w.id);
    const found = onDisk.get(w.id);
    const recordedThere =
      recorded !== undefined && found !== undefined && found !== recorded && !(await holdsWorkflow(dir, recorded));
    folderOf.set(
      w.id,
      recordedThere ? found : (recorded ?? found ?? claimName(slugify(w.name, 'workflow'), '', taken)),
    );
  }

  const pullOne = async (w: { id: string; name: string }): Promise<PullEntry> => {
    const folder = folderOf.get(w.id) ?? w.id;
    const entry = (status: PullStatus, message?: string, code?: FailureKind): PullEntry => ({
      id: w.id,
      name: w.name,
      folder,
      status,
      ...(message ? { message } : {}),
      ...(code ? { code } : {}),
    });
    let doc: Y.Doc | undefined;
    let base: Y.Doc | undefined;
    try {
      const recorded = state.workflows.has(w.id);
      base = recorded ? await readBase(dir, w.id) : undefined;
      doc = await fetchDocState(server, w.id);
      if (!options.force) {
        // Without a recorded base, a folder already holding this workflow is compared with the server.
        const against = base ?? (onDisk.get(w.id) === folder ? doc : undefined);
        if (recorded && !base) {
          return entry('skipped', 'its recorded base is missing; pull --force rewrites the folder', 'conflict');
        }
        const local = against ? await localStatus(dir, folder, w.id, toExchange(against)) : undefined;
        if (local?.status === 'changed') {
          return entry(
            'skipped',
            base
              ? 'has local changes: push them first, or pull --force to overwrite them'
              : 'differs from the server and was not pulled here: push --force sends it, pull --force overwrites it',
            'conflict',
          );
        }
        if (recorded && local?.status === 'absent') {
          return entry(
            'skipped',
            'was deleted here: push --prune deletes it on the server, pull --force brings it back',
            'conflict',
          );
        }
      }
      const wrote = await writeWorkflowFolder(dir, folder, w.id, doc, base);
      await writeBase(dir, w.id, doc, toExchange(doc));
      const moved = state.workflows.get(w.id) !== folder;
      state.workflows.set(w.id, folder);
      const status: PullStatus = !recorded ? 'created' : wrote || moved ? 'updated' : 'unchanged';
      return entry(status);
    } catch (error) {
      return entry('failed', messageOf(error), kindOf(error));
    } finally {
      doc?.destroy();
      base?.destroy();
    }
  };

  let done = 0;
  progress(0, listed.length);
  const entries = await mapPool(listed, CONCURRENCY, async (w) => {
    const result = await pullOne(w);
    progress(++done, listed.length);
    return result;
  });

  // Recorded workflows the server no longer lists: deleted there, or this token lost access.
  const listedIds = new Set(listed.map((w) => w.id));
  for (const [id, folder] of [...state.workflows].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (listedIds.has(id)) continue;
    let base: Y.Doc | undefined;
    let name = id;
    try {
      base = await readBase(dir, id);
      if (base) name = toExchange(base).name;
      const local = base ? await localStatus(dir, folder, id, toExchange(base)) : { status: 'changed' as const };
      // Even --force never deletes edits the server can no longer take.
      if (local.status === 'changed') {
        entries.push({
          id,
          name,
          folder,
          status: 'skipped',
          message: 'is gone from the server (deleted, or no access); its local changes are kept',
          code: 'conflict',
        });
        continue;
      }
      if (base) await removeWorkflowFolder(dir, folder, id, base);
      await removeBase(dir, id);
      state.workflows.delete(id);
      entries.push({ id, name, folder, status: 'removed' });
    } catch (error) {
      entries.push({ id, name, folder, status: 'failed', message: messageOf(error), code: kindOf(error) });
    } finally {
      base?.destroy();
    }
  }

  await writeState(dir, state);
  return { url: state.url, dir: join(dir), workflows: entries };
};

/** What went wrong in a pull, if anything: the kind of every workflow that failed or was skipped. */
export const pullOutcome = (report: PullReport): FailureKind | undefined =>
  combineKinds(
    report.workflows.filter((w) => w.status === 'failed' || w.status === 'skipped').map((w) => w.code ?? 'failed'),
  );
