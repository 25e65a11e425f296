import { describe, expect, it } from 'vitest';
import type { LinkStore, NewLink } from '../../src/links/link-store.ts';
import { hashLinkToken, newLinkToken } from '../../src/links/link-token.ts';
import type { WorkflowStore } from '../../src/workflows/workflow-store.ts';
import type { ContractSeeds } from './sqlite-fixture.ts';

interface Fixture extends ContractSeeds {
  store: LinkStore;
  /** The same database's workflow store: memberships as the rest of the server reads them. */
  workflows: WorkflowStore;
  /** The same database read with another encryption key. */
  withOtherKey: () => LinkStore;
  teardown: () => Promise<void>;
}

/** The LinkStore contract (docs/plans/collaboration.md §3.2, §11): what the link routes rely on. */
export const runLinkStoreContract = (name: string, setup: () => Fixture | Promise<Fixture>): void => {
  describe(`LinkStore contract: ${name}`, () => {
    const withStore =
      (fn: (f: Fixture) => Promise<void>): (() => Promise<void>) =>
      async () => {
        const f = await setup();
        try {
          await f.seedUser('olga', 'Olga');
          await f.seedUser('bob', 'Bob');
          await f.seedUser('carol', 'Carol');
          await f.seedWorkflow('wf1', 'Orders');
          await f.seedWorkflow('wf2', 'Invoices');
          await f.seedMember('wf1', 'olga', 'owner');
          await fn(f);
        } finally {
          await f.teardown();
        }
      };
    const link = (over: Partial<NewLink> = {}): NewLink => ({
      workflowId: 'wf1',
      token: newLinkToken(),
      role: 'editor',
      label: null,
      expiresAt: null,
      maxUses: null,
      createdBy: 'olga',
      now: 1_000,
      ...over,
    });

    it(
      'creates a link, lists it with its token unsealed, peeks at it by the hash only',
      withStore(async ({ store, withOtherKey }) => {
        const first = link({ label: 'team', maxUses: 5, expiresAt: 9_000 });
        const created = await store.create(first);
        expect(created).toEqual({
          id: created.id,
          workflowId: 'wf1',
          role: 'editor',
          label: 'team',
          expiresAt: 9_000,
          maxUses: 5,
          uses: 0,
          createdBy: 'olga',
          createdAt: 1_000,
          revokedAt: null,
        });
        const second = await store.create(link({ role: 'viewer', now: 2_000 }));
        await store.create(link({ workflowId: 'wf2' }));
        const listed = await store.list('wf1');
        expect(listed.map((l) => [l.id, l.token])).toEqual([
          [second.id, expect.any(String) as string],
          [created.id, first.token],
        ]);
        expect(listed[1]).toEqual({ ...created, token: first.token, joined: [] });
        expect(await store.unseal(created.id)).toBe(first.token);
        expect(await store.unseal('nope')).toBeUndefined();
        // Another key opens nothing: no token, never a rejection.
        expect(await withOtherKey().unseal(created.id)).toBeUndefined();
        expect((await withOtherKey().list('wf1')).map((l) => l.token)).toEqual([undefined, undefined]);
        expect(await store.peek(hashLinkToken(first.token), 1_500)).toEqual({
          workflowId: 'wf1',
          workflowName: 'Orders',
          role: 'editor',
          invitedBy: 'Olga',
          expiresAt: 9_000,
        });
        // The token is no key to look up by: only its hash is.
        expect(await store.peek(first.token, 1_500)).toBeUndefined();
        expect(await store.peek(hashLinkToken(newLinkToken()), 1_500)).toBeUndefined();
        expect(await store.joinByLink(hashLinkToken(newLinkToken()), { id: 'bob' }, 1_500)).toBeUndefined();
      }),
    );

    it(
      'counts distinct people: joining twice uses one use, and who joined is listed newest first',
      withStore(async ({ store, workflows }) => {
        const l = link({ role: 'commenter' });
        const { id } = await store.create(l);
        const hash = hashLinkToken(l.token);
        expect(await store.joinByLink(hash, { id: 'bob' }, 2_000)).toEqual({
          status: 'joined',
          workflowId: 'wf1',
          role: 'commenter',
          raised: false,
        });
        expect(await store.joinByLink(hash, { id: 'bob' }, 3_000)).toEqual({
          status: 'alreadyMember',
          workflowId: 'wf1',
          role: 'commenter',
          raised: false,
        });
        await store.joinByLink(hash, { id: 'carol' }, 4_000);
        expect(await workflows.memberRole('wf1', 'bob')).toBe('commenter');
        expect(await workflows.memberRole('wf1', 'carol')).toBe('commenter');
        const [listed] = await store.list('wf1');
        expect(listed?.id).toBe(id);
        expect(listed?.uses).toBe(2);
        expect(listed?.joined).toEqual([
          { userId: 'carol', name: 'Carol', email: 'carol@example.com', joinedAt: 4_000 },
          { userId: 'bob', name: 'Bob', email: 'bob@example.com', joinedAt: 2_000 },
        ]);
        // A person who joined before, was removed and comes back is no new person.
        await workflows.removeMember('wf1', 'bob');
        expect((await store.joinByLink(hash, { id: 'bob' }, 5_000))?.status).toBe('joined');
        expect((await store.list('wf1'))[0]?.uses).toBe(2);
      }),
    );

    it(
      'a link is gone with its reason: revoked, expired, used up; peek says the same',
      withStore(async ({ store, workflows }) => {
        const revoked = link();
        const { id: revokedId } = await store.create(revoked);
        expect(await store.revoke('wf2', revokedId, 'olga', 1_500)).toBe(false);
        expect(await store.revoke('wf1', 'nope', 'olga', 1_500)).toBe(false);
        expect(await store.revoke('wf1', revokedId, 'olga', 1_500)).toBe(true);
        // Revoking again is no error, and the first time stays.
        expect(await store.revoke('wf1', revokedId, 'olga', 1_600)).toBe(true);
        expect((await store.list('wf1'))[0]?.revokedAt).toBe(1_500);
        expect(await store.joinByLink(hashLinkToken(revoked.token), { id: 'bob' }, 2_000)).toEqual({
          status: 'gone',
          reason: 'revoked',
          revokedAt: 1_500,
        });
        expect(await store.peek(hashLinkToken(revoked.token), 2_000)).toEqual({
          gone: { reason: 'revoked', revokedAt: 1_500 },
        });

        const expiring = link({ expiresAt: 5_000 });
        await store.create(expiring);
        expect((await store.peek(hashLinkToken(expiring.token), 4_999)) as object).not.toHaveProperty('gone');
        expect(await store.joinByLink(hashLinkToken(expiring.token), { id: 'bob' }, 5_000)).toEqual({
          status: 'gone',
          reason: 'expired',
          expiresAt: 5_000,
        });
        expect(await store.peek(hashLinkToken(expiring.token), 5_000)).toEqual({
          gone: { reason: 'expired', expiresAt: 5_000 },
        });

        const once = link({ maxUses: 1 });
        await store.create(once);
        expect((await store.joinByLink(hashLinkToken(once.token), { id: 'bob' }, 2_000))?.status).toBe('joined');
        expect(await store.joinByLink(hashLinkToken(once.token), { id: 'carol' }, 2_000)).toEqual({
          status: 'gone',
          reason: 'usedUp',
          maxUses: 1,
        });
        expect(await store.peek(hashLinkToken(once.token), 2_000)).toEqual({ gone: { reason: 'usedUp', maxUses: 1 } });
        expect(await workflows.memberRole('wf1', 'carol')).toBeUndefined();
        // Whoever it already admitted uses nothing more: they are answered as members.
        expect((await store.joinByLink(hashLinkToken(once.token), { id: 'bob' }, 2_100))?.status).toBe('alreadyMember');
        // Revoking removes nobody.
        await store.revoke('wf1', (await store.list('wf1'))[0]?.id ?? '', 'olga', 3_000);
        expect(await workflows.memberRole('wf1', 'bob')).toBe('editor');
      }),
    );

    it(
      'never lowers a role, and a member it does not raise uses no use',
      withStore(async ({ store, workflows, seedMember }) => {
        await seedMember('wf1', 'bob', 'editor');
        const viewerLink = link({ role: 'viewer', maxUses: 1 });
        await store.create(viewerLink);
        const hash = hashLinkToken(viewerLink.token);
        expect(await store.joinByLink(hash, { id: 'bob' }, 2_000)).toEqual({
          status: 'alreadyMember',
          workflowId: 'wf1',
          role: 'editor',
          raised: false,
        });
        expect(await store.joinByLink(hash, { id: 'olga' }, 2_000)).toMatchObject({ role: 'owner', raised: false });
        expect(await workflows.memberRole('wf1', 'bob')).toBe('editor');
        expect(await workflows.memberRole('wf1', 'olga')).toBe('owner');
        const [listed] = await store.list('wf1');
        expect([listed?.uses, listed?.joined]).toEqual([0, []]);
        // Its one use is still there for a new person.
        expect((await store.joinByLink(hash, { id: 'carol' }, 2_000))?.status).toBe('joined');
      }),
    );

    it(
      'raises a lower role to the link’s, and that uses a use',
      withStore(async ({ store, workflows, seedMember }) => {
        await seedMember('wf1', 'bob', 'viewer');
        const editorLink = link({ role: 'editor' });
        await store.create(editorLink);
        expect(await store.joinByLink(hashLinkToken(editorLink.token), { id: 'bob' }, 2_000)).toEqual({
          status: 'joined',
          workflowId: 'wf1',
          role: 'editor',
          raised: true,
        });
        expect(await workflows.memberRole('wf1', 'bob')).toBe('editor');
        expect((await store.list('wf1'))[0]?.uses).toBe(1);
      }),
    );

    it(
      'lists at most 50 joins per link; deleting the workflow deletes its links',
      withStore(async ({ store, seedUser, deleteWorkflow }) => {
        const l = link({ role: 'viewer' });
        await store.create(l);
        for (let i = 0; i < 53; i++) {
          await seedUser(`u${String(i).padStart(2, '0')}`);
          await store.joinByLink(hashLinkToken(l.token), { id: `u${String(i).padStart(2, '0')}` }, 10_000 + i);
        }
        const [listed] = await store.list('wf1');
        expect(listed?.uses).toBe(53);
        expect(listed?.joined).toHaveLength(50);
        expect(listed?.joined[0]?.userId).toBe('u52');
        expect(listed?.joined[49]?.userId).toBe('u03');
        await deleteWorkflow('wf1');
        expect(await store.list('wf1')).toEqual([]);
        expect(await store.peek(hashLinkToken(l.token), 20_000)).toBeUndefined();
      }),
    );
  });
};
