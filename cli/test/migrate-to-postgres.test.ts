import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { commentsMap, openThread, readThreads } from '../../shared/src/discussion/index.ts';
import { discussionRoom } from '../../shared/src/protocol/rooms.ts';
import { acquireDataDirLock } from '../../sync-server/src/admin/data-dir-lock.ts';
import { startPostgres, type ThrowawayPostgres } from '../../shared/test/support/throwaway-postgres.ts';
import { restClient } from '../../sync-server/test/helpers/rest.ts';
import { tempDir } from '../../sync-server/test/helpers/temp-dir.ts';
import { startTestServer, type TestServer } from '../../sync-server/test/helpers/test-server.ts';
import { connectClient, waitFor, type YwsClient } from '../../sync-server/test/helpers/yws-client.ts';
import { expectFailure, weft } from './helpers.ts';

/**
 * `weft migrate-to-postgres` (README "Scaling out"): an instance that ran on
 * SQLite moves to PostgreSQL with everything people made — accounts and
 * their passwords, workflows and their documents, the discussion, versions,
 * credentials that still open with the data directory's key, the audit
 * trail — and PostgreSQL's sequences go on after the copied rows.
 */

const PASSWORD = `pw-${randomBytes(8).toString('hex')}`;
let postgres: ThrowawayPostgres;
let databases = 0;
const dirs: ReturnType<typeof tempDir>[] = [];
const servers: TestServer[] = [];
const clients: YwsClient[] = [];

beforeAll(async () => {
  postgres = await startPostgres();
}, 60_000);
afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  for (const s of servers.splice(0)) await s.close();
});
afterAll(async () => {
  await postgres.stop();
  for (const d of dirs) d.remove();
});

const emptyDatabase = async (): Promise<string> => {
  const name = `copy_${++databases}`;
  const client = new pg.Client({ connectionString: postgres.urlFor('postgres') });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  return postgres.urlFor(name).replace('postgres://weft@', `postgres://weft:${PASSWORD}@`);
};

const server = async (dataDir: string, databaseUrl?: string): Promise<TestServer> => {
  const t = await startTestServer(databaseUrl === undefined ? {} : { databaseUrl }, dataDir);
  servers.push(t);
  await t.listen();
  return t;
};

const open = async (t: TestServer, room: string, token: string) => {
  const c = connectClient(t.wsUrl, room, { token });
  clients.push(c);
  await c.synced();
  return c;
};

describe('weft migrate-to-postgres', () => {
  it('copies an SQLite instance into PostgreSQL, where people log in and find everything, and new rows follow', async () => {
    const dir = tempDir('weft-copy-');
    dirs.push(dir);
    const onSqlite = await server(dir.path);
    const rest = restClient(onSqlite.baseUrl);
    const ann = await rest.signup('ann@example.com', 'Ann');
    const bob = await rest.signup('bob@example.com', 'Bob');
    const workflowId = await rest.createWorkflow(ann.as, 'Orders');
    await rest.addMember(ann.as, workflowId, bob, 'commenter');
    const annsEditor = await open(onSqlite, workflowId, ann.token);
    for (let i = 0; i < 30; i += 1) annsEditor.doc.getMap('meta').set('marker', i);
    const bobsDiscussion = await open(onSqlite, discussionRoom(workflowId), bob.token);
    const { commentId } = openThread(bobsDiscussion.doc, {
      anchor: { kind: 'workflow' },
      author: bob.user.id,
      body: 'Looks right to me',
      now: Date.now(),
    });
    const named = await rest.call<{ id: string }>('POST', `/api/workflows/${workflowId}/versions`, {
      as: ann.as,
      body: { name: 'before the move' },
    });
    expect(named.status).toBe(201);
    const credential = await rest.call<{ id: string }>('POST', '/api/credentials', {
      body: { name: 'Key', type: 'bearer', data: { token: 'ann-secret' } },
      as: ann.as,
    });
    const granted = await rest.call('POST', `/api/credentials/${credential.body.id}/grants`, {
      body: { workflowId },
      as: ann.as,
    });
    expect(granted.status).toBe(201);
    // The server commits what it holds when it closes; the comment only has to have reached it.
    const watcher = await open(onSqlite, discussionRoom(workflowId), ann.token);
    await waitFor('the comment to reach the server', () => commentsMap(watcher.doc).has(commentId));
    const auditBefore = await rest.call<{ events: { action: string }[] }>('GET', `/api/workflows/${workflowId}/audit`, {
      as: ann.as,
    });
    expect(auditBefore.body.events.length).toBeGreaterThan(0);

    // A server running on the data directory (`weft serve` holds its lock): refused, nothing copied.
    const url = await emptyDatabase();
    const lock = acquireDataDirLock(dir.path, 'weft serve');
    expect(lock).toBeDefined();
    const busy = await weft(['migrate-to-postgres', '--data-dir', dir.path], { env: { DATABASE_URL: url } });
    lock?.release();
    expectFailure(busy, 6, /A Weft server is running on .*: stop it first/);
    for (const c of clients.splice(0)) c.destroy();
    await servers.splice(0)[0]?.close();

    const copied = await weft(['migrate-to-postgres', '--data-dir', dir.path, '--json'], {
      env: { DATABASE_URL: url },
    });
    expect(copied.code, copied.stderr).toBe(0);
    expect(copied.stdout + copied.stderr).not.toContain(PASSWORD);
    const result = JSON.parse(copied.stdout) as { tables: { table: string; rows: number }[]; credentials: number };
    const rowsOf = (table: string) => result.tables.find((t) => t.table === table)?.rows;
    expect(rowsOf('users')).toBe(2);
    expect(rowsOf('workflows')).toBe(1);
    expect(rowsOf('credentials')).toBe(1);
    expect(result.credentials).toBe(1);
    expect(copied.stderr).toMatch(
      /1 stored credential is encrypted with .*encryption\.key: every server on PostgreSQL/,
    );

    // Into a database that holds Weft data: refused.
    expectFailure(
      await weft(['migrate-to-postgres', '--data-dir', dir.path], { env: { DATABASE_URL: url } }),
      6,
      /already holds Weft data \(.*users.*\): copy into an empty database/,
    );

    const onPg = await server(dir.path, url.replace(`:${PASSWORD}`, ''));
    expect(onPg.server.storage.dialect).toBe('postgres');
    const again = restClient(onPg.baseUrl);
    const login = await again.call('POST', '/api/auth/login', {
      body: { email: 'ann@example.com', password: 'correct horse battery' },
    });
    expect(login.status).toBe(200);
    const as = { cookie: (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '' };
    const listed = await again.call<{ name: string }[] | { workflows: { name: string }[] }>('GET', '/api/workflows', {
      as,
    });
    expect(JSON.stringify(listed.body)).toContain('"Orders"');
    // The API token made on SQLite still opens the documents, as they were.
    const editor = await open(onPg, workflowId, ann.token);
    expect(editor.doc.getMap('meta').get('marker')).toBe(29);
    const discussion = await open(onPg, discussionRoom(workflowId), ann.token);
    expect(readThreads(discussion.doc).flatMap((t) => t.comments.map((c) => c.body))).toEqual(['Looks right to me']);
    const versions = await again.call<{ versions: { name: string | null }[] }>(
      'GET',
      `/api/workflows/${workflowId}/versions`,
      { as },
    );
    expect(versions.body.versions.map((v) => v.name)).toContain('before the move');
    // The credential opens with the data directory's key.
    const secret = await onPg.server.storage.credentials.grantedSecret(credential.body.id, workflowId);
    expect(JSON.stringify(secret)).toContain('ann-secret');

    // New rows after the copied ones: an edit, a new workflow, new audit events.
    editor.doc.getMap('meta').set('marker', 'after');
    const fresh = await open(onPg, workflowId, ann.token);
    await waitFor('the edit on PostgreSQL', () => fresh.doc.getMap('meta').get('marker') === 'after');
    expect((await again.call('POST', '/api/workflows', { body: { name: 'New' }, as })).status).toBe(201);
    const link = await again.call('POST', `/api/workflows/${workflowId}/links`, { body: { role: 'viewer' }, as });
    expect(link.status).toBe(201);
    const auditAfter = await again.call<{ events: { action: string }[] }>('GET', `/api/workflows/${workflowId}/audit`, {
      as,
    });
    expect(auditAfter.body.events.map((e) => e.action)).toEqual([
      'link.created',
      ...auditBefore.body.events.map((e) => e.action),
    ]);
  });

  it('says what is missing: DATABASE_URL, or a database to copy', async () => {
    const dir = tempDir('weft-copy-');
    dirs.push(dir);
    expectFailure(
      await weft(['migrate-to-postgres', '--data-dir', dir.path], { env: { DATABASE_URL: '' } }),
      2,
      /set DATABASE_URL=postgres:\/\/… to say which/,
    );
    expectFailure(
      await weft(['migrate-to-postgres', '--data-dir', dir.path], { env: { DATABASE_URL: await emptyDatabase() } }),
      3,
      /There is no database at .*weft\.db to copy/,
    );
  });
});
