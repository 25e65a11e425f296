import { describe, expect, it } from 'vitest';
import { MAX_PEN_REQUESTS, type ModeStore } from '../../src/modes/mode-store.ts';
import type { ContractSeeds } from './sqlite-fixture.ts';

/** What a ModeStore backend provides to the contract. */
export interface ModeStoreSetup extends ContractSeeds {
  store: ModeStore;
  /** Another instance's store on the same database (its own connections), where a backend can have several. */
  another?: () => Promise<ModeStore>;
  /**
   * Workflow ids notified on the backend's channel from now on, where it has
   * one: `take()` answers those heard so far and forgets them.
   */
  listen?: () => Promise<{ take: () => Promise<string[]>; stop: () => Promise<void> }>;
  teardown: () => Promise<void>;
}

const IDLE = 10 * 60_000;

/** The ModeStore contract (src/modes/mode-store.ts): every backend runs all of it. */
export const runModeStoreContract = (
  name: string,
  setup: () => Promise<ModeStoreSetup>,
  /** Whether the backend notifies other processes of changes (then `listen` is set). */
  { notifies }: { notifies: boolean },
): void => {
  const withStore = (fn: (s: ModeStoreSetup) => Promise<void>) => async () => {
    const s = await setup();
    try {
      await s.seedUser('ann', 'Ann');
      await s.seedUser('ben', 'Ben');
      await s.seedUser('cat', 'Cat');
      await s.seedUser('dan', 'Dan');
      await s.seedWorkflow('w1');
      await s.seedMember('w1', 'ann', 'owner');
      await s.seedMember('w1', 'ben', 'editor');
      await s.seedMember('w1', 'cat', 'editor');
      await s.seedMember('w1', 'dan', 'viewer');
      await fn(s);
    } finally {
      await s.teardown();
    }
  };
  const pen = { reason: null, by: 'ann', penIdleMs: null } as const;

  describe(`ModeStore contract: ${name}`, () => {
    it(
      'a workflow without a row is parallel at version 0, alone and in getMany',
      withStore(async ({ store }) => {
        expect(await store.get('w1')).toMatchObject({ mode: 'parallel', version: 0, pen: null, setBy: null });
        expect((await store.getMany(['w1', 'nope'])).map((s) => [s.workflowId, s.mode])).toEqual([
          ['w1', 'parallel'],
          ['nope', 'parallel'],
        ]);
        expect(await store.getMany([])).toEqual([]);
      }),
    );

    it(
      'every change raises the version by one; refusals and no-ops write nothing',
      withStore(async ({ store }) => {
        const versions: number[] = [];
        versions.push(
          (await store.setMode('w1', { mode: 'locked', reason: 'incident #42', by: 'ann', at: 10, penIdleMs: null }))
            .version,
        );
        expect(await store.get('w1')).toMatchObject({
          mode: 'locked',
          reason: 'incident #42',
          setBy: 'ann',
          setAt: 10,
          pen: null,
        });
        expect((await store.takePen('w1', 'ben', 11)).status).toBe('notPen');
        versions.push((await store.setMode('w1', { ...pen, mode: 'pen', at: 12 })).version);
        expect((await store.takePen('w1', 'ann', 13)).status).toBe('ok'); // holds it already: no change
        versions.push((await store.requestPen('w1', 'ben', 14)).state.version);
        versions.push((await store.handOver('w1', { userId: 'ann', asOwner: true }, 'ben', 15)).state.version);
        versions.push((await store.releasePen('w1', { userId: 'ben', asOwner: false })).state.version);
        versions.push((await store.setMode('w1', { ...pen, mode: 'parallel', at: 17 })).version);
        expect(versions).toEqual([1, 2, 3, 4, 5, 6]);
        expect(await store.get('w1')).toMatchObject({ mode: 'parallel', version: 6, pen: null });
      }),
    );

    it(
      'switching to pen gives the pen to the caller; others are refused unless forced; the taker’s request goes',
      withStore(async ({ store }) => {
        const state = await store.setMode('w1', {
          ...pen,
          mode: 'pen',
          reason: 'release day',
          at: 100,
          penIdleMs: 60_000,
        });
        expect(state.pen).toEqual({ holder: 'ann', since: 100, activeAt: 100, idleMs: 60_000, requests: [] });
        const held = await store.takePen('w1', 'ben', 101);
        expect(held.status).toBe('held');
        expect(held.state.pen?.holder).toBe('ann');
        await store.requestPen('w1', 'ben', 102);
        await store.requestPen('w1', 'cat', 103);
        await store.requestPen('w1', 'ben', 104);
        expect((await store.get('w1')).pen?.requests).toEqual([
          { userId: 'cat', at: 103 },
          { userId: 'ben', at: 104 },
        ]);
        const forced = await store.takePen('w1', 'ben', 105, { force: true });
        expect(forced.status).toBe('ok');
        expect(forced.state.pen).toMatchObject({
          holder: 'ben',
          since: 105,
          activeAt: 105,
          requests: [{ userId: 'cat', at: 103 }],
        });
      }),
    );

    it(
      'keeps at most the newest requests, one per person',
      withStore(async ({ store, seedUser }) => {
        await store.setMode('w1', { ...pen, mode: 'pen', at: 1 });
        for (let i = 0; i < MAX_PEN_REQUESTS + 5; i++) {
          await seedUser(`u${i}`);
          await store.requestPen('w1', `u${i}`, 10 + i);
        }
        const requests = (await store.get('w1')).pen?.requests ?? [];
        expect(requests).toHaveLength(MAX_PEN_REQUESTS);
        expect(requests[0]).toEqual({ userId: 'u5', at: 15 });
      }),
    );

    it(
      'hands over only to an editor or owner, and only from the holder or an owner',
      withStore(async ({ store }) => {
        await store.setMode('w1', { ...pen, mode: 'pen', at: 1 });
        expect((await store.handOver('w1', { userId: 'ann', asOwner: false }, 'dan', 2)).status).toBe('notEditor');
        expect((await store.handOver('w1', { userId: 'ann', asOwner: false }, 'nobody', 2)).status).toBe('notEditor');
        expect((await store.handOver('w1', { userId: 'cat', asOwner: false }, 'ben', 2)).status).toBe('notHolder');
        expect((await store.get('w1')).pen?.holder).toBe('ann');
        const handed = await store.handOver('w1', { userId: 'ann', asOwner: false }, 'ben', 3);
        expect(handed.status).toBe('ok');
        expect(handed.state.pen).toMatchObject({ holder: 'ben', since: 3 });
        // An owner who does not hold it may still move it.
        expect((await store.handOver('w1', { userId: 'ann', asOwner: true }, 'cat', 4)).state.pen?.holder).toBe('cat');
        expect((await store.releasePen('w1', { userId: 'ben', asOwner: false })).status).toBe('notHolder');
        const released = await store.releasePen('w1', { userId: 'ann', asOwner: true });
        expect(released.status).toBe('ok');
        expect(released.state.pen?.holder).toBeNull();
        // A free pen is taken without force.
        expect((await store.takePen('w1', 'ben', 7)).state.pen?.holder).toBe('ben');
      }),
    );

    it(
      'touchPen records the holder’s activity only, without a new version',
      withStore(async ({ store }) => {
        await store.setMode('w1', { ...pen, mode: 'pen', at: 1 });
        await store.touchPen('w1', 'ben', 50);
        expect((await store.get('w1')).pen?.activeAt).toBe(1);
        await store.touchPen('w1', 'ann', 60);
        const state = await store.get('w1');
        expect(state.pen?.activeAt).toBe(60);
        expect(state.version).toBe(1);
      }),
    );

    it(
      'releaseIdle frees pens idle past their own or the default time, once',
      withStore(async ({ store, seedWorkflow, seedMember }) => {
        await seedWorkflow('w2');
        await seedMember('w2', 'ann', 'owner');
        await seedWorkflow('w3');
        await seedMember('w3', 'ann', 'owner');
        await store.setMode('w1', { ...pen, mode: 'pen', at: 1000 });
        await store.setMode('w2', { ...pen, mode: 'pen', at: 1000, penIdleMs: 100 });
        await store.setMode('w3', { ...pen, mode: 'locked', at: 1000 });
        expect(await store.releaseIdle(1000 + 100, IDLE)).toEqual([]);
        const first = await store.releaseIdle(1000 + 101, IDLE);
        expect(first.map((s) => [s.workflowId, s.pen?.holder, s.version])).toEqual([['w2', null, 2]]);
        expect(await store.releaseIdle(1000 + 101, IDLE)).toEqual([]);
        await store.touchPen('w1', 'ann', 5000);
        expect(await store.releaseIdle(1000 + IDLE + 1, IDLE)).toEqual([]);
        expect((await store.releaseIdle(5000 + IDLE + 1, IDLE)).map((s) => s.workflowId)).toEqual(['w1']);
        expect((await store.get('w3')).mode).toBe('locked');
      }),
    );

    it(
      'a deleted workflow takes its mode with it',
      withStore(async ({ store, deleteWorkflow }) => {
        await store.setMode('w1', { ...pen, mode: 'locked', at: 1 });
        await deleteWorkflow('w1');
        expect(await store.get('w1')).toMatchObject({ mode: 'parallel', version: 0 });
      }),
    );

    it(
      'two instances sweeping at once release an idle pen once between them',
      withStore(async (s) => {
        const other = (await s.another?.()) ?? s.store;
        for (let i = 0; i < 5; i++) {
          await s.seedWorkflow(`r${i}`);
          await s.seedMember(`r${i}`, 'ann', 'owner');
          await s.store.setMode(`r${i}`, { ...pen, mode: 'pen', at: 1 });
        }
        for (let round = 0; round < 5; round++) {
          const [a, b] = await Promise.all([s.store.releaseIdle(10 + IDLE, IDLE), other.releaseIdle(10 + IDLE, IDLE)]);
          const released = [...a, ...b].map((state) => state.workflowId).sort();
          // Each pen once per round, between the two of them.
          expect(released).toEqual(['r0', 'r1', 'r2', 'r3', 'r4']);
          for (let i = 0; i < 5; i++) await s.store.takePen(`r${i}`, 'ann', 1);
        }
        const versions = (await s.store.getMany(['r0', 'r1', 'r2', 'r3', 'r4'])).map((state) => state.version);
        expect(versions).toEqual([11, 11, 11, 11, 11]);
      }),
    );

    // Registered only where it applies: SQLite has nobody to tell.
    if (notifies)
      it(
        'notifies the workflow id of each change at commit, and nothing for refusals or activity',
        withStore(async (s) => {
          if (!s.listen) throw new Error('a backend that notifies provides listen');
          const heard = await s.listen();
          try {
            await s.store.setMode('w1', { ...pen, mode: 'pen', at: 1 });
            expect(await heard.take()).toEqual(['w1']);
            await s.store.takePen('w1', 'ben', 2);
            await s.store.takePen('w1', 'ann', 2);
            await s.store.touchPen('w1', 'ann', 3);
            await s.store.handOver('w1', { userId: 'ann', asOwner: false }, 'dan', 4);
            expect(await heard.take()).toEqual([]);
            await s.store.requestPen('w1', 'ben', 5);
            await s.store.handOver('w1', { userId: 'ann', asOwner: false }, 'ben', 6);
            await s.store.releaseIdle(6 + IDLE + 1, IDLE);
            expect(await heard.take()).toEqual(['w1', 'w1', 'w1']);
          } finally {
            await heard.stop();
          }
        }),
      );
  });
};
