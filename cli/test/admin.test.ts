import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { restClient } from '../../sync-server/test/helpers/rest.ts';
import { spawnServer, type SpawnedServer } from '../../sync-server/test/helpers/spawn-server.ts';
import { tempDir } from '../../sync-server/test/helpers/temp-dir.ts';
import { connectClient, waitFor, type YwsClient } from '../../sync-server/test/helpers/yws-client.ts';
import { expectFailure, weft, weftJson } from './helpers.ts';

/**
 * The admin commands on a real data directory, beside a real server process:
 * accounts (create, list, disable, enable, reset-password) and migrate, and
 * the data directory's lock — restore refuses while a server runs there, and
 * a lock file left by a server killed with -9 does not fool it.
 */

interface AdminUser {
  id: string;
  email: string;
  name: string;
  isAdmin: boolean;
  disabled: boolean;
}

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const stopServer = async (server: SpawnedServer): Promise<void> => {
  if (server.child.exitCode !== null || server.child.signalCode !== null) return;
  server.child.kill('SIGTERM');
  await server.exited;
};

const dataDir = (): string => {
  const dir = tempDir('weft-cli-admin-');
  cleanups.push(dir.remove);
  return join(dir.path, 'data');
};

describe('weft user and weft migrate', () => {
  it('create, list, disable, enable and reset-password work on the data directory while the server runs', async () => {
    const data = dataDir();
    const at = ['--data-dir', data];

    expectFailure(await weft(['user', 'list', ...at]), 3, /no database at .*weft migrate/);
    const migrated = await weftJson<{ applied: string[]; created: boolean }>(['migrate', ...at]);
    expect(migrated.created).toBe(true);
    expect(migrated.applied.length).toBeGreaterThan(0);
    expect(await weftJson<{ applied: string[] }>(['migrate', ...at])).toMatchObject({ applied: [] });

    // The first account of the instance is its admin, as with sign-up.
    const ann = await weftJson<{ user: AdminUser; password: string }>([
      'user',
      'create',
      'ann@example.com',
      '--name',
      'Ann',
      ...at,
    ]);
    expect(ann.user).toMatchObject({ email: 'ann@example.com', name: 'Ann', isAdmin: true, disabled: false });
    expect(ann.password).toMatch(/^[A-Za-z0-9_-]{20}$/);
    const ben = await weftJson<{ user: AdminUser; password?: string }>(
      ['user', 'create', 'Ben@Example.com', '--password-stdin', ...at],
      { input: 'ben password 1\n' },
    );
    expect(ben.user).toMatchObject({ email: 'ben@example.com', name: 'Ben', isAdmin: false });
    expect(ben.password).toBeUndefined();

    expectFailure(await weft(['user', 'create', 'ann@example.com', ...at]), 6, /already exists/);
    expectFailure(await weft(['user', 'create', 'not-an-address', ...at]), 2, /email/);
    expectFailure(
      await weft(['user', 'create', 'cy@example.com', '--password-stdin', ...at], { input: 'short\n' }),
      2,
      /at least 8 characters/,
    );
    const human = await weft(['user', 'list', ...at]);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/^ID +EMAIL +NAME +ADMIN +DISABLED +CREATED\n/);
    expect(human.stdout).toMatch(/ann@example\.com +Ann +yes +no/);
    const listed = await weftJson<{ users: AdminUser[] }>(['user', 'list', ...at]);
    expect(listed.users.map((u) => u.email)).toEqual(['ann@example.com', 'ben@example.com']);

    const server = await spawnServer(data);
    cleanups.push(() => stopServer(server));
    const rest = restClient(server.baseUrl);
    const login = (email: string, password: string) =>
      rest.call('POST', '/api/auth/login', { body: { email, password } });
    const annLogin = await login('ann@example.com', ann.password);
    expect(annLogin.status).toBe(200);
    const annCookie = (annLogin.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const benLogin = await login('ben@example.com', 'ben password 1');
    expect(benLogin.status).toBe(200);
    const benCookie = (benLogin.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const benToken = (
      await rest.call<{ token: string }>('POST', '/api/tokens', { body: { name: 'ben' }, as: { cookie: benCookie } })
    ).body.token;
    const workflowId = await rest.createWorkflow({ token: benToken }, "Ben's");
    const editor: YwsClient = connectClient(server.wsUrl, workflowId, { token: benToken });
    cleanups.push(editor.destroy);
    await editor.synced();

    // Disabled beside the running server: no log-in, no token, and the open editor closes.
    const disabled = await weftJson<{ user: AdminUser }>(['user', 'disable', 'ben@example.com', ...at]);
    expect(disabled.user).toMatchObject({ email: 'ben@example.com', disabled: true });
    expect((await login('ben@example.com', 'ben password 1')).status).toBe(403);
    expect((await rest.call('GET', '/api/auth/me', { as: { token: benToken } })).status).toBe(401);
    await waitFor('the disabled account’s editor to close', () => editor.closes.length > 0, 10_000);
    expect(editor.closes[0]?.code).toBe(4401);

    // Enabled again (by id this time): its token works again and it can log in.
    const enabled = await weftJson<{ user: AdminUser }>(['user', 'enable', ben.user.id, ...at]);
    expect(enabled.user.disabled).toBe(false);
    expect((await rest.call('GET', '/api/auth/me', { as: { token: benToken } })).status).toBe(200);
    expect((await login('ben@example.com', 'ben password 1')).status).toBe(200);

    // A new password: the old one no longer works, the new one does, and the old session has ended.
    const reset = await weft(['user', 'reset-password', 'ann@example.com', '--password-stdin', ...at], {
      input: 'a brand new password\n',
    });
    expect(reset.code, reset.stderr).toBe(0);
    expect(reset.stdout).toMatch(/^new password set for ann@example\.com/);
    expect(reset.stdout).not.toMatch(/password: /);
    expect((await login('ann@example.com', ann.password)).status).toBe(401);
    expect((await rest.call('GET', '/api/auth/me', { as: { cookie: annCookie } })).status).toBe(401);
    expect((await login('ann@example.com', 'a brand new password')).status).toBe(200);
    const generated = await weftJson<{ password: string }>(['user', 'reset-password', 'ben@example.com', ...at]);
    expect((await login('ben@example.com', generated.password)).status).toBe(200);

    expectFailure(await weft(['user', 'disable', 'nobody@example.com', ...at]), 3, /No account/);
    expectFailure(await weft(['user', 'reset-password', 'nobody', ...at], { input: 'whatever123\n' }), 3, /No account/);
    // With migrations applied, migrate beside a running server only reports.
    expect((await weft(['migrate', ...at])).stdout).toMatch(/is up to date/);
  });
});

describe('the first admin, before the first start', () => {
  it('weft user create on a new data directory makes the database, and the server lets that admin in', async () => {
    const data = dataDir();
    const made = await weft(['user', 'create', 'root@example.com', '--json', '--data-dir', data]);
    expect(made.code, made.stderr).toBe(0);
    expect(made.stderr).toMatch(/created .*weft\.db/);
    const { user, password } = JSON.parse(made.stdout) as { user: AdminUser; password: string };
    expect(user).toMatchObject({ email: 'root@example.com', isAdmin: true });

    // The only admin is not disabled by a slip; --force says one means it.
    expectFailure(
      await weft(['user', 'disable', 'root@example.com', '--data-dir', data]),
      6,
      /last enabled instance admin/,
    );
    // A backup holds password hashes and every run's data: its owner's alone.
    const backup = join(data, '..', 'first.db');
    expect((await weft(['backup', backup, '--data-dir', data])).code).toBe(0);
    expect(statSync(backup).mode & 0o777).toBe(0o600);
    expect(statSync(data).mode & 0o777).toBe(0o700);

    const server = await spawnServer(data);
    cleanups.push(() => stopServer(server));
    const login = await restClient(server.baseUrl).call<{ user: { isAdmin: boolean } }>('POST', '/api/auth/login', {
      body: { email: 'root@example.com', password },
    });
    expect(login.status).toBe(200);
    expect(login.body.user.isAdmin).toBe(true);
  });
});

describe("the data directory's lock", () => {
  it('restore refuses while a server runs; a second server refuses to start; kill -9 leaves no stale lock', async () => {
    const data = dataDir();
    const at = ['--data-dir', data];
    const server = await spawnServer(data);
    cleanups.push(() => stopServer(server));
    await restClient(server.baseUrl).signup('ann@example.com');
    const backup = join(data, '..', 'backup.db');
    expect((await weft(['backup', backup, ...at])).code).toBe(0);

    expectFailure(await weft(['restore', backup, ...at]), 6, /server is running on .*stop it/);
    await expect(spawnServer(data)).rejects.toThrow(/another Weft server .* is using/);

    server.child.kill('SIGKILL');
    await server.exited;
    // The lock file stays behind; the lock itself went with the process.
    expect(existsSync(join(data, 'server.lock'))).toBe(true);
    const restored = await weftJson<{ users: number; previous: string | null }>(['restore', backup, ...at]);
    expect(restored.users).toBe(1);
    expect(restored.previous).toMatch(/weft\.db\.before-restore-/);

    const again = await spawnServer(data);
    cleanups.push(() => stopServer(again));
    const rest = restClient(again.baseUrl);
    const login = await rest.call('POST', '/api/auth/login', {
      body: { email: 'ann@example.com', password: 'correct horse battery' },
    });
    expect(login.status).toBe(200);
  });
});
