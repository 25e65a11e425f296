import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CloseCodes } from '#shared/protocol/close-codes.ts';
import { restClient, type Caller } from '../helpers/rest.ts';
import { rawSql } from '../helpers/raw-sql.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';
import { connectClient, waitFor, type YwsClient } from '../helpers/yws-client.ts';

/**
 * Share links over REST (docs/plans/collaboration.md §3.3, §9): owners make,
 * list and revoke them; anyone holding one looks at it and, signed in,
 * joins through it. In-process requests, except where sockets must stay
 * open or be told of a new role.
 */

let t: TestServer;
let rest: ReturnType<typeof restClient>;
type Person = Awaited<ReturnType<ReturnType<typeof restClient>['signup']>>;
let owner: Person;
let workflowId: string;
const clients: YwsClient[] = [];

const setUp = async (overrides: Parameters<typeof startTestServer>[0] = {}) => {
  t = await startTestServer(overrides);
  rest = restClient(t.server.app);
  await rest.signup('admin@example.com');
  owner = await rest.signup('olga@example.com', 'Olga');
  workflowId = await rest.createWorkflow(owner.as, 'Orders');
};

beforeEach(async () => {
  await setUp();
});
afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  await t.close();
});

const expectError = (res: { status: number; body: unknown }, status: number, code: string, message?: RegExp) => {
  expect(res.status).toBe(status);
  expect(res.body).toMatchObject({ error: { code, message: expect.stringMatching(message ?? /./) as string } });
};

interface Created {
  id: string;
  token: string;
  url: string;
  role: string;
  uses: number;
}

const createLink = async (body: Record<string, unknown> = { role: 'editor' }, as: Caller = owner.as) => {
  const res = await rest.call<Created>('POST', `/api/workflows/${workflowId}/links`, { body, as });
  if (res.status !== 201) throw new Error(`create link: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
};

const join = (token: string, as: Caller) =>
  rest.call<{ workflowId: string; role: string }>('POST', `/api/links/${token}/join`, { as });

const roleOf = async (userId: string) => t.server.storage.workflows.memberRole(workflowId, userId);

describe('making links', () => {
  it('answers 201 with the token and its URL, and keeps only a hash and a sealed copy', async () => {
    const res = await rest.call('POST', `/api/workflows/${workflowId}/links`, {
      body: { role: 'commenter', maxUses: 3, label: ' Reviewers ', expiresAt: '2099-01-01T00:00:00Z' },
      as: owner.as,
    });
    // 2099 is more than a year ahead: refused; a week ahead is fine.
    expectError(res, 400, 'validation_failed', /at most a year ahead/);
    const weekAhead = new Date(Date.now() + 7 * 86_400_000).toISOString();
    const before = Date.now();
    const created = await rest.call('POST', `/api/workflows/${workflowId}/links`, {
      body: { role: 'commenter', maxUses: 3, label: ' Reviewers ', expiresAt: weekAhead },
      as: owner.as,
    });
    expect(created.status).toBe(201);
    const token = String(created.body.token);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(created.body).toEqual({
      id: expect.any(String) as string,
      token,
      url: `http://localhost/join/${token}`,
      role: 'commenter',
      label: 'Reviewers',
      uses: 0,
      maxUses: 3,
      expiresAt: Date.parse(weekAhead),
      revokedAt: null,
      createdAt: expect.any(Number) as number,
      createdBy: owner.user.id,
    });
    expect(created.body.createdAt as number).toBeGreaterThanOrEqual(before);
    const stored = await rawSql<{ token_hash: string; token_sealed: Uint8Array }>(
      t.server,
      'select token_hash, token_sealed from workflow_links',
    );
    expect(stored).toHaveLength(1);
    expect(stored[0]?.token_hash).not.toBe(token);
    expect(Buffer.from(stored[0]?.token_sealed ?? []).toString('latin1')).not.toContain(token);
    // A bare date is the end of that day in UTC; no expiry and no limit are null.
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    expect((await createLink({ role: 'viewer', expiresAt: tomorrow })) as unknown).toMatchObject({
      expiresAt: Date.parse(`${tomorrow}T23:59:59.999Z`),
      maxUses: null,
      label: null,
    });
  });

  it('names the public origin a trusted proxy forwards', async () => {
    await t.close();
    await setUp({ trustProxy: true });
    const res = await rest.call<Created>('POST', `/api/workflows/${workflowId}/links`, {
      body: { role: 'viewer' },
      as: owner.as,
      headers: {
        'x-forwarded-host': 'weft.example.com',
        'x-forwarded-proto': 'https',
        origin: 'https://weft.example.com',
      },
    });
    expect(res.status).toBe(201);
    expect(res.body.url).toBe(`https://weft.example.com/join/${res.body.token}`);
  });

  it('refuses what a link may not be, each with 400', async () => {
    const refused = async (body: Record<string, unknown>, message: RegExp) => {
      const res = await rest.call('POST', `/api/workflows/${workflowId}/links`, { body, as: owner.as });
      expectError(res, 400, 'validation_failed', message);
    };
    await refused({ role: 'owner' }, /A link cannot make owners/);
    await refused({ role: 'admin' }, /role/);
    await refused({ role: 'editor', expiresAt: new Date(Date.now() - 60_000).toISOString() }, /in the future/);
    await refused({ role: 'editor', expiresAt: '2020-01-01' }, /in the future/);
    await refused({ role: 'editor', expiresAt: new Date(Date.now() + 400 * 86_400_000).toISOString() }, /a year/);
    await refused({ role: 'editor', expiresAt: 'next week' }, /expiresAt/);
    await refused({ role: 'editor', maxUses: 0 }, /maxUses/);
    await refused({ role: 'editor', maxUses: 10_001 }, /maxUses/);
    await refused({ role: 'editor', maxUses: 1.5 }, /maxUses/);
    await refused({ role: 'editor', label: 'x'.repeat(101) }, /label/);
    await refused({ role: 'editor', token: 'mine' }, /token/);
    expect((await createLink({ role: 'editor', maxUses: 10_000, label: 'x'.repeat(100) })).role).toBe('editor');
  });

  it('is for owners: 403 for an editor, a viewer or a stranger, 404 for no workflow, 401 signed out', async () => {
    const editor = await rest.signup('ed@example.com');
    const viewer = await rest.signup('vi@example.com');
    const stranger = await rest.signup('st@example.com');
    await rest.addMember(owner.as, workflowId, editor, 'editor');
    await rest.addMember(owner.as, workflowId, viewer, 'viewer');
    const { id } = await createLink();
    for (const who of [editor, viewer, stranger]) {
      const made = await rest.call('POST', `/api/workflows/${workflowId}/links`, {
        body: { role: 'viewer' },
        as: who.as,
      });
      expectError(made, 403, 'forbidden');
      expectError(await rest.call('GET', `/api/workflows/${workflowId}/links`, { as: who.as }), 403, 'forbidden');
      expectError(
        await rest.call('DELETE', `/api/workflows/${workflowId}/links/${id}`, { as: who.as }),
        403,
        'forbidden',
      );
    }
    expectError(
      await rest.call('POST', '/api/workflows/nosuchflow/links', { body: { role: 'viewer' }, as: owner.as }),
      404,
      'not_found',
    );
    expectError(await rest.call('GET', '/api/workflows/nosuchflow/links', { as: owner.as }), 404, 'not_found');
    expectError(await rest.call('GET', `/api/workflows/${workflowId}/links`), 401, 'unauthorized');
  });
});

describe('listing and revoking', () => {
  it('lists links newest first with their URL and who joined; revoking twice is 204, an unknown id 404', async () => {
    const first = await createLink({ role: 'viewer', label: 'first' });
    // Links made in the same millisecond have no order between them (newest first is by time).
    await new Promise((r) => setTimeout(r, 5));
    const second = await createLink({ role: 'editor' });
    const bob = await rest.signup('bob@example.com', 'Bob');
    expect((await join(first.token, bob.as)).status).toBe(200);
    const listed = await rest.call<{ links: Record<string, unknown>[] }>('GET', `/api/workflows/${workflowId}/links`, {
      as: owner.as,
    });
    expect(listed.status).toBe(200);
    expect(listed.body.links.map((l) => l.id)).toEqual([second.id, first.id]);
    expect(listed.body.links[1]).toEqual({
      id: first.id,
      role: 'viewer',
      uses: 1,
      maxUses: null,
      expiresAt: null,
      revokedAt: null,
      label: 'first',
      url: `http://localhost/join/${first.token}`,
      createdAt: expect.any(Number) as number,
      createdBy: owner.user.id,
      joined: [{ userId: bob.user.id, name: 'Bob', email: 'bob@example.com', joinedAt: expect.any(Number) as number }],
    });
    expect(listed.body.links[0]).not.toHaveProperty('token');

    const revoke = () => rest.call('DELETE', `/api/workflows/${workflowId}/links/${first.id}`, { as: owner.as });
    expect((await revoke()).status).toBe(204);
    expect((await revoke()).status).toBe(204);
    expectError(
      await rest.call('DELETE', `/api/workflows/${workflowId}/links/nosuchlink`, { as: owner.as }),
      404,
      'not_found',
    );
    // A link of another workflow is no link of this one.
    const otherId = await rest.createWorkflow(owner.as, 'Other');
    expectError(
      await rest.call('DELETE', `/api/workflows/${otherId}/links/${second.id}`, { as: owner.as }),
      404,
      'not_found',
    );
    const after = await rest.call<{ links: { id: string; revokedAt: number | null }[] }>(
      'GET',
      `/api/workflows/${workflowId}/links`,
      { as: owner.as },
    );
    expect(after.body.links.find((l) => l.id === first.id)?.revokedAt).toEqual(expect.any(Number));
    // Revoking keeps the members it brought in.
    expect(await roleOf(bob.user.id)).toBe('viewer');
    expectError(await join(first.token, bob.as), 410, 'gone', /^This link was turned off by its owner$/);
  });
});

describe('looking at a link and joining through it', () => {
  it('shows a signed-out visitor the workflow, the role and who invites; 404 for unknown tokens', async () => {
    const link = await createLink({ role: 'commenter' });
    const res = await rest.call('GET', `/api/links/${link.token}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ workflowName: 'Orders', role: 'commenter', invitedBy: 'Olga', expiresAt: null });
    expectError(await rest.call('GET', `/api/links/${'A'.repeat(43)}`), 404, 'not_found');
    expectError(await rest.call('GET', '/api/links/short'), 404, 'not_found');
    expectError(await join('A'.repeat(43), owner.as), 404, 'not_found');
    // Joining needs an account.
    expectError(await rest.call('POST', `/api/links/${link.token}/join`), 401, 'unauthorized');
  });

  it('joins with the link’s role, answers 200 again for a member, and counts each person once', async () => {
    const link = await createLink({ role: 'editor' });
    const bob = await rest.signup('bob@example.com');
    const first = await join(link.token, bob.as);
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ workflowId, role: 'editor' });
    expect(await join(link.token, bob.as)).toMatchObject({ status: 200, body: { workflowId, role: 'editor' } });
    // The owner is already more than an editor: 200 with the role they hold, and no use.
    expect(await join(link.token, owner.as)).toMatchObject({ status: 200, body: { workflowId, role: 'owner' } });
    expect(await roleOf(bob.user.id)).toBe('editor');
    const listed = await rest.call<{ links: { uses: number }[] }>('GET', `/api/workflows/${workflowId}/links`, {
      as: owner.as,
    });
    expect(listed.body.links[0]?.uses).toBe(1);
    const opened = await rest.call('GET', `/api/workflows/${workflowId}`, { as: bob.as });
    expect(opened).toMatchObject({ status: 200, body: { role: 'editor' } });
  });

  it('a link with a usage limit of 1 admits the first person and refuses the second with 410', async () => {
    const link = await createLink({ role: 'viewer', maxUses: 1 });
    const bob = await rest.signup('bob@example.com');
    const carol = await rest.signup('carol@example.com');
    expect((await join(link.token, bob.as)).status).toBe(200);
    const second = await join(link.token, carol.as);
    expectError(second, 410, 'gone', /^This link has been used by as many people as it allows \(1\)$/);
    expect(await roleOf(carol.user.id)).toBeUndefined();
    expectError(await rest.call('GET', `/api/links/${link.token}`), 410, 'gone', /\(1\)/);
  });

  it('an expired link answers 410 naming the day it expired', async () => {
    const link = await createLink({ role: 'viewer', expiresAt: new Date(Date.now() + 3_600_000).toISOString() });
    // Its time has come: moved back to 3 Dec 2026, 10:00 UTC.
    await rawSql(t.server, 'update workflow_links set expires_at = ? where id = ?', [
      Date.UTC(2026, 11, 3, 10),
      link.id,
    ]);
    const bob = await rest.signup('bob@example.com');
    expectError(await join(link.token, bob.as), 410, 'gone', /^This link expired on 3 Dec 2026$/);
    expectError(await rest.call('GET', `/api/links/${link.token}`), 410, 'gone', /expired on 3 Dec 2026/);
    expect(await roleOf(bob.user.id)).toBeUndefined();
  });

  it('limits requests by token per address with 429 and Retry-After', async () => {
    await t.close();
    await setUp({ linkLimitPerAddress: 3 });
    const link = await createLink({ role: 'viewer' });
    for (let i = 0; i < 3; i++) expect((await rest.call('GET', `/api/links/${link.token}`)).status).toBe(200);
    const limited = await rest.call('GET', `/api/links/${link.token}`);
    expectError(limited, 429, 'too_many_requests');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    const bob = await rest.signup('bob@example.com');
    expectError(await join(link.token, bob.as), 429, 'too_many_requests');
    // Owners' own routes count nothing.
    expect((await rest.call('GET', `/api/workflows/${workflowId}/links`, { as: owner.as })).status).toBe(200);
  });
});

describe('links and open sockets', () => {
  const client = (who: Person) => {
    const c = connectClient(t.wsUrl, workflowId, { token: who.token });
    clients.push(c);
    return c;
  };

  it('revoking a link leaves a person who joined through it connected', async () => {
    await t.listen();
    const link = await createLink({ role: 'editor' });
    const bob = await rest.signup('bob@example.com');
    expect((await join(link.token, bob.as)).status).toBe(200);
    const socket = client(bob);
    await socket.synced();
    expect((await rest.call('DELETE', `/api/workflows/${workflowId}/links/${link.id}`, { as: owner.as })).status).toBe(
      204,
    );
    // What a removal would do (4403) has time to happen; nothing does.
    await new Promise((r) => setTimeout(r, 300));
    expect(socket.closes).toEqual([]);
    expect(socket.provider.wsconnected).toBe(true);
    expect(await roleOf(bob.user.id)).toBe('editor');
  });

  it('joining through a link that raises a viewer to editor sends their open socket 4100', async () => {
    await t.listen();
    const bob = await rest.signup('bob@example.com');
    await rest.addMember(owner.as, workflowId, bob, 'viewer');
    const socket = client(bob);
    await socket.synced();
    const link = await createLink({ role: 'editor' });
    expect(await join(link.token, bob.as)).toMatchObject({ status: 200, body: { role: 'editor' } });
    await waitFor('the socket to be told of its new role', () => socket.closes.length > 0);
    expect(socket.closes[0]?.code).toBe(CloseCodes.roleChanged);
    expect(await roleOf(bob.user.id)).toBe('editor');
    // A link that does not raise them closes nothing.
    await socket.synced();
    const viewerLink = await createLink({ role: 'viewer' });
    expect(await join(viewerLink.token, bob.as)).toMatchObject({ status: 200, body: { role: 'editor' } });
    await new Promise((r) => setTimeout(r, 200));
    expect(socket.closes).toHaveLength(1);
  });
});
