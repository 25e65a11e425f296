import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../shared/test/support/free-port.ts';
import { startPostgres, type ThrowawayPostgres } from '../../shared/test/support/throwaway-postgres.ts';
import { tempDir } from '../../sync-server/test/helpers/temp-dir.ts';
import { expectFailure, weft, type WeftResult } from './helpers.ts';

/**
 * The admin commands with DATABASE_URL set (docs/plans/scale-out.md §4.8):
 * `weft user …` and `weft migrate` work on that PostgreSQL, and never on
 * DATA_DIR/weft.db; backup and restore point to pg_dump / pg_restore; a
 * PostgreSQL that does not answer is one line. Every URL carries a password
 * (the throwaway server trusts local logins and ignores it), and no output
 * may contain it.
 */

interface AdminUser {
  id: string;
  email: string;
  isAdmin: boolean;
  disabled: boolean;
}

const PASSWORD = `pw-${randomBytes(8).toString('hex')}`;
const pgJournal = JSON.parse(
  readFileSync(join(import.meta.dirname, '../../migrations/pg/meta/_journal.json'), 'utf8'),
) as { entries: { tag: string }[] };

let server: ThrowawayPostgres;
let dir: ReturnType<typeof tempDir>;
let databases = 0;

beforeAll(async () => {
  server = await startPostgres();
  dir = tempDir('weft-cli-pg-');
}, 60_000);

afterAll(async () => {
  await server.stop();
  dir.remove();
});

const withPassword = (url: string): string => url.replace('postgres://weft@', `postgres://weft:${PASSWORD}@`);

/** An empty database on the throwaway server, as a DBA hands it out: its URL has a password. */
const emptyDatabase = async (): Promise<string> => {
  const name = `cli_${++databases}`;
  const client = new pg.Client({ connectionString: server.urlFor('postgres') });
  await client.connect();
  try {
    await client.query(`create database ${name}`);
  } finally {
    await client.end();
  }
  return withPassword(server.urlFor(name));
};

/** A data directory that must stay untouched: with DATABASE_URL set, nothing goes to its weft.db. */
const dataDir = (): string => join(dir.path, `data-${databases}`);

const noPassword = (result: WeftResult): void => {
  expect(result.stdout + result.stderr).not.toContain(PASSWORD);
};

describe('weft user and weft migrate on DATABASE_URL', () => {
  it('migrate creates the schema, then user create, list, disable and enable work on PostgreSQL', async () => {
    const url = await emptyDatabase();
    const data = dataDir();
    const run = (args: string[], input?: string) =>
      weft([...args, '--data-dir', data], { env: { DATABASE_URL: url }, input });
    const json = async <T>(args: string[], input?: string): Promise<T> => {
      const result = await run([...args, '--json'], input);
      noPassword(result);
      expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
      return JSON.parse(result.stdout) as T;
    };

    const none = await run(['user', 'list']);
    expectFailure(none, 3, /no Weft database at postgres:\/\/weft@127\.0\.0\.1:\d+\/cli_\d+.*weft migrate/);
    noPassword(none);

    const migrated = await json<{ file: string; applied: string[]; created: boolean }>(['migrate']);
    expect(migrated).toEqual({
      file: `postgres://weft@127.0.0.1:${server.port}/cli_${databases}`,
      applied: pgJournal.entries.map((e) => e.tag),
      created: true,
    });
    const again = await run(['migrate']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toBe(`${migrated.file} is up to date\n`);

    const ann = await json<{ user: AdminUser; password: string }>(['user', 'create', 'ann@example.com']);
    expect(ann.user).toMatchObject({ email: 'ann@example.com', isAdmin: true, disabled: false });
    const ben = await json<{ user: AdminUser }>(
      ['user', 'create', 'Ben@Example.com', '--password-stdin'],
      'ben password 1\n',
    );
    expect(ben.user).toMatchObject({ email: 'ben@example.com', isAdmin: false });
    expectFailure(await run(['user', 'create', 'ann@example.com']), 6, /already exists/);

    expect((await json<{ user: AdminUser }>(['user', 'disable', 'ben@example.com'])).user.disabled).toBe(true);
    expectFailure(await run(['user', 'disable', 'ann@example.com']), 6, /last enabled instance admin/);
    const listed = await json<{ users: AdminUser[] }>(['user', 'list']);
    expect(listed.users.map((u) => [u.email, u.isAdmin, u.disabled])).toEqual([
      ['ann@example.com', true, false],
      ['ben@example.com', false, true],
    ]);
    expect((await json<{ user: AdminUser }>(['user', 'enable', ben.user.id])).user.disabled).toBe(false);

    // The accounts are rows of that PostgreSQL, and no SQLite file was made beside them.
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const rows = await client.query<{ email: string }>('select email from users order by created_at');
    await client.end();
    expect(rows.rows.map((r) => r.email)).toEqual(['ann@example.com', 'ben@example.com']);
    expect(existsSync(join(data, 'weft.db'))).toBe(false);
  });

  it('user create on an empty database makes the schema first, and that account is the admin', async () => {
    const url = await emptyDatabase();
    const made = await weft(['user', 'create', 'root@example.com', '--json', '--data-dir', dataDir()], {
      env: { DATABASE_URL: url },
    });
    noPassword(made);
    expect(made.code, made.stderr).toBe(0);
    expect(made.stderr).toMatch(/created postgres:\/\/weft@127\.0\.0\.1:\d+\/cli_\d+/);
    expect((JSON.parse(made.stdout) as { user: AdminUser }).user.isAdmin).toBe(true);
  });

  it('a database migrated by a newer Weft is refused by migrate and by the user commands', async () => {
    const url = await emptyDatabase();
    const env = { DATABASE_URL: url };
    expect((await weft(['migrate', '--data-dir', dataDir()], { env })).code).toBe(0);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query(
      "insert into drizzle.__drizzle_migrations (hash, created_at) values ('from-the-future', 99999999999999)",
    );
    await client.end();
    for (const args of [['migrate'], ['user', 'list']]) {
      const refused = await weft([...args, '--data-dir', dataDir()], { env });
      expectFailure(refused, 6, /migrated by a newer Weft/);
      noPassword(refused);
    }
  });
});

describe('weft backup and restore with DATABASE_URL', () => {
  it('refuse with one line naming pg_dump / pg_restore (exit 2), and write nothing', async () => {
    const url = await emptyDatabase();
    const file = join(dir.path, 'backup.db');
    const env = { DATABASE_URL: url };
    const backup = await weft(['backup', file, '--data-dir', dataDir()], { env });
    expectFailure(backup, 2, /DATABASE_URL is set .*pg_dump/);
    const restore = await weft(['restore', file, '--data-dir', dataDir()], { env });
    expectFailure(restore, 2, /DATABASE_URL is set .*pg_restore/);
    noPassword(backup);
    noPassword(restore);
    expect(existsSync(file)).toBe(false);
  });
});

describe('a PostgreSQL that does not answer', () => {
  it('fails with one line that names the server without its password (exit 5)', async () => {
    const url = `postgres://weft:${PASSWORD}@127.0.0.1:${await freePort()}/weft`;
    const env = { DATABASE_URL: url };
    for (const args of [['user', 'list'], ['migrate'], ['user', 'create', 'ann@example.com']]) {
      const result = await weft([...args, '--data-dir', dataDir()], { env });
      expectFailure(
        result,
        5,
        /^weft: cannot reach PostgreSQL at postgres:\/\/weft@127\.0\.0\.1:\d+\/weft .*ECONNREFUSED/,
      );
      noPassword(result);
    }
    const json = await weft(['migrate', '--json', '--data-dir', dataDir()], { env });
    expect(json.code).toBe(5);
    expect(JSON.parse(json.stdout)).toMatchObject({ error: { code: 'unreachable' } });
    noPassword(json);
  });
});
