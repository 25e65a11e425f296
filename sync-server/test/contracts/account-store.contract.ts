import { describe, expect, it } from 'vitest';
import type { AccountStore } from '../../src/accounts/account-store.ts';
import { SESSION_TTL_MS } from '../../src/accounts/account-store.ts';

/**
 * The AccountStore contract (src/accounts/account-store.ts): what sign-up,
 * log-in, every authenticated request and socket, and the admin commands rely
 * on. Every implementation runs all of it, against a real database.
 */
export const runAccountStoreContract = (
  name: string,
  setup: (
    now: () => number,
  ) =>
    | { store: AccountStore; teardown: () => void | Promise<void> }
    | Promise<{ store: AccountStore; teardown: () => void | Promise<void> }>,
): void => {
  describe(`AccountStore contract: ${name}`, () => {
    const clock = { now: 1_800_000_000_000 };
    const withStore = (fn: (store: AccountStore) => Promise<void>) => async () => {
      clock.now = 1_800_000_000_000;
      const { store, teardown } = await setup(() => clock.now);
      try {
        await fn(store);
      } finally {
        await teardown();
      }
    };
    const newUser = (store: AccountStore, email: string) =>
      store.createUser({ email, name: ` ${email.split('@')[0] ?? ''} `, passwordHash: `hash-of-${email}` });

    it(
      'makes the first account the admin, and no other; addresses are unique whatever their case',
      withStore(async (store) => {
        expect(await store.countUsers()).toBe(0);
        const ann = await newUser(store, ' Ann@Example.com ');
        expect(ann).toMatchObject({ email: 'ann@example.com', name: 'Ann', isAdmin: true });
        const bob = await newUser(store, 'bob@example.com');
        expect(bob.isAdmin).toBe(false);
        await expect(newUser(store, 'ANN@example.com')).rejects.toMatchObject({ code: 'conflict' });
        expect(await store.countUsers()).toBe(2);
        expect((await store.listUsers()).map((u) => u.email)).toEqual(['ann@example.com', 'bob@example.com']);
        expect(await store.findByEmail('  ANN@EXAMPLE.COM')).toMatchObject({
          id: ann.id,
          passwordHash: 'hash-of- Ann@Example.com ',
          disabled: false,
        });
        expect(await store.findByEmail('nobody@example.com')).toBeUndefined();
        expect(await store.getUser(bob.id)).toEqual(bob);
        expect(await store.getUser('missing')).toBeUndefined();
        expect(await store.passwordHashOf(bob.id)).toBe('hash-of-bob@example.com');
      }),
    );

    it(
      'sign-ups at once on a fresh instance: exactly one becomes the admin',
      withStore(async (store) => {
        const emails = Array.from({ length: 12 }, (_, i) => `user${i}@x.io`);
        const users = await Promise.all(emails.map((email) => newUser(store, email)));
        expect(users.filter((u) => u.isAdmin)).toHaveLength(1);
      }),
    );

    it(
      'a session authenticates until it expires or ends, and never a disabled account',
      withStore(async (store) => {
        const ann = await newUser(store, 'ann@example.com');
        const { token, expiresAt } = await store.createSession(ann.id, 'x'.repeat(1000));
        expect(expiresAt).toBe(clock.now + SESSION_TTL_MS);
        expect(await store.userForSession(token)).toEqual(ann);
        expect(await store.userForSession(`${token}x`)).toBeUndefined();
        expect(await store.userForSession('not-a-session-token')).toBeUndefined();
        const [listed] = await store.listSessions(ann.id, token);
        expect(listed).toMatchObject({ current: true, expiresAt });
        expect(listed?.userAgent?.length).toBeLessThanOrEqual(300);

        expect(await store.setDisabled(ann.id, true)).toBe(true);
        expect(await store.userForSession(token)).toBeUndefined();
        expect(await store.getActiveUser(ann.id)).toBeUndefined();
        expect(await store.findByEmail('ann@example.com')).toMatchObject({ disabled: true });
        // Disabling ended the session for good: enabling again takes a new login.
        expect(await store.setDisabled(ann.id, false)).toBe(true);
        expect(await store.getActiveUser(ann.id)).toEqual(ann);
        expect(await store.userForSession(token)).toBeUndefined();
        expect(await store.setDisabled('missing', true)).toBe(false);

        const again = await store.createSession(ann.id);
        clock.now += SESSION_TTL_MS + 1;
        expect(await store.userForSession(again.token)).toBeUndefined();
        expect(await store.listSessions(ann.id)).toEqual([]);
        expect(await store.deleteExpiredSessions()).toEqual([ann.id]);
        expect(await store.deleteExpiredSessions()).toEqual([]);
      }),
    );

    it(
      'ends sessions one by one, all but the current one, or all with a new password',
      withStore(async (store) => {
        const ann = await newUser(store, 'ann@example.com');
        const bob = await newUser(store, 'bob@example.com');
        const a1 = await store.createSession(ann.id);
        clock.now += 1;
        const a2 = await store.createSession(ann.id);
        clock.now += 1;
        const a3 = await store.createSession(ann.id);
        const b1 = await store.createSession(bob.id);
        const sessions = await store.listSessions(ann.id, a2.token);
        expect(sessions.map((s) => s.current)).toEqual([false, true, false]);
        const first = sessions[2];
        expect(first && (await store.deleteSessionById(bob.id, first.id))).toBe(false);
        expect(first && (await store.deleteSessionById(ann.id, first.id))).toBe(true);
        expect(await store.userForSession(a1.token)).toBeUndefined();
        expect(await store.deleteOtherSessions(ann.id, a2.token)).toBe(1);
        expect(await store.userForSession(a3.token)).toBeUndefined();
        expect(await store.userForSession(a2.token)).toEqual(ann);
        await store.deleteSession(a2.token);
        expect(await store.userForSession(a2.token)).toBeUndefined();

        const a4 = await store.createSession(ann.id);
        expect(await store.setPasswordHash(ann.id, 'new-hash')).toBe(true);
        expect(await store.passwordHashOf(ann.id)).toBe('new-hash');
        expect(await store.userForSession(a4.token)).toBeUndefined();
        expect(await store.userForSession(b1.token)).toEqual(bob);
        expect(await store.setPasswordHash('missing', 'x')).toBe(false);
      }),
    );

    it(
      'API tokens: the secret once, listed without it, revoked by their owner only, paused while disabled',
      withStore(async (store) => {
        const ann = await newUser(store, 'ann@example.com');
        const bob = await newUser(store, 'bob@example.com');
        const created = await store.createApiToken(ann.id, '  deploy script ');
        expect(created).toMatchObject({ name: 'deploy script', lastUsedAt: null, createdAt: clock.now });
        const listed = await store.listApiTokens(ann.id);
        expect(listed).toEqual([
          { id: created.id, name: 'deploy script', createdAt: clock.now, lastUsedAt: null, expiresAt: null },
        ]);
        expect(JSON.stringify(listed)).not.toContain(created.token);

        expect(await store.userForApiToken(created.token)).toEqual(ann);
        expect((await store.listApiTokens(ann.id))[0]?.lastUsedAt).toBe(clock.now);
        // Used again within a minute: last_used_at is not rewritten on every request.
        const firstUse = clock.now;
        clock.now += 30_000;
        await store.userForApiToken(created.token);
        expect((await store.listApiTokens(ann.id))[0]?.lastUsedAt).toBe(firstUse);
        clock.now += 31_000;
        await store.userForApiToken(created.token);
        expect((await store.listApiTokens(ann.id))[0]?.lastUsedAt).toBe(clock.now);

        expect(await store.userForApiToken('weft_wrongprefix')).toBeUndefined();
        expect(await store.userForSession(created.token)).toBeUndefined();
        await store.setDisabled(ann.id, true);
        expect(await store.userForApiToken(created.token)).toBeUndefined();
        await store.setDisabled(ann.id, false);
        expect(await store.userForApiToken(created.token)).toEqual(ann);

        expect(await store.deleteApiToken(bob.id, created.id)).toBe(false);
        expect(await store.deleteApiToken(ann.id, created.id)).toBe(true);
        expect(await store.userForApiToken(created.token)).toBeUndefined();
        expect(await store.deleteApiToken(ann.id, created.id)).toBe(false);
      }),
    );

    it(
      'API tokens with an expiry: they authenticate until then and not from then on',
      withStore(async (store) => {
        const ann = await newUser(store, 'ann@example.com');
        const expiresAt = clock.now + 60_000;
        const created = await store.createApiToken(ann.id, 'ci', expiresAt);
        expect(created.expiresAt).toBe(expiresAt);
        expect((await store.listApiTokens(ann.id))[0]?.expiresAt).toBe(expiresAt);
        expect(await store.apiTokenExpiry(created.token)).toBe(expiresAt);
        clock.now += 1;
        expect(await store.apiTokenExpiry((await store.createApiToken(ann.id, 'forever')).token)).toBeNull();
        expect(await store.apiTokenExpiry('weft_unknown')).toBeUndefined();
        clock.now = expiresAt - 1;
        expect(await store.userForApiToken(created.token)).toEqual(ann);
        clock.now = expiresAt;
        expect(await store.userForApiToken(created.token)).toBeUndefined();
        // Still listed (its owner sees it expired) until revoked.
        expect((await store.listApiTokens(ann.id)).map((t) => t.name)).toEqual(['ci', 'forever']);
      }),
    );

    it(
      'deleting an account takes its sessions and tokens with it',
      withStore(async (store) => {
        await newUser(store, 'admin@example.com');
        const ann = await newUser(store, 'ann@example.com');
        const session = await store.createSession(ann.id);
        const token = await store.createApiToken(ann.id, 'ci');
        expect(await store.deleteUser(ann.id)).toBe(true);
        expect(await store.deleteUser(ann.id)).toBe(false);
        expect(await store.userForSession(session.token)).toBeUndefined();
        expect(await store.userForApiToken(token.token)).toBeUndefined();
        expect(await store.listApiTokens(ann.id)).toEqual([]);
        expect(await store.findByEmail('ann@example.com')).toBeUndefined();
        expect(await store.countUsers()).toBe(1);
      }),
    );
  });
};
