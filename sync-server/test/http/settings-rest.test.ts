import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { restClient } from '../helpers/rest.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';

/** `/api/admin/settings` (issue 16 contract) and the sign-up policy taking effect without a restart. */

let t: TestServer;
let rest: ReturnType<typeof restClient>;
let admin: Awaited<ReturnType<ReturnType<typeof restClient>['signup']>>;

beforeEach(async () => {
  t = await startTestServer({ executionsMaxAgeDays: 7, executionsMaxCount: 500 });
  rest = restClient(t.server.app);
  admin = await rest.signup('admin@example.com');
});
afterEach(async () => {
  await t.close();
});

const signup = (email: string, extra: Record<string, unknown> = {}) =>
  rest.call<{ error?: { code: string; message: string } }>('POST', '/api/auth/signup', {
    body: { email, password: 'correct horse battery', name: 'X', ...extra },
  });

const patch = (body: unknown, as = admin.as) =>
  rest.call<Record<string, unknown> & { error?: { code: string } }>('PATCH', '/api/admin/settings', { body, as });

describe('instance settings', () => {
  it('admins read them (the environment gives the first values); others get 403, strangers 401', async () => {
    const res = await rest.call('GET', '/api/admin/settings', { as: admin.as });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      signup: 'open',
      smtp: null,
      outboundAllow: [],
      executionRetention: { maxAgeDays: 7, maxCount: 500 },
      defaultTimeoutSeconds: 300,
    });
    const bob = await rest.signup('bob@example.com');
    for (const [method, as] of [
      ['GET', bob.as],
      ['PATCH', bob.as],
      ['GET', { token: bob.token }],
    ] as const) {
      const refused = await rest.call<{ error: { code: string } }>(method, '/api/admin/settings', {
        as,
        ...(method === 'PATCH' ? { body: { signup: 'closed' } } : {}),
      });
      expect(refused.status).toBe(403);
      expect(refused.body.error.code).toBe('forbidden');
    }
    expect((await rest.call('GET', '/api/admin/settings')).status).toBe(401);
    expect((await patch({ signup: 'closed' }, {})).status).toBe(401);
  });

  it('sign-up closed answers 403 at once, and open again lets people in, without a restart', async () => {
    expect((await signup('first@example.com')).status).toBe(201);
    const closed = await patch({ signup: 'closed' });
    expect(closed.status).toBe(200);
    expect(closed.body.signup).toBe('closed');
    const refused = await signup('second@example.com');
    expect(refused.status).toBe(403);
    expect(refused.body.error?.code).toBe('forbidden');
    expect((await rest.call('GET', '/api/instance')).body).toMatchObject({ signup: 'closed' });
    expect((await patch({ signup: 'open' })).status).toBe(200);
    expect((await signup('second@example.com')).status).toBe(201);
  });

  it('sign-up by invitation: an invited address or a live join link, nobody else', async () => {
    const workflowId = await rest.createWorkflow(admin.as, 'Shared');
    expect((await patch({ signup: 'invite' })).body.signup).toBe('invite');
    expect((await signup('stranger@example.com')).status).toBe(403);

    const invited = await rest.call('POST', `/api/workflows/${workflowId}/members`, {
      body: { email: 'invited@example.com', role: 'editor' },
      as: admin.as,
    });
    expect(invited.status).toBe(202);
    expect((await signup('INVITED@example.com')).status).toBe(201);

    const link = await rest.call<{ token: string; id: string }>('POST', `/api/workflows/${workflowId}/links`, {
      body: { role: 'viewer' },
      as: admin.as,
    });
    expect(link.status).toBe(201);
    expect((await signup('linked@example.com', { link: 'not-a-token' })).status).toBe(403);
    expect((await signup('linked@example.com', { link: link.body.token })).status).toBe(201);
    // A revoked link lets nobody in.
    expect(
      (await rest.call('DELETE', `/api/workflows/${workflowId}/links/${link.body.id}`, { as: admin.as })).status,
    ).toBeLessThan(300);
    expect((await signup('late@example.com', { link: link.body.token })).status).toBe(403);
  });

  it('validates a change (400 with issues) and leaves the settings as they were', async () => {
    for (const body of [
      {},
      { signup: 'sometimes' },
      { outboundAllow: ['not a host!'] },
      { executionRetention: { maxAgeDays: -1, maxCount: 5 } },
      { defaultTimeoutSeconds: 1e9 },
      { smtp: { host: 'mail', port: 70_000, secure: false, from: 'Weft <w@example.com>' } },
      { unknown: true },
    ]) {
      const res = await patch(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error?.code).toBe('validation_failed');
    }
    expect((await rest.call('GET', '/api/admin/settings', { as: admin.as })).body).toMatchObject({
      signup: 'open',
      outboundAllow: [],
    });
  });

  it('never returns the SMTP password, keeps it when left out, and audits changes without it', async () => {
    const set = await patch({
      smtp: {
        host: 'mail.example.com',
        port: 587,
        secure: false,
        user: 'weft',
        password: 's3cret-pw',
        from: 'W <w@x.io>',
      },
      outboundAllow: ['10.0.0.0/8', '*.Internal.example'],
      executionRetention: { maxAgeDays: 30, maxCount: 1000 },
      defaultTimeoutSeconds: 60,
    });
    expect(set.status).toBe(200);
    expect(set.body).toEqual({
      signup: 'open',
      smtp: { host: 'mail.example.com', port: 587, secure: false, user: 'weft', passwordSet: true, from: 'W <w@x.io>' },
      outboundAllow: ['10.0.0.0/8', '*.internal.example'],
      executionRetention: { maxAgeDays: 30, maxCount: 1000 },
      defaultTimeoutSeconds: 60,
    });
    // The kept password goes only to the server it was given for: another host needs it again.
    const elsewhere = await patch({
      smtp: { host: 'attacker.example', port: 587, secure: false, user: 'weft', from: 'W <w@x.io>' },
    });
    expect(elsewhere.status).toBe(400);
    expect(JSON.stringify(elsewhere.body)).toContain('smtp.password');
    const again = await patch({
      smtp: { host: 'mail.example.com', port: 587, secure: true, user: 'weft', from: 'W <w@x.io>' },
    });
    expect(again.body.smtp).toMatchObject({ host: 'mail.example.com', secure: true, passwordSet: true });
    expect(t.server.settings.value.smtp?.password).toBe('s3cret-pw');
    const read = await rest.call('GET', '/api/admin/settings', { as: admin.as });
    expect(JSON.stringify(read.body)).not.toContain('s3cret-pw');

    const trail = await rest.call<{
      events: { action: string; actor: { id: string }; data: Record<string, unknown> }[];
    }>('GET', '/api/audit?action=settings.changed', { as: admin.as });
    expect(trail.status).toBe(200);
    expect(trail.body.events).toHaveLength(2);
    expect(trail.body.events.every((e) => e.actor.id === admin.user.id)).toBe(true);
    expect(JSON.stringify(trail.body)).not.toContain('s3cret-pw');
    expect(trail.body.events[1]?.data).toMatchObject({ defaultTimeoutSeconds: 60, smtp: { passwordChanged: true } });
    expect(trail.body.events[0]?.data.smtp).not.toHaveProperty('passwordChanged');

    // Stored: a server opened again on the same database reads them back.
    const stored = await t.server.storage.settings.readAll();
    expect(JSON.stringify(stored)).not.toContain('s3cret-pw');
    expect(JSON.parse(stored.defaultTimeoutSeconds ?? 'null')).toBe(60);
  });
});
