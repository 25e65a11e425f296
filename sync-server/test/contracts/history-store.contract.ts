import { describe, expect, it } from 'vitest';
import type { VersionStore } from '../../src/executions/version-store.ts';
import type { HistoryStore, NewHistoryEntry } from '../../src/history/history-store.ts';
import type { ContractSeeds } from './sqlite-fixture.ts';
import { definition } from './version-store.contract.ts';

/**
 * The HistoryStore contract (docs/plans/collaboration.md §7.1, §11): a
 * session is cut once however many instances race for it, its authors are
 * everyone who touched it on any instance, pages are stable, and a version
 * is found by entry id or by hash.
 */
type Fixture = ContractSeeds & {
  store: HistoryStore;
  versions: VersionStore;
  /** The same database through another connection (another instance); the same store where there is one writer. */
  another?: () => Promise<HistoryStore>;
  teardown: () => Promise<void>;
};

export const runHistoryStoreContract = (name: string, setup: () => Fixture | Promise<Fixture>): void => {
  describe(`HistoryStore contract: ${name}`, () => {
    const withStore =
      (fn: (f: Fixture & { hashes: string[] }) => Promise<void>): (() => Promise<void>) =>
      async () => {
        const f = await setup();
        try {
          await f.seedWorkflow('wf1');
          await f.seedWorkflow('wf2');
          for (const user of ['ann', 'ben', 'cat']) await f.seedUser(user);
          const hashes: string[] = [];
          for (const n of ['One', 'Two', 'Three']) {
            hashes.push(await f.versions.save('wf1', new Uint8Array([1]), definition(n), null, 1));
          }
          await fn({ ...f, hashes });
        } finally {
          await f.teardown();
        }
      };

    const entry = (id: string, versionHash: string, createdAt: number, more: Partial<NewHistoryEntry> = {}) =>
      ({ id, versionHash, kind: 'auto', createdAt, createdBy: null, ...more }) satisfies NewHistoryEntry;

    it(
      'touchSession opens a session, keeps its start and moves its last edit forward only',
      withStore(async ({ store }) => {
        expect(await store.dueSessions(Number.MAX_SAFE_INTEGER)).toEqual([]);
        await store.touchSession('wf1', 1_000, ['ann']);
        await store.touchSession('wf1', 5_000, ['ben']);
        await store.touchSession('wf1', 3_000, ['ann']);
        expect(await store.dueSessions(Number.MAX_SAFE_INTEGER)).toEqual([
          { workflowId: 'wf1', startedAt: 1_000, lastEditAt: 5_000 },
        ]);
        expect(await store.session('wf1')).toEqual({ workflowId: 'wf1', startedAt: 1_000, lastEditAt: 5_000 });
        expect(await store.session('wf2')).toBeUndefined();
        expect(await store.dueSessions(5_000)).toEqual([]);
        expect(await store.dueSessions(5_001)).toHaveLength(1);
      }),
    );

    it(
      'touchSession ignores a workflow that does not exist (deleted while its room was open)',
      withStore(async ({ store }) => {
        await store.touchSession('gone', 1_000, ['ann']);
        expect(await store.dueSessions(Number.MAX_SAFE_INTEGER)).toEqual([]);
      }),
    );

    it(
      'cutSession closes the session into one entry whose authors are the union of every writer, in order of arrival',
      withStore(async ({ store, another, hashes }) => {
        const other = another ? await another() : store;
        await store.touchSession('wf1', 1_000, ['ann']);
        await other.touchSession('wf1', 2_000, ['ben', 'ann']);
        await store.touchSession('wf1', 3_000, ['ann']);
        const cut = await store.cutSession('wf1', 3_000, entry('e1', hashes[0] as string, 9_000));
        expect(cut).toMatchObject({ id: 'e1', kind: 'auto', authors: ['ann', 'ben'], workflowId: 'wf1' });
        expect(await store.dueSessions(Number.MAX_SAFE_INTEGER)).toEqual([]);
        // The next session starts from nobody.
        await store.touchSession('wf1', 10_000, ['cat']);
        const next = await store.cutSession('wf1', 10_000, entry('e2', hashes[1] as string, 11_000));
        expect(next?.authors).toEqual(['cat']);
      }),
    );

    it(
      'cutSession does nothing when an edit came after the session was read',
      withStore(async ({ store, hashes }) => {
        await store.touchSession('wf1', 1_000, ['ann']);
        const [due] = await store.dueSessions(Number.MAX_SAFE_INTEGER);
        await store.touchSession('wf1', 2_000, ['ben']);
        expect(await store.cutSession('wf1', due?.lastEditAt ?? 0, entry('e1', hashes[0] as string, 3_000))).toBeNull();
        expect(await store.list('wf1', { limit: 10 })).toEqual([]);
        expect(await store.dueSessions(Number.MAX_SAFE_INTEGER)).toHaveLength(1);
      }),
    );

    it(
      'cutSession under a race of two connections inserts one entry',
      withStore(async ({ store, another, hashes }) => {
        const other = another ? await another() : store;
        for (let round = 0; round < 5; round++) {
          const at = 1_000 * (round + 1);
          await store.touchSession('wf1', at, ['ann']);
          await other.touchSession('wf1', at, ['ben']);
          const hash = hashes[round % 3] as string;
          const results = await Promise.all([
            store.cutSession('wf1', at, entry(`a${round}`, hash, at + 1)),
            other.cutSession('wf1', at, entry(`b${round}`, hash, at + 1)),
          ]);
          const won = results.filter((r) => r !== null);
          expect(won, `round ${round}`).toHaveLength(1);
          expect(won[0]?.authors, `round ${round}`).toEqual(['ann', 'ben']);
        }
        expect(await store.list('wf1', { limit: 100 })).toHaveLength(5);
      }),
    );

    it(
      'an auto cut of the version the newest entry already holds closes the session without an entry',
      withStore(async ({ store, hashes }) => {
        await store.addEntry('wf1', entry('n1', hashes[0] as string, 1_000, { kind: 'named', name: 'Ready' }));
        await store.touchSession('wf1', 2_000, ['ann']);
        expect(await store.cutSession('wf1', 2_000, entry('e1', hashes[0] as string, 3_000))).toBeNull();
        expect(await store.dueSessions(Number.MAX_SAFE_INTEGER)).toEqual([]);
        expect((await store.list('wf1', { limit: 10 })).map((e) => e.id)).toEqual(['n1']);
      }),
    );

    it(
      'addEntry with cutSession takes the open session and its authors; without, leaves it open',
      withStore(async ({ store, hashes }) => {
        await store.touchSession('wf1', 1_000, ['ann']);
        const named = await store.addEntry(
          'wf1',
          entry('n1', hashes[0] as string, 2_000, { kind: 'named', name: 'Draft', createdBy: 'cat' }),
        );
        expect(named.authors).toEqual([]);
        expect(await store.dueSessions(Number.MAX_SAFE_INTEGER)).toHaveLength(1);
        const published = await store.addEntry(
          'wf1',
          entry('p1', hashes[1] as string, 3_000, { kind: 'publish', createdBy: 'cat', authors: ['cat', 'ann'] }),
          { cutSession: true },
        );
        expect(published).toMatchObject({ kind: 'publish', authors: ['ann', 'cat'], createdBy: 'cat' });
        expect(await store.dueSessions(Number.MAX_SAFE_INTEGER)).toEqual([]);
        // No session open: the entry is written all the same.
        const again = await store.addEntry('wf1', entry('p2', hashes[1] as string, 4_000, { kind: 'publish' }), {
          cutSession: true,
        });
        expect(again.authors).toEqual([]);
      }),
    );

    it(
      'a restore entry keeps where it came from and the version before it',
      withStore(async ({ store, hashes }) => {
        await store.addEntry('wf1', entry('n1', hashes[0] as string, 1_000, { kind: 'named', name: 'Good' }));
        const restore = await store.addEntry(
          'wf1',
          entry('r1', hashes[0] as string, 2_000, {
            kind: 'restore',
            restoredFrom: 'n1',
            beforeHash: hashes[2] as string,
            createdBy: 'ann',
            authors: ['ann'],
          }),
        );
        expect(await store.get('wf1', 'r1')).toEqual(restore);
        expect(restore).toMatchObject({ restoredFrom: 'n1', beforeHash: hashes[2], authors: ['ann'] });
      }),
    );

    it(
      'refuses a name over 100 characters, an unknown kind and a version that does not exist',
      withStore(async ({ store, hashes }) => {
        await expect(
          store.addEntry('wf1', entry('x', hashes[0] as string, 1, { kind: 'named', name: 'n'.repeat(101) })),
        ).rejects.toThrow();
        await expect(
          store.addEntry('wf1', { ...entry('y', hashes[0] as string, 1), kind: 'weird' as 'auto' }),
        ).rejects.toThrow();
        await expect(store.addEntry('wf1', entry('z', 'f'.repeat(64), 1))).rejects.toThrow();
        expect(await store.list('wf1', { limit: 10 })).toEqual([]);
      }),
    );

    it(
      'list pages newest first through a cursor, ties broken by id, and filters by kind',
      withStore(async ({ store, hashes }) => {
        const kinds = ['auto', 'named', 'publish', 'auto', 'restore', 'auto', 'named'] as const;
        for (const [i, kind] of kinds.entries()) {
          // Two entries share each time, so the id has to order them.
          await store.addEntry('wf1', entry(`e${i}`, hashes[i % 3] as string, 1_000 * Math.floor(i / 2), { kind }));
        }
        await store.addEntry('wf2', entry('other', (await store.list('wf1', { limit: 1 }))[0]?.versionHash ?? '', 0));
        const seen: string[] = [];
        let cursor: { createdAt: number; id: string } | undefined;
        for (;;) {
          const page = await store.list('wf1', { limit: 3, cursor });
          seen.push(...page.map((e) => e.id));
          const last = page.at(-1);
          if (page.length < 3 || !last) break;
          cursor = { createdAt: last.createdAt, id: last.id };
        }
        expect(seen).toEqual(['e6', 'e5', 'e4', 'e3', 'e2', 'e1', 'e0']);
        const named = await store.list('wf1', { limit: 10, kinds: ['named', 'restore'] });
        expect(named.map((e) => e.id)).toEqual(['e6', 'e4', 'e1']);
      }),
    );

    it(
      'get finds an entry by id or by 64-hex version hash (the newest entry of it), only in its workflow',
      withStore(async ({ store, hashes }) => {
        await store.addEntry('wf1', entry('e1', hashes[0] as string, 1_000));
        await store.addEntry('wf1', entry('e2', hashes[0] as string, 2_000, { kind: 'named', name: 'Again' }));
        expect((await store.get('wf1', 'e1'))?.id).toBe('e1');
        expect((await store.get('wf1', hashes[0] as string))?.id).toBe('e2');
        expect(await store.get('wf1', hashes[1] as string)).toBeUndefined();
        expect(await store.get('wf2', 'e1')).toBeUndefined();
        expect(await store.get('wf1', 'nope')).toBeUndefined();
      }),
    );

    it(
      'rename names an entry of its workflow and nothing else',
      withStore(async ({ store, hashes }) => {
        await store.addEntry('wf1', entry('e1', hashes[0] as string, 1_000));
        expect(await store.rename('wf1', 'e1', 'Before the launch')).toMatchObject({ name: 'Before the launch' });
        expect(await store.rename('wf2', 'e1', 'Nope')).toBeUndefined();
        expect((await store.get('wf1', 'e1'))?.name).toBe('Before the launch');
      }),
    );

    it(
      'deleting the workflow deletes its history and session',
      withStore(async ({ store, hashes, deleteWorkflow }) => {
        await store.addEntry('wf1', entry('e1', hashes[0] as string, 1_000));
        await store.touchSession('wf1', 1_000, ['ann']);
        await deleteWorkflow('wf1');
        expect(await store.list('wf1', { limit: 10 })).toEqual([]);
        expect(await store.dueSessions(Number.MAX_SAFE_INTEGER)).toEqual([]);
      }),
    );
  });
};
