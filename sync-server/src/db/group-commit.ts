import type Database from 'better-sqlite3';

interface Pending {
  work: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit for SQLite: writes asked for in the same turn of the event loop
 * share one transaction, committed on the next `setImmediate`. A commit writes
 * every page it touched to the WAL (and, with `synchronous = FULL`, fsyncs):
 * a webhook run's insert alone touches the table and seven indexes, so
 * committing ten runs' writes together costs little more than one.
 *
 * Each write runs in its own savepoint, so one that throws (a constraint, a
 * deleted workflow) is undone and rejected alone while the others commit.
 * When the transaction itself is lost — SQLite rolls it back whole on
 * SQLITE_FULL or an I/O error — or the commit fails, nothing of the batch was
 * written and every write of it is rejected with that error. A write resolves
 * only once its commit is done: callers act on durable state, as they did
 * when each write was its own transaction.
 */
export class GroupCommit {
  private pending: Pending[] = [];
  // Prepared once: a savepoint per write is two statements (better-sqlite3's nested transaction()
  // builds a wrapper per call and cost ten times the insert it wrapped).
  private readonly savepoint: Database.Statement;
  private readonly release: Database.Statement;
  private readonly rollbackTo: Database.Statement;

  constructor(private readonly sqlite: Database.Database) {
    this.savepoint = sqlite.prepare('savepoint group_commit_write');
    this.release = sqlite.prepare('release group_commit_write');
    this.rollbackTo = sqlite.prepare('rollback to group_commit_write');
  }

  private soonScheduled = false;

  /**
   * Runs `work` (synchronous statements) in the next shared commit; resolves with its result once committed.
   * The commit comes at the end of the event loop's turn, so writes asked for by other callbacks of the same
   * turn (requests that arrived together) join it. With `soon`, it comes once the current callback and its
   * promise callbacks ran, a turn earlier: for a write something waits on — an engine slot held for the run
   * being started, a caller waiting for the run's end — taking along whatever else is pending.
   */
  run<T>(work: () => T, options: { soon?: boolean } = {}): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ work, resolve: resolve as (value: unknown) => void, reject });
      if (this.pending.length === 1) setImmediate(() => this.flush());
      if (options.soon && !this.soonScheduled) {
        this.soonScheduled = true;
        process.nextTick(() => {
          this.soonScheduled = false;
          this.flush();
        });
      }
    });
  }

  /** Commits what is pending now (the next immediate would find nothing). */
  private flush(): void {
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    const outcomes: { ok: boolean; value: unknown }[] = [];
    try {
      this.sqlite.transaction(() => {
        for (const op of batch) {
          this.savepoint.run();
          try {
            const value = op.work();
            if (value instanceof Promise) throw new TypeError('A group commit write cannot return a promise');
            this.release.run();
            outcomes.push({ ok: true, value });
          } catch (error) {
            // SQLite rolled the whole transaction back: what ran so far is gone, and what follows would
            // commit on its own outside it. The batch fails as one.
            if (!this.sqlite.inTransaction) throw error;
            this.rollbackTo.run();
            this.release.run();
            outcomes.push({ ok: false, value: error });
          }
        }
      })();
    } catch (error) {
      for (const op of batch) op.reject(error);
      return;
    }
    batch.forEach((op, i) => {
      const outcome = outcomes[i];
      if (outcome?.ok) op.resolve(outcome.value);
      else op.reject(outcome?.value);
    });
  }
}
