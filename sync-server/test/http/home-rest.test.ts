import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createId } from '#shared/ids.ts';
import { rawSql } from '../helpers/raw-sql.ts';
import { restClient } from '../helpers/rest.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';

/** The workflow list's REST surface (docs/plans/home-insights.md §2): filters, sorts, tags and folders. */

let t: TestServer;
let rest: ReturnType<typeof restClient>;

beforeEach(async () => {
  t = await startTestServer();
  rest = restClient(t.server.app);
});

afterEach(async () => {
  await t.close();
});

interface Row {
  id: string;
  name: string;
  tags: { id: string; name: string }[];
  folderId: string | null;
  owner: { id: string; name: string } | null;
  members: { id: string; name: string }[];
  memberCount: number;
  lastRun: { status: string; at: number } | null;
  failures7d: number;
  active: boolean;
}
type Page = { workflows: Row[]; nextCursor?: string | null };

/** A run of the workflow, written as the execution store would have (the engine is not the subject here). */
const addRun = async (workflowId: string, status: string, createdAt: number) => {
  const hash = createId();
  await rawSql(
    t.server,
    'insert into workflow_versions (hash, workflow_id, state, definition, created_at) values (?, ?, ?, ?, ?)',
    [hash, workflowId, Buffer.alloc(0), '{}', createdAt],
  );
  await rawSql(
    t.server,
    'insert into executions (id, workflow_id, version_hash, mode, status, created_at) values (?, ?, ?, ?, ?, ?)',
    [createId(), workflowId, hash, 'manual', status, createdAt],
  );
};

describe('GET /api/workflows (the list)', () => {
  it('carries tags, folder, owner, members, last run and failures; sorts by each key; filters by tag, folder and active', async () => {
    await rest.signup('admin@example.com');
    const ann = await rest.signup('ann@example.com', 'Ann');
    const bob = await rest.signup('bob@example.com', 'Bob');
    const a = await rest.createWorkflow(ann.as, 'Alpha');
    const b = await rest.createWorkflow(ann.as, 'beta');
    const c = await rest.createWorkflow(ann.as, 'Gamma');
    await rest.addMember(ann.as, a, bob, 'editor');
    const now = Date.now();
    await addRun(a, 'failed', now - 60_000);
    await addRun(a, 'failed', now - 50_000);
    await addRun(a, 'succeeded', now - 40_000);
    await addRun(a, 'failed', now - 8 * 24 * 3600_000);
    await addRun(b, 'failed', now - 10_000);
    const tagged = await rest.call<{ id: string; name: string }>('POST', `/api/workflows/${c}/tags`, {
      as: ann.as,
      body: { name: 'Billing' },
    });
    expect(tagged.status).toBe(200);
    const folder = await rest.call<{ id: string }>('POST', '/api/folders', { as: ann.as, body: { name: 'Mine' } });
    expect(folder.status).toBe(201);
    expect(
      (await rest.call('PUT', `/api/workflows/${b}/folder`, { as: ann.as, body: { folderId: folder.body.id } })).status,
    ).toBe(200);

    const list = async (query: string) => {
      const res = await rest.call<Page>('GET', `/api/workflows${query}`, { as: ann.as });
      expect(res.status).toBe(200);
      return res.body.workflows;
    };
    const whole = await list('');
    const alpha = whole.find((w) => w.id === a);
    expect(alpha).toMatchObject({
      owner: { id: ann.user.id, name: 'Ann' },
      members: [
        { id: ann.user.id, name: 'Ann' },
        { id: bob.user.id, name: 'Bob' },
      ],
      memberCount: 2,
      lastRun: { status: 'succeeded', at: now - 40_000 },
      failures7d: 2,
      tags: [],
      folderId: null,
    });
    expect(whole.find((w) => w.id === c)).toMatchObject({ tags: [{ name: 'Billing' }], lastRun: null, failures7d: 0 });
    expect(whole.find((w) => w.id === b)?.folderId).toBe(folder.body.id);

    const names = async (query: string) => (await list(query)).map((w) => w.name);
    expect(await names('?sort=name')).toEqual(['Alpha', 'beta', 'Gamma']);
    expect(await names('?sort=lastRun')).toEqual(['beta', 'Alpha', 'Gamma']);
    expect(await names('?sort=failures')).toEqual(['Alpha', 'beta', 'Gamma']);
    expect(await names(`?tag=${tagged.body.id}`)).toEqual(['Gamma']);
    expect(await names('?q=billing')).toEqual(['Gamma']);
    expect(await names(`?folder=${folder.body.id}`)).toEqual(['beta']);
    expect(await names('?active=true')).toEqual([]);
    expect((await names('?active=false')).length).toBe(3);

    // Bob sees Ann's tag on the workflow he may read, but not her folder.
    const bobs = await rest.call<Page>('GET', '/api/workflows', { as: bob.as });
    expect(bobs.body.workflows.map((w) => w.name)).toEqual(['Alpha']);
    expect(bobs.body.workflows[0]?.folderId).toBeNull();
  });

  it('finds an imported workflow by its node types before anyone opens it', async () => {
    const ann = await rest.signup('ann@example.com');
    const node = (id: string, type: string) => ({
      id,
      name: id,
      type,
      typeVersion: 1,
      position: { x: 0, y: 0 },
      parameters: {},
    });
    const imported = await rest.call<{ id: string }>('POST', '/api/workflows/import', {
      as: ann.as,
      body: {
        weft: 1,
        name: 'Fetcher',
        nodes: [node('start', 'manualTrigger'), node('get', 'httpRequest')],
        edges: [],
      },
    });
    expect(imported.status).toBe(201);
    await rest.createWorkflow(ann.as, 'Plain');
    const found = await rest.call<Page>('GET', '/api/workflows?q=HTTPREQUEST', { as: ann.as });
    expect(found.body.workflows.map((w) => w.name)).toEqual(['Fetcher']);
  });

  it('refuses cursors of another sort and forged ones; the first cursors still page the default sort', async () => {
    const ann = await rest.signup('ann@example.com');
    for (const name of ['a', 'b', 'c']) await rest.createWorkflow(ann.as, name);
    const page = await rest.call<Page>('GET', '/api/workflows?limit=1&sort=name', { as: ann.as });
    const cursor = page.body.nextCursor ?? '';
    expect(cursor).toMatch(/^name\./);
    for (const query of [
      `?limit=1&sort=updated&cursor=${cursor}`,
      '?limit=1&sort=name&cursor=name.00zz',
      '?limit=1&sort=name&cursor=name.005b0031',
      '?limit=1&sort=nope',
      '?tag=../x',
      '?folder=a%20b',
    ]) {
      const res = await rest.call('GET', `/api/workflows${query}`, { as: ann.as });
      expect(res.status, query).toBe(400);
      expect(res.body).toMatchObject({ error: { code: 'bad_request' } });
    }
    const first = await rest.call<Page>('GET', '/api/workflows', { as: ann.as });
    const [w0] = first.body.workflows;
    const legacy = await rest.call<Page>('GET', `/api/workflows?limit=5&cursor=9999999999999:0`, {
      as: ann.as,
    });
    expect(legacy.status).toBe(200);
    expect(legacy.body.workflows[0]?.id).toBe(w0?.id);
  });

  it('pages over 1,000 workflows returning each exactly once in each sort', async () => {
    const ann = await rest.signup('ann@example.com');
    const { id: userId } = ann.user;
    // Rows written directly: 1,000 workflows through the REST API would take the test's time for nothing.
    for (let i = 0; i < 1000; i++) {
      const id = createId();
      await rawSql(
        t.server,
        'insert into workflows (id, name, created_by, created_at, updated_at) values (?, ?, ?, ?, ?)',
        [id, `Flow ${i % 10}`, userId, 1, i % 17],
      );
      await rawSql(
        t.server,
        'insert into workflow_members (workflow_id, user_id, role, added_at) values (?, ?, ?, ?)',
        [id, userId, 'owner', 1],
      );
    }
    for (const sort of ['updated', 'name', 'lastRun', 'failures']) {
      const seen = new Set<string>();
      let count = 0;
      let cursor: string | null | undefined;
      do {
        const res = await rest.call<Page>(
          'GET',
          `/api/workflows?limit=200&sort=${sort}${cursor ? `&cursor=${cursor}` : ''}`,
          { as: ann.as },
        );
        expect(res.status).toBe(200);
        for (const w of res.body.workflows) seen.add(w.id);
        count += res.body.workflows.length;
        cursor = res.body.nextCursor;
      } while (cursor);
      expect(count, sort).toBe(1000);
      expect(seen.size, sort).toBe(1000);
    }
  });
});

describe('tags', () => {
  it('lists only tags on readable workflows (or one’s own), and only the maker or an admin renames or deletes', async () => {
    const admin = await rest.signup('admin@example.com');
    const ann = await rest.signup('ann@example.com');
    const bob = await rest.signup('bob@example.com');
    const annsOnly = await rest.createWorkflow(ann.as, 'Secret plans');
    const shared = await rest.createWorkflow(ann.as, 'Shared');
    await rest.addMember(ann.as, shared, bob, 'viewer');
    const secret = await rest.call<{ id: string }>('POST', `/api/workflows/${annsOnly}/tags`, {
      as: ann.as,
      body: { name: 'Project X' },
    });
    const open = await rest.call<{ id: string }>('POST', `/api/workflows/${shared}/tags`, {
      as: ann.as,
      body: { name: 'ops' },
    });
    const tagsOf = async (as: typeof bob.as) =>
      (await rest.call<{ tags: { name: string }[] }>('GET', '/api/tags', { as })).body.tags.map((tg) => tg.name);
    expect(await tagsOf(bob.as)).toEqual(['ops']);
    expect(await tagsOf(ann.as)).toEqual(['ops', 'Project X']);
    // A tag filter never reveals a workflow Bob may not read.
    const filtered = await rest.call<Page>('GET', `/api/workflows?tag=${secret.body.id}`, { as: bob.as });
    expect(filtered.body.workflows).toEqual([]);
    // Bob cannot see the secret tag (404), nor change Ann's visible one (403), nor tag as a viewer (403).
    expect((await rest.call('PATCH', `/api/tags/${secret.body.id}`, { as: bob.as, body: { name: 'x' } })).status).toBe(
      404,
    );
    expect((await rest.call('DELETE', `/api/tags/${open.body.id}`, { as: bob.as })).status).toBe(403);
    expect((await rest.call('POST', `/api/workflows/${shared}/tags`, { as: bob.as, body: { name: 'z' } })).status).toBe(
      403,
    );
    expect((await rest.call('DELETE', `/api/workflows/${shared}/tags/${open.body.id}`, { as: bob.as })).status).toBe(
      403,
    );
    // Names are unique in any case.
    expect((await rest.call('POST', '/api/tags', { as: bob.as, body: { name: 'OPS' } })).status).toBe(409);
    expect((await rest.call('POST', '/api/tags', { as: bob.as, body: { name: '  ' } })).status).toBe(400);
    // The admin manages anyone's tag.
    expect(
      (await rest.call('PATCH', `/api/tags/${open.body.id}`, { as: admin.as, body: { name: 'Operations' } })).status,
    ).toBe(200);
    expect(await tagsOf(bob.as)).toEqual(['Operations']);
    expect((await rest.call('DELETE', `/api/workflows/${shared}/tags/${open.body.id}`, { as: ann.as })).status).toBe(
      204,
    );
    expect(await tagsOf(bob.as)).toEqual([]);
    expect((await rest.call('DELETE', `/api/tags/${secret.body.id}`, { as: ann.as })).status).toBe(204);
  });

  it('bounds the tags one workflow carries', async () => {
    const ann = await rest.signup('ann-many-tags@example.com');
    const id = await rest.createWorkflow(ann.as, 'Many tags');
    for (let i = 0; i < 50; i++) {
      const r = await rest.call('POST', `/api/workflows/${id}/tags`, { as: ann.as, body: { name: `t${i}` } });
      expect(r.status).toBe(200);
    }
    const past = await rest.call<{ error: { code: string } }>('POST', `/api/workflows/${id}/tags`, {
      as: ann.as,
      body: { name: 'one more' },
    });
    expect(past.status).toBe(409);
    expect(past.body.error.code).toBe('conflict');
    // Tagging again with a tag it carries is no new tag.
    expect((await rest.call('POST', `/api/workflows/${id}/tags`, { as: ann.as, body: { name: 't0' } })).status).toBe(
      200,
    );
  });
});

describe('folders', () => {
  it("are their owner's alone: another person's folder is no folder", async () => {
    const ann = await rest.signup('ann@example.com');
    const bob = await rest.signup('bob@example.com');
    const w = await rest.createWorkflow(ann.as, 'Shared');
    await rest.addMember(ann.as, w, bob, 'viewer');
    const top = await rest.call<{ id: string }>('POST', '/api/folders', { as: ann.as, body: { name: 'Top' } });
    const inner = await rest.call<{ id: string; parentId: string }>('POST', '/api/folders', {
      as: ann.as,
      body: { name: 'Inner', parentId: top.body.id },
    });
    expect(inner.body.parentId).toBe(top.body.id);
    expect((await rest.call<{ folders: unknown[] }>('GET', '/api/folders', { as: bob.as })).body.folders).toEqual([]);
    for (const [method, path, body] of [
      ['PATCH', `/api/folders/${top.body.id}`, { name: 'mine now' }],
      ['DELETE', `/api/folders/${top.body.id}`, undefined],
      ['POST', '/api/folders', { name: 'child', parentId: top.body.id }],
      ['PUT', `/api/workflows/${w}/folder`, { folderId: top.body.id }],
    ] as const) {
      const res = await rest.call(method, path, { as: bob.as, ...(body ? { body } : {}) });
      expect(res.status, `${method} ${path}`).toBe(404);
    }
    // A workflow one may not read cannot be filed.
    const outsider = await rest.signup('eve@example.com');
    const eves = await rest.call<{ id: string }>('POST', '/api/folders', { as: outsider.as, body: { name: 'E' } });
    expect(
      (await rest.call('PUT', `/api/workflows/${w}/folder`, { as: outsider.as, body: { folderId: eves.body.id } }))
        .status,
    ).toBe(403);
    // Moving a folder below itself is refused; renaming and deleting work.
    expect(
      (await rest.call('PATCH', `/api/folders/${top.body.id}`, { as: ann.as, body: { parentId: inner.body.id } }))
        .status,
    ).toBe(409);
    expect((await rest.call('PATCH', `/api/folders/${top.body.id}`, { as: ann.as, body: { name: 'T' } })).status).toBe(
      200,
    );
    expect((await rest.call('DELETE', `/api/folders/${top.body.id}`, { as: ann.as })).status).toBe(204);
    expect(
      (await rest.call<{ folders: { name: string; parentId: string | null }[] }>('GET', '/api/folders', { as: ann.as }))
        .body.folders,
    ).toMatchObject([{ name: 'Inner', parentId: null }]);
  });

  it('never lets two moves at once close a loop, and a loop already stored (edited by hand) hangs nothing', async () => {
    const ann = await rest.signup('ann-loop@example.com');
    const make = async (name: string) =>
      (await rest.call<{ id: string }>('POST', '/api/folders', { as: ann.as, body: { name } })).body.id;
    const folders = () =>
      rest.call<{ folders: { id: string; parentId: string | null }[] }>('GET', '/api/folders', { as: ann.as });
    /** Whether any folder reaches itself walking up (each visited once). */
    const loops = (list: { id: string; parentId: string | null }[]) => {
      const parent = new Map(list.map((f) => [f.id, f.parentId]));
      return list.some((f) => {
        const seen = new Set<string>();
        for (let at = parent.get(f.id) ?? null; at !== null; at = parent.get(at) ?? null) {
          if (at === f.id) return true;
          if (seen.has(at)) return false;
          seen.add(at);
        }
        return false;
      });
    };
    for (let round = 0; round < 20; round++) {
      const a = await make(`A${round}`);
      const b = await make(`B${round}`);
      const answers = await Promise.all([
        rest.call('PATCH', `/api/folders/${a}`, { as: ann.as, body: { parentId: b } }),
        rest.call('PATCH', `/api/folders/${b}`, { as: ann.as, body: { parentId: a } }),
      ]);
      expect(answers.map((r) => r.status).sort()).toEqual([200, 409]);
    }
    expect(loops((await folders()).body.folders)).toBe(false);

    // A loop written straight into the database: moving a third folder under it answers, and no request hangs.
    const x = await make('X');
    const y = await make('Y');
    const z = await make('Z');
    await rawSql(t.server, 'update folders set parent_id = ? where id = ?', [y, x]);
    await rawSql(t.server, 'update folders set parent_id = ? where id = ?', [x, y]);
    expect((await rest.call('PATCH', `/api/folders/${z}`, { as: ann.as, body: { parentId: x } })).status).toBe(200);
    // Deleting a folder of the loop leaves none (its child Y was also its parent: Y goes to the top).
    expect((await rest.call('DELETE', `/api/folders/${x}`, { as: ann.as })).status).toBe(204);
    expect(loops((await folders()).body.folders)).toBe(false);
    expect((await rest.call('PATCH', `/api/folders/${y}`, { as: ann.as, body: { parentId: z } })).status).toBe(409);
  });
});
