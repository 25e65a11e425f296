import type * as Y from 'yjs';
import type { Logger } from '#shared/log.ts';
import {
  changedTargets,
  CURRENT_SCHEMA_VERSION,
  docSchemaVersion,
  mayViolate,
  migrateDoc,
  misattributedPins,
  nodesMap,
  pinsMap,
  readMeta,
  setPinAuthors,
  repairDoc,
  touchesMeta,
} from '#shared/schema/index.ts';
import { isOrigin, origins } from '#shared/origins.ts';
import type { ChangeRecorder } from '../changes/change-recorder.ts';
import type { HistoryStore } from '../history/history-store.ts';
import type { EditPolicy } from '../modes/edit-policy.ts';
import type { ModeStore } from '../modes/mode-store.ts';
import { Member, type RoomHooks } from '../rooms/room.ts';
import { can } from './access.ts';
import { nodeTypesOf } from './node-types.ts';
import type { RenameAudit } from './rename-audit.ts';
import type { WorkflowStore } from './workflow-store.ts';

/**
 * A member's transaction that changed the name is their rename, from the
 * name the transaction before left (not the listing's, which another
 * instance's or a REST rename may have moved on). Renames by others
 * (remote commits, REST changes, which record their own) only move the name
 * on. A member's consecutive renames in one batch are one.
 */
const noteRename = (entry: Listed, doc: Y.Doc, tr: Y.Transaction): void => {
  const name = readMeta(doc).name;
  if (name === entry.liveName) return;
  const from = entry.liveName;
  entry.liveName = name;
  if (!(tr.origin instanceof Member)) return;
  const userId = tr.origin.ctx.userId;
  const last = entry.renames.at(-1);
  if (last?.userId === userId) last.to = name;
  else entry.renames.push({ userId, from, to: name });
};

const repair = (doc: Y.Doc, transactions: readonly Y.Transaction[]): void => {
  if (transactions.some((tr) => mayViolate(doc, tr))) repairDoc(doc);
};

/**
 * A pin names who pinned it; the client writes that, so a member's pin that
 * names someone else is rewritten to the member, as a server correction
 * (after repair, which may have deleted it). A pin is one atomic value: the
 * rewrite replaces it whole, and the next writer of the key wins as usual.
 */
const correctPinAuthors = (doc: Y.Doc, transactions: readonly Y.Transaction[]): void => {
  for (const tr of transactions) {
    if (!(tr.origin instanceof Member)) continue;
    const userId = tr.origin.ctx.userId;
    setPinAuthors(doc, misattributedPins(doc, tr, userId), userId, origins.repair);
  }
};

/** Keeps the workflows table's `updated_at` within this of the last edit, without a write per update. */
const TOUCH_INTERVAL_MS = 5_000;

/** Records the pen holder's activity at most this often per room (idle release counts in minutes). */
export const PEN_TOUCH_INTERVAL_MS = 30_000;

interface Rename {
  userId: string;
  from: string;
  to: string;
}

interface Listed {
  /** The name the table has; undefined until read (any name then differs, so a rename is written). */
  name: string | undefined;
  touchedAt: number;
  metaChanged: boolean;
  /** The last listing write of this document: the next one starts after it. */
  writes: Promise<void>;
  /** Who edited since the session was last touched, and when the last of them did. */
  authors: Set<string>;
  lastEditAt: number;
  sessionTouchedAt: number;
  /** The touch that records edits made within the interval after the last one. */
  trailing: ReturnType<typeof setTimeout> | undefined;
  /** The pen holder whose edit is in the commit under way (see afterClientUpdate). */
  penActive: string | undefined;
  /** The workflow's name as the last transaction left it, whoever made it (another instance, a REST change). */
  liveName: string;
  /** Renames members typed since the room last took a batch, then those of the batch being written. */
  renames: Rename[];
  sealedRenames: Rename[];
  penTouchedAt: number;
  /** A transaction added or removed nodes since the last commit: the set of types may have changed. */
  nodesChanged: boolean;
  /** The node types the table holds (joined), as last read or written. */
  nodeTypes: string | undefined;
}

/**
 * What rooms do for workflow documents in particular: migrate them on load,
 * repair merges after client edits and after other instances' commits (unique names, no dangling edges — the
 * server is the one writer of repairs), and keep the listing's name and
 * `updated_at` in step after commits, without a query per commit.
 *
 * The listing is bookkeeping: its writes never delay a commit or a relay.
 * They go out in order per document (one chain each), and a failure is logged.
 *
 * With `history`, the same bookkeeping keeps the workflow's editing session
 * (docs/plans/collaboration.md §7.1): at most one touch per interval with the
 * authors of the commits since the last, and a trailing one for edits made
 * after it, so the last editor of a session is never missed.
 * With an edit policy, writing also follows the workflow's edit mode
 * (modes/edit-policy.ts): an editor kept out by a lock or another's pen is
 * held, not refused, and a commit of the pen holder's edits keeps the pen
 * from being released as idle.
 * With `changes`, who changed which node, parameter or edge is recorded
 * (docs/plans/collaboration.md §6.4): each transaction a member's update or a
 * server edit made as someone (`room.change`: rename, restore) caused is
 * attributed as the update log attributes it, and counted as committed once
 * the room's commit is.
 */
export const workflowRoomHooks = ({
  store,
  history,
  logger,
  now = Date.now,
  touchIntervalMs = TOUCH_INTERVAL_MS,
  policy,
  modes,
  renamed,
  changes,
}: {
  store: WorkflowStore;
  history?: HistoryStore | undefined;
  logger: Logger;
  now?: () => number;
  touchIntervalMs?: number;
  policy?: EditPolicy;
  /** Where the pen holder's activity is recorded (with `policy`). */
  modes?: ModeStore;
  /** Renames typed in the editor go to the audit trail (renames through REST record their own). */
  renamed?: RenameAudit;
  /** Who changed which node and parameter (the change index), attributed per transaction. */
  changes?: ChangeRecorder | undefined;
}): RoomHooks => {
  const listed = new Map<string, Listed>();
  /** Which document each loaded Y.Doc is (afterClientUpdate is told the doc only). */
  const docIds = new WeakMap<Y.Doc, string>();
  const write = (docId: string, entry: Listed, what: string, run: () => Promise<void>): void => {
    entry.writes = entry.writes.then(run).catch((error: unknown) => {
      logger.error({ err: error, docId }, `${what} failed`);
    });
  };
  const touchSession = (docId: string, entry: Listed): void => {
    clearTimeout(entry.trailing);
    entry.trailing = undefined;
    if (!history || entry.authors.size === 0) return;
    const authors = [...entry.authors];
    const at = entry.lastEditAt;
    entry.authors.clear();
    entry.sessionTouchedAt = now();
    write(docId, entry, 'touching the editing session', () => history.touchSession(docId, at, authors));
  };
  const noteEdit = (docId: string, entry: Listed, authorIds: readonly string[], time: number): void => {
    for (const id of authorIds) entry.authors.add(id);
    entry.lastEditAt = time;
    const wait = entry.sessionTouchedAt + touchIntervalMs - time;
    if (wait <= 0) touchSession(docId, entry);
    else entry.trailing ??= setTimeout(() => touchSession(docId, entry), wait);
  };
  return {
    mayWrite: (docId, ctx) => can(ctx.role, 'edit') && (policy?.mayWrite(docId, ctx.userId, ctx.role) ?? true),
    // Only a mode keeps an editor out for now; a role that cannot edit never can.
    holdsBack: (_docId, ctx) => policy !== undefined && can(ctx.role, 'edit'),
    schemaVersion: (doc) => docSchemaVersion(doc) ?? null,
    isCurrentSchema: (version) => version === CURRENT_SCHEMA_VERSION,
    afterLoad: (docId, doc) => {
      // Defined before any client update: a root Yjs first meets in an update is a placeholder type, which the
      // first getMap replaces, so that update's transaction would name a type no check here recognises.
      pinsMap(doc);
      const result = migrateDoc(doc);
      if (result.status === 'tooNew') {
        logger.warn({ docId, ...result }, 'document is newer than this server; relaying it without migrating');
      }
      const entry: Listed = {
        name: undefined,
        touchedAt: 0,
        metaChanged: false,
        writes: Promise.resolve(),
        authors: new Set(),
        lastEditAt: 0,
        sessionTouchedAt: Number.NEGATIVE_INFINITY,
        trailing: undefined,
        penActive: undefined,
        penTouchedAt: Number.NEGATIVE_INFINITY,
        liveName: readMeta(doc).name,
        renames: [],
        sealedRenames: [],
        nodesChanged: false,
        nodeTypes: undefined,
      };
      listed.set(docId, entry);
      docIds.set(doc, docId);
      // Read lazily: loading the room does not wait for the listing.
      write(docId, entry, 'reading the listed name', async () => {
        const row = await store.get(docId);
        entry.name ??= row?.name ?? readMeta(doc).name;
      });
      // The first load after the table existed fills it (a workflow made before it has none); later loads
      // find it equal and write nothing.
      write(docId, entry, 'indexing the node types', async () => {
        const stored = (await store.catalog.nodeTypes(docId)).join('\n');
        const types = nodeTypesOf(doc);
        entry.nodeTypes = types.join('\n');
        if (stored !== entry.nodeTypes) await store.catalog.setNodeTypes(docId, types);
      });
      const nodes = nodesMap(doc);
      doc.on('afterTransaction', (tr: Y.Transaction) => {
        // Only nodes added or removed change the map itself (a node's type is set when it is made).
        if (tr.changed.has(nodes as unknown as Y.AbstractType<Y.YEvent<Y.Map<unknown>>>)) entry.nodesChanged = true;
        if (touchesMeta(doc, tr)) {
          entry.metaChanged = true;
          if (renamed) {
            // Inside Yjs' transaction cleanup: a throw here would fail the member's update.
            try {
              noteRename(entry, doc, tr);
            } catch (error) {
              logger.error({ err: error, docId }, 'noting a rename failed');
            }
          }
        }
        if (!changes) return;
        // As the room stamps the update log: a member's update, or a server edit made as someone.
        // Others' commits (remote), repairs and migrations are nobody's change here.
        const origin: unknown = tr.origin;
        const userId =
          origin instanceof Member
            ? origin.ctx.userId
            : isOrigin(origin) && origin.source === 'server'
              ? origin.userId
              : null;
        if (userId === null) return;
        // Inside Yjs' transaction cleanup: a throw here would fail the member's update, so it is only logged.
        try {
          changes.note(docId, userId, changedTargets(doc, tr));
        } catch (error) {
          logger.error({ err: error, docId }, 'attributing a change failed');
        }
      });
      doc.on('destroy', () => {
        // The room unloads: what the trailing touch would have written goes now.
        touchSession(docId, entry);
        void changes?.unload(docId);
        if (listed.get(docId) === entry) listed.delete(docId);
      });
    },
    afterClientUpdate: (doc, transactions) => {
      repair(doc, transactions);
      correctPinAuthors(doc, transactions);
      const docId = docIds.get(doc);
      const entry = docId === undefined ? undefined : listed.get(docId);
      if (docId === undefined || !entry) return;
      if (!policy) return;
      const holder = policy.get(docId)?.pen?.holder;
      for (const tr of transactions)
        if (tr.origin instanceof Member && tr.origin.ctx.userId === holder) entry.penActive = holder;
    },
    sealBatch: (docId) => {
      changes?.seal(docId);
      const entry = listed.get(docId);
      if (entry && entry.renames.length > 0) entry.sealedRenames.push(...entry.renames.splice(0));
    },
    // Both instances may write the same repair: the rule is deterministic (the lowest node id
    // keeps a name), so they write equal values and Yjs converges on them.
    afterRemoteUpdate: repair,
    afterCommit: (docId, doc, authorIds) => {
      const entry = listed.get(docId);
      if (!entry) return;
      const time = now();
      changes?.committed(docId);
      if (history && authorIds.length > 0) noteEdit(docId, entry, authorIds, time);
      const penActive = entry.penActive;
      entry.penActive = undefined;
      if (penActive !== undefined && modes && time - entry.penTouchedAt >= PEN_TOUCH_INTERVAL_MS) {
        entry.penTouchedAt = time;
        write(docId, entry, 'recording the pen holder’s activity', () => modes.touchPen(docId, penActive, time));
      }
      if (entry.nodesChanged) {
        entry.nodesChanged = false;
        const types = nodeTypesOf(doc);
        const joined = types.join('\n');
        // Most edits add or remove a node of a type already there: nothing to write.
        if (joined !== entry.nodeTypes) {
          entry.nodeTypes = joined;
          write(docId, entry, 'indexing the node types', () => store.catalog.setNodeTypes(docId, types));
        }
      }
      for (const { userId, from, to } of entry.sealedRenames.splice(0))
        if (from !== to) renamed?.(docId, userId, from, to);
      if (entry.metaChanged) {
        entry.metaChanged = false;
        const name = readMeta(doc).name;
        if (name !== entry.name) {
          entry.name = name;
          entry.touchedAt = time;
          write(docId, entry, 'renaming the listed workflow', () => store.setName(docId, name, time));
          return;
        }
      }
      if (time - entry.touchedAt >= touchIntervalMs) {
        entry.touchedAt = time;
        write(docId, entry, 'touching the listed workflow', () => store.touch(docId, time));
      }
    },
  };
};
