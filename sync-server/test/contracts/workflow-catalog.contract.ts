import { describe, expect, it } from 'vitest';
import { workflowSorts } from '#shared/api/workflow-list.ts';
import type { ListOptions } from '../../src/workflows/workflow-catalog.ts';
import type { WorkflowStoreSetup } from './workflow-store.contract.ts';

/**
 * The workflow list's catalog (src/workflows/workflow-catalog.ts): search, tags, folders and paging, on every
 * backend. Executions (last run, failures) are another store's rows: the route tests cover them.
 */
export const runWorkflowCatalogContract = (name: string, setup: () => Promise<WorkflowStoreSetup>): void => {
  const withStore = (fn: (s: WorkflowStoreSetup) => Promise<void>) => async () => {
    const s = await setup();
    try {
      await fn(s);
    } finally {
      await s.teardown();
    }
  };
  const opts = (extra: Partial<ListOptions> = {}): ListOptions => ({ sort: 'updated', failuresSince: 0, ...extra });

  describe(`WorkflowCatalog contract: ${name}`, () => {
    it(
      'finds workflows by name, node type and tag name in any case, and only those the user may read',
      withStore(async ({ store, addUser }) => {
        const ann = await addUser('ann@example.com', 'Ann');
        const bob = await addUser('bob@example.com', 'Bob');
        await store.create({ id: 'w1', name: 'Invoices', createdBy: ann, createdAt: 1, updatedAt: 1 }, ann);
        await store.create({ id: 'w2', name: 'Other', createdBy: ann, createdAt: 2, updatedAt: 2 }, ann);
        await store.create({ id: 'w3', name: 'Hidden', createdBy: bob, createdAt: 3, updatedAt: 3 }, bob);
        await store.catalog.setNodeTypes('w2', ['core.httpRequest', 'core.set']);
        await store.catalog.setNodeTypes('w3', ['core.httpRequest']);
        expect(await store.catalog.nodeTypes('w2')).toEqual(['core.httpRequest', 'core.set']);
        const tag = await store.catalog.createTag({ id: 't1', name: 'Billing', createdBy: ann, createdAt: 1 });
        await store.catalog.tagWorkflow('w1', tag.id);
        await store.catalog.tagWorkflow('w3', tag.id);
        const ids = async (q: string) => (await store.catalog.list(ann, false, opts({ q }))).map((w) => w.id);
        expect(await ids('INVOICE')).toEqual(['w1']);
        expect(await ids('HTTPREQ')).toEqual(['w2']);
        expect(await ids('billing')).toEqual(['w1']);
        expect(await ids('%')).toEqual([]);
        // The tag filter never reaches a workflow Ann may not read, though it carries the tag.
        expect((await store.catalog.list(ann, false, opts({ tags: ['t1'] }))).map((w) => w.id)).toEqual(['w1']);
        expect((await store.catalog.list(bob, true, opts({ tags: ['t1'] }))).map((w) => w.id)).toEqual(['w3', 'w1']);
        // Every tag must match.
        await store.catalog.createTag({ id: 't2', name: 'urgent', createdBy: ann, createdAt: 1 });
        await store.catalog.tagWorkflow('w1', 't2');
        expect((await store.catalog.list(ann, false, opts({ tags: ['t1', 't2'] }))).map((w) => w.id)).toEqual(['w1']);
        await store.catalog.untagWorkflow('w1', 't2');
        expect(await store.catalog.list(ann, false, opts({ tags: ['t1', 't2'] }))).toEqual([]);
        // A document may name any number of types: more than one statement's worth are all indexed.
        const many = Array.from({ length: 1_234 }, (_, i) => `custom.type${String(i).padStart(4, '0')}`);
        await store.catalog.setNodeTypes('w1', many);
        expect((await store.catalog.nodeTypes('w1')).length).toBe(1_234);
        expect(await ids('type1233')).toEqual(['w1']);
        await store.catalog.setNodeTypes('w1', []);
        // Node types of a deleted workflow are not written.
        await store.delete('w2');
        await store.catalog.setNodeTypes('w2', ['core.set']);
        expect(await store.catalog.nodeTypes('w2')).toEqual([]);
      }),
    );

    it(
      'keeps tag names unique in any case, and lists only tags on readable workflows or made by the caller',
      withStore(async ({ store, addUser }) => {
        const ann = await addUser('ann@example.com', 'Ann');
        const bob = await addUser('bob@example.com', 'Bob');
        await store.create({ id: 'w1', name: 'A', createdBy: ann, createdAt: 1, updatedAt: 1 }, ann);
        await store.catalog.createTag({ id: 't1', name: 'Ops', createdBy: bob, createdAt: 1 });
        await store.catalog.createTag({ id: 't2', name: 'Bobs secret', createdBy: bob, createdAt: 1 });
        await expect(store.catalog.createTag({ id: 't3', name: 'OPS', createdBy: ann, createdAt: 1 })).rejects.toThrow(
          /exists/,
        );
        expect(await store.catalog.listTags(ann, false)).toEqual([]);
        await store.catalog.tagWorkflow('w1', 't1');
        expect((await store.catalog.listTags(ann, false)).map((t) => [t.name, t.workflows])).toEqual([['Ops', 1]]);
        expect((await store.catalog.listTags(bob, false)).map((t) => t.name)).toEqual(['Bobs secret', 'Ops']);
        await expect(store.catalog.renameTag('t2', 'ops')).rejects.toThrow(/exists/);
        expect(await store.catalog.renameTag('t1', 'Operations')).toBe(true);
        expect(await store.catalog.deleteTag('t1')).toBe(true);
        expect(await store.catalog.listTags(ann, false)).toEqual([]);
      }),
    );

    it(
      "keeps each person's folders to themselves",
      withStore(async ({ store, addUser }) => {
        const ann = await addUser('ann@example.com', 'Ann');
        const bob = await addUser('bob@example.com', 'Bob');
        await store.create({ id: 'w1', name: 'A', createdBy: ann, createdAt: 1, updatedAt: 1 }, ann);
        await store.upsertMember('w1', bob, 'editor', 2);
        const top = await store.catalog.createFolder({
          id: 'f1',
          ownerId: ann,
          parentId: null,
          name: 'Top',
          createdAt: 1,
        });
        await store.catalog.createFolder({ id: 'f2', ownerId: ann, parentId: top.id, name: 'Inner', createdAt: 1 });
        await store.catalog.fileWorkflow(ann, 'w1', 'f2');
        expect((await store.catalog.list(ann, false, opts({ folder: 'f2' }))).map((w) => w.id)).toEqual(['w1']);
        expect((await store.catalog.details(ann, ['w1'])).folders.get('w1')).toBe('f2');
        // Bob sees none of it, cannot file into it, move, rename or delete it, nor list by it.
        expect(await store.catalog.listFolders(bob)).toEqual([]);
        expect((await store.catalog.details(bob, ['w1'])).folders.get('w1')).toBeUndefined();
        expect(await store.catalog.list(bob, false, opts({ folder: 'f2' }))).toEqual([]);
        await expect(store.catalog.fileWorkflow(bob, 'w1', 'f2')).rejects.toThrow(/No such folder/);
        await expect(store.catalog.updateFolder(bob, 'f2', { name: 'x' })).rejects.toThrow(/No such folder/);
        expect(await store.catalog.deleteFolder(bob, 'f1')).toBe(false);
        // No cycles.
        await expect(store.catalog.updateFolder(ann, 'f1', { parentId: 'f2' })).rejects.toThrow(/itself/);
        // Deleting a folder moves its children up and unfiles its workflows.
        await store.catalog.fileWorkflow(ann, 'w1', 'f1');
        expect(await store.catalog.deleteFolder(ann, 'f1')).toBe(true);
        expect(await store.catalog.listFolders(ann)).toMatchObject([{ id: 'f2', parentId: null }]);
        expect((await store.catalog.details(ann, ['w1'])).folders.get('w1')).toBeUndefined();
      }),
    );

    it(
      'pages over 1,000 workflows returning each exactly once in every sort',
      withStore(async ({ store, addUser }) => {
        const ann = await addUser('ann@example.com', 'Ann');
        const ids: string[] = [];
        for (let i = 0; i < 1000; i++) {
          const id = `w${String(i).padStart(4, '0')}`;
          ids.push(id);
          // Many equal keys (updated times, names in different cases), so the id must break ties.
          await store.create(
            { id, name: i % 2 ? `Flow ${i % 7}` : `flow ${i % 7}`, createdBy: ann, createdAt: 1, updatedAt: i % 13 },
            ann,
          );
        }
        for (const sort of workflowSorts) {
          const seen: string[] = [];
          let after: { key: number | string; id: string } | undefined;
          for (let pages = 0; pages < 40; pages++) {
            const rows = await store.catalog.list(ann, false, opts({ sort, after, limit: 97 }));
            seen.push(...rows.map((r) => r.id));
            const last = rows.at(-1);
            if (!last || rows.length < 97) break;
            after = { key: last.sortKey, id: last.id };
          }
          expect(seen.length, sort).toBe(1000);
          expect(new Set(seen).size, sort).toBe(1000);
        }
        const byName = await store.catalog.list(ann, false, opts({ sort: 'name', limit: 3 }));
        expect(byName.map((w) => w.name.toLowerCase())).toEqual(['flow 0', 'flow 0', 'flow 0']);
      }),
    );
  });
};
