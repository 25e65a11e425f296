import * as Y from 'yjs';
import { ErrorCodes, UserError } from '#shared/errors.ts';
import { createId } from '#shared/ids.ts';
import { origins } from '#shared/origins.ts';
import type { WorkflowDefinition } from '#shared/schema/definition.ts';
import { applyChanges } from '#shared/schema/diff/apply.ts';
import { restoreChanges, undoRestoreChanges } from '#shared/schema/diff/restore.ts';
import { toDefinition } from '#shared/schema/to-definition.ts';
import { validateDefinition } from '#shared/schema/validate.ts';
import type { VersionStore } from '../executions/version-store.ts';
import type { RoomManager } from '../rooms/room-manager.ts';
import type { HistoryEntry, HistoryStore } from './history-store.ts';

/** A definition the import would take, or why not: a version that cannot be imported is never saved nor restored. */
const importable = (definition: WorkflowDefinition, what: string): WorkflowDefinition => {
  const checked = validateDefinition(definition);
  if (!checked.ok) {
    const errors = checked.issues.filter((i) => i.severity === 'error');
    throw new UserError(
      ErrorCodes.validationFailed,
      `${what} is not a valid workflow: ${errors.length} problem${errors.length === 1 ? '' : 's'}`,
      { issues: checked.issues },
    );
  }
  return checked.definition;
};

const missing = (workflowId: string, ref: string): UserError =>
  new UserError(ErrorCodes.notFound, `Workflow ${workflowId} has no version ${ref}`);

/**
 * The version history's actions (docs/plans/collaboration.md §7): saving the
 * live document as a version, cutting idle sessions, naming, publishing,
 * restoring and undoing a restore. Routes and the session sweeper call it;
 * it never checks access (the routes do).
 */
export class VersionHistory {
  constructor(
    private readonly deps: {
      rooms: RoomManager;
      versions: VersionStore;
      history: HistoryStore;
      now?: () => number;
    },
  ) {}

  private get now(): number {
    return (this.deps.now ?? Date.now)();
  }

  /** Saves the live document as a content-addressed version (two instances saving it write one row). */
  async snapshot(workflowId: string, authorId: string | null): Promise<{ hash: string }> {
    const { definition, state } = await this.deps.rooms.withRoom(workflowId, (room) => ({
      definition: toDefinition(room.doc),
      state: Y.encodeStateAsUpdate(room.doc),
    }));
    const checked = importable(definition, 'The workflow');
    return { hash: await this.deps.versions.save(workflowId, state, checked, authorId, this.now) };
  }

  /**
   * Cuts the workflow's session into an auto version if it is still the one
   * seen idle (`lastEditAt`); null when another instance or a new edit got
   * there first, or nothing changed since the newest version.
   */
  async cutIdle(workflowId: string, lastEditAt: number): Promise<HistoryEntry | null> {
    const { hash } = await this.snapshot(workflowId, null);
    return this.deps.history.cutSession(workflowId, lastEditAt, {
      id: createId(),
      versionHash: hash,
      kind: 'auto',
      createdAt: this.now,
      createdBy: null,
    });
  }

  /** A named version of the live document; it closes the open session. */
  async name(workflowId: string, userId: string, name: string): Promise<HistoryEntry> {
    const { hash } = await this.snapshot(workflowId, userId);
    return this.deps.history.addEntry(
      workflowId,
      { id: createId(), versionHash: hash, kind: 'named', name, createdAt: this.now, createdBy: userId },
      { cutSession: true },
    );
  }

  /** Records a publish of `hash` (saved already); it closes the open session. */
  async published(workflowId: string, userId: string, hash: string): Promise<HistoryEntry> {
    return this.deps.history.addEntry(
      workflowId,
      { id: createId(), versionHash: hash, kind: 'publish', createdAt: this.now, createdBy: userId },
      { cutSession: true },
    );
  }

  async entry(workflowId: string, ref: string): Promise<HistoryEntry> {
    const entry = await this.deps.history.get(workflowId, ref);
    if (!entry) throw missing(workflowId, ref);
    return entry;
  }

  private async definitionOf(workflowId: string, hash: string): Promise<WorkflowDefinition> {
    const version = await this.deps.versions.get(hash);
    if (version?.workflowId !== workflowId) throw missing(workflowId, hash);
    return version.definition;
  }

  /**
   * Makes the live document the entry's version again (§7.3): the state
   * before is saved first (the open session closes into it), then one server
   * transaction writes only what differs, then the `restore` entry records
   * both, so undo can go back.
   */
  async restore(
    workflowId: string,
    userId: string,
    ref: string,
  ): Promise<{ target: HistoryEntry; entry: HistoryEntry; beforeHash: string; changes: number }> {
    const target = await this.entry(workflowId, ref);
    const definition = importable(await this.definitionOf(workflowId, target.versionHash), 'The version');
    const before = await this.snapshot(workflowId, userId);
    const beforeEntry = {
      id: createId(),
      versionHash: before.hash,
      kind: 'auto' as const,
      name: `Before restoring ‘${target.name ?? new Date(target.createdAt).toISOString()}’`.slice(0, 100),
      createdAt: this.now,
      createdBy: userId,
    };
    const open = await this.deps.history.session(workflowId);
    if (open) await this.deps.history.cutSession(workflowId, open.lastEditAt, beforeEntry);
    else {
      // Edits of the last few seconds may not have opened the session yet (the room touches it at most every
      // few seconds): the state before the restore is kept whenever the newest entry is not that state already.
      const [newest] = await this.deps.history.list(workflowId, { limit: 1 });
      if (newest?.versionHash !== before.hash) await this.deps.history.addEntry(workflowId, beforeEntry);
    }
    const changes = await this.deps.rooms.withRoom(workflowId, (room) =>
      room.change(userId, (doc) => {
        const list = restoreChanges(toDefinition(doc), definition);
        applyChanges(doc, list, origins.server(userId));
        return list.length;
      }),
    );
    const entry = await this.deps.history.addEntry(workflowId, {
      id: createId(),
      versionHash: target.versionHash,
      kind: 'restore',
      createdAt: this.now,
      createdBy: userId,
      authors: [userId],
      restoredFrom: target.id,
      beforeHash: before.hash,
    });
    return { target, entry, beforeHash: before.hash, changes };
  }

  /**
   * Undoes a restore three-way: fields nobody touched since go back to the
   * state before it; what people changed since stays.
   */
  async undoRestore(workflowId: string, userId: string, ref: string): Promise<{ changes: number }> {
    const entry = await this.entry(workflowId, ref);
    if (entry.kind !== 'restore' || entry.beforeHash === null) {
      throw new UserError(ErrorCodes.conflict, 'Only a restore can be undone');
    }
    const target = await this.definitionOf(workflowId, entry.versionHash);
    const before = await this.definitionOf(workflowId, entry.beforeHash);
    const changes = await this.deps.rooms.withRoom(workflowId, (room) =>
      room.change(userId, (doc) => {
        const list = undoRestoreChanges(target, before, toDefinition(doc));
        applyChanges(doc, list, origins.server(userId));
        return list.length;
      }),
    );
    return { changes };
  }
}
