import * as Y from 'yjs';
import { fromN8n, isN8nWorkflow } from '#shared/interop/n8n/index.ts';
import { CloseCodes } from '#shared/protocol/close-codes.ts';
import { roomsOf } from '#shared/protocol/rooms.ts';
import { nodeTypesOf } from './node-types.ts';
import { ErrorCodes, UserError, type Issue } from '#shared/errors.ts';
import { createId } from '#shared/ids.ts';
import {
  docSchemaVersion,
  fromDefinition,
  initWorkflowDoc,
  readMeta,
  setWorkflowDescription,
  setWorkflowName,
  toExchange,
  type WorkflowDefinition,
} from '#shared/schema/index.ts';
import type { User } from '../accounts/account-store.ts';
import type { RoomManager } from '../rooms/room-manager.ts';
import type { DocStore } from '../storage/doc-store.ts';
import type { Role, WorkflowRow, WorkflowStore } from './workflow-store.ts';

export interface WorkflowSummary extends WorkflowRow {
  role: Role;
}

/**
 * Workflow-level operations that span the table, the document store and the
 * live rooms. The document is the source of truth for name and content; the
 * table keeps a copy of the name for listings.
 */
export class WorkflowService {
  constructor(
    private readonly deps: {
      store: WorkflowStore;
      docs: DocStore;
      rooms: RoomManager;
      now?: () => number;
    },
  ) {}

  private now(): number {
    return this.deps.now ? this.deps.now() : Date.now();
  }

  private async createFromDoc(user: User, doc: Y.Doc): Promise<WorkflowSummary> {
    const id = createId();
    const now = this.now();
    const name = readMeta(doc).name;
    const state = Y.encodeStateAsUpdate(doc);
    const { lastSeq } = await this.deps.docs.append(id, [{ authorId: user.id, createdAt: now, data: state }]);
    // Stored as a snapshot at once: the first person to open it is answered from storage
    // without decoding it (a cold room), however big the import.
    await this.deps.docs.compact(id, {
      data: state,
      stateVector: Y.encodeStateVector(doc),
      uptoSeq: lastSeq,
      schemaVersion: docSchemaVersion(doc) ?? null,
    });
    try {
      await this.deps.store.create({ id, name, createdBy: user.id, createdAt: now, updatedAt: now }, user.id);
    } catch (error) {
      await this.deps.docs.delete(id);
      throw error;
    }
    // An import is searchable by its node types before anyone opens it (the room hooks keep them after).
    await this.deps.store.catalog.setNodeTypes(id, nodeTypesOf(doc));
    return { id, name, createdBy: user.id, createdAt: now, updatedAt: now, role: 'owner' };
  }

  async create(user: User, name: string): Promise<WorkflowSummary> {
    const doc = new Y.Doc();
    initWorkflowDoc(doc, { name });
    return this.createFromDoc(user, doc);
  }

  /** Imports a definition; unsupported node types are kept as placeholders and reported as warnings. */
  /** Imports Weft's definition format, or an n8n workflow file (mapped onto Weft's nodes first). */
  async import(user: User, body: unknown): Promise<WorkflowSummary & { warnings: Issue[] }> {
    const { definition, warnings: mapping } = isN8nWorkflow(body) ? fromN8n(body) : { definition: body, warnings: [] };
    const { doc, warnings } = fromDefinition(definition, { pinnedBy: user.id });
    const summary = await this.createFromDoc(user, doc);
    return { ...summary, warnings: [...mapping, ...warnings] };
  }

  /** The definition, with the document's pins (the exchange JSON carries them; a version never does). */
  async export(id: string): Promise<WorkflowDefinition> {
    return this.deps.rooms.withRoom(id, (room) => toExchange(room.doc));
  }

  /**
   * Renames and/or redescribes through the live document, so every editor sees it at once.
   * Answers the name the document now has: the table's copy follows a moment later
   * (room-hooks.ts writes it after the commit, without holding the commit up).
   */
  /** Answers the name after the change and the one before it (read in the same change, for the audit trail). */
  async update(
    id: string,
    user: User,
    patch: { name?: string; description?: string },
  ): Promise<{ name: string; previousName: string }> {
    return this.deps.rooms.withRoom(id, (room) =>
      room.change(user.id, (doc) => {
        const previousName = readMeta(doc).name;
        if (patch.name !== undefined) setWorkflowName(doc, patch.name);
        if (patch.description !== undefined) setWorkflowDescription(doc, patch.description);
        return { name: readMeta(doc).name, previousName };
      }),
    );
  }

  async summary(id: string, role: Role): Promise<WorkflowSummary> {
    const row = await this.deps.store.get(id);
    if (!row) throw new UserError(ErrorCodes.notFound, `Workflow ${id} does not exist`);
    return { ...row, role };
  }

  /** Deletes the workflow, its members and its documents (the workflow and its discussion); connected members are closed with 4404. */
  async delete(id: string): Promise<void> {
    await this.deps.store.delete(id);
    for (const docId of roomsOf(id)) {
      await this.deps.rooms.evict(docId, CloseCodes.notFound, 'workflow deleted');
      await this.deps.docs.delete(docId);
    }
  }
}
