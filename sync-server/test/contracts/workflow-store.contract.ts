import { describe, expect, it } from 'vitest';
import type { WorkflowRow, WorkflowStore } from '../../src/workflows/workflow-store.ts';

/**
 * What a WorkflowStore backend provides to the contract: the store, and the
 * few rows of other stores it refers to (accounts, credential grants), made
 * however that backend makes them.
 */
export interface WorkflowStoreSetup {
  store: WorkflowStore;
  /** Another instance's store on the same database, where a backend can have several; else the same one. */
  another?: () => Promise<WorkflowStore>;
  /** An account with this (normalized) address; answers its id. */
  addUser: (email: string, name: string) => Promise<string>;
  /** A credential owned by `ownerId` and granted to `workflowId`; answers the credential's id. */
  addGrant: (ownerId: string, workflowId: string) => Promise<string>;
  /** The ids of the credentials granted to the workflow, sorted. */
  grantsOf: (workflowId: string) => Promise<string[]>;
  teardown: () => Promise<void>;
}

/**
 * The WorkflowStore contract (src/workflows/workflow-store.ts), after
 * automerge-repo's runStorageAdapterTests: every backend runs all of it.
 * It asserts what the access checks, the routes, the triggers and the room
 * hooks rely on.
 */
export const runWorkflowStoreContract = (name: string, setup: () => Promise<WorkflowStoreSetup>): void => {
  const row = (id: string, at: number, createdBy: string | null = null): WorkflowRow => ({
    id,
    name: `Workflow ${id}`,
    createdBy,
    createdAt: at,
    updatedAt: at,
  });

  const withStore = (fn: (s: WorkflowStoreSetup) => Promise<void>) => async () => {
    const s = await setup();
    try {
      await fn(s);
    } finally {
      await s.teardown();
    }
  };

  describe(`WorkflowStore contract: ${name}`, () => {
    it(
      'creates a workflow with its owner, and reads a missing one as undefined',
      withStore(async ({ store, addUser }) => {
        const ann = await addUser('ann@example.com', 'Ann');
        await store.create(row('w1', 1000, ann), ann);
        expect(await store.get('w1')).toEqual({
          id: 'w1',
          name: 'Workflow w1',
          createdBy: ann,
          createdAt: 1000,
          updatedAt: 1000,
          publishedHash: null,
          active: false,
        });
        expect(await store.memberRole('w1', ann)).toBe('owner');
        expect(await store.members('w1')).toEqual([
          { userId: ann, email: 'ann@example.com', name: 'Ann', role: 'owner', addedAt: 1000 },
        ]);
        expect(await store.countOwners('w1')).toBe(1);
        expect(await store.get('missing')).toBeUndefined();
        expect(await store.memberRole('missing', ann)).toBeUndefined();
        expect(await store.members('missing')).toEqual([]);
      }),
    );

    it(
      'creates all or nothing: a taken id or an unknown owner leaves no row and no member behind',
      withStore(async ({ store, addUser }) => {
        const ann = await addUser('ann@example.com', 'Ann');
        const bob = await addUser('bob@example.com', 'Bob');
        await store.create(row('w1', 1000), ann);
        await expect(store.create({ ...row('w1', 2000), name: 'Again' }, bob)).rejects.toThrow();
        expect((await store.get('w1'))?.name).toBe('Workflow w1');
        expect(await store.memberRole('w1', bob)).toBeUndefined();
        // The row goes in first; the owner that cannot be added takes it back out.
        await expect(store.create(row('w2', 1000), 'no-such-user')).rejects.toThrow();
        expect(await store.get('w2')).toBeUndefined();
      }),
    );

    it(
      'lists a member’s workflows newest change first with their role; an admin sees every workflow',
      withStore(async ({ store, addUser }) => {
        const ann = await addUser('ann@example.com', 'Ann');
        const bob = await addUser('bob@example.com', 'Bob');
        await store.create(row('old', 1000), ann);
        await store.create(row('mid', 2000), bob);
        await store.create(row('new', 3000), ann);
        await store.upsertMember('mid', ann, 'viewer', 2500);
        const ids = (list: { id: string; role: string }[]) => list.map((w) => [w.id, w.role]);
        expect(ids(await store.listFor(ann, false))).toEqual([
          ['new', 'owner'],
          ['mid', 'viewer'],
          ['old', 'owner'],
        ]);
        expect(ids(await store.listFor(bob, false))).toEqual([['mid', 'owner']]);
        // Not a member of `old` or `new`: an admin acts as their owner.
        expect(ids(await store.listFor(bob, true))).toEqual([
          ['new', 'owner'],
          ['mid', 'owner'],
          ['old', 'owner'],
        ]);
        expect(await store.listFor(await addUser('cy@example.com', 'Cy'), false)).toEqual([]);

        // A rename and a touch move a workflow up the listing.
        await store.setName('old', 'Renamed', 4000);
        await store.touch('mid', 5000);
        const listed = await store.listFor(ann, false);
        expect(listed.map((w) => w.id)).toEqual(['mid', 'old', 'new']);
        expect(listed[1]).toMatchObject({ id: 'old', name: 'Renamed', updatedAt: 4000, createdAt: 1000 });
        expect(await store.get('mid')).toMatchObject({ name: 'Workflow mid', updatedAt: 5000 });
      }),
    );

    it(
      'lists a page at a time in the listing order, by a name filter in any case, ids in byte order',
      withStore(async ({ store, addUser }) => {
        const ann = await addUser('ann@example.com', 'Ann');
        const bob = await addUser('bob@example.com', 'Bob');
        // Ties on the time fall back to the id in byte order: "B" before "a" (a locale collation says otherwise).
        const made: [string, string, number][] = [
          ['a', 'CRM sync', 2000],
          ['B', 'crm backfill', 2000],
          ['c', 'Invoices 50%', 3000],
          ['d', 'Invoices 50 percent', 1000],
          ['e', 'a_b', 1500],
        ];
        for (const [id, name, at] of made) await store.create({ ...row(id, at), name }, ann);
        await store.create({ ...row('theirs', 5000), name: 'CRM of Bob' }, bob);
        const ids = (list: { id: string }[]) => list.map((w) => w.id);
        expect(ids(await store.listFor(ann, false))).toEqual(['c', 'B', 'a', 'e', 'd']);

        const first = await store.listFor(ann, false, { limit: 2 });
        expect(ids(first)).toEqual(['c', 'B']);
        const after = (w: { updatedAt: number; id: string } | undefined) => w && { updatedAt: w.updatedAt, id: w.id };
        const second = await store.listFor(ann, false, { limit: 2, after: after(first.at(-1)) });
        expect(ids(second)).toEqual(['a', 'e']);
        expect(ids(await store.listFor(ann, false, { limit: 2, after: after(second.at(-1)) }))).toEqual(['d']);

        expect(ids(await store.listFor(ann, false, { q: 'CRM' }))).toEqual(['B', 'a']);
        expect(
          ids(await store.listFor(ann, false, { q: 'crm', limit: 1, after: { updatedAt: 2000, id: 'B' } })),
        ).toEqual(['a']);
        // The search means its characters, wildcards of LIKE included.
        expect(ids(await store.listFor(ann, false, { q: '50%' }))).toEqual(['c']);
        expect(ids(await store.listFor(ann, false, { q: 'a_b' }))).toEqual(['e']);
        expect(ids(await store.listFor(bob, true, { q: 'crm' }))).toEqual(['theirs', 'B', 'a']);
        expect(await store.listFor(ann, false, { q: 'nothing like it' })).toEqual([]);
      }),
    );

    it(
      'publishes and activates: only active workflows with a published version are listed active',
      withStore(async ({ store, addUser }) => {
        const ann = await addUser('ann@example.com', 'Ann');
        for (const id of ['a', 'b', 'c']) await store.create(row(id, 1000), ann);
        expect(await store.listActive()).toEqual([]);
        await store.setPublished('a', 'hash-a1');
        await store.setPublished('a', 'hash-a2');
        await store.setActive('a', true);
        // Active without a published version: nothing to serve.
        await store.setActive('b', true);
        await store.setPublished('c', 'hash-c');
        expect(await store.listActive()).toEqual([{ id: 'a', publishedHash: 'hash-a2' }]);
        expect(await store.get('a')).toMatchObject({ publishedHash: 'hash-a2', active: true });
        await store.setActive('a', false);
        expect(await store.listActive()).toEqual([]);
        expect(await store.get('a')).toMatchObject({ publishedHash: 'hash-a2', active: false });
      }),
    );

    it(
      'adds a member or changes their role, keeping when they were added',
      withStore(async ({ store, addUser }) => {
        const ann = await addUser('ann@example.com', 'Ann');
        const bob = await addUser('bob@example.com', 'Bob');
        const cy = await addUser('cy@example.com', 'Cy');
        await store.create(row('w', 1000), ann);
        await store.upsertMember('w', cy, 'viewer', 3000);
        await store.upsertMember('w', bob, 'editor', 2000);
        await store.upsertMember('w', bob, 'owner', 9000);
        expect(await store.memberRole('w', bob)).toBe('owner');
        expect((await store.members('w')).map((m) => [m.email, m.role, m.addedAt])).toEqual([
          ['ann@example.com', 'owner', 1000],
          ['bob@example.com', 'owner', 2000],
          ['cy@example.com', 'viewer', 3000],
        ]);
        expect(await store.countOwners('w')).toBe(2);
        expect(await store.memberByEmail('w', 'cy@example.com')).toEqual({
          userId: cy,
          email: 'cy@example.com',
          name: 'Cy',
          role: 'viewer',
          addedAt: 3000,
        });
        // Members only: an account that is not a member is not found by its address.
        await addUser('dee@example.com', 'Dee');
        expect(await store.memberByEmail('w', 'dee@example.com')).toBeUndefined();
      }),
    );

    it(
      'removes a member with the grants of their credentials to that workflow, and nothing else',
      withStore(async ({ store, addUser, addGrant, grantsOf }) => {
        const ann = await addUser('ann@example.com', 'Ann');
        const bob = await addUser('bob@example.com', 'Bob');
        await store.create(row('w', 1000), ann);
        await store.create(row('other', 1000), ann);
        await store.upsertMember('w', bob, 'editor', 2000);
        await store.upsertMember('other', bob, 'editor', 2000);
        const bobsHere = await addGrant(bob, 'w');
        const bobsThere = await addGrant(bob, 'other');
        const annsHere = await addGrant(ann, 'w');

        expect(await store.removeMember('w', bob)).toBe(true);
        expect(await store.memberRole('w', bob)).toBeUndefined();
        expect(await grantsOf('w')).toEqual([annsHere]);
        expect(await grantsOf('other')).toEqual([bobsThere]);
        expect(await store.memberRole('other', bob)).toBe('editor');
        expect(bobsHere).not.toBe(bobsThere);

        // Removing someone who is not a member changes nothing, grants included.
        expect(await store.removeMember('w', bob)).toBe(false);
        expect(await store.removeMember('missing', ann)).toBe(false);
        expect(await grantsOf('w')).toEqual([annsHere]);
      }),
    );

    it(
      'invites an address once per workflow: asking again changes the role, the id stays',
      withStore(async ({ store, addUser }) => {
        const ann = await addUser('ann@example.com', 'Ann');
        await store.create(row('w', 1000), ann);
        const first = await store.invite('w', 'zed@example.com', 'viewer', ann, 2000);
        expect(first).toEqual({
          id: first.id,
          workflowId: 'w',
          email: 'zed@example.com',
          role: 'viewer',
          createdAt: 2000,
        });
        const again = await store.invite('w', 'zed@example.com', 'editor', ann, 3000);
        expect(again).toEqual({ ...first, role: 'editor' });
        await store.invite('w', 'amy@example.com', 'viewer', ann, 1500);
        await store.invite('w', 'bea@example.com', 'viewer', ann, 1500);
        expect(await store.countInvitations('w')).toBe(3);
        // Oldest first, then by address.
        expect((await store.invitations('w')).map((i) => i.email)).toEqual([
          'amy@example.com',
          'bea@example.com',
          'zed@example.com',
        ]);
        expect(await store.countInvitations('missing')).toBe(0);
        expect(await store.invitations('missing')).toEqual([]);
      }),
    );

    it(
      'cancels an invitation only through its own workflow',
      withStore(async ({ store, addUser }) => {
        const ann = await addUser('ann@example.com', 'Ann');
        await store.create(row('w', 1000), ann);
        await store.create(row('other', 1000), ann);
        const invitation = await store.invite('w', 'zed@example.com', 'viewer', ann, 2000);
        expect(await store.cancelInvitation('other', invitation.id)).toBe(false);
        expect(await store.countInvitations('w')).toBe(1);
        expect(await store.cancelInvitation('w', invitation.id)).toBe(true);
        expect(await store.cancelInvitation('w', invitation.id)).toBe(false);
        expect(await store.invitations('w')).toEqual([]);
      }),
    );

    it(
      'shows an invitee their invitations, newest first, with the workflow’s name and who invited',
      withStore(async ({ store, addUser }) => {
        const ann = await addUser('ann@example.com', 'Ann');
        await store.create(row('w1', 1000), ann);
        await store.create(row('w2', 1000), ann);
        const older = await store.invite('w1', 'zed@example.com', 'viewer', ann, 2000);
        const newer = await store.invite('w2', 'zed@example.com', 'editor', ann, 3000);
        await store.invite('w2', 'someone@example.com', 'editor', ann, 3000);
        expect(await store.invitationsFor('zed@example.com')).toEqual([
          {
            id: newer.id,
            workflowId: 'w2',
            workflowName: 'Workflow w2',
            role: 'editor',
            invitedBy: 'Ann',
            createdAt: 3000,
          },
          {
            id: older.id,
            workflowId: 'w1',
            workflowName: 'Workflow w1',
            role: 'viewer',
            invitedBy: 'Ann',
            createdAt: 2000,
          },
        ]);
        expect(await store.invitationsFor('nobody@example.com')).toEqual([]);
      }),
    );

    it(
      'accepts an invitation only for its address: the invitee becomes a member and the invitation is gone',
      withStore(async ({ store, addUser }) => {
        const ann = await addUser('ann@example.com', 'Ann');
        const zed = await addUser('zed@example.com', 'Zed');
        const eve = await addUser('eve@example.com', 'Eve');
        await store.create(row('w', 1000), ann);
        const invitation = await store.invite('w', 'zed@example.com', 'editor', ann, 2000);

        expect(
          await store.acceptInvitation(invitation.id, { id: eve, email: 'eve@example.com' }, 3000),
        ).toBeUndefined();
        expect(await store.memberRole('w', eve)).toBeUndefined();
        expect(await store.countInvitations('w')).toBe(1);

        expect(await store.acceptInvitation(invitation.id, { id: zed, email: 'zed@example.com' }, 4000)).toEqual({
          workflowId: 'w',
          role: 'editor',
        });
        expect(await store.memberByEmail('w', 'zed@example.com')).toMatchObject({ role: 'editor', addedAt: 4000 });
        expect(await store.countInvitations('w')).toBe(0);
        expect(
          await store.acceptInvitation(invitation.id, { id: zed, email: 'zed@example.com' }, 5000),
        ).toBeUndefined();
      }),
    );

    it(
      'accepting as someone who already is a member keeps their role; declining deletes',
      withStore(async ({ store, addUser }) => {
        const ann = await addUser('ann@example.com', 'Ann');
        const bob = await addUser('bob@example.com', 'Bob');
        await store.create(row('w', 1000), ann);
        await store.upsertMember('w', bob, 'owner', 1500);
        const invitation = await store.invite('w', 'bob@example.com', 'viewer', ann, 2000);
        expect(await store.acceptInvitation(invitation.id, { id: bob, email: 'bob@example.com' }, 3000)).toEqual({
          workflowId: 'w',
          role: 'owner',
        });
        expect(await store.memberByEmail('w', 'bob@example.com')).toMatchObject({ role: 'owner', addedAt: 1500 });
        expect(await store.countInvitations('w')).toBe(0);

        const declined = await store.invite('w', 'zed@example.com', 'viewer', ann, 4000);
        expect(await store.declineInvitation(declined.id, 'eve@example.com')).toBe(false);
        expect(await store.declineInvitation(declined.id, 'zed@example.com')).toBe(true);
        expect(await store.declineInvitation(declined.id, 'zed@example.com')).toBe(false);
        expect(await store.invitationsFor('zed@example.com')).toEqual([]);
      }),
    );

    it(
      'names the workflows a user is the only owner of, by name',
      withStore(async ({ store, addUser }) => {
        const ann = await addUser('ann@example.com', 'Ann');
        const bob = await addUser('bob@example.com', 'Bob');
        await store.create({ ...row('w1', 1000), name: 'Zeta' }, ann);
        await store.create({ ...row('w2', 1000), name: 'Alpha' }, ann);
        await store.create({ ...row('w3', 1000), name: 'Shared' }, ann);
        await store.create({ ...row('w4', 1000), name: 'Bob’s' }, bob);
        await store.upsertMember('w3', bob, 'owner', 2000);
        await store.upsertMember('w4', ann, 'editor', 2000);
        expect(await store.soleOwnerOf(ann)).toEqual([
          { id: 'w2', name: 'Alpha' },
          { id: 'w1', name: 'Zeta' },
        ]);
        expect(await store.soleOwnerOf(bob)).toEqual([{ id: 'w4', name: 'Bob’s' }]);
        expect(await store.countOwners('w3')).toBe(2);
        expect(await store.countOwners('missing')).toBe(0);
      }),
    );

    it(
      'deletes a workflow with its members, invitations and grants; deleting again answers false',
      withStore(async ({ store, addUser, addGrant, grantsOf }) => {
        const ann = await addUser('ann@example.com', 'Ann');
        const bob = await addUser('bob@example.com', 'Bob');
        await store.create(row('w', 1000), ann);
        await store.create(row('kept', 1000), ann);
        await store.upsertMember('w', bob, 'editor', 2000);
        await store.invite('w', 'zed@example.com', 'viewer', ann, 2000);
        await addGrant(ann, 'w');
        const keptGrant = await addGrant(ann, 'kept');

        expect(await store.delete('w')).toBe(true);
        expect(await store.get('w')).toBeUndefined();
        expect(await store.memberRole('w', bob)).toBeUndefined();
        expect(await store.members('w')).toEqual([]);
        expect(await store.countInvitations('w')).toBe(0);
        expect(await store.invitationsFor('zed@example.com')).toEqual([]);
        expect(await grantsOf('w')).toEqual([]);
        expect(await store.listFor(bob, false)).toEqual([]);
        expect(await store.delete('w')).toBe(false);
        // The other workflow is untouched.
        expect(await store.memberRole('kept', ann)).toBe('owner');
        expect(await grantsOf('kept')).toEqual([keptGrant]);
      }),
    );

    it(
      'keeps at least one owner: removing or demoting the last one is refused, and changes nothing',
      withStore(async ({ store, addUser, addGrant, grantsOf }) => {
        const ann = await addUser('ann@example.com', 'Ann');
        const bob = await addUser('bob@example.com', 'Bob');
        await store.create(row('w', 1000), ann);
        const annsGrant = await addGrant(ann, 'w');
        await expect(store.removeMember('w', ann)).rejects.toMatchObject({ code: 'conflict' });
        await expect(store.upsertMember('w', ann, 'editor', 2000)).rejects.toMatchObject({ code: 'conflict' });
        expect(await store.memberRole('w', ann)).toBe('owner');
        expect(await grantsOf('w')).toEqual([annsGrant]);

        await store.upsertMember('w', bob, 'owner', 2000);
        await store.upsertMember('w', ann, 'editor', 3000);
        expect(await store.memberRole('w', ann)).toBe('editor');
        await expect(store.removeMember('w', bob)).rejects.toMatchObject({ code: 'conflict' });
        // Someone who is not an owner goes as before.
        expect(await store.removeMember('w', ann)).toBe(true);
        expect(await store.members('w')).toMatchObject([{ userId: bob, role: 'owner' }]);
      }),
    );

    it(
      'two owners removed or demoted at once from two instances: exactly one goes, one owner stays',
      withStore(async ({ store, another, addUser }) => {
        const ann = await addUser('ann@example.com', 'Ann');
        const bob = await addUser('bob@example.com', 'Bob');
        const other = (await another?.()) ?? store;
        const ids = Array.from({ length: 8 }, (_, i) => `w${i}`);
        for (const id of ids) {
          await store.create(row(id, 1000), ann);
          await store.upsertMember(id, bob, 'owner', 1000);
        }
        // Each asks the count and acts; both see two owners unless the store serialises them.
        const outcomes = await Promise.all(
          ids.map((id, i) =>
            Promise.allSettled([
              store.removeMember(id, ann),
              i % 2 === 0 ? other.removeMember(id, bob) : other.upsertMember(id, bob, 'viewer', 2000),
            ]),
          ),
        );
        for (const [i, results] of outcomes.entries()) {
          const id = ids[i] as string;
          expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
          expect(results.find((r) => r.status === 'rejected')).toMatchObject({ reason: { code: 'conflict' } });
          expect(await store.countOwners(id)).toBe(1);
        }
      }),
    );

    it(
      'an account is deleted unless it is the only owner of a workflow, which it names',
      withStore(async ({ store, addUser }) => {
        const ann = await addUser('ann@example.com', 'Ann');
        const bob = await addUser('bob@example.com', 'Bob');
        await store.create({ ...row('w1', 1000), name: 'Zeta' }, ann);
        await store.create({ ...row('w2', 1000), name: 'Shared' }, ann);
        await store.upsertMember('w2', bob, 'owner', 2000);
        expect(await store.deleteUserUnlessSoleOwner(ann)).toEqual({
          deleted: false,
          soleOwnerOf: [{ id: 'w1', name: 'Zeta' }],
        });
        expect(await store.memberRole('w1', ann)).toBe('owner');
        expect(await store.deleteUserUnlessSoleOwner(bob)).toEqual({ deleted: true });
        expect(await store.memberRole('w2', bob)).toBeUndefined();
        expect(await store.countOwners('w2')).toBe(1);
      }),
    );

    it(
      'an owner deleting their account while the other owner is removed from another instance: one owner stays',
      withStore(async ({ store, another, addUser }) => {
        const ann = await addUser('ann@example.com', 'Ann');
        const ids = Array.from({ length: 8 }, (_, i) => `w${i}`);
        const others: string[] = [];
        for (const [i, id] of ids.entries()) {
          // Each workflow its own co-owner, so every removal is a separate race with the deletion.
          const co = await addUser(`co${i}@example.com`, `Co ${i}`);
          others.push(co);
          await store.create(row(id, 1000), co);
          await store.upsertMember(id, ann, 'owner', 1000);
        }
        const other = (await another?.()) ?? store;
        const [deletion, ...removals] = await Promise.allSettled([
          store.deleteUserUnlessSoleOwner(ann),
          ...ids.map((id, i) => other.removeMember(id, others[i] as string)),
        ]);
        for (const id of ids) expect(await store.countOwners(id)).toBe(1);
        // Whoever went first, nobody's removal left a workflow without an owner.
        const removed = removals.filter((r) => r.status === 'fulfilled').length;
        if (deletion.status === 'fulfilled' && deletion.value.deleted) expect(removed).toBe(0);
        else expect(removed).toBeGreaterThan(0);
      }),
    );

    it(
      'one invitation accepted twice at once: one accept makes the member, the other finds it gone',
      withStore(async ({ store, another, addUser }) => {
        const ann = await addUser('ann@example.com', 'Ann');
        const zed = await addUser('zed@example.com', 'Zed');
        const other = (await another?.()) ?? store;
        const ids = Array.from({ length: 8 }, (_, i) => `w${i}`);
        const invitations = [];
        for (const id of ids) {
          await store.create(row(id, 1000), ann);
          invitations.push(await store.invite(id, 'zed@example.com', 'editor', ann, 2000));
        }
        const zedUser = { id: zed, email: 'zed@example.com' };
        const outcomes = await Promise.all(
          invitations.map((inv) =>
            Promise.all([store.acceptInvitation(inv.id, zedUser, 3000), other.acceptInvitation(inv.id, zedUser, 3000)]),
          ),
        );
        for (const [i, answers] of outcomes.entries()) {
          expect(answers.filter((a) => a === undefined)).toHaveLength(1);
          expect(answers.find((a) => a !== undefined)).toEqual({ workflowId: ids[i], role: 'editor' });
          expect(await store.memberRole(ids[i] as string, zed)).toBe('editor');
        }
        expect(await store.invitationsFor('zed@example.com')).toEqual([]);
      }),
    );

    it(
      'invites one address many times at once: one invitation, one id',
      withStore(async ({ store, another, addUser }) => {
        const ann = await addUser('ann@example.com', 'Ann');
        const other = (await another?.()) ?? store;
        await store.create(row('w', 1000), ann);
        const made = await Promise.all(
          Array.from({ length: 10 }, (_, i) =>
            (i % 2 === 0 ? store : other).invite('w', 'zed@example.com', 'viewer', ann, 2000),
          ),
        );
        expect(new Set(made.map((m) => m.id)).size).toBe(1);
        expect(await store.countInvitations('w')).toBe(1);
      }),
    );

    it(
      'many addresses invited at once from two instances never pass the pending cap; a pending one may change role',
      withStore(async ({ store, another, addUser }) => {
        const ann = await addUser('ann@example.com', 'Ann');
        const other = (await another?.()) ?? store;
        await store.create(row('w', 1000), ann);
        const outcomes = await Promise.allSettled(
          Array.from({ length: 24 }, (_, i) =>
            (i % 2 === 0 ? store : other).invite('w', `guest${i}@example.com`, 'viewer', ann, 2000, 5),
          ),
        );
        expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(5);
        expect(outcomes.find((o) => o.status === 'rejected')).toMatchObject({ reason: { code: 'conflict' } });
        expect(await store.countInvitations('w')).toBe(5);
        // At the cap, an address already invited is not a new one.
        const [first] = await store.invitations('w');
        expect((await store.invite('w', first?.email ?? '', 'editor', ann, 3000, 5)).role).toBe('editor');
      }),
    );
  });
};
