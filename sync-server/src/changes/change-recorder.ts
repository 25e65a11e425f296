import type { Logger } from '#shared/log.ts';
import type { ChangeEntry, ChangeIndexStore } from './change-index-store.ts';

/** A room writes its change index at most this often (docs/plans/collaboration.md §0, "Who changed this"). */
export const CHANGE_FLUSH_MS = 2_000;

interface DocChanges {
  /** Per person, the targets and how many transactions touched each, not yet in a batch the room took. */
  uncommitted: Map<string, Map<string, number>>;
  /** What the batch being written holds: committed with it, or dropped with the room if it fails. */
  sealed: Map<string, Map<string, number>>;
  /** Committed and waiting for the next write: per person and target, the count and the last commit's time. */
  ready: Map<string, Map<string, { count: number; at: number }>>;
  lastFlushAt: number;
  timer: ReturnType<typeof setTimeout> | undefined;
  /** The last write of this document: the next one starts after it. */
  writes: Promise<void>;
}

/**
 * Buffers "who changed what" per document and writes it in batches. `note`
 * is on the path of every update and only counts in memory; `seal` marks
 * what was noted as the batch the room is writing, and `committed` that
 * batch as stored in the update log (a batch the log refused is never
 * announced as a change); writes go out at most once per
 * `flushMs` per document, and right away when the room unloads or the server
 * closes. A failed write is logged and its entries dropped: the index is a
 * convenience beside the log, never a reason to fail an edit.
 */
export class ChangeRecorder {
  private readonly docs = new Map<string, DocChanges>();
  private readonly store: ChangeIndexStore;
  private readonly logger: Logger;
  private readonly now: () => number;
  private readonly flushMs: number;

  constructor({
    store,
    logger,
    now = Date.now,
    flushMs = CHANGE_FLUSH_MS,
  }: {
    store: ChangeIndexStore;
    logger: Logger;
    now?: () => number;
    flushMs?: number;
  }) {
    this.store = store;
    this.logger = logger;
    this.now = now;
    this.flushMs = flushMs;
  }

  private entry(docId: string): DocChanges {
    let doc = this.docs.get(docId);
    if (!doc) {
      doc = {
        uncommitted: new Map(),
        sealed: new Map(),
        ready: new Map(),
        lastFlushAt: Number.NEGATIVE_INFINITY,
        timer: undefined,
        writes: Promise.resolve(),
      };
      this.docs.set(docId, doc);
    }
    return doc;
  }

  /** `userId` changed `targets` in a transaction applied to the document. */
  note(docId: string, userId: string, targets: readonly string[]): void {
    if (targets.length === 0) return;
    const doc = this.entry(docId);
    let mine = doc.uncommitted.get(userId);
    if (!mine) {
      mine = new Map();
      doc.uncommitted.set(userId, mine);
    }
    for (const target of targets) mine.set(target, (mine.get(target) ?? 0) + 1);
  }

  /**
   * The room took its queued updates for a commit: what was noted so far is
   * theirs. Updates applied while that commit is written belong to the next
   * batch, and are credited only when it is stored.
   */
  seal(docId: string): void {
    const doc = this.docs.get(docId);
    if (!doc || doc.uncommitted.size === 0) return;
    for (const [userId, targets] of doc.uncommitted) {
      const sealed = doc.sealed.get(userId);
      if (!sealed) doc.sealed.set(userId, targets);
      else for (const [target, count] of targets) sealed.set(target, (sealed.get(target) ?? 0) + count);
    }
    doc.uncommitted = new Map();
  }

  /** The sealed batch is in the update log now (the room committed it). */
  committed(docId: string): void {
    const doc = this.docs.get(docId);
    if (!doc || doc.sealed.size === 0) return;
    const at = this.now();
    for (const [userId, targets] of doc.sealed) {
      let ready = doc.ready.get(userId);
      if (!ready) {
        ready = new Map();
        doc.ready.set(userId, ready);
      }
      for (const [target, count] of targets) {
        const seen = ready.get(target);
        if (seen) {
          seen.count += count;
          seen.at = at;
        } else ready.set(target, { count, at });
      }
    }
    doc.sealed.clear();
    if (doc.timer === undefined) {
      const wait = Math.max(0, doc.lastFlushAt + this.flushMs - at);
      doc.timer = setTimeout(() => void this.flush(docId), wait);
      doc.timer.unref();
    }
  }

  /** Writes what is ready now; resolves when this document's writes so far are done. */
  flush(docId: string): Promise<void> {
    const doc = this.docs.get(docId);
    if (!doc) return Promise.resolve();
    clearTimeout(doc.timer);
    doc.timer = undefined;
    if (doc.ready.size === 0) return doc.writes;
    const entries: ChangeEntry[] = [];
    for (const [userId, targets] of doc.ready)
      for (const [target, { count, at }] of targets) entries.push({ target, userId, at, count });
    doc.ready.clear();
    doc.lastFlushAt = this.now();
    doc.writes = doc.writes
      .then(() => this.store.record(docId, entries))
      .catch((error: unknown) => {
        this.logger.error({ err: error, docId, entries: entries.length }, 'recording who changed what failed');
      });
    return doc.writes;
  }

  /** The room unloads: what it committed is written now, and the document forgotten once written. */
  unload(docId: string): Promise<void> {
    const doc = this.docs.get(docId);
    if (!doc) return Promise.resolve();
    // Noted but never committed (the room failed): not in the log, so not a change.
    doc.uncommitted.clear();
    doc.sealed.clear();
    const written = this.flush(docId);
    void written.then(() => {
      const idle =
        doc.uncommitted.size === 0 && doc.sealed.size === 0 && doc.ready.size === 0 && doc.timer === undefined;
      if (this.docs.get(docId) === doc && idle) this.docs.delete(docId);
    });
    return written;
  }

  /** Writes everything ready, for a server that closes (after its rooms, before its storage). */
  async close(): Promise<void> {
    await Promise.all([...this.docs.keys()].map((docId) => this.unload(docId)));
  }
}
