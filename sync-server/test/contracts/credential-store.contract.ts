import { describe, expect, it } from 'vitest';
import type { CredentialStore } from '../../src/credentials/credential-store.ts';
import { EncryptionKeyMismatchError } from '../../src/credentials/cipher.ts';
import type { ContractSeeds } from './sqlite-fixture.ts';

interface Fixture extends ContractSeeds {
  store: CredentialStore;
  /** The same database read with another encryption key (a key that was changed). */
  withOtherKey: () => CredentialStore;
  /** The stored secret bytes of a credential, as they are at rest. */
  rawSecret: (id: string) => Promise<Uint8Array | undefined>;
  teardown: () => Promise<void>;
}

/** The CredentialStore contract: secrets at rest are ciphertext, and leave the store only for a granted workflow. */
export const runCredentialStoreContract = (name: string, setup: () => Fixture | Promise<Fixture>): void => {
  describe(`CredentialStore contract: ${name}`, () => {
    const withStore =
      (fn: (f: Fixture) => Promise<void>): (() => Promise<void>) =>
      async () => {
        const f = await setup();
        try {
          await f.seedUser('alice', 'Alice');
          await f.seedUser('mallory', 'Mallory');
          await f.seedWorkflow('wf1', 'Zeta flow');
          await f.seedWorkflow('wf2', 'Alpha flow');
          await fn(f);
        } finally {
          await f.teardown();
        }
      };
    const token = 'sk-very-secret-token-1234567890';

    it(
      'stores the secret encrypted: the row at rest holds neither the secret nor its JSON, and no listing shows it',
      withStore(async ({ store, rawSecret }) => {
        const created = await store.create('alice', { name: 'Stripe', type: 'bearer', data: { token } }, 1_000);
        expect(created).toEqual({ id: created.id, name: 'Stripe', type: 'bearer', createdAt: 1_000, updatedAt: 1_000 });
        const raw = await rawSecret(created.id);
        expect(raw).toBeDefined();
        const text = Buffer.from(raw ?? []).toString('latin1');
        expect(text).not.toContain(token);
        expect(text).not.toContain('token');
        // A fresh IV per write: the same secret stored twice is two different ciphertexts.
        const twin = await store.create('alice', { name: 'Stripe 2', type: 'bearer', data: { token } }, 1_001);
        expect(Buffer.from((await rawSecret(twin.id)) ?? []).equals(Buffer.from(raw ?? []))).toBe(false);
        expect(await store.list('alice')).toEqual([created, { ...twin, createdAt: 1_001, updatedAt: 1_001 }]);
        expect(JSON.stringify(await store.list('alice'))).not.toContain(token);
        expect(await store.list('mallory')).toEqual([]);
        expect(await store.owner(created.id)).toBe('alice');
        expect(await store.owner('nope')).toBeUndefined();
      }),
    );

    it(
      'grantedSecret: missing, notGranted until granted, ok with the secret, notGranted again once revoked',
      withStore(async ({ store }) => {
        const { id } = await store.create(
          'alice',
          { name: 'Basic', type: 'basic', data: { user: 'a', password: 'pw-123' } },
          1,
        );
        expect(await store.grantedSecret('nope', 'wf1')).toEqual({ status: 'missing' });
        expect(await store.grantedSecret(id, 'wf1')).toEqual({ status: 'notGranted' });
        const first = await store.grant(id, 'wf1', 10);
        expect(first).toEqual({
          created: true,
          grant: { workflowId: 'wf1', workflowName: 'Zeta flow', grantedAt: 10 },
        });
        expect(await store.grantedSecret(id, 'wf1')).toEqual({
          status: 'ok',
          secret: { type: 'basic', user: 'a', password: 'pw-123' },
        });
        // A grant is for one workflow only.
        expect(await store.grantedSecret(id, 'wf2')).toEqual({ status: 'notGranted' });
        // Asking again changes nothing.
        expect(await store.grant(id, 'wf1', 20)).toEqual({ ...first, created: false });
        expect(await store.revoke(id, 'wf1')).toBe(true);
        expect(await store.revoke(id, 'wf1')).toBe(false);
        expect(await store.grantedSecret(id, 'wf1')).toEqual({ status: 'notGranted' });
      }),
    );

    it(
      'a grant made while a member is stored only while they are one',
      withStore(async ({ store, seedMember }) => {
        const { id } = await store.create('alice', { name: 'Key', type: 'bearer', data: { token } }, 1);
        await seedMember('wf1', 'alice', 'editor');
        expect(await store.grant(id, 'wf1', 5, 'alice')).toEqual({
          created: true,
          grant: { workflowId: 'wf1', workflowName: 'Zeta flow', grantedAt: 5 },
        });
        // Not a member of wf2: nothing is stored, and asking again for wf1 changes nothing.
        expect(await store.grant(id, 'wf2', 6, 'alice')).toBeUndefined();
        expect(await store.grantedSecret(id, 'wf2')).toEqual({ status: 'notGranted' });
        expect((await store.grant(id, 'wf1', 7, 'alice'))?.created).toBe(false);
      }),
    );

    it(
      'a secret that does not open with the key is unreadable, not an error',
      withStore(async ({ store, withOtherKey }) => {
        const { id } = await store.create('alice', { name: 'Key', type: 'bearer', data: { token } }, 1);
        await store.grant(id, 'wf1', 2);
        expect(await withOtherKey().grantedSecret(id, 'wf1')).toEqual({ status: 'unreadable' });
      }),
    );

    it(
      'grants and grantedTo list by name; grants answers only the owner',
      withStore(async ({ store }) => {
        const b = await store.create('alice', { name: 'B cred', type: 'bearer', data: { token } }, 1);
        const a = await store.create('alice', { name: 'A cred', type: 'bearer', data: { token } }, 1);
        await store.grant(b.id, 'wf1', 5);
        await store.grant(b.id, 'wf2', 6);
        await store.grant(a.id, 'wf1', 7);
        expect(await store.grants('alice', b.id)).toEqual([
          { workflowId: 'wf2', workflowName: 'Alpha flow', grantedAt: 6 },
          { workflowId: 'wf1', workflowName: 'Zeta flow', grantedAt: 5 },
        ]);
        expect(await store.grants('mallory', b.id)).toBeUndefined();
        expect(await store.grants('alice', 'nope')).toBeUndefined();
        expect(await store.grantedTo('wf1')).toEqual([
          { id: a.id, name: 'A cred', type: 'bearer', ownerId: 'alice', ownerName: 'Alice', grantedAt: 7 },
          { id: b.id, name: 'B cred', type: 'bearer', ownerId: 'alice', ownerName: 'Alice', grantedAt: 5 },
        ]);
        expect(JSON.stringify(await store.grantedTo('wf1'))).not.toContain(token);
      }),
    );

    it(
      'only the owner deletes a credential, and its grants go with it',
      withStore(async ({ store }) => {
        const { id } = await store.create('alice', { name: 'Mine', type: 'bearer', data: { token } }, 1);
        await store.grant(id, 'wf1', 2);
        expect(await store.delete('mallory', id)).toBe(false);
        expect(await store.grantedSecret(id, 'wf1')).toMatchObject({ status: 'ok' });
        expect(await store.delete('alice', id)).toBe(true);
        expect(await store.delete('alice', id)).toBe(false);
        expect(await store.grantedSecret(id, 'wf1')).toEqual({ status: 'missing' });
        expect(await store.grantedTo('wf1')).toEqual([]);
        expect(await store.list('alice')).toEqual([]);
      }),
    );

    it(
      'a grant to a workflow that does not exist is refused',
      withStore(async ({ store }) => {
        const { id } = await store.create('alice', { name: 'Mine', type: 'bearer', data: { token } }, 1);
        await expect(store.grant(id, 'ghost', 2)).rejects.toThrow();
        expect(await store.grants('alice', id)).toEqual([]);
      }),
    );

    it(
      'checkKey: the first key is recorded; another key is refused once credentials exist, or always with "refuse"',
      withStore(async ({ store, withOtherKey }) => {
        expect(await store.checkKey('refuse')).toBe('recorded');
        expect(await store.checkKey('refuse')).toBe('matches');
        const other = withOtherKey();
        // No credentials yet: a cluster still refuses a second key; a lone server takes it.
        await expect(other.checkKey('refuse')).rejects.toThrow(EncryptionKeyMismatchError);
        expect(await other.checkKey('record')).toBe('recorded');
        await other.create('alice', { name: 'Now', type: 'bearer', data: { token } }, 1);
        // Credentials written with the other key: the first key is refused either way, and nothing changed.
        await expect(store.checkKey('record')).rejects.toThrow(/encrypted with another key/);
        await expect(store.checkKey('refuse')).rejects.toThrow(EncryptionKeyMismatchError);
        expect(await other.checkKey('refuse')).toBe('matches');
      }),
    );
  });
};
