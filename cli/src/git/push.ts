import * as Y from 'yjs';
import { origins } from '#shared/origins.ts';
import { toExchange } from '#shared/schema/exchange.ts';
import { updateFromChanges } from '#shared/schema/diff/apply.ts';
import { describeChange, diffDefinitions, type Change } from '#shared/schema/diff/diff.ts';
import { combineKinds, GitFolderError, kindOf, messageOf, usageError, type FailureKind } from './errors.ts';
import { entryType } from './fs-safe.ts';
import { scanFolders, writeWorkflowFolder, type LocalFolder } from './local.ts';
import { fetchDocState, openPeer, type Server } from './peer.ts';
import { checkServer } from './pull.ts';
import type { Remote, RemoteWorkflow } from './remote.ts';
import { readBase, readState, removeBase, writeBase, writeState, type FolderState } from './state.ts';

export type PushStatus = 'created' | 'updated' | 'unchanged' | 'deleted' | 'kept' | 'failed';

export interface PushEntry {
  /** Absent for a new workflow that could not be created. */
  id?: string;
  name: string;
  folder: string;
  status: PushStatus;
  /** What was (with --dry-run: would be) changed, one line each. */
  changes?: string[];
  /** Validation or import warnings (unsupported node types, unknown parameters), for a workflow created or updated. */
  warnings?: string[];
  /** With --publish: whether it was published. */
  published?: boolean;
  message?: string;
  /** The kind of failure (the exit code's name), when it failed or was not published. */
  code?: FailureKind;
  /** Every problem of a file that was refused. */
  problems?: string[];
}

export interface PushReport {
  url: string;
  dir: string;
  dryRun: boolean;
  workflows: PushEntry[];
}

export interface PushOptions {
  dir: string;
  server: Server;
  remote: Remote;
  /** Delete on the server the workflows whose folders were deleted here. */
  prune: boolean;
  publish: boolean;
  dryRun: boolean;
  /** Push a folder that has no recorded base (not pulled here) by making the server match the file. */
  force: boolean;
  /** Called as workflows are done. */
  progress: (done: number, total: number) => void;
}

/** The update of `weft push`: what the file changed relative to the pulled document, with origin "cli". */
export const changeUpdate = (base: Y.Doc, changes: readonly Change[]): Uint8Array | undefined =>
  updateFromChanges(base, changes, origins.cli);

/**
 * Sends the changes of one workflow as a peer. They are applied to the
 * document as pulled (the base), in one transaction with origin "cli", and
 * the update that transaction made — only what the file changed — is applied
 * to the live document over /sync: Yjs merges it with every edit made since
 * the pull. Resolves with the merged document once a fresh connection shows
 * that the server has the update.
 */
export const pushChanges = async (
  server: Server,
  id: string,
  base: Y.Doc,
  changes: readonly Change[],
): Promise<Y.Doc> => {
  const baseState = Y.encodeStateAsUpdate(base);
  const update = changeUpdate(base, changes);
  if (!update) return fetchDocState(server, id);

  const live = await openPeer(server, id);
  try {
    if (!Y.snapshotContainsUpdate(Y.snapshot(live.doc), baseState)) {
      throw new GitFolderError(
        `the server's document of workflow ${id} does not hold the state this folder was pulled at; pull again (your files are kept as they are)`,
      );
    }
    Y.applyUpdate(live.doc, update, origins.cli);
    const confirmed = await openPeer(server, id, { ready: (doc) => Y.snapshotContainsUpdate(Y.snapshot(doc), update) });
    confirmed.close();
    return confirmed.doc;
  } finally {
    live.close();
    live.doc.destroy();
  }
};

interface Candidate {
  local: LocalFolder & { parsed: NonNullable<LocalFolder['parsed']> };
  id: string;
}

const failedEntry = (folder: string, error: unknown, extra: Partial<PushEntry> = {}): PushEntry => ({
  name: extra.name ?? folder,
  folder,
  status: 'failed',
  message: messageOf(error),
  code: kindOf(error),
  ...(error instanceof GitFolderError && error.problems.length > 0 ? { problems: error.problems } : {}),
  ...extra,
});

/** The name a folder's workflow had when it was pulled, for a folder whose files cannot be read. */
const recordedName = async (dir: string, state: FolderState, folder: string): Promise<string | undefined> => {
  const id = [...state.workflows].find(([, recorded]) => recorded === folder)?.[0];
  if (id === undefined) return undefined;
  const base = await readBase(dir, id).catch(() => undefined);
  try {
    return base ? toExchange(base).name : undefined;
  } finally {
    base?.destroy();
  }
};

/**
 * Pushes every workflow folder of `dir`: changed ones are merged into the
 * live documents, new ones (no id) are created, deleted ones are deleted on
 * the server only with `prune`. A folder whose files are invalid is refused
 * with every problem named and nothing of it is sent; the others go ahead.
 */
export const push = async (options: PushOptions): Promise<PushReport> => {
  const { dir, server, remote, progress, dryRun } = options;
  if ((await entryType(dir)) !== 'dir') throw usageError(`${dir} is not a folder`);
  const previousState = await readState(dir);
  checkServer(previousState, server.url, dir);
  const state: FolderState = { url: previousState?.url ?? server.url, workflows: new Map(previousState?.workflows) };
  const entries: PushEntry[] = [];
  const locals = await scanFolders(dir);
  const unreadable: LocalFolder[] = [];
  const brokenFolders = new Set<string>();
  const byId = new Map<string, Candidate[]>();
  const fresh: (LocalFolder & { parsed: NonNullable<LocalFolder['parsed']> })[] = [];
  for (const local of locals) {
    if (!local.parsed) {
      brokenFolders.add(local.folder);
      unreadable.push(local);
      continue;
    }
    const parsed = local.parsed;
    if (parsed.id === undefined) fresh.push({ ...local, parsed });
    else byId.set(parsed.id, [...(byId.get(parsed.id) ?? []), { local: { ...local, parsed }, id: parsed.id }]);
  }
  for (const candidates of byId.values()) {
    if (candidates.length > 1) for (const c of candidates) brokenFolders.add(c.local.folder);
  }
  // Recorded workflows whose folder is gone (a broken folder is not a deleted one). Taken before
  // anything is created: a workflow created in this run is recorded, not gone.
  const gone = [...state.workflows]
    .filter(([id, folder]) => !byId.has(id) && !brokenFolders.has(folder))
    .sort(([a], [b]) => (a < b ? -1 : 1));
  // One entry per folder scanned and per workflow whose folder is gone: the total is known before anything is sent.
  const total = locals.length + gone.length;
  const report = (entry: PushEntry): void => {
    entries.push(entry);
    progress(entries.length, total);
  };
  progress(0, total);
  for (const local of unreadable) {
    const name = await recordedName(dir, state, local.folder);
    report(failedEntry(local.folder, local.error ?? 'unreadable', name === undefined ? {} : { name }));
  }

  const roles = new Map<string, RemoteWorkflow['role']>(
    byId.size > 0 || (options.prune && state.workflows.size > 0)
      ? (await remote.listWorkflows()).map((w) => [w.id, w.role])
      : [],
  );

  for (const [id, candidates] of [...byId].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (candidates.length > 1) {
      const folders = candidates.map((c) => c.local.folder).join(', ');
      for (const c of candidates) {
        report(failedEntry(c.local.folder, `the same workflow id ${id} is in the folders ${folders}`, { id }));
      }
      continue;
    }
    const { local } = candidates[0] as Candidate;
    const { definition, warnings, files } = local.parsed;
    const common = { id, name: definition.name, folder: local.folder };
    // Warnings go with what this push sends; an untouched workflow's would bury the real changes.
    const warned = warnings.length > 0 ? { warnings } : {};
    let base: Y.Doc | undefined;
    let merged: Y.Doc | undefined;
    try {
      const role = roles.get(id);
      if (!role)
        throw new GitFolderError(`workflow ${id} is not on the server, or this token cannot read it`, {
          kind: 'notFound',
        });
      if (role === 'viewer' || role === 'commenter')
        throw new GitFolderError(`this token can only read workflow ${id} (${role})`, { kind: 'authRefused' });
      const recordedFolder = state.workflows.get(id);
      base = recordedFolder !== undefined ? await readBase(dir, id) : undefined;
      if (!base) {
        if (!options.force) {
          throw new GitFolderError(
            `was not pulled into this folder (no recorded base to merge with): weft pull first, or push --force to make the server match the file`,
          );
        }
        base = await fetchDocState(server, id);
      }
      const changes = diffDefinitions(toExchange(base), definition);
      if (changes.length === 0) {
        if (!dryRun && recordedFolder !== local.folder) {
          await writeBase(dir, id, base, toExchange(base));
          state.workflows.set(id, local.folder);
        }
        report({ ...common, status: 'unchanged' });
        continue;
      }
      const lines = changes.map(describeChange);
      if (dryRun) {
        report({ ...common, status: 'updated', changes: lines, ...warned });
        continue;
      }
      const previous = new Y.Doc();
      Y.applyUpdate(previous, Y.encodeStateAsUpdate(base));
      merged = await pushChanges(server, id, base, changes);
      await writeWorkflowFolder(dir, local.folder, id, merged, previous, files);
      previous.destroy();
      await writeBase(dir, id, merged, toExchange(merged));
      state.workflows.set(id, local.folder);
      report({ ...common, status: 'updated', changes: lines, ...warned });
    } catch (error) {
      report(failedEntry(local.folder, error, common));
    } finally {
      base?.destroy();
      merged?.destroy();
    }
  }

  for (const local of fresh) {
    const { definition, warnings, files } = local.parsed;
    const common = { name: definition.name, folder: local.folder };
    if (dryRun) {
      report({
        ...common,
        status: 'created',
        changes: [`create workflow "${definition.name}" with ${definition.nodes.length} nodes`],
      });
      continue;
    }
    let doc: Y.Doc | undefined;
    try {
      const created = await remote.importWorkflow(definition);
      doc = await fetchDocState(server, created.id);
      await writeWorkflowFolder(dir, local.folder, created.id, doc, undefined, files);
      await writeBase(dir, created.id, doc, toExchange(doc));
      state.workflows.set(created.id, local.folder);
      const all = [...warnings, ...created.warnings];
      report({ ...common, id: created.id, status: 'created', ...(all.length > 0 ? { warnings: all } : {}) });
    } catch (error) {
      report(failedEntry(local.folder, error, common));
    } finally {
      doc?.destroy();
    }
  }

  for (const [id, folder] of gone) {
    const base = await readBase(dir, id).catch(() => undefined);
    const name = base ? toExchange(base).name : id;
    base?.destroy();
    if (!options.prune) {
      report({ id, name, folder, status: 'kept', message: 'deleted here only; push --prune deletes it on the server' });
      continue;
    }
    if (dryRun) {
      report({ id, name, folder, status: 'deleted' });
      continue;
    }
    try {
      if (roles.has(id)) await remote.deleteWorkflow(id);
      await removeBase(dir, id);
      state.workflows.delete(id);
      report({ id, name, folder, status: 'deleted' });
    } catch (error) {
      report(failedEntry(folder, error, { id, name }));
    }
  }

  if (options.publish && !dryRun) {
    for (const entry of entries) {
      if (!entry.id || !['created', 'updated', 'unchanged'].includes(entry.status)) continue;
      try {
        await remote.publish(entry.id);
        entry.published = true;
      } catch (error) {
        entry.published = false;
        entry.message = `pushed, but not published: ${messageOf(error)}`;
        entry.code = kindOf(error);
        if (error instanceof GitFolderError && error.problems.length > 0) entry.problems = error.problems;
      }
    }
  }

  if (!dryRun) await writeState(dir, state);
  return { url: state.url, dir, dryRun, workflows: entries };
};

/** What went wrong in a push, if anything: the kind of every workflow that failed or was not published. */
export const pushOutcome = (report: PushReport): FailureKind | undefined =>
  combineKinds(
    report.workflows.filter((w) => w.status === 'failed' || w.published === false).map((w) => w.code ?? 'failed'),
  );
