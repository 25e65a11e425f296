import { describe, expect, it } from 'vitest';
import type { RouteSpec, TriggerStore } from '../../src/triggers/trigger-store.ts';
import type { ContractSeeds } from './sqlite-fixture.ts';

interface Fixture extends ContractSeeds {
  store: TriggerStore;
  /** A second instance on the same database (its own connections), where the dialect has one. */
  another?: () => Promise<TriggerStore>;
  /** Whether the workflow row says active. */
  isActive: (workflowId: string) => Promise<boolean>;
  teardown: () => Promise<void>;
}

const route = (path: string, method = 'POST', nodeId = 'hook'): RouteSpec => ({ method, path, nodeId });

/**
 * The TriggerStore contract: what TriggerService relies on to make "another
 * active workflow listens on …" one decision for every instance.
 */
export const runTriggerStoreContract = (name: string, setup: () => Fixture | Promise<Fixture>): void => {
  describe(`TriggerStore contract: ${name}`, () => {
    const withStore =
      (fn: (f: Fixture) => Promise<void>): (() => Promise<void>) =>
      async () => {
        const f = await setup();
        try {
          for (const id of ['wf1', 'wf2']) {
            await f.seedWorkflow(id);
            expect(await f.store.publish(id, `${id}-v1`, undefined)).toEqual({ status: 'published', active: false });
          }
          await fn(f);
        } finally {
          await f.teardown();
        }
      };
    const sorted = async (store: TriggerStore) =>
      (await store.routes()).sort((a, b) => `${a.method} ${a.path}`.localeCompare(`${b.method} ${b.path}`));

    it(
      'activate holds exactly the given routes on the published version, and deactivate lets them go',
      withStore(async ({ store, isActive }) => {
        expect(await store.activate('wf1', 'wf1-v1', [route('a'), route('b', 'GET', 'other')])).toEqual({
          status: 'active',
        });
        expect(await isActive('wf1')).toBe(true);
        expect(await sorted(store)).toEqual([
          { method: 'GET', path: 'b', nodeId: 'other', workflowId: 'wf1', versionHash: 'wf1-v1' },
          { method: 'POST', path: 'a', nodeId: 'hook', workflowId: 'wf1', versionHash: 'wf1-v1' },
        ]);
        // Activating again replaces, never adds; a path named twice is held once.
        expect(await store.activate('wf1', 'wf1-v1', [route('c', 'POST', 'x'), route('c', 'POST', 'y')])).toEqual({
          status: 'active',
        });
        expect((await store.routes()).map((r) => [r.path, r.nodeId])).toEqual([['c', 'y']]);
        await store.deactivate('wf1');
        expect(await isActive('wf1')).toBe(false);
        expect(await store.routes()).toEqual([]);
        await store.deactivate('ghost');
      }),
    );

    it(
      'activate on a version that is not the published one, or of a missing workflow, writes nothing',
      withStore(async ({ store, isActive }) => {
        expect(await store.activate('wf1', 'old', [route('a')])).toEqual({ status: 'stale' });
        expect(await store.activate('ghost', 'wf1-v1', [route('a')])).toEqual({ status: 'stale' });
        // A server starting re-registers only what is still active.
        expect(await store.activate('wf1', 'wf1-v1', [route('a')], { onlyIfActive: true })).toEqual({
          status: 'stale',
        });
        expect(await isActive('wf1')).toBe(false);
        expect(await store.routes()).toEqual([]);
        await store.activate('wf1', 'wf1-v1', [route('a')]);
        expect(await store.activate('wf1', 'wf1-v1', [route('b')], { onlyIfActive: true })).toEqual({
          status: 'active',
        });
        expect((await store.routes()).map((r) => r.path)).toEqual(['b']);
      }),
    );

    it(
      'a path another workflow holds is a conflict and nothing is written; overlapping dynamic paths too',
      withStore(async ({ store, isActive }) => {
        await store.activate('wf1', 'wf1-v1', [route('a'), route('users/:id')]);
        expect(await store.activate('wf2', 'wf2-v1', [route('free'), route('a')])).toEqual({
          status: 'conflict',
          conflict: { method: 'POST', taken: 'a', requested: 'a' },
        });
        expect(await store.activate('wf2', 'wf2-v1', [route('users/:name')])).toEqual({
          status: 'conflict',
          conflict: { method: 'POST', taken: 'users/:id', requested: 'users/:name' },
        });
        expect(await isActive('wf2')).toBe(false);
        expect((await store.routes()).every((r) => r.workflowId === 'wf1')).toBe(true);
        // Another method, or a static path under a dynamic one, is no conflict.
        expect(await store.activate('wf2', 'wf2-v1', [route('a', 'GET'), route('users/me')])).toEqual({
          status: 'active',
        });
        expect((await store.routes()).length).toBe(4);
      }),
    );

    it(
      'publish of an active workflow swaps its routes in the same step, or writes nothing',
      withStore(async ({ store }) => {
        await store.activate('wf1', 'wf1-v1', [route('a')]);
        await store.activate('wf2', 'wf2-v1', [route('b')]);
        expect(await store.publish('wf1', 'wf1-v2', [route('a2')])).toEqual({ status: 'published', active: true });
        expect((await sorted(store)).map((r) => [r.path, r.versionHash])).toEqual([
          ['a2', 'wf1-v2'],
          ['b', 'wf2-v1'],
        ]);
        expect(await store.publish('wf1', 'wf1-v3', [route('b')])).toEqual({
          status: 'conflict',
          conflict: { method: 'POST', taken: 'b', requested: 'b' },
        });
        expect(await store.publish('wf1', 'wf1-v3', undefined)).toEqual({ status: 'unroutable' });
        // Neither wrote: the v2 routes stand and v2 is still the version activate accepts.
        expect((await sorted(store)).map((r) => [r.path, r.versionHash])[0]).toEqual(['a2', 'wf1-v2']);
        expect(await store.activate('wf1', 'wf1-v3', [route('z')])).toEqual({ status: 'stale' });
        expect(await store.publish('ghost', 'x', [])).toEqual({ status: 'stale' });
      }),
    );

    it(
      'deleting a workflow lets its routes go',
      withStore(async ({ store, deleteWorkflow }) => {
        await store.activate('wf1', 'wf1-v1', [route('a')]);
        await deleteWorkflow('wf1');
        expect(await store.routes()).toEqual([]);
        expect(await store.activate('wf2', 'wf2-v1', [route('a')])).toEqual({ status: 'active' });
      }),
    );

    it(
      'two workflows activating one path at once through two instances: exactly one holds it',
      withStore(async ({ store, another }) => {
        const other = another ? await another() : store;
        for (let round = 0; round < 5; round++) {
          const path = `race-${round}`;
          const results = await Promise.all([
            store.activate('wf1', 'wf1-v1', [route(path)]),
            other.activate('wf2', 'wf2-v1', [route(path)]),
          ]);
          expect(results.map((r) => r.status).sort()).toEqual(['active', 'conflict']);
          expect((await store.routes()).filter((r) => r.path === path)).toHaveLength(1);
          await store.deactivate('wf1');
          await store.deactivate('wf2');
        }
      }),
    );
  });
};
