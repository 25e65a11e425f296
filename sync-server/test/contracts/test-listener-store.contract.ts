import { describe, expect, it } from 'vitest';
import type { TestListenerStore } from '../../src/triggers/test-listener-store.ts';
import type { ContractSeeds } from './sqlite-fixture.ts';

interface Fixture extends ContractSeeds {
  store: TestListenerStore;
  another?: () => Promise<TestListenerStore>;
  teardown: () => Promise<void>;
}

const post = (path: string) => ({ method: 'POST', path });

/** The TestListenerStore contract: "Listen" pressed on one instance is what every instance finds. */
export const runTestListenerStoreContract = (name: string, setup: () => Fixture | Promise<Fixture>): void => {
  describe(`TestListenerStore contract: ${name}`, () => {
    const withStore =
      (fn: (f: Fixture) => Promise<void>): (() => Promise<void>) =>
      async () => {
        const f = await setup();
        try {
          await f.seedWorkflow('wf1');
          await f.seedWorkflow('wf2');
          await fn(f);
        } finally {
          await f.teardown();
        }
      };

    it(
      'listen replaces the workflow’s listeners; active answers those not expired; stop ends them',
      withStore(async ({ store }) => {
        expect(await store.listen('wf1', 'ann', [post('a'), { method: 'GET', path: 'b' }], 1000, 0)).toEqual({
          ok: true,
        });
        expect((await store.active(['POST', 'GET'], 500)).map((r) => [r.method, r.path, r.userId])).toEqual(
          expect.arrayContaining([
            ['POST', 'a', 'ann'],
            ['GET', 'b', 'ann'],
          ]),
        );
        expect(await store.active(['POST'], 1000)).toEqual([]);
        expect(await store.active([], 0)).toEqual([]);
        await store.listen('wf1', 'bob', [post('c')], 2000, 10);
        expect((await store.active(['POST', 'GET'], 10)).map((r) => [r.path, r.userId, r.expiresAt])).toEqual([
          ['c', 'bob', 2000],
        ]);
        expect(await store.stop('wf1')).toBe(true);
        expect(await store.stop('wf1')).toBe(false);
        expect(await store.active(['POST'], 10)).toEqual([]);
      }),
    );

    it(
      'a path another workflow listens on is a conflict until it expires; overlapping dynamic paths too',
      withStore(async ({ store }) => {
        await store.listen('wf1', 'ann', [post('a'), post('users/:id')], 1000, 0);
        expect(await store.listen('wf2', 'bob', [post('a')], 1500, 100)).toEqual({
          ok: false,
          conflict: { method: 'POST', taken: 'a', requested: 'a' },
        });
        expect(await store.listen('wf2', 'bob', [post('users/:x')], 1500, 100)).toEqual({
          ok: false,
          conflict: { method: 'POST', taken: 'users/:id', requested: 'users/:x' },
        });
        expect((await store.active(['POST'], 100)).every((r) => r.workflowId === 'wf1')).toBe(true);
        // Expired, the path is free for anyone.
        expect(await store.listen('wf2', 'bob', [post('a')], 5000, 1000)).toEqual({ ok: true });
        expect((await store.active(['POST'], 1000)).map((r) => [r.workflowId, r.path])).toEqual([['wf2', 'a']]);
      }),
    );

    it(
      'expire removes only listeners past their time: a renewed listener stays',
      withStore(async ({ store }) => {
        await store.listen('wf1', 'ann', [post('a')], 1000, 0);
        expect(await store.expire('wf1', 999)).toBe(false);
        await store.listen('wf1', 'ann', [post('a')], 3000, 900);
        expect(await store.expire('wf1', 1000)).toBe(false);
        expect(await store.active(['POST'], 1000)).toHaveLength(1);
        expect(await store.expire('wf1', 3000)).toBe(true);
        expect(await store.active(['POST'], 0)).toEqual([]);
      }),
    );

    it(
      'two workflows listening on one path at once through two instances: exactly one gets it',
      withStore(async ({ store, another }) => {
        const other = another ? await another() : store;
        for (let round = 0; round < 5; round++) {
          const results = await Promise.all([
            store.listen('wf1', 'ann', [post(`r${round}`)], 1000, 0),
            other.listen('wf2', 'bob', [post(`r${round}`)], 1000, 0),
          ]);
          expect(results.map((r) => r.ok).sort()).toEqual([false, true]);
          await store.stop('wf1');
          await store.stop('wf2');
        }
      }),
    );
  });
};
