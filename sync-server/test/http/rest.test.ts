import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { restClient } from '../helpers/rest.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';

/** The REST API in-process (hono app.request) over a real SQLite database. */

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

describe('health', () => {
  it('GET /healthz answers ok', async () => {
    const res = await rest.call('GET', '/healthz');
    expect(res).toMatchObject({ status: 200, body: { ok: true } });
  });
});

describe('accounts', () => {
  it('sign-up sets an HttpOnly SameSite session cookie; the first account is the admin, later ones are not', async () => {
    const res = await rest.call<{ user: { isAdmin: boolean; email: string } }>('POST', '/api/auth/signup', {
      body: { email: ' Ann@Example.COM ', password: 'long enough', name: 'Ann' },
    });
    expect(res.status).toBe(201);
    expect(res.body.user).toMatchObject({ email: 'ann@example.com', isAdmin: true });
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^weft_session=ws_/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    const second = await rest.signup('bob@example.com');
    expect(second.user.isAdmin).toBe(false);
  });

  it('refuses bad sign-ups with every problem listed', async () => {
    const res = await rest.call<{ error: { issues: { path: string[] }[] } }>('POST', '/api/auth/signup', {
      body: { email: 'not-an-email', password: 'short', name: '' },
    });
    expectError(res, 400, 'validation_failed');
    expect(res.body.error.issues.map((i) => i.path[0]).sort()).toEqual(['email', 'name', 'password']);
    await rest.signup('dup@example.com');
    expectError(
      await rest.call('POST', '/api/auth/signup', {
        body: { email: 'DUP@example.com', password: 'long enough', name: 'X' },
      }),
      409,
      'conflict',
    );
  });

  it('rejects non-JSON bodies, malformed JSON and unknown fields', async () => {
    expectError(
      await rest.call('POST', '/api/auth/login', {
        raw: 'email=a',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      }),
      415,
      'unsupported_media_type',
    );
    expectError(await rest.call('POST', '/api/auth/login', { raw: '{"email":' }), 400, 'bad_request');
    expectError(
      await rest.call('POST', '/api/auth/login', { body: { email: 'a@b.co', password: 'x', admin: true } }),
      400,
      'validation_failed',
    );
  });

  it('logs in, tells who I am, logs out', async () => {
    await rest.signup('cat@example.com', 'Cat', 'meow meow meow');
    expectError(
      await rest.call('POST', '/api/auth/login', { body: { email: 'cat@example.com', password: 'woof woof' } }),
      401,
      'unauthorized',
    );
    expectError(
      await rest.call('POST', '/api/auth/login', { body: { email: 'nobody@example.com', password: 'woof woof' } }),
      401,
      'unauthorized',
    );
    const login = await rest.call('POST', '/api/auth/login', {
      body: { email: 'CAT@example.com', password: 'meow meow meow' },
    });
    expect(login.status).toBe(200);
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const me = await rest.call<{ user: { name: string } }>('GET', '/api/auth/me', { as: { cookie } });
    expect(me.body.user.name).toBe('Cat');
    expect((await rest.call('POST', '/api/auth/logout', { as: { cookie } })).status).toBe(204);
    expectError(await rest.call('GET', '/api/auth/me', { as: { cookie } }), 401, 'unauthorized');
  });

  it('the instance says, to anyone, that sign-up is open', async () => {
    expect(await rest.call('GET', '/api/instance')).toMatchObject({
      status: 200,
      body: { emailInvitations: false, signup: 'open' },
    });
  });

  it('with sign-up closed, only the first account can be created', async () => {
    await t.close();
    t = await startTestServer({ signup: 'closed' });
    rest = restClient(t.server.app);
    // Public, for a share link's signed-out visitor: they are told to ask the admin rather than shown Sign up.
    expect((await rest.call('GET', '/api/instance')).body).toEqual({ emailInvitations: false, signup: 'closed' });
    await rest.signup('admin@example.com');
    expectError(
      await rest.call('POST', '/api/auth/signup', {
        body: { email: 'late@example.com', password: 'long enough', name: 'Late' },
      }),
      403,
      'forbidden',
    );
  });

  it('API tokens work as Bearer tokens, are listed without their secret, and stop working when deleted', async () => {
    const ann = await rest.signup('ann@example.com');
    const me = await rest.call<{ user: { email: string } }>('GET', '/api/auth/me', { as: { token: ann.token } });
    expect(me.body.user.email).toBe('ann@example.com');
    const list = await rest.call<{ tokens: Record<string, unknown>[] }>('GET', '/api/tokens', { as: ann.as });
    expect(list.body.tokens).toHaveLength(1);
    expect(JSON.stringify(list.body)).not.toContain(ann.token);
    expect(list.body.tokens[0]).toMatchObject({ name: 'test', lastUsedAt: expect.any(Number) as number });
    const id = list.body.tokens[0]?.id as string;
    expect((await rest.call('DELETE', `/api/tokens/${id}`, { as: ann.as })).status).toBe(204);
    expectError(await rest.call('GET', '/api/auth/me', { as: { token: ann.token } }), 401, 'unauthorized');
    expectError(await rest.call('GET', '/api/auth/me', { as: { token: 'weft_forged' } }), 401, 'unauthorized');
  });

  it('refuses a cookie-authenticated write from another origin', async () => {
    const ann = await rest.signup('ann@example.com');
    expectError(
      await rest.call('POST', '/api/workflows', {
        body: { name: 'x' },
        as: ann.as,
        headers: { origin: 'https://evil.example', host: 'localhost' },
      }),
      403,
      'forbidden',
    );
    const same = await rest.call('POST', '/api/workflows', {
      body: { name: 'x' },
      as: ann.as,
      headers: { origin: 'http://localhost', host: 'localhost' },
    });
    expect(same.status).toBe(201);
  });
});

describe('workflows', () => {
  it('create, list, get, rename through the document, delete', async () => {
    const ann = await rest.signup('ann@example.com');
    const bob = await rest.signup('bob@example.com');
    const id = await rest.createWorkflow(ann.as, 'Orders');
    await rest.createWorkflow(bob.as, "Bob's");
    const list = await rest.call<{ workflows: { id: string; name: string; role: string }[] }>('GET', '/api/workflows', {
      as: bob.as,
    });
    expect(list.body.workflows.map((w) => w.name)).toEqual(["Bob's"]);
    // Ann is the first account: the admin sees every workflow.
    const adminList = await rest.call<{ workflows: unknown[] }>('GET', '/api/workflows', { as: ann.as });
    expect(adminList.body.workflows).toHaveLength(2);

    const renamed = await rest.call<{ name: string }>('PATCH', `/api/workflows/${id}`, {
      body: { name: 'Orders v2', description: 'Notify on new order' },
      as: ann.as,
    });
    expect(renamed.body.name).toBe('Orders v2');
    const exported = await rest.call<{ name: string; description: string }>('GET', `/api/workflows/${id}/export`, {
      as: ann.as,
    });
    expect(exported.body).toMatchObject({
      weft: 1,
      name: 'Orders v2',
      description: 'Notify on new order',
      nodes: [],
      edges: [],
    });

    expect((await rest.call('DELETE', `/api/workflows/${id}`, { as: ann.as })).status).toBe(204);
    expectError(await rest.call('GET', `/api/workflows/${id}`, { as: ann.as }), 404, 'not_found');
    expectError(await rest.call('GET', `/api/workflows/${id}/export`, { as: ann.as }), 404, 'not_found');
  });

  it('lists workflows a page at a time with a name filter; without parameters the whole list, as before', async () => {
    await rest.signup('admin@example.com');
    const ann = await rest.signup('ann@example.com');
    for (const name of ['CRM sync', 'Invoices', 'crm backfill', 'Orders', 'Leads to CRM']) {
      await rest.createWorkflow(ann.as, name);
    }
    type Page = { workflows: { name: string }[]; nextCursor?: string | null };
    const list = (query: string) => rest.call<Page>('GET', `/api/workflows${query}`, { as: ann.as });
    const whole = await list('');
    expect(whole.status).toBe(200);
    expect(whole.body.workflows).toHaveLength(5);
    expect(whole.body).not.toHaveProperty('nextCursor');

    const names: string[] = [];
    let cursor: string | null | undefined;
    let pages = 0;
    do {
      const page = await list(`?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect(page.status).toBe(200);
      expect(page.body.workflows.length).toBeLessThanOrEqual(2);
      names.push(...page.body.workflows.map((w) => w.name));
      cursor = page.body.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(names).toEqual(whole.body.workflows.map((w) => w.name));

    const crm = await list('?limit=10&q=crm');
    expect(crm.body.workflows.map((w) => w.name).sort()).toEqual(['CRM sync', 'Leads to CRM', 'crm backfill']);
    expect(crm.body.nextCursor).toBeNull();
    expect((await list('?q=INVOICE')).body.workflows.map((w) => w.name)).toEqual(['Invoices']);

    for (const [query, field] of [
      ['?limit=0', 'limit'],
      ['?limit=201', 'limit'],
      ['?limit=two', 'limit'],
      ['?limit=2&cursor=not-a-cursor', 'cursor'],
      ['?q=a%00b', 'q'],
    ] as const) {
      const res = await list(query);
      expectError(res, 400, 'bad_request');
      expect((res.body as unknown as { error: { message: string } }).error.message).toContain(field);
    }
  });

  it('guards every route by role: outsiders 403, viewers read only, editors cannot delete', async () => {
    await rest.signup('admin@example.com');
    const owner = await rest.signup('owner@example.com');
    const editor = await rest.signup('editor@example.com');
    const viewer = await rest.signup('viewer@example.com');
    const outsider = await rest.signup('out@example.com');
    const id = await rest.createWorkflow(owner.as);
    await rest.addMember(owner.as, id, editor, 'editor');
    await rest.addMember(owner.as, id, viewer, 'viewer');
    expectError(await rest.call('GET', `/api/workflows/${id}`, { as: outsider.as }), 403, 'forbidden');
    expectError(await rest.call('GET', `/api/workflows/${id}/export`, { as: outsider.as }), 403, 'forbidden');
    expect((await rest.call('GET', `/api/workflows/${id}/export`, { as: viewer.as })).status).toBe(200);
    expectError(
      await rest.call('PATCH', `/api/workflows/${id}`, { body: { name: 'x' }, as: viewer.as }),
      403,
      'forbidden',
    );
    expect((await rest.call('PATCH', `/api/workflows/${id}`, { body: { name: 'x' }, as: editor.as })).status).toBe(200);
    expectError(await rest.call('DELETE', `/api/workflows/${id}`, { as: editor.as }), 403, 'forbidden');
    expectError(
      await rest.call('POST', `/api/workflows/${id}/members`, {
        body: { email: 'out@example.com', role: 'viewer' },
        as: editor.as,
      }),
      403,
      'forbidden',
    );
    expectError(await rest.call('GET', '/api/workflows/doesNotExist', { as: owner.as }), 404, 'not_found');
    expectError(await rest.call('GET', '/api/workflows/has%20space', { as: owner.as }), 404, 'not_found');
    expectError(await rest.call('GET', '/api/workflows'), 401, 'unauthorized');
  });

  it('members: invite by email, accept, change role, keep at least one owner, leave', async () => {
    await rest.signup('admin@example.com');
    const owner = await rest.signup('owner@example.com');
    const bob = await rest.signup('bob@example.com');
    const id = await rest.createWorkflow(owner.as);
    expectError(
      await rest.call('POST', `/api/workflows/${id}/members`, {
        body: { email: 'bob@example.com', role: 'admin' },
        as: owner.as,
      }),
      400,
      'validation_failed',
    );
    // Adding an address makes an invitation; Bob is a member only once he accepts it.
    const invited = await rest.call<{ invitation: { id: string; email: string; role: string } }>(
      'POST',
      `/api/workflows/${id}/members`,
      { body: { email: 'Bob@Example.com', role: 'viewer' }, as: owner.as },
    );
    expect(invited).toMatchObject({ status: 202, body: { invitation: { email: 'bob@example.com', role: 'viewer' } } });
    expectError(await rest.call('GET', `/api/workflows/${id}`, { as: bob.as }), 403, 'forbidden');
    const accepted = await rest.call('POST', `/api/me/invitations/${invited.body.invitation.id}/accept`, {
      as: bob.as,
    });
    expect(accepted).toMatchObject({ status: 200, body: { id, role: 'viewer' } });
    const changed = await rest.call('POST', `/api/workflows/${id}/members`, {
      body: { email: 'bob@example.com', role: 'editor' },
      as: owner.as,
    });
    expect(changed).toMatchObject({ status: 200, body: { role: 'editor', email: 'bob@example.com' } });
    const members = await rest.call<{ members: { email: string; role: string }[]; invitations: unknown[] }>(
      'GET',
      `/api/workflows/${id}/members`,
      { as: bob.as },
    );
    expect(members.body.members.map((m) => [m.email, m.role])).toEqual([
      ['owner@example.com', 'owner'],
      ['bob@example.com', 'editor'],
    ]);
    expect(members.body.invitations).toEqual([]);
    expectError(
      await rest.call('POST', `/api/workflows/${id}/members`, {
        body: { email: 'owner@example.com', role: 'viewer' },
        as: owner.as,
      }),
      409,
      'conflict',
    );
    expectError(
      await rest.call('DELETE', `/api/workflows/${id}/members/${owner.user.id}`, { as: owner.as }),
      409,
      'conflict',
    );
    // Bob may leave by himself.
    expect((await rest.call('DELETE', `/api/workflows/${id}/members/${bob.user.id}`, { as: bob.as })).status).toBe(204);
    expectError(await rest.call('GET', `/api/workflows/${id}`, { as: bob.as }), 403, 'forbidden');
  });

  it('import keeps unsupported node types as placeholders with a warning, and export returns the same definition', async () => {
    const ann = await rest.signup('ann@example.com');
    const definition = {
      weft: 1,
      name: 'Notify on new order',
      settings: { timezone: 'Europe/Berlin' },
      nodes: [
        {
          id: 'n1',
          name: 'Webhook',
          type: 'webhook',
          typeVersion: 1,
          position: { x: 0, y: 0 },
          parameters: { path: 'orders', httpMethod: 'POST' },
        },
        {
          id: 'n2',
          name: 'Slack',
          type: 'n8n-nodes-base.slack',
          typeVersion: 2,
          position: { x: 300, y: 0 },
          parameters: { channel: '#ops' },
        },
      ],
      edges: [{ id: 'e1', source: 'n1', sourceHandle: 'main', target: 'n2', targetHandle: 'main' }],
    };
    const res = await rest.call<{ id: string; name: string; warnings: { message: string }[] }>(
      'POST',
      '/api/workflows/import',
      {
        body: definition,
        as: ann.as,
      },
    );
    expect(res.status).toBe(201);
    expect(res.body.name).toBe('Notify on new order');
    expect(res.body.warnings.map((w) => w.message)).toEqual([
      expect.stringContaining('"n8n-nodes-base.slack" is not supported'),
    ]);
    const exported = await rest.call<{
      nodes: { id: string; parameters: Record<string, unknown> }[];
      edges: unknown[];
      settings: unknown;
    }>('GET', `/api/workflows/${res.body.id}/export`, { as: ann.as });
    expect(exported.body.settings).toEqual({ timezone: 'Europe/Berlin' });
    expect(exported.body.nodes.find((n) => n.id === 'n2')?.parameters).toEqual({ channel: '#ops' });
    expect(exported.body.nodes.find((n) => n.id === 'n1')?.parameters).toMatchObject({
      path: 'orders',
      httpMethod: 'POST',
      responseMode: 'onReceived',
    });
    expect(exported.body.edges).toEqual([
      { id: 'n1:main>n2:main', source: 'n1', sourceHandle: 'main', target: 'n2', targetHandle: 'main' },
    ]);
  });

  it('imports an n8n workflow file, mapping its nodes and reporting what it could not carry over', async () => {
    const ann = await rest.signup('ann@example.com');
    const n8n = {
      name: 'From n8n',
      nodes: [
        {
          name: 'Hook',
          type: 'n8n-nodes-base.webhook',
          typeVersion: 2,
          position: [0, 0],
          parameters: { path: 'orders', httpMethod: 'POST', responseMode: 'lastNode' },
        },
        {
          name: 'Big?',
          type: 'n8n-nodes-base.if',
          typeVersion: 2,
          position: [220, 0],
          parameters: {
            conditions: {
              conditions: [
                { leftValue: '={{ $json.total }}', rightValue: 100, operator: { type: 'number', operation: 'gt' } },
              ],
              combinator: 'and',
            },
          },
        },
        {
          name: 'Tell Slack',
          type: 'n8n-nodes-base.slack',
          typeVersion: 2,
          position: [440, 0],
          parameters: { channel: '#ops' },
        },
      ],
      connections: {
        Hook: { main: [[{ node: 'Big?', type: 'main', index: 0 }]] },
        'Big?': { main: [[{ node: 'Tell Slack', type: 'main', index: 0 }], []] },
      },
    };
    const res = await rest.call<{ id: string; name: string; warnings: { message: string }[] }>(
      'POST',
      '/api/workflows/import',
      { body: n8n, as: ann.as },
    );
    expect(res.status).toBe(201);
    expect(res.body.name).toBe('From n8n');
    expect(res.body.warnings.map((w) => w.message)).toEqual([
      expect.stringContaining('"n8n-nodes-base.slack" is not supported'),
    ]);
    const exported = await rest.call<{
      nodes: { id: string; name: string; type: string; parameters: Record<string, unknown> }[];
      edges: { source: string; sourceHandle: string; target: string }[];
    }>('GET', `/api/workflows/${res.body.id}/export`, { as: ann.as });
    const node = (name: string) => exported.body.nodes.find((n) => n.name === name);
    expect(node('Hook')).toMatchObject({ type: 'webhook', parameters: { path: 'orders', httpMethod: 'POST' } });
    expect(node('Big?')?.parameters.conditions).toEqual([
      { leftValue: '={{ $json.total }}', operator: 'number:gt', rightValue: '={{ 100 }}' },
    ]);
    expect(node('Tell Slack')).toMatchObject({ type: 'n8n-nodes-base.slack', parameters: { channel: '#ops' } });
    expect(exported.body.edges.map((e) => `${e.source}:${e.sourceHandle}>${e.target}`).sort()).toEqual(
      [`${node('Big?')?.id}:true>${node('Tell Slack')?.id}`, `${node('Hook')?.id}:main>${node('Big?')?.id}`].sort(),
    );
  });

  it('import of a malformed definition answers 400 listing every problem, naming node and field', async () => {
    const ann = await rest.signup('ann@example.com');
    const res = await rest.call<{ error: { issues: { message: string }[] } }>('POST', '/api/workflows/import', {
      as: ann.as,
      body: {
        weft: 1,
        name: 'Broken',
        nodes: [
          {
            id: 'n1',
            name: 'Fetch',
            type: 'httpRequest',
            typeVersion: 1,
            position: { x: 0, y: 0 },
            parameters: { method: 'FETCH' },
          },
          { id: 'n2', name: 'Fetch', type: 'limit', typeVersion: 1, position: { x: 0, y: 'top' }, parameters: {} },
        ],
        edges: [{ source: 'n1', target: 'missing' }],
      },
    });
    expectError(res, 400, 'validation_failed');
    // Structural and semantic problems come back together, in input order.
    expect(res.body.error.issues.map((i) => i.message)).toEqual([
      expect.stringMatching(/^Node "Fetch" \(n1\), parameter "method": must be one of GET, POST/),
      expect.stringMatching(/^Node "Fetch" \(n2\), field "position\.y": /),
      'Edge #1: target node "missing" does not exist',
    ]);
    const second = await rest.call<{ error: { issues: { message: string }[] } }>('POST', '/api/workflows/import', {
      as: ann.as,
      body: {
        weft: 1,
        name: 'Broken',
        nodes: [
          { id: 'n1', name: 'Fetch', type: 'httpRequest', typeVersion: 1, position: { x: 0, y: 0 }, parameters: {} },
          {
            id: 'n2',
            name: 'Fetch',
            type: 'limit',
            typeVersion: 1,
            position: { x: 0, y: 0 },
            parameters: { maxItems: -3 },
          },
        ],
        edges: [{ source: 'n1', target: 'n2', targetHandle: 'true' }],
      },
    });
    expect(second.body.error.issues.map((i) => i.message)).toEqual([
      'Node "Fetch" (n2): name "Fetch" is already used by Node "Fetch" (n1); node names must be unique',
      'Node "Fetch" (n2), parameter "maxItems": must be at least 0',
      'Edge #1: Node "Fetch" (n2) has no input "true"',
    ]);
    const list = await rest.call<{ workflows: unknown[] }>('GET', '/api/workflows', { as: ann.as });
    expect(list.body.workflows).toHaveLength(0);
  });

  it('unknown API routes answer a JSON 404, and huge bodies a 413', async () => {
    const ann = await rest.signup('ann@example.com');
    expectError(await rest.call('GET', '/api/nope', { as: ann.as }), 404, 'not_found');
    const huge = JSON.stringify({ weft: 1, name: 'x', nodes: [], edges: [], pad: 'x'.repeat(11 * 1024 * 1024) });
    expectError(await rest.call('POST', '/api/workflows/import', { raw: huge, as: ann.as }), 413, 'payload_too_large');
  });

  it('serves the node catalog', async () => {
    const all = await rest.call<{ nodes: { type: string }[] }>('GET', '/api/nodes');
    expect(all.body.nodes.map((n) => n.type)).toContain('httpRequest');
    const search = await rest.call<{ nodes: { type: string }[] }>('GET', '/api/nodes?search=cron');
    expect(search.body.nodes.map((n) => n.type)).toEqual(['scheduleTrigger']);
    const one = await rest.call<{ outputs: { name: string }[] }>('GET', '/api/nodes/if');
    expect(one.body.outputs.map((o) => o.name)).toEqual(['true', 'false']);
    expectError(await rest.call('GET', '/api/nodes/nope'), 404, 'not_found');
  });
});

describe('palette favourites', () => {
  it('are per person, ordered, deduplicated, and only catalog types', async () => {
    const ann = await rest.signup('ann@example.com');
    const bob = await rest.signup('bob@example.com');
    expectError(await rest.call('GET', '/api/me/favourites'), 401, 'unauthorized');
    expect((await rest.call('GET', '/api/me/favourites', { as: ann.as })).body).toEqual({ types: [] });
    const put = await rest.call('PUT', '/api/me/favourites', {
      as: ann.as,
      body: { types: ['code', 'httpRequest', 'code'] },
    });
    expect(put).toMatchObject({ status: 200, body: { types: ['code', 'httpRequest'] } });
    expect((await rest.call('GET', '/api/me/favourites', { as: ann.as })).body).toEqual({
      types: ['code', 'httpRequest'],
    });
    expect((await rest.call('GET', '/api/me/favourites', { as: bob.as })).body).toEqual({ types: [] });
    const bad = await rest.call<{ error: { message: string } }>('PUT', '/api/me/favourites', {
      as: ann.as,
      body: { types: ['code', 'nope'] },
    });
    expectError(bad, 400, 'bad_request');
    expect(bad.body.error.message).toContain('"nope"');
    expectError(
      await rest.call('PUT', '/api/me/favourites', { as: ann.as, body: { types: 'code' } }),
      400,
      'validation_failed',
    );
    expect((await rest.call('GET', '/api/me/favourites', { as: ann.as })).body).toEqual({
      types: ['code', 'httpRequest'],
    });
  });
});
