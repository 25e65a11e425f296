import type { Logger } from '#shared/log.ts';
import { mayViolate, migrateDoc, readMeta, repairDoc } from '#shared/schema/index.ts';
import type { RoomHooks } from '../rooms/room.ts';
import type { WorkflowStore } from './workflow-store.ts';

/** Keeps the workflows table's `updated_at` within this of the last edit, without a write per update. */
const TOUCH_INTERVAL_MS = 5_000;

/**
 * What rooms do for workflow documents in particular: migrate them on load,
 * repair merges after client edits (unique names, no dangling edges — the
 * server is the one writer of repairs), and keep the listing's name and
 * `updated_at` in step after commits.
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
  const lastTouch = new Map<string, number>();
  return {
    afterLoad: (docId, doc) => {
      const result = migrateDoc(doc);
      if (result.status === 'tooNew') {
        logger.warn({ docId, ...result }, 'document is newer than this server; relaying it without migrating');
      }
    },
    afterClientUpdate: (doc, transactions) => {
      if (transactions.some((tr) => mayViolate(doc, tr))) repairDoc(doc);
    },
    afterCommit: (docId, doc) => {
      const row = store.get(docId);
      if (!row) {
        lastTouch.delete(docId);
        return;
      }
      const time = now();
      const name = readMeta(doc).name;
      if (name !== row.name) {
        store.setName(docId, name, time);
        lastTouch.set(docId, time);
      } else if (time - (lastTouch.get(docId) ?? 0) >= TOUCH_INTERVAL_MS) {
        store.touch(docId, time);
        lastTouch.set(docId, time);
      }
    },
  };
};
