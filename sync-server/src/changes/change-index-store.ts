/**
 * "Who changed this" (docs/plans/collaboration.md §6.4): for each target of a
 * document (changes.ts in shared/src/schema names them) and each person, the
 * last time they changed it and in how many updates.
 *
 * Written in batches by ChangeRecorder, read by the changes route. A batch
 * naming a workflow or a person deleted meanwhile loses those entries only:
 * the rest is recorded.
 */

export interface ChangeEntry {
  target: string;
  userId: string;
  at: number;
  /** Updates this entry stands for (default 1). */
  count?: number;
}

export interface RecordedChange {
  userId: string;
  lastAt: number;
  count: number;
}

export interface ChangeIndexStore {
  /**
   * Adds the entries in one transaction: per (target, person) `last_at`
   * becomes the later of the two and `count` grows by the entry's.
   */
  record(docId: string, entries: readonly ChangeEntry[]): Promise<void>;
  /** The people who changed a target, the latest first, at most `limit`. */
  recent(docId: string, target: string, limit: number): Promise<RecordedChange[]>;
}

/** Sums entries for the same (target, person) so each is one upsert. */
export const mergeEntries = (entries: readonly ChangeEntry[]): Required<ChangeEntry>[] => {
  const merged = new Map<string, Required<ChangeEntry>>();
  for (const entry of entries) {
    const key = `${entry.target}\u0000${entry.userId}`;
    const seen = merged.get(key);
    const count = entry.count ?? 1;
    if (seen) {
      seen.at = Math.max(seen.at, entry.at);
      seen.count += count;
    } else merged.set(key, { target: entry.target, userId: entry.userId, at: entry.at, count });
  }
  // A fixed order keeps two instances' upserts of the same rows from deadlocking (PostgreSQL).
  return [...merged.values()].sort((a, b) =>
    a.target === b.target ? (a.userId < b.userId ? -1 : 1) : a.target < b.target ? -1 : 1,
  );
};
