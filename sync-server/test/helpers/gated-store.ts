import type { DocSnapshot, DocStore, NewDocUpdate } from '../../src/storage/doc-store.ts';

/**
 * A real store whose appends wait until the test opens the gate, so a test can
 * observe the room while a commit is in flight (what a slow disk or a remote
 * database would do). It can also be told to fail the next append.
 */
export class GatedStore implements DocStore {
  private gate: { promise: Promise<void>; open: () => void } | undefined;
  appendCalls = 0;
  loadCalls = 0;
  failNext: Error | undefined;

  constructor(private readonly inner: DocStore) {}

  close(): void {
    let open = (): void => {};
    const promise = new Promise<void>((resolve) => {
      open = resolve;
    });
    this.gate = { promise, open };
  }

  open(): void {
    const gate = this.gate;
    this.gate = undefined;
    gate?.open();
  }

  load(docId: string) {
    this.loadCalls++;
    return this.inner.load(docId);
  }

  async append(docId: string, records: readonly NewDocUpdate[]): Promise<{ firstSeq: number; lastSeq: number }> {
    this.appendCalls++;
    if (this.gate) await this.gate.promise;
    if (this.failNext) {
      const error = this.failNext;
      this.failNext = undefined;
      throw error;
    }
    return this.inner.append(docId, records);
  }

  loadSince(docId: string, afterSeq: number) {
    return this.inner.loadSince(docId, afterSeq);
  }

  withLogs(minUpdates: number) {
    return this.inner.withLogs(minUpdates);
  }

  heads(docIds: readonly string[]) {
    return this.inner.heads(docIds);
  }

  compact(docId: string, snapshot: DocSnapshot) {
    return this.inner.compact(docId, snapshot);
  }

  delete(docId: string) {
    return this.inner.delete(docId);
  }

  stats(docId: string) {
    return this.inner.stats(docId);
  }
}
