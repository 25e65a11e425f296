import { describe, expect, it } from 'vitest';
import type { FavouritesStore } from '../../src/accounts/favourites-store.ts';

/** What a FavouritesStore backend provides to the contract. */
export interface FavouritesStoreSetup {
  store: FavouritesStore;
  /** Another instance's store on the same database, where a backend can have several; else the same one. */
  another?: () => Promise<FavouritesStore>;
  /** An account (another store's row); answers its id. */
  addUser: (email: string) => Promise<string>;
  /** Deletes the account, as deleting it from the account store does. */
  deleteUser: (id: string) => Promise<void>;
  teardown: () => Promise<void>;
}

/** The FavouritesStore contract (src/accounts/favourites-store.ts): every backend runs all of it. */
export const runFavouritesStoreContract = (name: string, setup: () => Promise<FavouritesStoreSetup>): void => {
  const withStore = (fn: (s: FavouritesStoreSetup) => Promise<void>) => async () => {
    const s = await setup();
    try {
      await fn(s);
    } finally {
      await s.teardown();
    }
  };

  describe(`FavouritesStore contract: ${name}`, () => {
    it(
      'lists nothing for someone who starred nothing',
      withStore(async ({ store, addUser }) => {
        expect(await store.list(await addUser('ann@example.com'))).toEqual([]);
      }),
    );

    it(
      'keeps the order given, each type once at its first place, and per person',
      withStore(async ({ store, addUser }) => {
        const ann = await addUser('ann@example.com');
        const bob = await addUser('bob@example.com');
        expect(await store.replace(ann, ['set', 'httpRequest', 'set', 'if'])).toEqual(['set', 'httpRequest', 'if']);
        await store.replace(bob, ['wait']);
        expect(await store.list(ann)).toEqual(['set', 'httpRequest', 'if']);
        expect(await store.list(bob)).toEqual(['wait']);
      }),
    );

    it(
      'replaces the whole list, and an empty list clears it',
      withStore(async ({ store, addUser }) => {
        const ann = await addUser('ann@example.com');
        await store.replace(ann, ['a', 'b', 'c']);
        await store.replace(ann, ['c', 'a']);
        expect(await store.list(ann)).toEqual(['c', 'a']);
        expect(await store.replace(ann, [])).toEqual([]);
        expect(await store.list(ann)).toEqual([]);
      }),
    );

    it(
      'is all or nothing: a list for an unknown account rejects and stores nothing; the old list stays',
      withStore(async ({ store, addUser, deleteUser }) => {
        const ann = await addUser('ann@example.com');
        await store.replace(ann, ['a']);
        await expect(store.replace('no-such-user', ['a', 'b'])).rejects.toThrow();
        expect(await store.list('no-such-user')).toEqual([]);
        expect(await store.list(ann)).toEqual(['a']);
        await deleteUser(ann);
        expect(await store.list(ann)).toEqual([]);
      }),
    );

    it(
      'replaces at once from several instances: one of the lists wins whole, none fails',
      withStore(async ({ store, another, addUser }) => {
        const ann = await addUser('ann@example.com');
        await store.replace(ann, ['old']);
        const stores = [store, (await another?.()) ?? store];
        const lists = Array.from({ length: 12 }, (_, i) => [`only${i}`, 'shared', 'common']);
        // Overlapping types: merged deletes and inserts would collide on (user, type) or leave two lists mixed.
        const results = await Promise.allSettled(
          lists.map((list, i) => (stores[i % 2] as FavouritesStore).replace(ann, list)),
        );
        expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
        const stored = await store.list(ann);
        expect(lists).toContainEqual(stored);
      }),
    );
  });
};
