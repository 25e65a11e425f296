import { randomBytes } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { restClient } from '../../sync-server/test/helpers/rest.ts';
import { spawnServer, type SpawnedServer } from '../../sync-server/test/helpers/spawn-server.ts';
import { tempDir } from '../../sync-server/test/helpers/temp-dir.ts';
import { connectClient } from '../../sync-server/test/helpers/yws-client.ts';
import { chain, expectFailure, node, trigger, weft, weftJson } from './helpers.ts';

/**
 * weft backup while a server runs and writes, then weft restore into a new
 * data directory: a server started there has the same workflows and
 * executions (compared through the API), the same token works, and the
 * stored credential still opens — a run sends it — once the old key file is
 * passed along; without it the restore refuses.
 */

const SECRET = `restore-secret-${randomBytes(6).toString('hex')}`;
const SERVER_ENV = { WEFT_HTTP_ALLOW: '127.0.0.1' };

let root: ReturnType<typeof tempDir>;
let dirA: string;
let dirB: string;
let serverA: SpawnedServer;
let serverB: SpawnedServer | undefined;
let echo: Server;
let echoUrl: string;
const authorizations: (string | undefined)[] = [];

beforeAll(async () => {
  root = tempDir('weft-cli-backup-');
  dirA = join(root.path, 'a');
  dirB = join(root.path, 'b');
  echo = createServer((req, res) => {
    authorizations.push(req.headers.authorization);
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'));
  });
  await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
  echoUrl = `http://127.0.0.1:${(echo.address() as AddressInfo).port}/hook`;
  serverA = await spawnServer(dirA, { env: SERVER_ENV });
});

afterAll(async () => {
  for (const server of [serverA, serverB]) {
    if (!server || server.child.exitCode !== null) continue;
    server.child.kill('SIGTERM');
    await server.exited;
  }
  await new Promise((resolve) => echo.close(resolve));
  root.remove();
});

interface Listed {
  workflows: { id: string; name: string }[];
}
interface Executions {
  executions: { id: string; status: string; workflowId: string }[];
}

/** What the comparison looks at: workflows, their definitions, executions with their node runs. */
const snapshot = async (baseUrl: string, token: string, compared: string[]) => {
  const rest = restClient(baseUrl);
  const as = { token };
  const workflows = (await rest.call<Listed>('GET', '/api/workflows', { as })).body.workflows
    .map((w) => ({ id: w.id, name: w.name }))
    .sort((a, b) => a.id.localeCompare(b.id));
  const exports = await Promise.all(
    compared.map(async (id) => (await rest.call('GET', `/api/workflows/${id}/export`, { as })).body),
  );
  const executions = (await rest.call<Executions>('GET', '/api/executions', { as })).body.executions;
  const details = await Promise.all(
    executions.map(async (e) => (await rest.call('GET', `/api/executions/${e.id}`, { as })).body),
  );
  return { workflows, exports, details };
};

describe('weft backup and weft restore', () => {
  it('a backup taken while the server writes restores into a new data directory with the same workflows and executions, credentials usable', async () => {
    const rest = restClient(serverA.baseUrl);
    const ann = await rest.signup('ann@example.com', 'Ann');
    const env = { WEFT_URL: serverA.baseUrl, WEFT_TOKEN: ann.token };

    const credential = await rest.call<{ id: string }>('POST', '/api/credentials', {
      body: { name: 'Hook token', type: 'bearer', data: { token: SECRET } },
      as: ann.as,
    });
    expect(credential.status).toBe(201);
    const call = node(
      'call',
      'Call',
      'httpRequest',
      { method: 'GET', url: echoUrl, authentication: 'credential' },
      200,
      { credentials: { httpAuth: credential.body.id } },
    );
    const caller = await rest.call<{ id: string }>('POST', '/api/workflows/import', {
      body: chain('Caller', [trigger(), call]),
      as: ann.as,
    });
    const grant = await rest.call('POST', `/api/credentials/${credential.body.id}/grants`, {
      body: { workflowId: caller.body.id },
      as: ann.as,
    });
    expect(grant.status).toBe(201);
    const breaker = await rest.call<{ id: string }>('POST', '/api/workflows/import', {
      body: chain('Breaker', [trigger(), node('boom', 'Boom', 'code', { jsCode: "throw new Error('boom');" }, 200)]),
      as: ann.as,
    });
    expect((await weft(['run', caller.body.id, '--wait'], { env })).code).toBe(0);
    expect((await weft(['run', breaker.body.id, '--wait'], { env })).code).toBe(1);
    expect(authorizations).toEqual([`Bearer ${SECRET}`]);
    const before = await snapshot(serverA.baseUrl, ann.token, [caller.body.id, breaker.body.id]);
    expect(before.details).toHaveLength(2);

    // Someone keeps editing a third workflow while the backup runs: it is taken online.
    const scratch = await rest.createWorkflow(ann.as, 'Scratch');
    const writer = connectClient(serverA.wsUrl, scratch, { token: ann.token });
    await writer.synced();
    let edits = 0;
    const editing = setInterval(() => writer.doc.getMap('meta').set('description', `edit ${++edits}`), 5);
    const file = join(root.path, 'weft-backup.db');
    let backup;
    try {
      backup = await weft(['backup', file, '--data-dir', dirA, '--json']);
    } finally {
      clearInterval(editing);
      writer.destroy();
    }
    expect(backup.code, backup.stderr).toBe(0);
    const result = JSON.parse(backup.stdout) as { file: string; pages: number; credentials: number; bytes: number };
    expect(result).toMatchObject({ file, credentials: 1 });
    expect(result.bytes).toBe(statSync(file).size);
    expect(backup.stderr).toMatch(/^backup: 100% \(\d+\/\d+\)$/m);
    expect(backup.stderr).toMatch(/encrypted with .*encryption\.key, which is not in the backup/);
    expect(edits).toBeGreaterThan(0);

    expectFailure(await weft(['backup', file, '--data-dir', dirA]), 6, /already exists \(--force replaces it\)/);
    expectFailure(await weft(['restore', join(root.path, 'nope.db'), '--data-dir', dirB]), 3, /does not exist/);
    const notWeft = join(root.path, 'not-a-backup.db');
    writeFileSync(notWeft, 'hello, this is not SQLite at all, but long enough to look like a header....');
    expectFailure(await weft(['restore', notWeft, '--data-dir', dirB]), 2, /not a SQLite database/);

    // A new data directory has no key: the backup's credential would not open, so restore refuses…
    expectFailure(await weft(['restore', file, '--data-dir', dirB]), 6, /has no encryption key: pass .*--key-file/);
    // …and with the wrong key too.
    const wrongKey = join(root.path, 'wrong.key');
    writeFileSync(wrongKey, `${randomBytes(32).toString('hex')}\n`);
    expectFailure(
      await weft(['restore', file, '--data-dir', dirB, '--key-file', wrongKey]),
      6,
      /1 of the backup's 1 credentials do not open/,
    );

    const keyA = join(dirA, 'encryption.key');
    const restored = await weftJson(['restore', file, '--data-dir', dirB, '--key-file', keyA]);
    expect(restored).toMatchObject({
      users: 1,
      workflows: 3,
      executions: 2,
      credentials: 1,
      unreadableCredentials: 0,
      keyInstalled: true,
      previous: null,
    });
    expect(readFileSync(join(dirB, 'encryption.key'), 'utf8')).toBe(readFileSync(keyA, 'utf8'));
    expect(statSync(join(dirB, 'encryption.key')).mode & 0o777).toBe(0o600);

    serverB = await spawnServer(dirB, { env: SERVER_ENV });
    const after = await snapshot(serverB.baseUrl, ann.token, [caller.body.id, breaker.body.id]);
    expect(after.workflows).toEqual(
      [...before.workflows, { id: scratch, name: 'Scratch' }].sort((a, b) => a.id.localeCompare(b.id)),
    );
    expect(after.exports).toEqual(before.exports);
    expect(after.details).toEqual(before.details);

    // The credential opens with the installed key: a run on the restored server sends it.
    const envB = { WEFT_URL: serverB.baseUrl, WEFT_TOKEN: ann.token };
    const rerun = await weft(['run', caller.body.id, '--wait'], { env: envB });
    expect(rerun.code, rerun.stdout + rerun.stderr).toBe(0);
    expect(authorizations).toEqual([`Bearer ${SECRET}`, `Bearer ${SECRET}`]);

    expectFailure(await weft(['restore', file, '--data-dir', dirB]), 6, /server is running/);
  });
});
