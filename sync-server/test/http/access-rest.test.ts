import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { restClient } from '../helpers/rest.ts';
import { rawSql } from '../helpers/raw-sql.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';

/**
 * Who may reach what over REST (issue 10, scopes 4 and 5): invitations
 * instead of adding accounts by email, credential grants, sessions, account
 * deletion and the admin's disabling of accounts. In-process hono requests
 * over a real SQLite file.
 */

let t: TestServer;
let rest: ReturnType<typeof restClient>;

beforeEach(async () => {
  t = await startTestServer();
  rest = restClient(t.server.app);
});
afterEach(async () => {
  await t.close();
});

const expectError = (res: { status: number; body: unknown }, status: number, code: string) => {
  expect(res.status).toBe(status);
  expect(res.body).toMatchObject({ error: { code, message: expect.any(String) as string } });
};

const cookieOf = (res: { headers: Headers }): string => (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';

const login = async (email: string, userAgent = 'test-agent', password = 'correct horse battery') => {
  const res = await rest.call('POST', '/api/auth/login', {
    body: { email, password },
    headers: { 'user-agent': userAgent },
  });
  return { res, as: { cookie: cookieOf(res) } };
};

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
};

describe('adding a member by email', () => {
  it('keeps at most 200 pending invitations per workflow: a new address then gets 409, a pending one may still change role', async () => {
    await rest.signup('admin@example.com');
    const owner = await rest.signup('owner@example.com');
    const id = await rest.createWorkflow(owner.as);
    const invite = (email: string, role = 'viewer') =>
      rest.call('POST', `/api/workflows/${id}/members`, { body: { email, role }, as: owner.as });
    for (let i = 0; i < 200; i += 1) expect((await invite(`person${i}@example.com`)).status).toBe(202);
    const refused = await invite('one-too-many@example.com');
    expectError(refused, 409, 'conflict');
    expect(refused.body).toMatchObject({
      error: { message: 'A workflow has at most 200 pending invitations; cancel some first' },
    });
    expect((await invite('person7@example.com', 'editor')).status).toBe(202);
    const listed = await rest.call<{ invitations: { email: string; role: string }[] }>(
      'GET',
      `/api/workflows/${id}/members`,
      { as: owner.as },
    );
    expect(listed.body.invitations).toHaveLength(200);
    expect(listed.body.invitations.find((i) => i.email === 'person7@example.com')?.role).toBe('editor');
    expect(listed.body.invitations.some((i) => i.email === 'one-too-many@example.com')).toBe(false);
  });

  it('answers the same for an address with an account and one without, in the same time', async () => {
    await rest.signup('admin@example.com');
    const owner = await rest.signup('owner@example.com');
    await rest.signup('has-account@example.com');
    const id = await rest.createWorkflow(owner.as);
    const invite = (email: string) =>
      rest.call<{ invitation: Record<string, unknown> }>('POST', `/api/workflows/${id}/members`, {
        body: { email, role: 'editor' },
        as: owner.as,
      });
    const known = await invite('has-account@example.com');
    const unknown = await invite('nobody-here@example.com');
    expect(known.status).toBe(202);
    expect(unknown.status).toBe(202);
    // Same shape, same fields, same values but the address and the new invitation's id and time.
    const strip = (body: { invitation: Record<string, unknown> }) => {
      const { id: invitationId, email, createdAt, ...rest } = body.invitation;
      expect(typeof invitationId).toBe('string');
      expect(typeof email).toBe('string');
      expect(typeof createdAt).toBe('number');
      return { keys: Object.keys(body).sort(), invitationKeys: Object.keys(body.invitation).sort(), rest };
    };
    expect(strip(known.body)).toEqual(strip(unknown.body));
    expect([...known.headers.keys()].sort()).toEqual([...unknown.headers.keys()].sort());

    // Asking again (a role change of the pending invitation) also answers alike; the timing
    // is the same code path for both, measured alternately so load hits both sides.
    const times: Record<'known' | 'unknown', number[]> = { known: [], unknown: [] };
    for (let i = 0; i < 15; i++) {
      for (const [which, email] of [
        ['known', 'has-account@example.com'],
        ['unknown', 'nobody-here@example.com'],
      ] as const) {
        const started = performance.now();
        const res = await invite(email);
        times[which].push(performance.now() - started);
        expect(res.status).toBe(202);
      }
    }
    expect(Math.abs(median(times.known) - median(times.unknown))).toBeLessThan(20);
    const listed = await rest.call<{ invitations: { email: string }[] }>('GET', `/api/workflows/${id}/members`, {
      as: owner.as,
    });
    expect(listed.body.invitations.map((i) => i.email)).toEqual(['has-account@example.com', 'nobody-here@example.com']);
  });

  it('the invitee sees, accepts or declines; nobody else can; the owner cancels; only owners see pending ones', async () => {
    await rest.signup('admin@example.com');
    const owner = await rest.signup('owner@example.com', 'Olga');
    const bob = await rest.signup('bob@example.com');
    const eve = await rest.signup('eve@example.com');
    const id = await rest.createWorkflow(owner.as, 'Orders');
    const other = await rest.createWorkflow(owner.as, 'Billing');
    const toBob = await rest.call<{ invitation: { id: string } }>('POST', `/api/workflows/${id}/members`, {
      body: { email: 'bob@example.com', role: 'viewer' },
      as: owner.as,
    });
    const received = await rest.call<{ invitations: unknown[] }>('GET', '/api/me/invitations', { as: bob.as });
    expect(received.body.invitations).toEqual([
      {
        id: toBob.body.invitation.id,
        workflowId: id,
        workflowName: 'Orders',
        role: 'viewer',
        invitedBy: 'Olga',
        createdAt: expect.any(Number) as number,
      },
    ]);
    expect((await rest.call<{ invitations: unknown[] }>('GET', '/api/me/invitations', { as: eve.as })).body).toEqual({
      invitations: [],
    });
    // Eve cannot take or throw away Bob's invitation: to her it does not exist.
    expectError(
      await rest.call('POST', `/api/me/invitations/${toBob.body.invitation.id}/accept`, { as: eve.as }),
      404,
      'not_found',
    );
    expectError(
      await rest.call('POST', `/api/me/invitations/${toBob.body.invitation.id}/decline`, { as: eve.as }),
      404,
      'not_found',
    );
    // Inviting again changes the pending invitation's role; it keeps its id.
    const again = await rest.call<{ invitation: { id: string; role: string } }>(
      'POST',
      `/api/workflows/${id}/members`,
      { body: { email: 'bob@example.com', role: 'editor' }, as: owner.as },
    );
    expect(again.body.invitation).toMatchObject({ id: toBob.body.invitation.id, role: 'editor' });
    expect(
      await rest.call('POST', `/api/me/invitations/${toBob.body.invitation.id}/accept`, { as: bob.as }),
    ).toMatchObject({ status: 200, body: { id, name: 'Orders', role: 'editor' } });
    expectError(
      await rest.call('POST', `/api/me/invitations/${toBob.body.invitation.id}/accept`, { as: bob.as }),
      404,
      'not_found',
    );
    // Members who do not manage members see no pending invitations.
    await rest.call('POST', `/api/workflows/${id}/members`, {
      body: { email: 'someone@example.com', role: 'viewer' },
      as: owner.as,
    });
    const asEditor = await rest.call<{ invitations: unknown[] }>('GET', `/api/workflows/${id}/members`, {
      as: bob.as,
    });
    expect(asEditor.body.invitations).toEqual([]);
    const asOwner = await rest.call<{ invitations: { id: string; email: string }[] }>(
      'GET',
      `/api/workflows/${id}/members`,
      { as: owner.as },
    );
    expect(asOwner.body.invitations.map((i) => i.email)).toEqual(['someone@example.com']);
    const pending = asOwner.body.invitations[0]?.id ?? '';
    expectError(
      await rest.call('DELETE', `/api/workflows/${id}/invitations/${pending}`, { as: bob.as }),
      403,
      'forbidden',
    );
    expectError(
      await rest.call('DELETE', `/api/workflows/${other}/invitations/${pending}`, { as: owner.as }),
      404,
      'not_found',
    );
    expect((await rest.call('DELETE', `/api/workflows/${id}/invitations/${pending}`, { as: owner.as })).status).toBe(
      204,
    );
    expectError(
      await rest.call('DELETE', `/api/workflows/${id}/invitations/${pending}`, { as: owner.as }),
      404,
      'not_found',
    );

    // Declining removes it; a deleted workflow takes its invitations with it.
    const toEve = await rest.call<{ invitation: { id: string } }>('POST', `/api/workflows/${other}/members`, {
      body: { email: 'eve@example.com', role: 'viewer' },
      as: owner.as,
    });
    expect(
      (await rest.call('POST', `/api/me/invitations/${toEve.body.invitation.id}/decline`, { as: eve.as })).status,
    ).toBe(204);
    expectError(await rest.call('GET', `/api/workflows/${other}`, { as: eve.as }), 403, 'forbidden');
    await rest.call('POST', `/api/workflows/${other}/members`, {
      body: { email: 'eve@example.com', role: 'viewer' },
      as: owner.as,
    });
    expect((await rest.call('DELETE', `/api/workflows/${other}`, { as: owner.as })).status).toBe(204);
    expect((await rest.call('GET', '/api/me/invitations', { as: eve.as })).body).toEqual({ invitations: [] });
  });

  it('refuses strangers, non-owners and bad bodies', async () => {
    await rest.signup('admin@example.com');
    const owner = await rest.signup('owner@example.com');
    const editor = await rest.signup('editor@example.com');
    const outsider = await rest.signup('out@example.com');
    const id = await rest.createWorkflow(owner.as);
    await rest.addMember(owner.as, id, editor, 'editor');
    const body = { email: 'x@example.com', role: 'viewer' };
    expectError(await rest.call('POST', `/api/workflows/${id}/members`, { body }), 401, 'unauthorized');
    expectError(await rest.call('POST', `/api/workflows/${id}/members`, { body, as: editor.as }), 403, 'forbidden');
    expectError(await rest.call('POST', `/api/workflows/${id}/members`, { body, as: outsider.as }), 403, 'forbidden');
    expectError(
      await rest.call('POST', `/api/workflows/${id}/members`, { body: { email: 'not an email' }, as: owner.as }),
      400,
      'validation_failed',
    );
    expectError(await rest.call('GET', `/api/workflows/${id}/members`), 401, 'unauthorized');
    expectError(await rest.call('GET', `/api/workflows/${id}/members`, { as: outsider.as }), 403, 'forbidden');
    expectError(await rest.call('DELETE', `/api/workflows/${id}/invitations/x`), 401, 'unauthorized');
    expectError(await rest.call('GET', '/api/me/invitations'), 401, 'unauthorized');
    expectError(await rest.call('POST', '/api/me/invitations/x/accept'), 401, 'unauthorized');
    expectError(await rest.call('POST', '/api/me/invitations/x/decline'), 401, 'unauthorized');
    expectError(await rest.call('POST', '/api/me/invitations/x/accept', { as: outsider.as }), 404, 'not_found');
  });
});

describe('sessions', () => {
  it('lists the browsers signed in, ends one, ends the others; expired ones stop working', async () => {
    const ann = await rest.signup('ann@example.com');
    const bob = await rest.signup('bob@example.com');
    const laptop = await login('ann@example.com', 'Firefox on the laptop');
    const phone = await login('ann@example.com', 'Safari on the phone');
    const listed = await rest.call<{
      sessions: { id: string; userAgent: string | null; current: boolean; createdAt: number; expiresAt: number }[];
    }>('GET', '/api/auth/sessions', { as: laptop.as });
    expect(listed.status).toBe(200);
    expect(listed.body.sessions).toHaveLength(3);
    const laptopSession = listed.body.sessions.find((s) => s.userAgent === 'Firefox on the laptop');
    const phoneSession = listed.body.sessions.find((s) => s.userAgent === 'Safari on the phone');
    expect(laptopSession?.current).toBe(true);
    expect(phoneSession?.current).toBe(false);
    expect(listed.body.sessions.filter((s) => s.current)).toHaveLength(1);
    // Thirty days, not more; the id is not the cookie nor its stored hash.
    expect((laptopSession?.expiresAt ?? 0) - (laptopSession?.createdAt ?? 0)).toBe(30 * 24 * 60 * 60 * 1000);
    const stored = await rawSql<{ token_hash: string }>(t.server, 'select token_hash from sessions');
    for (const s of listed.body.sessions) {
      expect(stored.map((r) => r.token_hash)).not.toContain(s.id);
      expect(laptop.as.cookie).not.toContain(s.id);
    }

    // Bob cannot end Ann's session; Ann ends the phone's from the laptop.
    expectError(await rest.call('DELETE', `/api/auth/sessions/${phoneSession?.id}`, { as: bob.as }), 404, 'not_found');
    expect((await rest.call('DELETE', `/api/auth/sessions/${phoneSession?.id}`, { as: laptop.as })).status).toBe(204);
    expectError(await rest.call('GET', '/api/auth/me', { as: phone.as }), 401, 'unauthorized');
    expectError(
      await rest.call('DELETE', `/api/auth/sessions/${phoneSession?.id}`, { as: laptop.as }),
      404,
      'not_found',
    );

    // Ending the others keeps this one only.
    const ended = await rest.call<{ ended: number }>('POST', '/api/auth/sessions/revoke-others', { as: laptop.as });
    expect(ended.body).toEqual({ ended: 1 });
    expectError(await rest.call('GET', '/api/auth/me', { as: ann.as }), 401, 'unauthorized');
    expect((await rest.call('GET', '/api/auth/me', { as: laptop.as })).status).toBe(200);

    // Ending the current session clears its cookie.
    const self = await rest.call('DELETE', `/api/auth/sessions/${laptopSession?.id}`, { as: laptop.as });
    expect(self.status).toBe(204);
    expect(self.headers.get('set-cookie')).toMatch(/weft_session=;/);
    expectError(await rest.call('GET', '/api/auth/me', { as: laptop.as }), 401, 'unauthorized');

    // A session past its expiry does not authenticate and is not listed.
    const late = await login('ann@example.com', 'old browser');
    const fresh = await login('ann@example.com', 'new browser');
    await rawSql(t.server, 'update sessions set expires_at = ? where user_agent = ?', [Date.now() - 1, 'old browser']);
    expectError(await rest.call('GET', '/api/auth/me', { as: late.as }), 401, 'unauthorized');
    const after = await rest.call<{ sessions: { userAgent: string }[] }>('GET', '/api/auth/sessions', {
      as: fresh.as,
    });
    expect(after.body.sessions.map((s) => s.userAgent)).toEqual(['new browser']);

    expectError(await rest.call('GET', '/api/auth/sessions'), 401, 'unauthorized');
    expectError(await rest.call('DELETE', '/api/auth/sessions/x'), 401, 'unauthorized');
    expectError(await rest.call('POST', '/api/auth/sessions/revoke-others'), 401, 'unauthorized');
  });

  it('cuts a long user agent', async () => {
    await rest.signup('ann@example.com');
    const { as } = await login('ann@example.com', 'x'.repeat(5000));
    const listed = await rest.call<{ sessions: { userAgent: string }[] }>('GET', '/api/auth/sessions', { as });
    expect(listed.body.sessions.find((s) => s.userAgent.startsWith('x'))?.userAgent).toHaveLength(300);
  });
});

describe('deleting one’s account', () => {
  it('takes the password; the admin cannot; a sole owner cannot; then cookie and tokens stop working', async () => {
    const admin = await rest.signup('admin@example.com');
    const ann = await rest.signup('ann@example.com');
    const bob = await rest.signup('bob@example.com');
    expectError(
      await rest.call('DELETE', '/api/me', { body: { password: 'correct horse battery' } }),
      401,
      'unauthorized',
    );
    expectError(await rest.call('DELETE', '/api/me', { body: {}, as: ann.as }), 400, 'validation_failed');
    expectError(
      await rest.call('DELETE', '/api/me', { body: { password: 'wrong one' }, as: ann.as }),
      403,
      'forbidden',
    );
    expectError(
      await rest.call('DELETE', '/api/me', { body: { password: 'correct horse battery' }, as: admin.as }),
      409,
      'conflict',
    );
    // Ann owns a workflow Bob edits: she must hand it over or delete it first.
    const id = await rest.createWorkflow(ann.as, 'Shared');
    await rest.addMember(ann.as, id, bob, 'editor');
    const refused = await rest.call<{ error: { message: string } }>('DELETE', '/api/me', {
      body: { password: 'correct horse battery' },
      as: ann.as,
    });
    expectError(refused, 409, 'conflict');
    expect(refused.body.error.message).toContain('"Shared"');
    await rest.addMember(ann.as, id, bob, 'owner');
    await rest.call('POST', '/api/credentials', {
      body: { name: 'Key', type: 'bearer', data: { token: 'ann-secret' } },
      as: ann.as,
    });
    const deleted = await rest.call('DELETE', '/api/me', { body: { password: 'correct horse battery' }, as: ann.as });
    expect(deleted.status).toBe(204);
    expect(deleted.headers.get('set-cookie')).toMatch(/weft_session=;/);
    expectError(await rest.call('GET', '/api/auth/me', { as: ann.as }), 401, 'unauthorized');
    expectError(await rest.call('GET', '/api/auth/me', { as: { token: ann.token } }), 401, 'unauthorized');
    const [left] = await rawSql<{ n: number }>(t.server, 'select count(*) as n from credentials');
    expect(left?.n).toBe(0);
    const members = await rest.call<{ members: { email: string }[] }>('GET', `/api/workflows/${id}/members`, {
      as: bob.as,
    });
    expect(members.body.members.map((m) => m.email)).toEqual(['bob@example.com']);
    // The address is free again.
    expect(
      (
        await rest.call('POST', '/api/auth/signup', {
          body: { email: 'ann@example.com', password: 'new password', name: 'Ann' },
        })
      ).status,
    ).toBe(201);
  });
});

describe('the admin disables accounts', () => {
  it('lists accounts; disabling stops sessions, tokens and login at once; enabling lets them log in again', async () => {
    const admin = await rest.signup('admin@example.com');
    const ann = await rest.signup('ann@example.com');
    expectError(await rest.call('GET', '/api/admin/users'), 401, 'unauthorized');
    expectError(await rest.call('GET', '/api/admin/users', { as: ann.as }), 403, 'forbidden');
    expectError(await rest.call('POST', `/api/admin/users/${admin.user.id}/disable`), 401, 'unauthorized');
    expectError(await rest.call('POST', `/api/admin/users/${admin.user.id}/disable`, { as: ann.as }), 403, 'forbidden');
    expectError(await rest.call('POST', `/api/admin/users/${ann.user.id}/enable`, { as: ann.as }), 403, 'forbidden');
    expectError(
      await rest.call('POST', `/api/admin/users/${admin.user.id}/disable`, { as: admin.as }),
      409,
      'conflict',
    );
    expectError(await rest.call('POST', '/api/admin/users/nobody/disable', { as: admin.as }), 404, 'not_found');
    const listed = await rest.call<{ users: unknown[] }>('GET', '/api/admin/users', { as: admin.as });
    expect(listed.body.users).toEqual([
      {
        id: admin.user.id,
        email: 'admin@example.com',
        name: 'admin',
        isAdmin: true,
        createdAt: expect.any(Number) as number,
        disabled: false,
      },
      {
        id: ann.user.id,
        email: 'ann@example.com',
        name: 'ann',
        isAdmin: false,
        createdAt: expect.any(Number) as number,
        disabled: false,
      },
    ]);

    const disabled = await rest.call('POST', `/api/admin/users/${ann.user.id}/disable`, { as: admin.as });
    expect(disabled).toMatchObject({ status: 200, body: { user: { id: ann.user.id, disabled: true } } });
    expectError(await rest.call('GET', '/api/auth/me', { as: ann.as }), 401, 'unauthorized');
    expectError(await rest.call('GET', '/api/auth/me', { as: { token: ann.token } }), 401, 'unauthorized');
    const refused = await login('ann@example.com');
    expectError(refused.res, 403, 'forbidden');
    expect(refused.res.headers.get('set-cookie')).toBeNull();
    // A wrong password still says only "wrong email or password".
    expectError((await login('ann@example.com', 'x', 'not her password')).res, 401, 'unauthorized');

    const enabled = await rest.call('POST', `/api/admin/users/${ann.user.id}/enable`, { as: admin.as });
    expect(enabled).toMatchObject({ status: 200, body: { user: { id: ann.user.id, disabled: false } } });
    // Her sessions ended with the disabling; her token works again, and so does logging in.
    expectError(await rest.call('GET', '/api/auth/me', { as: ann.as }), 401, 'unauthorized');
    expect((await rest.call('GET', '/api/auth/me', { as: { token: ann.token } })).status).toBe(200);
    expect((await login('ann@example.com')).res.status).toBe(200);
  });
});

describe('credential grants', () => {
  it('only the owner grants, to a workflow they can read; idempotent; listed; revoked; members see what is granted', async () => {
    await rest.signup('admin@example.com');
    const alice = await rest.signup('alice@example.com', 'Alice');
    const mallory = await rest.signup('mallory@example.com', 'Mallory');
    const theirs = await rest.createWorkflow(mallory.as, 'Mallory’s');
    const hers = await rest.createWorkflow(alice.as, 'Alice’s');
    const cred = await rest.call<{ id: string }>('POST', '/api/credentials', {
      body: { name: 'Key', type: 'bearer', data: { token: 'alice-secret' } },
      as: alice.as,
    });
    const grants = `/api/credentials/${cred.body.id}/grants`;
    expectError(await rest.call('GET', grants), 401, 'unauthorized');
    expectError(await rest.call('POST', grants, { body: { workflowId: hers } }), 401, 'unauthorized');
    expectError(await rest.call('DELETE', `${grants}/${hers}`), 401, 'unauthorized');
    // Not hers: to Mallory the credential does not exist, whatever he tries.
    expectError(await rest.call('GET', grants, { as: mallory.as }), 404, 'not_found');
    expectError(await rest.call('POST', grants, { body: { workflowId: theirs }, as: mallory.as }), 404, 'not_found');
    expectError(await rest.call('DELETE', `${grants}/${theirs}`, { as: mallory.as }), 404, 'not_found');
    // Alice cannot grant to a workflow she cannot see, nor to one that does not exist.
    expectError(await rest.call('POST', grants, { body: { workflowId: theirs }, as: alice.as }), 403, 'forbidden');
    expectError(await rest.call('POST', grants, { body: { workflowId: 'nope' }, as: alice.as }), 404, 'not_found');
    expectError(await rest.call('POST', grants, { body: { workflowId: '../x' }, as: alice.as }), 404, 'not_found');
    expectError(await rest.call('POST', grants, { body: {}, as: alice.as }), 400, 'validation_failed');
    expectError(
      await rest.call('POST', grants, { body: { workflowId: hers, extra: 1 }, as: alice.as }),
      400,
      'validation_failed',
    );

    const first = await rest.call('POST', grants, { body: { workflowId: hers }, as: alice.as });
    expect(first).toMatchObject({ status: 201, body: { grant: { workflowId: hers, workflowName: 'Alice’s' } } });
    const second = await rest.call('POST', grants, { body: { workflowId: hers }, as: alice.as });
    expect(second).toMatchObject({ status: 200, body: first.body });
    expect((await rest.call('GET', grants, { as: alice.as })).body).toEqual({
      grants: [{ workflowId: hers, workflowName: 'Alice’s', grantedAt: expect.any(Number) as number }],
    });

    // Members of the workflow see what is granted to it (never a secret); outsiders do not.
    const visible = await rest.call<{ credentials: unknown[] }>('GET', `/api/workflows/${hers}/credentials`, {
      as: alice.as,
    });
    expect(visible.body.credentials).toEqual([
      {
        id: cred.body.id,
        name: 'Key',
        type: 'bearer',
        ownerId: alice.user.id,
        ownerName: 'Alice',
        grantedAt: expect.any(Number) as number,
      },
    ]);
    expect(JSON.stringify(visible.body)).not.toContain('alice-secret');
    expectError(await rest.call('GET', `/api/workflows/${hers}/credentials`), 401, 'unauthorized');
    expectError(await rest.call('GET', `/api/workflows/${hers}/credentials`, { as: mallory.as }), 403, 'forbidden');

    expect((await rest.call('DELETE', `${grants}/${hers}`, { as: alice.as })).status).toBe(204);
    expectError(await rest.call('DELETE', `${grants}/${hers}`, { as: alice.as }), 404, 'not_found');
    expect((await rest.call('GET', grants, { as: alice.as })).body).toEqual({ grants: [] });
  });

  it('a member who leaves or is removed takes the grants of their credentials to that workflow along', async () => {
    await rest.signup('admin@example.com');
    const alice = await rest.signup('alice@example.com');
    const mallory = await rest.signup('mallory@example.com');
    const id = await rest.createWorkflow(mallory.as, 'Mallory’s');
    await rest.addMember(mallory.as, id, alice, 'editor');
    const cred = await rest.call<{ id: string }>('POST', '/api/credentials', {
      body: { name: 'Key', type: 'bearer', data: { token: 'alice-secret' } },
      as: alice.as,
    });
    expect(
      (await rest.call('POST', `/api/credentials/${cred.body.id}/grants`, { body: { workflowId: id }, as: alice.as }))
        .status,
    ).toBe(201);
    const granted = () =>
      rest.call<{ credentials: unknown[] }>('GET', `/api/workflows/${id}/credentials`, { as: mallory.as });
    expect((await granted()).body.credentials).toHaveLength(1);
    expect(
      (await rest.call('DELETE', `/api/workflows/${id}/members/${alice.user.id}`, { as: mallory.as })).status,
    ).toBe(204);
    expect((await granted()).body.credentials).toEqual([]);
    expect((await rest.call('GET', `/api/credentials/${cred.body.id}/grants`, { as: alice.as })).body).toEqual({
      grants: [],
    });
  });
});

describe('accounts the admin makes', () => {
  it('with sign-up closed, the admin creates an account that can log in; nobody else can', async () => {
    await t.close();
    t = await startTestServer({ signup: 'closed' });
    rest = restClient(t.server.app);
    const admin = await rest.signup('admin@example.com');
    const refused = await rest.call('POST', '/api/auth/signup', {
      body: { email: 'new@example.com', password: 'a long password', name: 'New' },
    });
    expectError(refused, 403, 'forbidden');
    const body = { email: 'New@Example.com', password: 'a long password', name: 'New' };
    expectError(await rest.call('POST', '/api/admin/users', { body }), 401, 'unauthorized');
    const created = await rest.call<{ user: { email: string; disabled: boolean } }>('POST', '/api/admin/users', {
      body,
      as: admin.as,
    });
    expect(created.status).toBe(201);
    expect(created.body.user).toMatchObject({ email: 'new@example.com', disabled: false });
    expectError(await rest.call('POST', '/api/admin/users', { body, as: admin.as }), 409, 'conflict');
    expectError(
      await rest.call('POST', '/api/admin/users', { body: { ...body, password: 'short' }, as: admin.as }),
      400,
      'validation_failed',
    );
    const { res, as } = await login('new@example.com', 'test-agent', 'a long password');
    expect(res.status).toBe(200);
    expectError(
      await rest.call('POST', '/api/admin/users', { body: { ...body, email: 'x@example.com' }, as }),
      403,
      'forbidden',
    );
  });
});

describe('SMTP and Crypto credentials', () => {
  it('take n8n’s fields with its defaults, checked; listed by name and type only; stored encrypted', async () => {
    await rest.signup('admin@example.com');
    const alice = await rest.signup('alice@example.com', 'Alice');
    const create = (data: Record<string, unknown>) =>
      rest.call<{ id: string; type: string }>('POST', '/api/credentials', {
        body: { name: 'Mail', type: 'smtp', data },
        as: alice.as,
      });
    expectError(await create({ host: 'smtp.example.com', port: 0 }), 400, 'validation_failed');
    expectError(await create({ host: 'smtp.example.com', port: '25' }), 400, 'validation_failed');
    expectError(await create({ host: 'http://smtp.example.com/' }), 400, 'validation_failed');
    expectError(await create({ host: 'smtp.example.com', secure: 'yes' }), 400, 'validation_failed');
    expectError(await create({ host: 'smtp.example.com', extra: 1 }), 400, 'validation_failed');
    expectError(await create({ port: 25 }), 400, 'validation_failed');
    const made = await create({ host: 'smtp.example.com', user: 'me', password: 'mail-secret-1' });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ name: 'Mail', type: 'smtp' });
    expect(JSON.stringify(made.body)).not.toContain('mail-secret-1');
    const listed = await rest.call<{ credentials: unknown[] }>('GET', '/api/credentials', { as: alice.as });
    expect(listed.body.credentials).toEqual([expect.objectContaining({ id: made.body.id, type: 'smtp' })]);
    expect(JSON.stringify(listed.body)).not.toContain('mail-secret-1');
    const [row] = await rawSql<{ data: unknown }>(t.server, 'select data from credentials');
    expect(Buffer.from(row?.data as Uint8Array).toString('latin1')).not.toContain('mail-secret-1');
  });

  it('Crypto keys: an HMAC secret, a signing key or both; nothing else', async () => {
    await rest.signup('admin@example.com');
    const alice = await rest.signup('alice@example.com', 'Alice');
    const create = (data: Record<string, unknown>) =>
      rest.call<{ id: string; type: string }>('POST', '/api/credentials', {
        body: { name: 'Keys', type: 'crypto', data },
        as: alice.as,
      });
    expectError(await create({}), 400, 'validation_failed');
    expectError(await create({ hmacSecret: '' }), 400, 'validation_failed');
    expectError(await create({ hmacSecret: 'x', encryptionPassphrase: 'y' }), 400, 'validation_failed');
    expect((await create({ hmacSecret: 'whsec-1' })).status).toBe(201);
    const both = await create({ hmacSecret: 'whsec-2', signPrivateKey: '-----BEGIN PRIVATE KEY-----' });
    expect(both.status).toBe(201);
    expect(JSON.stringify(both.body)).not.toContain('whsec-2');
  });

  it('PostgreSQL: n8n’s fields and defaults, the SSL mode one of three; the password never comes back', async () => {
    await rest.signup('admin@example.com');
    const alice = await rest.signup('alice@example.com', 'Alice');
    const create = (data: Record<string, unknown>) =>
      rest.call<{ id: string; type: string }>('POST', '/api/credentials', {
        body: { name: 'Db', type: 'postgres', data },
        as: alice.as,
      });
    expectError(await create({ host: 'db.example.com', ssl: 'verify-full' }), 400, 'validation_failed');
    expectError(await create({ host: 'db.example.com', port: 70_000 }), 400, 'validation_failed');
    expectError(await create({ host: 'db.example.com/x' }), 400, 'validation_failed');
    expectError(await create({ host: 'db.example.com', database: '' }), 400, 'validation_failed');
    expectError(await create({ host: 'db.example.com', sshTunnel: true }), 400, 'validation_failed');
    const made = await create({ host: 'db.example.com', password: 'pg-secret-1', ssl: 'require' });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ name: 'Db', type: 'postgres' });
    expect(JSON.stringify(made.body)).not.toContain('pg-secret-1');
    const [row] = await rawSql<{ data: unknown }>(t.server, 'select data from credentials');
    expect(Buffer.from(row?.data as Uint8Array).toString('latin1')).not.toContain('pg-secret-1');
  });

  it('MySQL: n8n’s fields and defaults, SSL a switch; the password never comes back', async () => {
    await rest.signup('admin@example.com');
    const alice = await rest.signup('alice@example.com', 'Alice');
    const create = (data: Record<string, unknown>) =>
      rest.call<{ id: string; type: string }>('POST', '/api/credentials', {
        body: { name: 'Db', type: 'mysql', data },
        as: alice.as,
      });
    expectError(await create({ host: 'db.example.com', ssl: 'require' }), 400, 'validation_failed');
    expectError(await create({ host: 'db.example.com', port: 0 }), 400, 'validation_failed');
    expectError(await create({ host: 'db.example.com;x' }), 400, 'validation_failed');
    expectError(await create({ host: 'db.example.com', user: ' ' }), 400, 'validation_failed');
    expectError(await create({ host: 'db.example.com', caCertificate: 'x' }), 400, 'validation_failed');
    const made = await create({ host: 'db.example.com', password: 'my-secret-1', ssl: true });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ name: 'Db', type: 'mysql' });
    expect(JSON.stringify(made.body)).not.toContain('my-secret-1');
    const [row] = await rawSql<{ data: unknown }>(t.server, 'select data from credentials');
    expect(Buffer.from(row?.data as Uint8Array).toString('latin1')).not.toContain('my-secret-1');
  });
});
