import { describe, expect, it } from 'vitest';
import type { InboxStore, NewInboxItem } from '../../src/discussion/inbox-store.ts';
import type { ContractSeeds } from './sqlite-fixture.ts';

export type InboxStoreSetup = ContractSeeds & {
  store: InboxStore;
  removeMember: (workflowId: string, userId: string) => Promise<void>;
  deleteUser: (id: string) => Promise<void>;
  teardown: () => Promise<void>;
};

/** The InboxStore contract (src/discussion/inbox-store.ts): every backend runs all of it. */
export const runInboxStoreContract = (name: string, setup: () => Promise<InboxStoreSetup>): void => {
  const withStore = (fn: (s: InboxStoreSetup) => Promise<void>) => async () => {
    const s = await setup();
    try {
      await s.seedUser('ann', 'Ann');
      await s.seedUser('ben', 'Ben');
      await s.seedWorkflow('wf', 'Orders');
      await s.seedMember('wf', 'ann', 'owner');
      await s.seedMember('wf', 'ben', 'commenter');
      await fn(s);
    } finally {
      await s.teardown();
    }
  };
  const item = (over: Partial<NewInboxItem> = {}): NewInboxItem => ({
    userId: 'ann',
    workflowId: 'wf',
    threadId: 't1',
    commentId: 'c1',
    kind: 'mention',
    actorId: 'ben',
    excerpt: 'Is this URL right, @Ann?',
    createdAt: 10,
    ...over,
  });

  describe(`InboxStore contract: ${name}`, () => {
    it(
      'adds each person, comment and kind once; a repeat leaves a read item read',
      withStore(async ({ store }) => {
        expect(await store.add([item(), item({ kind: 'reply' }), item()])).toBe(2);
        const [first] = await store.list('ann', { limit: 10 });
        expect(first).toMatchObject({
          workflowName: 'Orders',
          actor: { id: 'ben', name: 'Ben' },
          excerpt: 'Is this URL right, @Ann?',
          readAt: null,
        });
        await store.markRead('ann', { all: true }, 20);
        expect(await store.add([item()])).toBe(0);
        expect(await store.unread('ann')).toBe(0);
      }),
    );

    it(
      'adds nothing for someone who is not a member',
      withStore(async ({ store, seedUser }) => {
        await seedUser('cy');
        expect(await store.add([item({ userId: 'cy' })])).toBe(0);
        expect(await store.list('cy', { limit: 10 })).toEqual([]);
      }),
    );

    it(
      'pages newest first, ties by id, and filters unread',
      withStore(async ({ store }) => {
        await store.add([
          item({ commentId: 'a', createdAt: 1 }),
          item({ commentId: 'b', createdAt: 2 }),
          item({ commentId: 'c', createdAt: 2 }),
          item({ commentId: 'd', createdAt: 3 }),
        ]);
        const first = await store.list('ann', { limit: 2 });
        expect(first.map((i) => i.commentId)).toEqual(['d', first[1]?.commentId]);
        const last = first.at(-1);
        const rest = await store.list('ann', { limit: 10, ...(last ? { after: last } : {}) });
        expect([...first, ...rest].map((i) => i.commentId).sort()).toEqual(['a', 'b', 'c', 'd']);
        expect(new Set([...first, ...rest].map((i) => i.id)).size).toBe(4);
        await store.markRead('ann', { ids: [first[0]?.id ?? ''] }, 5);
        expect((await store.list('ann', { limit: 10, unreadOnly: true })).map((i) => i.commentId).sort()).toEqual([
          'a',
          'b',
          'c',
        ]);
        expect(await store.unread('ann')).toBe(3);
      }),
    );

    it(
      "marks only the person's own items read",
      withStore(async ({ store }) => {
        await store.add([item(), item({ userId: 'ben', actorId: 'ann' })]);
        const [bens] = await store.list('ben', { limit: 1 });
        await store.markRead('ann', { ids: [bens?.id ?? ''] }, 5);
        expect(await store.unread('ben')).toBe(1);
      }),
    );

    it(
      'hides the items of a workflow the person left, keeps them when the writer is deleted, drops them with the workflow',
      withStore(async ({ store, removeMember, deleteUser, deleteWorkflow, seedWorkflow, seedMember }) => {
        await seedWorkflow('other');
        await seedMember('other', 'ann', 'editor');
        await store.add([item(), item({ workflowId: 'other', commentId: 'c2' })]);
        await removeMember('other', 'ann');
        expect((await store.list('ann', { limit: 10 })).map((i) => i.workflowId)).toEqual(['wf']);
        expect(await store.unread('ann')).toBe(1);
        await deleteUser('ben');
        expect((await store.list('ann', { limit: 10 }))[0]?.actor).toBeNull();
        await deleteWorkflow('wf');
        expect(await store.list('ann', { limit: 10 })).toEqual([]);
      }),
    );

    it(
      'prunes what is older than the cutoff, a batch at a time',
      withStore(async ({ store }) => {
        await store.add([1, 2, 3, 4].map((n) => item({ commentId: `c${n}`, createdAt: n })));
        expect(await store.prune(4, 2)).toBe(2);
        expect(await store.prune(4, 2)).toBe(1);
        expect((await store.list('ann', { limit: 10 })).map((i) => i.commentId)).toEqual(['c4']);
      }),
    );
  });
};
