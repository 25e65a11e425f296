import type { DocStore } from '../storage/doc-store.ts';
import { secondsSince, type ServerMetrics } from './server-metrics.ts';

/**
 * The document store with its commits and compactions counted: every room
 * commits through `append` and compacts through `compact`, whichever
 * database is behind, so measuring here covers both without touching either.
 */
export const meteredDocStore = (store: DocStore, metrics: ServerMetrics): DocStore => ({
  load: (docId) => store.load(docId),
  loadSince: (docId, afterSeq) => store.loadSince(docId, afterSeq),
  append: async (docId, records) => {
    const start = performance.now();
    const seqs = await store.append(docId, records);
    // An empty batch commits nothing (a room asking for its head).
    if (records.length > 0) metrics.committed(records.length, secondsSince(start));
    return seqs;
  },
  compact: async (docId, snapshot) => {
    const done = await store.compact(docId, snapshot);
    if (done) metrics.compacted();
    return done;
  },
  withLogs: (minUpdates) => store.withLogs(minUpdates),
  heads: (docIds) => store.heads(docIds),
  delete: (docId) => store.delete(docId),
  stats: (docId) => store.stats(docId),
});
