import type * as Y from 'yjs';
import type { Logger } from '#shared/log.ts';
import {
  CURRENT_SCHEMA_VERSION,
  docSchemaVersion,
  mayViolate,
  migrateDoc,
  readMeta,
  repairDoc,
  touchesMeta,
} from '#shared/schema/index.ts';
import type { RoomHooks } from '../rooms/room.ts';
import type { WorkflowStore } from './workflow-store.ts';

/** Keeps the workflows table's `updated_at` within this of the last edit, without a write per update. */
const TOUCH_INTERVAL_MS = 5_000;

/**
 * What rooms do for workflow documents in particular: migrate them on load,
 * repair merges after client edits (unique names, no dangling edges — the
 * server is the one writer of repairs), and keep the listing's name and
 * `updated_at` in step after commits, without a query per commit.
 */
export const workflowRoomHooks = ({
  store,
  logger,
  now = Date.now,
}: {
  store: WorkflowStore;
  logger: Logger;
  now?: () => number;
}): RoomHooks => {
  const listed = new Map<string, { name: string; touchedAt: number; metaChanged: boolean }>();
  return {
    schemaVersion: (doc) => docSchemaVersion(doc) ?? null,
    isCurrentSchema: (version) => version === CURRENT_SCHEMA_VERSION,
    afterLoad: (docId, doc) => {
      const result = migrateDoc(doc);
      if (result.status === 'tooNew') {
        logger.warn({ docId, ...result }, 'document is newer than this server; relaying it without migrating');
      }
      const entry = { name: store.get(docId)?.name ?? readMeta(doc).name, touchedAt: 0, metaChanged: false };
      listed.set(docId, entry);
      doc.on('afterTransaction', (tr: Y.Transaction) => {
        if (touchesMeta(doc, tr)) entry.metaChanged = true;
      });
      doc.on('destroy', () => {
        if (listed.get(docId) === entry) listed.delete(docId);
      });
    },
    afterClientUpdate: (doc, transactions) => {
      if (transactions.some((tr) => mayViolate(doc, tr))) repairDoc(doc);
    },
    afterCommit: (docId, doc) => {
      const entry = listed.get(docId);
      if (!entry) return;
      const time = now();
      if (entry.metaChanged) {
        entry.metaChanged = false;
        const name = readMeta(doc).name;
        if (name !== entry.name) {
          entry.name = name;
          entry.touchedAt = time;
          store.setName(docId, name, time);
          return;
        }
      }
      if (time - entry.touchedAt >= TOUCH_INTERVAL_MS) {
        entry.touchedAt = time;
        store.touch(docId, time);
      }
    },
  };
};
