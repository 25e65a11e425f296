import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AdminAuditEventDto, AuditPageDto } from '#shared/api/audit.ts';
import { openThread, resolveThread } from '#shared/discussion/index.ts';
import { discussionRoom } from '#shared/protocol/rooms.ts';
import { restClient, type Caller } from '../helpers/rest.ts';
import { rawSql } from '../helpers/raw-sql.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';
import { connectClient, type YwsClient } from '../helpers/yws-client.ts';

/**
 * The audit trail over REST (docs/plans/collaboration.md §6.2, §6.3, §9):
 * what people do to a workflow's access, links, mode, runs and versions is
 * recorded after it is done, with who, how and from which session; editors
 * and owners read it, page through it and filter it; the admin reads all.
 */

let t: TestServer;
let rest: ReturnType<typeof restClient>;
type Person = Awaited<ReturnType<ReturnType<typeof restClient>['signup']>>;
let admin: Person;
let owner: Person;
let ben: Person;
let workflowId: string;
const clients: YwsClient[] = [];

const node = (id: string, type: string, parameters: Record<string, unknown>, x: number) => ({
  id,
  name: id,
  type,
  typeVersion: 1,
  position: { x, y: 0 },
  parameters,
});

beforeEach(async () => {
  t = await startTestServer();
  await t.listen();
  rest = restClient(t.baseUrl);
  admin = await rest.signup('admin@example.com', 'Admin');
  owner = await rest.signup('olga@example.com', 'Olga');
  ben = await rest.signup('ben@example.com', 'Ben');
  const imported = await rest.call<{ id: string }>('POST', '/api/workflows/import', {
    as: owner.as,
    body: {
      weft: 1,
      name: 'Orders',
      nodes: [node('start', 'manualTrigger', {}, 0), node('work', 'code', { jsCode: 'return $input.all();' }, 200)],
      edges: [{ source: 'start', target: 'work' }],
    },
  });
  workflowId = imported.body.id;
});
afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  await t.close();
});

const trail = (query = '', as: Caller = owner.as) =>
  rest.call<AuditPageDto>('GET', `/api/workflows/${workflowId}/audit${query}`, { as });

const actions = async (query = '', as: Caller = owner.as) => {
  const res = await trail(query, as);
  expect(res.status).toBe(200);
  return res.body.events.map((e) => e.action);
};

const ok = async (method: string, path: string, as: Caller, body?: unknown, status = 200) => {
  const res = await rest.call(method, path, { as, ...(body === undefined ? {} : { body }) });
  expect(res.status, `${method} ${path}: ${JSON.stringify(res.body)}`).toBe(status);
  return res.body;
};

const expectError = (res: { status: number; body: unknown }, status: number, code: string, message?: RegExp) => {
  expect(res.status).toBe(status);
  expect(res.body).toMatchObject({ error: { code, message: expect.stringMatching(message ?? /./) as string } });
};

describe('what is recorded', () => {
  it('member changes and invitations, with who, how and from which session', async () => {
    await rest.addMember(owner.as, workflowId, ben, 'editor');
    await ok('POST', `/api/workflows/${workflowId}/members`, owner.as, { email: ben.user.email, role: 'viewer' });
    const invited = await ok(
      'POST',
      `/api/workflows/${workflowId}/members`,
      owner.as,
      {
        email: 'cy@example.com',
        role: 'commenter',
      },
      202,
    );
    const invitationId = (invited.invitation as { id: string }).id;
    await ok('DELETE', `/api/workflows/${workflowId}/invitations/${invitationId}`, owner.as, undefined, 204);
    await ok('DELETE', `/api/workflows/${workflowId}/members/${ben.user.id}`, { token: ben.token }, undefined, 204);

    const { events } = (await trail()).body;
    expect(events.map((e) => e.action)).toEqual([
      'member.left',
      'invitation.cancelled',
      'member.invited',
      'member.role_changed',
      'invitation.accepted',
      'member.invited',
      'workflow.imported',
    ]);
    const [left, , cyInvited, changed, accepted] = events;
    // Ben left with his API token: the trail names the token, not a session.
    const tokens = await rest.call<{ tokens: { id: string }[] }>('GET', '/api/tokens', { as: ben.as });
    expect(left).toMatchObject({
      actor: { id: ben.user.id, name: 'Ben' },
      via: 'token',
      session: `token:${tokens.body.tokens[0]?.id}`,
      target: { type: 'user', id: ben.user.id },
      data: { role: 'viewer' },
    });
    // Olga's cookie: the id her sessions page shows.
    const sessions = await rest.call<{ sessions: { id: string; current: boolean }[] }>('GET', '/api/auth/sessions', {
      as: owner.as,
    });
    expect(changed).toMatchObject({
      actor: { id: owner.user.id, name: 'Olga' },
      via: 'session',
      session: sessions.body.sessions.find((s) => s.current)?.id,
      data: { from: 'editor', to: 'viewer' },
    });
    expect(cyInvited?.data).toEqual({ role: 'commenter', email: 'cy@example.com' });
    expect(accepted).toMatchObject({ actor: { id: ben.user.id }, data: { role: 'editor' } });
    expect(Date.now() - (left?.at ?? 0)).toBeLessThan(60_000);
    expect(Number(left?.id)).toBeGreaterThan(Number(changed?.id));
  });

  it('links, modes and the pen, publishing, runs and versions', async () => {
    await rest.addMember(owner.as, workflowId, ben, 'editor');
    const dan = await rest.signup('dan@example.com', 'Dan');
    const link = await ok('POST', `/api/workflows/${workflowId}/links`, owner.as, { role: 'viewer' }, 201);
    await ok('POST', `/api/links/${String(link.token)}/join`, dan.as);
    await ok('DELETE', `/api/workflows/${workflowId}/links/${String(link.id)}`, owner.as, undefined, 204);
    await ok('PUT', `/api/workflows/${workflowId}/mode`, owner.as, { mode: 'pen' });
    await ok('POST', `/api/workflows/${workflowId}/pen`, ben.as, { force: true }, 403);
    await ok('POST', `/api/workflows/${workflowId}/pen`, owner.as, { force: true });
    await ok('POST', `/api/workflows/${workflowId}/pen/handover`, owner.as, { userId: ben.user.id });
    await ok('DELETE', `/api/workflows/${workflowId}/pen`, ben.as, undefined, 204);
    await ok('PUT', `/api/workflows/${workflowId}/mode`, owner.as, { mode: 'parallel' });
    await ok('POST', `/api/workflows/${workflowId}/publish`, owner.as);
    const run = await ok('POST', `/api/workflows/${workflowId}/run`, ben.as, undefined, 201);
    await ok('POST', `/api/executions/${String(run.id)}/stop`, ben.as, undefined, 202);
    const named = await ok('POST', `/api/workflows/${workflowId}/versions`, ben.as, { name: 'Before the change' }, 201);
    await ok('POST', `/api/workflows/${workflowId}/versions/${String(named.id)}/restore`, owner.as);

    const { events } = (await trail('?limit=200')).body;
    expect(events.map((e) => e.action)).toEqual([
      'version.restored',
      'version.named',
      'run.stopped',
      'run.started',
      'workflow.published',
      'mode.changed',
      'pen.released',
      'pen.handed_over',
      'pen.forced',
      'mode.changed',
      'link.revoked',
      'link.used',
      'link.created',
      'invitation.accepted',
      'member.invited',
      'workflow.imported',
    ]);
    const byAction = (a: string) => events.find((e) => e.action === a);
    expect(byAction('link.used')).toMatchObject({
      actor: { id: dan.user.id, name: 'Dan' },
      target: { type: 'user', id: dan.user.id },
      data: { role: 'viewer' },
    });
    expect(byAction('link.created')).toMatchObject({ target: { type: 'link', id: link.id }, data: { role: 'viewer' } });
    expect(byAction('pen.handed_over')).toMatchObject({ target: { type: 'user', id: ben.user.id } });
    expect(byAction('run.started')).toMatchObject({
      actor: { id: ben.user.id },
      target: { type: 'execution', id: run.id },
      data: { mode: 'manual' },
    });
    expect(byAction('version.named')).toMatchObject({ data: { name: 'Before the change' } });
    expect(byAction('mode.changed')?.data).toEqual({ mode: 'parallel', reason: null });
  });

  it('a request for the pen, naming its holder, and a rename from the old name to the new', async () => {
    await rest.addMember(owner.as, workflowId, ben, 'editor');
    await ok('PUT', `/api/workflows/${workflowId}/mode`, owner.as, { mode: 'pen' });
    await ok('POST', `/api/workflows/${workflowId}/pen`, owner.as);
    await ok('POST', `/api/workflows/${workflowId}/pen/request`, ben.as, undefined, 202);
    await ok('DELETE', `/api/workflows/${workflowId}/pen`, owner.as, undefined, 204);
    await ok('PUT', `/api/workflows/${workflowId}/mode`, owner.as, { mode: 'parallel' });
    await ok('PATCH', `/api/workflows/${workflowId}`, ben.as, { name: 'Orders v2' });
    // A patch that leaves the name as it is (the description alone) renames nothing.
    await ok('PATCH', `/api/workflows/${workflowId}`, ben.as, { name: 'Orders v2', description: 'Now with refunds' });

    const [requested] = (await trail('?action=pen.requested')).body.events;
    expect(requested).toMatchObject({
      actor: { id: ben.user.id, name: 'Ben' },
      via: 'session',
      target: { type: 'user', id: owner.user.id },
    });
    const renames = (await trail('?action=workflow.renamed')).body.events;
    expect(renames).toHaveLength(1);
    expect(renames[0]).toMatchObject({
      actor: { id: ben.user.id },
      data: { from: 'Orders', to: 'Orders v2' },
    });
    // Editors read it too: the names are not addresses.
    expect((await trail('?action=workflow.renamed', ben.as)).body.events[0]?.data).toEqual({
      from: 'Orders',
      to: 'Orders v2',
    });
  });

  it('a comment resolved over the stock client, by whoever resolved it', async () => {
    await rest.addMember(owner.as, workflowId, ben, 'commenter');
    const c = connectClient(t.wsUrl, discussionRoom(workflowId), { token: ben.token });
    clients.push(c);
    await c.synced();
    const { threadId } = openThread(c.doc, {
      anchor: { kind: 'workflow' },
      author: ben.user.id,
      body: 'Is this right?',
      now: Date.now(),
    });
    resolveThread(c.doc, { threadId, by: ben.user.id, now: Date.now() });
    await expect.poll(() => actions('?action=comment.'), { timeout: 5000 }).toEqual(['comment.resolved']);
    const [resolved] = (await trail('?action=comment.')).body.events;
    expect(resolved).toMatchObject({
      action: 'comment.resolved',
      actor: { id: ben.user.id, name: 'Ben' },
      via: 'socket',
      target: { type: 'thread', id: threadId },
    });
  });

  it('an idle pen released by the server, as the system', async () => {
    await t.close();
    t = await startTestServer({ penIdleMs: 200, modeSweepMs: 50 });
    rest = restClient(t.server.app);
    owner = await rest.signup('olga@example.com', 'Olga');
    workflowId = await rest.createWorkflow(owner.as, 'Idle');
    await ok('PUT', `/api/workflows/${workflowId}/mode`, owner.as, { mode: 'pen' });
    await expect.poll(() => actions('?action=pen.released'), { timeout: 5000 }).toEqual(['pen.released']);
    const [released] = (await trail('?action=pen.released')).body.events;
    expect(released).toMatchObject({ actor: null, via: 'system', session: null, data: { reason: 'idle' } });
  });
});

describe('access changes and their events, in one transaction', () => {
  /** Makes the database refuse member events, as a full disk or a broken audit table would. */
  const refuseMemberEvents = async () => {
    if (t.server.storage.dialect === 'sqlite') {
      await rawSql(
        t.server,
        `create trigger refuse_member_events before insert on audit_events when new.action like 'member.%'
         begin select raise(abort, 'audit refused'); end`,
      );
      return () => rawSql(t.server, 'drop trigger refuse_member_events');
    }
    await rawSql(
      t.server,
      `create function refuse_member_events() returns trigger language plpgsql as $f$
       begin if new.action like 'member.%' then raise exception 'audit refused'; end if; return new; end $f$`,
    );
    await rawSql(
      t.server,
      'create trigger refuse_member_events before insert on audit_events for each row execute function refuse_member_events()',
    );
    return () => rawSql(t.server, 'drop trigger refuse_member_events on audit_events');
  };
  const roleOf = async (userId: string) => {
    const res = await rest.call<{ members: { userId: string; role: string }[] }>(
      'GET',
      `/api/workflows/${workflowId}/members`,
      { as: owner.as },
    );
    return res.body.members.find((m) => m.userId === userId)?.role;
  };

  it('a role change or a removal the trail cannot record is not made', async () => {
    await rest.addMember(owner.as, workflowId, ben, 'editor');
    const allow = await refuseMemberEvents();
    const demote = { email: 'ben@example.com', role: 'viewer' };
    expect(
      (await rest.call('POST', `/api/workflows/${workflowId}/members`, { as: owner.as, body: demote })).status,
    ).toBe(500);
    expect(await roleOf(ben.user.id)).toBe('editor');
    expect(
      (await rest.call('DELETE', `/api/workflows/${workflowId}/members/${ben.user.id}`, { as: owner.as })).status,
    ).toBe(500);
    expect(await roleOf(ben.user.id)).toBe('editor');
    expect(await actions('?action=member.role_changed,member.removed')).toEqual([]);

    await allow();
    await ok('POST', `/api/workflows/${workflowId}/members`, owner.as, demote);
    await ok('DELETE', `/api/workflows/${workflowId}/members/${ben.user.id}`, owner.as, undefined, 204);
    expect(await roleOf(ben.user.id)).toBeUndefined();
    const events = (await trail('?action=member.role_changed,member.removed')).body.events;
    expect(events.map((e) => [e.action, e.data])).toEqual([
      ['member.removed', { role: 'viewer' }],
      ['member.role_changed', { from: 'editor', to: 'viewer' }],
    ]);
  });
});

describe('reading it', () => {
  it('pages newest first with a cursor that others appending do not move; filters by action, actor and time', async () => {
    for (let i = 0; i < 5; i++)
      await ok('POST', `/api/workflows/${workflowId}/versions`, owner.as, { name: `v${i}` }, 201);
    const first = (await trail('?limit=2&action=version.')).body;
    expect(first.events.map((e) => e.data.name)).toEqual(['v4', 'v3']);
    expect(first.nextCursor).toBe(first.events[1]?.id);
    await ok('POST', `/api/workflows/${workflowId}/versions`, owner.as, { name: 'late' }, 201);
    const second = (await trail(`?limit=2&action=version.&cursor=${first.nextCursor}`)).body;
    expect(second.events.map((e) => e.data.name)).toEqual(['v2', 'v1']);
    const third = (await trail(`?limit=2&action=version.&cursor=${second.nextCursor}`)).body;
    expect(third.events.map((e) => e.data.name)).toEqual(['v0']);
    expect(third.nextCursor).toBeNull();

    await rest.addMember(owner.as, workflowId, ben, 'editor');
    expect(await actions(`?actor=${ben.user.id}`)).toEqual(['invitation.accepted']);
    expect(await actions('?action=member.')).toEqual(['member.invited']);
    expect(await actions('?action=member.,invitation.')).toEqual(['invitation.accepted', 'member.invited']);
    expect(await actions('?since=2099-01-01')).toEqual([]);
    expect(await actions(`?until=${Date.now() - 3_600_000}`)).toEqual([]);
    expect((await actions(`?since=${Date.now() - 3_600_000}`)).length).toBe(9);
  });

  it('shows invitee addresses to owners only; editors read the rest', async () => {
    await rest.addMember(owner.as, workflowId, ben, 'editor');
    const asOwner = (await trail('?action=member.invited')).body.events[0];
    const asEditor = (await trail('?action=member.invited', ben.as)).body.events[0];
    expect(asOwner?.data).toEqual({ role: 'editor', email: 'ben@example.com' });
    expect(asEditor?.data).toEqual({ role: 'editor' });
  });

  it('400 names the field; 403 for commenters, viewers, outsiders and a non-admin on /api/audit; 404 for no workflow', async () => {
    expectError(await trail('?cursor=abc'), 400, 'bad_request', /cursor/);
    expectError(await trail('?limit=0'), 400, 'bad_request', /limit/);
    expectError(await trail('?limit=201'), 400, 'bad_request', /limit/);
    expectError(await trail('?action=Member!'), 400, 'bad_request', /action/);
    expectError(await trail('?actor=a%20b'), 400, 'bad_request', /actor/);
    expectError(await trail('?since=yesterday'), 400, 'bad_request', /since/);
    expectError(await trail('?until=2024-13-45'), 400, 'bad_request', /until/);
    const cy = await rest.signup('cy@example.com', 'Cy');
    const vi = await rest.signup('vi@example.com', 'Vi');
    await rest.addMember(owner.as, workflowId, cy, 'commenter');
    await rest.addMember(owner.as, workflowId, vi, 'viewer');
    expectError(await trail('', cy.as), 403, 'forbidden', /commenter/);
    expectError(await trail('', vi.as), 403, 'forbidden', /viewer/);
    expectError(await trail('', ben.as), 403, 'forbidden', /not a member/);
    expectError(
      await rest.call('GET', '/api/workflows/nosuchworkflow/audit', { as: owner.as }),
      404,
      'not_found',
      /nosuchworkflow/,
    );
    expectError(await rest.call('GET', '/api/audit', { as: owner.as }), 403, 'forbidden', /admin/);
    expect((await rest.call('GET', '/api/audit')).status).toBe(401);
  });

  it('the admin reads every workflow’s events and the account events, with addresses', async () => {
    await ok('POST', `/api/admin/users/${ben.user.id}/disable`, admin.as);
    await ok('POST', `/api/admin/users/${ben.user.id}/enable`, admin.as);
    // Disabling ended Ben's sessions; Olga makes the other workflow.
    const other = await rest.createWorkflow(owner.as, 'Elsewhere');
    const all = await rest.call<{ events: AdminAuditEventDto[]; nextCursor: string | null }>('GET', '/api/audit', {
      as: admin.as,
    });
    expect(all.body.events.map((e) => e.action)).toEqual([
      'workflow.created',
      'user.enabled',
      'user.disabled',
      'workflow.imported',
    ]);
    expect(all.body.events[1]).toMatchObject({
      actor: { id: admin.user.id },
      target: { type: 'user', id: ben.user.id },
      workflow: null,
      address: expect.stringMatching(/127\.0\.0\.1/) as string,
    });
    expect(all.body.events[0]?.workflow).toEqual({ id: other, name: 'Elsewhere' });
    const one = await rest.call<{ events: AdminAuditEventDto[] }>('GET', `/api/audit?workflowId=${workflowId}`, {
      as: admin.as,
    });
    expect(one.body.events.map((e) => e.action)).toEqual(['workflow.imported']);
  });

  it('keeps a deleted workflow’s events under its name, and nobody can rewrite them', async () => {
    await ok('DELETE', `/api/workflows/${workflowId}`, owner.as, undefined, 204);
    const all = await rest.call<{ events: AdminAuditEventDto[] }>('GET', `/api/audit?workflowId=${workflowId}`, {
      as: admin.as,
    });
    expect(all.body.events.map((e) => [e.action, e.workflow?.name])).toEqual([
      ['workflow.deleted', 'Orders'],
      ['workflow.imported', 'Orders'],
    ]);
    await expect(rawSql(t.server, `update audit_events set actor_name = 'Nobody'`)).rejects.toThrow(/append-only/);
  });
});
