import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { restClient, type Caller } from '../helpers/rest.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';

/** Admins making and removing admins; a person changing their own name and password (issue 16, settings). */

let t: TestServer;
let rest: ReturnType<typeof restClient>;
type Person = Awaited<ReturnType<ReturnType<typeof restClient>['signup']>>;
let admin: Person;
let bob: Person;

beforeEach(async () => {
  t = await startTestServer();
  rest = restClient(t.server.app);
  admin = await rest.signup('admin@example.com');
  bob = await rest.signup('bob@example.com');
});
afterEach(async () => {
  await t.close();
});

const me = async (as: Caller) => rest.call<{ user: { name: string; isAdmin: boolean } }>('GET', '/api/auth/me', { as });

describe('admins', () => {
  it('make and remove admins; never their own role, never the last enabled admin; audited', async () => {
    expect((await rest.call('POST', `/api/admin/users/${admin.user.id}/admin`, { as: bob.as })).status).toBe(403);
    const made = await rest.call<{ user: { isAdmin: boolean } }>('POST', `/api/admin/users/${bob.user.id}/admin`, {
      as: admin.as,
    });
    expect(made.status).toBe(200);
    expect(made.body.user.isAdmin).toBe(true);
    expect((await me(bob.as)).body.user.isAdmin).toBe(true);
    // Bob, now an admin, reads the admin pages.
    expect((await rest.call('GET', '/api/admin/settings', { as: bob.as })).status).toBe(200);

    expect((await rest.call('DELETE', `/api/admin/users/${admin.user.id}/admin`, { as: admin.as })).status).toBe(409);
    expect((await rest.call('DELETE', `/api/admin/users/${admin.user.id}/admin`, { as: bob.as })).status).toBe(200);
    expect((await me(admin.as)).body.user.isAdmin).toBe(false);
    expect((await rest.call('GET', '/api/admin/settings', { as: admin.as })).status).toBe(403);
    // Bob is the last admin now: nobody can remove him (he cannot change his own role).
    expect((await rest.call('DELETE', `/api/admin/users/${bob.user.id}/admin`, { as: bob.as })).status).toBe(409);
    expect((await rest.call('DELETE', '/api/admin/users/nosuch/admin', { as: bob.as })).status).toBe(404);

    const trail = await rest.call<{ events: { action: string; actor: { id: string } }[] }>(
      'GET',
      '/api/audit?action=user.made_admin,user.admin_removed',
      { as: bob.as },
    );
    expect(trail.body.events.map((e) => [e.action, e.actor.id])).toEqual([
      ['user.admin_removed', bob.user.id],
      ['user.made_admin', admin.user.id],
    ]);
  });

  it('the last enabled admin: a disabled admin does not count', async () => {
    const carol = await rest.signup('carol@example.com');
    await rest.call('POST', `/api/admin/users/${carol.user.id}/admin`, { as: admin.as });
    expect((await rest.call('POST', `/api/admin/users/${carol.user.id}/disable`, { as: admin.as })).status).toBe(200);
    await rest.call('POST', `/api/admin/users/${bob.user.id}/admin`, { as: admin.as });
    expect((await rest.call('DELETE', `/api/admin/users/${admin.user.id}/admin`, { as: bob.as })).status).toBe(200);
    // Carol is an admin but disabled: Bob is the last enabled one.
    const refused = await rest.call<{ error: { code: string } }>('DELETE', `/api/admin/users/${bob.user.id}/admin`, {
      as: bob.as,
    });
    expect(refused.status).toBe(409);
  });
});

describe('account', () => {
  it('changes its name', async () => {
    const res = await rest.call<{ user: { name: string } }>('PATCH', '/api/me', {
      body: { name: ' Robert ' },
      as: bob.as,
    });
    expect(res.status).toBe(200);
    expect(res.body.user.name).toBe('Robert');
    expect((await me(bob.as)).body.user.name).toBe('Robert');
    expect((await rest.call('PATCH', '/api/me', { body: { name: '' }, as: bob.as })).status).toBe(400);
  });

  it('changes its password with the current one; other sessions end, this one goes on, tokens keep working', async () => {
    const other = await rest.call('POST', '/api/auth/login', {
      body: { email: 'bob@example.com', password: 'correct horse battery' },
    });
    const otherCookie: Caller = { cookie: (other.headers.get('set-cookie') ?? '').split(';')[0] ?? '' };
    expect((await me(otherCookie)).status).toBe(200);

    const wrong = await rest.call<{ error: { code: string } }>('POST', '/api/me/password', {
      body: { currentPassword: 'nope', newPassword: 'a brand new one' },
      as: bob.as,
    });
    expect(wrong.status).toBe(403);
    expect((await me(otherCookie)).status).toBe(200);
    expect(
      (
        await rest.call('POST', '/api/me/password', {
          body: { currentPassword: 'correct horse battery', newPassword: 'short' },
          as: bob.as,
        })
      ).status,
    ).toBe(400);

    const changed = await rest.call('POST', '/api/me/password', {
      body: { currentPassword: 'correct horse battery', newPassword: 'a brand new one' },
      as: bob.as,
    });
    expect(changed.status).toBe(204);
    const renewed: Caller = { cookie: (changed.headers.get('set-cookie') ?? '').split(';')[0] ?? '' };
    expect(renewed.cookie).toMatch(/^weft_session=ws_/);
    expect((await me(renewed)).status).toBe(200);
    expect((await me(otherCookie)).status).toBe(401);
    expect((await me(bob.as)).status).toBe(401);
    expect((await me({ token: bob.token })).status).toBe(200);
    const login = (password: string) =>
      rest.call('POST', '/api/auth/login', { body: { email: 'bob@example.com', password } });
    expect((await login('correct horse battery')).status).toBe(401);
    expect((await login('a brand new one')).status).toBe(200);
  });
});
