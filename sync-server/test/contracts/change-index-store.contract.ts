import { describe, expect, it } from 'vitest';
import type { ChangeIndexStore } from '../../src/changes/change-index-store.ts';
import type { ContractSeeds } from './sqlite-fixture.ts';

/**
 * The ChangeIndexStore contract (docs/plans/collaboration.md §6.4): per
 * target and person the latest time and the number of updates, added up over
 * batches from any instance, read newest first; rows go with their workflow.
 */
type Fixture = ContractSeeds & {
  store: ChangeIndexStore;
  /** The same database through another connection (another instance); the same store where there is one writer. */
  another?: () => Promise<ChangeIndexStore>;
  teardown: () => Promise<void>;
};

export const runChangeIndexStoreContract = (name: string, setup: () => Fixture | Promise<Fixture>): void => {
  describe(`ChangeIndexStore contract: ${name} (SPEC CHG1)`, () => {
    const withStore =
      (fn: (f: Fixture) => Promise<void>): (() => Promise<void>) =>
      async () => {
        const f = await setup();
        try {
          await f.seedWorkflow('wf1');
          await f.seedWorkflow('wf2');
          for (const user of ['ann', 'ben', 'cat']) await f.seedUser(user);
          await fn(f);
        } finally {
          await f.teardown();
        }
      };

    it(
      'keeps the latest time and adds the counts per target and person, over batches and within one',
      withStore(async ({ store }) => {
        await store.record('wf1', [
          { target: 'node:a', userId: 'ann', at: 1_000 },
          { target: 'node:a', userId: 'ann', at: 3_000, count: 2 },
          { target: 'node:a', userId: 'ben', at: 2_000 },
        ]);
        await store.record('wf1', [{ target: 'node:a', userId: 'ann', at: 1_500, count: 4 }]);
        expect(await store.recent('wf1', 'node:a', 10)).toEqual([
          { userId: 'ann', lastAt: 3_000, count: 7 },
          { userId: 'ben', lastAt: 2_000, count: 1 },
        ]);
        await store.record('wf1', [{ target: 'node:a', userId: 'ben', at: 9_000 }]);
        expect(await store.recent('wf1', 'node:a', 10)).toEqual([
          { userId: 'ben', lastAt: 9_000, count: 2 },
          { userId: 'ann', lastAt: 3_000, count: 7 },
        ]);
      }),
    );

    it(
      'answers one target of one document, newest first, at most the limit',
      withStore(async ({ store }) => {
        await store.record('wf1', [
          { target: 'node:a', userId: 'ann', at: 1_000 },
          { target: 'node:a', userId: 'ben', at: 3_000 },
          { target: 'node:a', userId: 'cat', at: 2_000 },
          { target: 'node:a:param:url', userId: 'cat', at: 5_000 },
        ]);
        await store.record('wf2', [{ target: 'node:a', userId: 'ann', at: 8_000 }]);
        expect((await store.recent('wf1', 'node:a', 2)).map((c) => c.userId)).toEqual(['ben', 'cat']);
        expect(await store.recent('wf1', 'node:a:param:url', 10)).toEqual([{ userId: 'cat', lastAt: 5_000, count: 1 }]);
        expect(await store.recent('wf2', 'node:a', 10)).toEqual([{ userId: 'ann', lastAt: 8_000, count: 1 }]);
        expect(await store.recent('wf1', 'node:b', 10)).toEqual([]);
      }),
    );

    it(
      'records what it can: entries of unknown people and of a deleted workflow are left out, not failed',
      withStore(async ({ store, deleteWorkflow }) => {
        await store.record('wf1', []);
        await store.record('wf1', [
          { target: 'node:a', userId: 'ghost', at: 1_000 },
          { target: 'node:a', userId: 'ann', at: 2_000 },
        ]);
        expect(await store.recent('wf1', 'node:a', 10)).toEqual([{ userId: 'ann', lastAt: 2_000, count: 1 }]);
        await store.record('gone', [{ target: 'node:a', userId: 'ann', at: 1_000 }]);
        expect(await store.recent('gone', 'node:a', 10)).toEqual([]);
        await deleteWorkflow('wf1');
        expect(await store.recent('wf1', 'node:a', 10)).toEqual([]);
      }),
    );

    it(
      'adds up batches two instances write at once',
      withStore(async ({ store, another }) => {
        const other = another ? await another() : store;
        const batch = (at: number) => [
          { target: 'node:a', userId: 'ann', at },
          { target: 'node:b', userId: 'ben', at },
        ];
        await Promise.all(
          Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? store : other).record('wf1', batch(1_000 + i))),
        );
        expect(await store.recent('wf1', 'node:a', 10)).toEqual([{ userId: 'ann', lastAt: 1_009, count: 10 }]);
        expect(await store.recent('wf1', 'node:b', 10)).toEqual([{ userId: 'ben', lastAt: 1_009, count: 10 }]);
      }),
    );
  });
};
