import { describe, expect, it } from 'vitest';
import type { NewTemplate, TemplateStore } from '../../src/templates/template-store.ts';
import type { ContractSeeds } from './sqlite-fixture.ts';

interface Fixture extends ContractSeeds {
  store: TemplateStore;
  deleteUser: (id: string) => void | Promise<void>;
  teardown: () => Promise<void>;
}

const template = (over: Partial<NewTemplate> = {}): NewTemplate => ({
  id: 'tpl1',
  name: 'Uptime',
  description: 'Checks a URL',
  category: 'Scheduling',
  tags: ['http', 'monitoring'],
  definition: {
    weft: 1,
    name: 'Uptime',
    settings: {},
    nodes: [
      {
        id: 'a',
        name: 'Check',
        type: 'httpRequest',
        typeVersion: 1,
        position: { x: 0, y: 0 },
        parameters: { url: '' },
      },
    ],
    edges: [],
  },
  variables: [{ key: 'url', label: 'URL', required: true, kind: 'string', targets: [{ nodeId: 'a', path: ['url'] }] }],
  pins: null,
  contentHash: 'h1',
  createdBy: 'olga',
  createdAt: 5,
  ...over,
});

/** The TemplateStore contract: what the template routes rely on. */
export const runTemplateStoreContract = (name: string, setup: () => Fixture | Promise<Fixture>): void => {
  describe(`TemplateStore contract: ${name}`, () => {
    const withStore =
      (fn: (f: Fixture) => Promise<void>): (() => Promise<void>) =>
      async () => {
        const f = await setup();
        try {
          await f.seedUser('olga', 'Olga');
          await f.seedUser('bob', 'Bob');
          await fn(f);
        } finally {
          await f.teardown();
        }
      };

    it(
      'keeps what it is given, JSON columns included, and names the creator',
      withStore(async ({ store }) => {
        const pins = { a: [{ ok: true, nested: { list: [1, 'two'] } }] };
        const created = await store.create(template({ pins }));
        const { createdBy: _by, ...given } = template({ pins });
        expect(created).toEqual({ ...given, createdBy: { id: 'olga', name: 'Olga' }, updatedAt: 5 });
        expect(await store.get('tpl1')).toEqual(created);
        expect(await store.get('nope')).toBeUndefined();
      }),
    );

    it(
      'lists by category, then name',
      withStore(async ({ store }) => {
        await store.create(template({ id: 't1', name: 'Zeta', category: 'Files' }));
        await store.create(template({ id: 't2', name: 'Alpha', category: 'Scheduling', createdBy: 'bob' }));
        await store.create(template({ id: 't3', name: 'Beta', category: 'Files' }));
        const listed = await store.list();
        expect(listed.map((t) => t.id)).toEqual(['t3', 't1', 't2']);
        expect(listed[2]?.createdBy).toEqual({ id: 'bob', name: 'Bob' });
      }),
    );

    it(
      'deletes once',
      withStore(async ({ store }) => {
        await store.create(template());
        expect(await store.delete('tpl1')).toBe(true);
        expect(await store.delete('tpl1')).toBe(false);
        expect(await store.list()).toEqual([]);
      }),
    );

    it(
      'refuses a second template with the same id',
      withStore(async ({ store }) => {
        await store.create(template());
        await expect(store.create(template({ name: 'Other' }))).rejects.toThrow();
        expect((await store.get('tpl1'))?.name).toBe('Uptime');
      }),
    );

    it(
      'outlives its creator: the template stays, without a creator',
      withStore(async (f) => {
        await f.store.create(template());
        await f.deleteUser('olga');
        expect((await f.store.get('tpl1'))?.createdBy).toBeNull();
      }),
    );
  });
};
