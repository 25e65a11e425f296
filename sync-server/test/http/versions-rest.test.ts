import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { origins } from '#shared/origins.ts';
import type { WorkflowDefinition } from '#shared/schema/definition.ts';
import { setParameter } from '#shared/schema/write.ts';
import { restClient, type Caller } from '../helpers/rest.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';
import { importTwoNodes, urlOf } from '../helpers/versions.ts';

/**
 * The version history over REST (docs/plans/collaboration.md §7.2, §12):
 * naming, listing with authors, reading by id or hash, restore and undo, and
 * every refusal by name. In-process requests on a real database (SQLite, or
 * PostgreSQL in the sync-server-pg project).
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

interface Version {
  id: string;
  name: string | null;
  kind: string;
  createdAt: number;
  createdBy: string | null;
  authors: { id: string; name: string | null }[];
  hash: string;
}

/** An owner (Ann), an editor (Ben), a viewer (Vic), an outsider (Out) and a workflow with nodes A and B. */
const team = async () => {
  const ann = await rest.signup('ann@example.com', 'Ann');
  const ben = await rest.signup('ben@example.com', 'Ben');
  const vic = await rest.signup('vic@example.com', 'Vic');
  const out = await rest.signup('out@example.com', 'Out');
  const id = await importTwoNodes(rest, ann.as);
  await rest.addMember(ann.as, id, ben, 'editor');
  await rest.addMember(ann.as, id, vic, 'viewer');
  return { ann, ben, vic, out, id };
};

/** An edit of node `node`'s URL by `userId`, committed on the server as theirs. */
const editUrl = (id: string, userId: string, node: string, url: string) =>
  t.server.rooms.withRoom(id, (room) =>
    room.change(userId, (doc: Y.Doc) => setParameter(doc, node, 'url', url, origins.server(userId))),
  );

/** Waits until the editing session holds the edits made so far (the hooks write it after the commit). */
const sessionTouched = async (id: string, after = 0) =>
  expect
    .poll(async () => (await t.server.storage.history.session(id))?.lastEditAt ?? -1, { timeout: 5000 })
    .toBeGreaterThanOrEqual(after);

const exported = async (id: string, as: Caller) =>
  (await rest.call<WorkflowDefinition>('GET', `/api/workflows/${id}/export`, { as })).body;

const list = (id: string, as: Caller, query = '') =>
  rest.call<{ versions: Version[]; nextCursor: string | null }>('GET', `/api/workflows/${id}/versions${query}`, { as });

const name = (id: string, as: Caller, versionName: unknown) =>
  rest.call<Version>('POST', `/api/workflows/${id}/versions`, { body: { name: versionName }, as });

describe('naming and listing', () => {
  it('a named version records the session’s authors by name and closes the session', async () => {
    const { ann, ben, vic, id } = await team();
    await editUrl(id, ben.user.id, 'b', 'https://b.example/v2');
    await sessionTouched(id);
    const named = await name(id, ann.as, '  Ready for review  ');
    expect(named.status).toBe(201);
    expect(named.body).toEqual({
      id: expect.any(String) as string,
      name: 'Ready for review',
      kind: 'named',
      hash: expect.stringMatching(/^[0-9a-f]{64}$/) as string,
      createdAt: expect.any(Number) as number,
      authors: [{ id: ben.user.id, name: 'Ben' }],
    });
    expect(await t.server.storage.history.session(id)).toBeUndefined();
    // A viewer reads the history.
    const listed = await list(id, vic.as);
    expect(listed.status).toBe(200);
    expect(listed.body).toEqual({
      versions: [{ ...named.body, createdBy: ann.user.id }],
      nextCursor: null,
    });
  });

  it('pages through a cursor and filters by kind; publish records a publish version', async () => {
    const { ann, id } = await team();
    for (const n of ['one', 'two', 'three']) {
      await editUrl(id, ann.user.id, 'a', `https://a.example/${n}`);
      expect((await name(id, ann.as, n)).status).toBe(201);
    }
    const published = await rest.call<{ publishedHash: string }>('POST', `/api/workflows/${id}/publish`, {
      as: ann.as,
    });
    expect(published.status).toBe(200);
    const first = await list(id, ann.as, '?limit=2');
    expect(first.body.versions).toHaveLength(2);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await list(id, ann.as, `?limit=2&cursor=${first.body.nextCursor ?? ''}`);
    const all = [...first.body.versions, ...second.body.versions];
    expect(all).toHaveLength(4);
    expect(new Set(all.map((v) => v.id)).size).toBe(4);
    const publish = all.find((v) => v.kind === 'publish');
    expect(publish).toMatchObject({ hash: published.body.publishedHash, createdBy: ann.user.id });
    const named = await list(id, ann.as, '?kinds=named,restore');
    expect(named.body.versions.map((v) => v.name).sort()).toEqual(['one', 'three', 'two']);
  });

  it('PATCH names an auto version after the fact', async () => {
    const { ann, ben, id } = await team();
    await editUrl(id, ben.user.id, 'a', 'https://a.example/auto');
    await sessionTouched(id);
    const session = await t.server.storage.history.session(id);
    const hash = await t.server.storage.versions.save(id, new Uint8Array(), await exported(id, ann.as), null, 1);
    const auto = await t.server.storage.history.cutSession(id, session?.lastEditAt ?? 0, {
      id: 'auto1',
      versionHash: hash,
      kind: 'auto',
      createdAt: 5,
      createdBy: null,
    });
    expect(auto?.authors).toEqual([ben.user.id]);
    const renamed = await rest.call<Version>('PATCH', `/api/workflows/${id}/versions/auto1`, {
      body: { name: 'Friday' },
      as: ben.as,
    });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ id: 'auto1', kind: 'auto', name: 'Friday', authors: [{ name: 'Ben' }] });
  });
});

describe('reading one version', () => {
  it('by history id or by hash, with its definition; a run’s hash with no entry has id null', async () => {
    const { ann, vic, id } = await team();
    await editUrl(id, ann.user.id, 'a', 'https://a.example/named');
    const named = (await name(id, ann.as, 'Named')).body;
    const byId = await rest.call<{ definition: WorkflowDefinition }>(
      'GET',
      `/api/workflows/${id}/versions/${named.id}`,
      { as: vic.as },
    );
    expect(byId.status).toBe(200);
    expect(byId.body).toMatchObject({ id: named.id, hash: named.hash, name: 'Named', kind: 'named' });
    expect(urlOf(byId.body.definition, 'a')).toBe('https://a.example/named');
    const byHash = await rest.call('GET', `/api/workflows/${id}/versions/${named.hash}`, { as: vic.as });
    expect(byHash.body).toEqual(byId.body);

    await editUrl(id, ann.user.id, 'a', 'https://a.example/run');
    const run = await rest.call<{ versionHash: string }>('POST', `/api/workflows/${id}/run`, { as: ann.as });
    expect(run.status).toBe(201);
    const ofRun = await rest.call<{ definition: WorkflowDefinition }>(
      'GET',
      `/api/workflows/${id}/versions/${run.body.versionHash}`,
      { as: vic.as },
    );
    expect(ofRun.status).toBe(200);
    expect(ofRun.body).toMatchObject({
      id: null,
      kind: null,
      name: null,
      hash: run.body.versionHash,
      authors: [{ id: ann.user.id, name: 'Ann' }],
    });
    expect(urlOf(ofRun.body.definition, 'a')).toBe('https://a.example/run');
  });
});

describe('restore and undo', () => {
  it('restores a named version in one change, records before and restore, and undo goes back', async () => {
    const { ann, ben, id } = await team();
    const named = (await name(id, ann.as, 'Good')).body;
    await editUrl(id, ben.user.id, 'a', 'https://a.example/broken');
    await sessionTouched(id);
    const restored = await rest.call<{
      restored: { id: string; hash: string };
      entry: { id: string };
      before: { hash: string };
      changes: number;
    }>('POST', `/api/workflows/${id}/versions/${named.id}/restore`, { as: ann.as });
    expect(restored.status).toBe(200);
    expect(restored.body).toMatchObject({ restored: { id: named.id, hash: named.hash }, changes: 1 });
    expect(urlOf(await exported(id, ann.as), 'a')).toBe('https://a.example/v1');
    const versions = (await list(id, ann.as)).body.versions;
    expect(versions.find((v) => v.id === restored.body.entry.id)).toMatchObject({
      kind: 'restore',
      hash: named.hash,
      authors: [{ id: ann.user.id, name: 'Ann' }],
    });
    // The session before the restore closed into an auto version at the state it replaced.
    expect(versions.find((v) => v.kind === 'auto')).toMatchObject({
      name: 'Before restoring ‘Good’',
      hash: restored.body.before.hash,
      authors: [{ id: ben.user.id, name: 'Ben' }],
    });

    const undone = await rest.call('POST', `/api/workflows/${id}/versions/${restored.body.entry.id}/undo`, {
      as: ben.as,
    });
    expect(undone.status).toBe(200);
    expect(undone.body).toEqual({ changes: 1 });
    expect(urlOf(await exported(id, ann.as), 'a')).toBe('https://a.example/broken');
  });
});

describe('refusals', () => {
  it('400: an empty name, a blank one, one over 100 characters, unknown fields, a bad cursor, kind or limit', async () => {
    const { ann, id } = await team();
    expectError(await name(id, ann.as, ''), 400, 'validation_failed');
    expectError(await name(id, ann.as, '   '), 400, 'validation_failed');
    expectError(await name(id, ann.as, 'n'.repeat(101)), 400, 'validation_failed');
    expect((await name(id, ann.as, 'n'.repeat(100))).status).toBe(201);
    expectError(
      await rest.call('POST', `/api/workflows/${id}/versions`, { body: { name: 'x', kind: 'auto' }, as: ann.as }),
      400,
      'validation_failed',
    );
    const entry = (await list(id, ann.as)).body.versions[0]?.id ?? '';
    expectError(
      await rest.call('PATCH', `/api/workflows/${id}/versions/${entry}`, { body: { name: '' }, as: ann.as }),
      400,
      'validation_failed',
    );
    expectError(await list(id, ann.as, '?cursor=yesterday'), 400, 'bad_request');
    expectError(await list(id, ann.as, '?kinds=named,weird'), 400, 'bad_request');
    expectError(await list(id, ann.as, '?limit=0'), 400, 'bad_request');
  });

  it('403: a viewer naming, renaming, restoring or undoing; an outsider reading', async () => {
    const { ann, vic, out, id } = await team();
    const named = (await name(id, ann.as, 'Good')).body;
    const restored = await rest.call<{ entry: { id: string } }>(
      'POST',
      `/api/workflows/${id}/versions/${named.id}/restore`,
      { as: ann.as },
    );
    expectError(await name(id, vic.as, 'Mine'), 403, 'forbidden');
    expectError(
      await rest.call('PATCH', `/api/workflows/${id}/versions/${named.id}`, { body: { name: 'x' }, as: vic.as }),
      403,
      'forbidden',
    );
    expectError(
      await rest.call('POST', `/api/workflows/${id}/versions/${named.id}/restore`, { as: vic.as }),
      403,
      'forbidden',
    );
    expectError(
      await rest.call('POST', `/api/workflows/${id}/versions/${restored.body.entry.id}/undo`, { as: vic.as }),
      403,
      'forbidden',
    );
    expectError(await list(id, out.as), 403, 'forbidden');
    expectError(await rest.call('GET', `/api/workflows/${id}/versions/${named.id}`, { as: out.as }), 403, 'forbidden');
  });

  it('404: an unknown workflow, an unknown version, another workflow’s version, a malformed ref', async () => {
    const { ann, id } = await team();
    const other = await importTwoNodes(rest, ann.as);
    const theirs = (await name(other, ann.as, 'Theirs')).body;
    expectError(await list('nope', ann.as), 404, 'not_found');
    expectError(await name('nope', ann.as, 'x'), 404, 'not_found');
    expectError(await rest.call('GET', `/api/workflows/nope/versions/${theirs.id}`, { as: ann.as }), 404, 'not_found');
    for (const ref of ['nope', theirs.id, theirs.hash, '0'.repeat(64), 'bad%20ref']) {
      expectError(await rest.call('GET', `/api/workflows/${id}/versions/${ref}`, { as: ann.as }), 404, 'not_found');
      expectError(
        await rest.call('POST', `/api/workflows/${id}/versions/${ref}/restore`, { as: ann.as }),
        404,
        'not_found',
      );
      expectError(
        await rest.call('POST', `/api/workflows/${id}/versions/${ref}/undo`, { as: ann.as }),
        404,
        'not_found',
      );
      expectError(
        await rest.call('PATCH', `/api/workflows/${id}/versions/${ref}`, { body: { name: 'x' }, as: ann.as }),
        404,
        'not_found',
      );
    }
  });

  it('409: undo of a version that is not a restore', async () => {
    const { ann, id } = await team();
    const named = (await name(id, ann.as, 'Good')).body;
    expectError(
      await rest.call('POST', `/api/workflows/${id}/versions/${named.id}/undo`, { as: ann.as }),
      409,
      'conflict',
    );
  });
});
