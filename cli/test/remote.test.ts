import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { restClient } from '../../sync-server/test/helpers/rest.ts';
import { freePort } from '../../shared/test/support/free-port.ts';
import { spawnServer, type SpawnedServer } from '../../sync-server/test/helpers/spawn-server.ts';
import { tempDir } from '../../sync-server/test/helpers/temp-dir.ts';
import { chain, expectFailure, node, trigger, weft, weftJson, writeJson } from './helpers.ts';

/**
 * Every remote command once, with --json, against a real server process with
 * its engine child; and the failures scripts meet (unknown id, bad token,
 * nothing listening, malformed files), each with its documented exit code
 * and one line of text, never a stack trace.
 */

let dir: ReturnType<typeof tempDir>;
let server: SpawnedServer;
let env: Record<string, string>;

beforeAll(async () => {
  dir = tempDir('weft-cli-remote-');
  server = await spawnServer(dir.path);
  const ann = await restClient(server.baseUrl).signup('ann@example.com', 'Ann');
  env = { WEFT_URL: server.baseUrl, WEFT_TOKEN: ann.token };
});

afterAll(async () => {
  server.child.kill('SIGTERM');
  await server.exited;
  dir.remove();
});

interface Workflow {
  id: string;
  name: string;
  role: string;
  active: boolean;
  publishedHash: string | null;
}
interface Execution {
  id: string;
  workflowId: string;
  status: string;
  mode: string;
  retryOf: string | null;
}

const definition = chain('Greeter', [
  trigger(),
  node('hello', 'Hello', 'code', { jsCode: "console.log('hello from the CLI'); return [{ greeting: 'hi' }];" }, 200),
]);

describe('remote commands', () => {
  it('workflow import, list, get, export, publish, activate, deactivate and delete, with --json', async () => {
    const file = writeJson(dir.path, 'greeter.json', definition);
    const imported = await weftJson<Workflow & { warnings: unknown[] }>(['workflow', 'import', file], { env });
    expect(imported).toMatchObject({ name: 'Greeter', role: 'owner', active: false, warnings: [] });
    const id = imported.id;

    const { workflows } = await weftJson<{ workflows: Workflow[] }>(['workflow', 'list'], { env });
    expect(workflows.map((w) => w.id)).toContain(id);
    expect(await weftJson<Workflow>(['workflow', 'get', id], { env })).toMatchObject({ id, name: 'Greeter' });

    const exported = await weftJson<{ name: string; nodes: { name: string }[] }>(['workflow', 'export', id], { env });
    expect(exported.name).toBe('Greeter');
    expect(exported.nodes.map((n) => n.name).sort()).toEqual(['Hello', 'Start']);
    const out = join(dir.path, 'exported.json');
    expect(await weftJson(['workflow', 'export', id, '--output', out], { env })).toEqual({ id, file: out });
    expect(JSON.parse(readFileSync(out, 'utf8'))).toEqual(exported);
    // What export wrote imports again as a new workflow.
    const copy = await weftJson<Workflow>(['workflow', 'import', out], { env });
    expect(copy.id).not.toBe(id);

    const published = await weftJson<{ id: string; publishedHash: string | null; active: boolean }>(
      ['workflow', 'publish', id],
      { env },
    );
    expect(published).toMatchObject({ id, active: false });
    expect(published.publishedHash).toMatch(/^[0-9a-f]{64}$/);
    expect(await weftJson(['workflow', 'activate', id], { env })).toMatchObject({ id, active: true });
    expect(await weftJson(['workflow', 'deactivate', id], { env })).toMatchObject({ id, active: false });

    expect(await weftJson(['workflow', 'delete', copy.id], { env })).toEqual({ id: copy.id, deleted: true });
    expectFailure(await weft(['workflow', 'get', copy.id], { env }), 3, /does not exist/);

    const table = await weft(['workflow', 'list'], { env });
    expect(table.stdout).toMatch(/^ID +NAME +ROLE +ACTIVE +UPDATED\n/);
    expect(table.stdout).toContain('Greeter');
  });

  it('run, and executions list, get, logs, stop and retry, with --json', async () => {
    const id = (await weftJson<Workflow>(['workflow', 'import', writeJson(dir.path, 'g2.json', definition)], { env }))
      .id;
    const started = await weftJson<Execution>(['run', id], { env });
    expect(started).toMatchObject({ workflowId: id, mode: 'manual' });
    const rest = restClient(server.baseUrl);
    const as = { token: env.WEFT_TOKEN ?? '' };
    let status = started.status;
    for (let i = 0; i < 200 && (status === 'queued' || status === 'running'); i++) {
      await new Promise((r) => setTimeout(r, 50));
      status = (await rest.call<Execution>('GET', `/api/executions/${started.id}`, { as })).body.status;
    }
    expect(status).toBe('succeeded');

    const page = await weftJson<{ executions: Execution[]; nextCursor: string | null }>(
      ['executions', 'list', '--workflow', id, '--status', 'succeeded', '--limit', '5'],
      { env },
    );
    expect(page.executions.map((e) => e.id)).toEqual([started.id]);
    const detail = await weftJson<Execution & { nodeRuns: { name: string; output: unknown }[] }>(
      ['executions', 'get', started.id],
      { env },
    );
    expect(detail.nodeRuns.map((r) => r.name)).toEqual(['Start', 'Hello']);
    expect(detail.nodeRuns[1]?.output).toEqual({ main: [{ json: { greeting: 'hi' } }] });
    const { logs } = await weftJson<{ logs: { message: string; node?: string }[] }>(
      ['executions', 'logs', started.id],
      { env },
    );
    expect(logs).toContainEqual(expect.objectContaining({ node: 'Hello', message: 'hello from the CLI' }));
    const human = await weft(['executions', 'get', started.id], { env });
    expect(human.stdout).toMatch(/^execution \S+ of workflow \S+: succeeded/);
    expect(human.stdout).toMatch(/^Hello +0 +succeeded +1 +1 /m);

    const retried = await weftJson<Execution>(['executions', 'retry', started.id], { env });
    expect(retried).toMatchObject({ workflowId: id, mode: 'retry', retryOf: started.id });
    const retriedWait = await weft(['executions', 'retry', started.id, '--wait'], { env });
    expect(retriedWait.code, retriedWait.stderr).toBe(0);
    expect(retriedWait.stdout).toMatch(/^ {2}Hello: succeeded/m);

    // A run that waits a minute, stopped while it runs.
    const slow = await weftJson<Workflow>(
      [
        'workflow',
        'import',
        writeJson(
          dir.path,
          'slow.json',
          chain('Slow', [trigger(), node('pause', 'Pause', 'wait', { amount: 60, unit: 'seconds' }, 200)]),
        ),
      ],
      { env },
    );
    const long = await weftJson<Execution>(['run', slow.id], { env });
    const stopping = await weftJson<Execution & { stopping: boolean }>(['executions', 'stop', long.id], { env });
    expect(stopping).toMatchObject({ id: long.id, stopping: true });
    let ended = '';
    for (let i = 0; i < 100 && ended !== 'canceled'; i++) {
      await new Promise((r) => setTimeout(r, 50));
      ended = (await rest.call<Execution>('GET', `/api/executions/${long.id}`, { as })).body.status;
    }
    expect(ended).toBe('canceled');
    const again = await weft(['executions', 'stop', long.id, '--json'], { env });
    expectFailure(again, 6, /has already ended/);
    const error = (JSON.parse(again.stdout) as { error: { code: string; message: string } }).error;
    expect(error.code).toBe('conflict');
    expect(error.message).toMatch(/has already ended/);
  });

  it('bad input gives one line and the documented exit code, never a stack trace', async () => {
    expectFailure(await weft(['workflow', 'get', 'nosuchworkflow1'], { env }), 3, /does not exist/);
    expectFailure(await weft(['executions', 'get', 'nosuchexecution'], { env }), 3, /does not exist/);
    expectFailure(await weft(['run', 'nosuchworkflow1', '--wait'], { env }), 3, /does not exist/);
    expectFailure(
      await weft(['workflow', 'list'], { env: { ...env, WEFT_TOKEN: 'weft_not-a-real-token' } }),
      4,
      /refused the token/,
    );
    expectFailure(await weft(['workflow', 'list'], { env: { WEFT_URL: server.baseUrl } }), 4, /no API token/);
    const nobody = `http://127.0.0.1:${await freePort()}`;
    expectFailure(await weft(['workflow', 'list', '--url', nobody], { env }), 5, /cannot reach .*ECONNREFUSED/);
    expectFailure(
      await weft(['run', 'x', '--wait', '--url', 'ftp://example.com'], { env }),
      2,
      /http:\/\/ or https:\/\//,
    );

    const id = (await weftJson<Workflow>(['workflow', 'import', writeJson(dir.path, 'g3.json', definition)], { env }))
      .id;
    const malformed = writeJson(dir.path, 'malformed.json', '{"n": 1,');
    expectFailure(await weft(['run', id, '--input', malformed], { env }), 2, /input file .* is not valid JSON/);
    const wrongShape = writeJson(dir.path, 'number.json', '42');
    expectFailure(await weft(['run', id, '--input', wrongShape], { env }), 2, /must hold a JSON object/);
    expectFailure(
      await weft(['run', id, '--input', join(dir.path, 'missing.json')], { env }),
      3,
      /input file .* does not exist/,
    );
    expectFailure(await weft(['workflow', 'import', malformed], { env }), 2, /not valid JSON/);
    // The server's own refusal of a definition (400, every problem listed).
    expectFailure(
      await weft(['workflow', 'import', writeJson(dir.path, 'bad-def.json', { weft: 1, name: '', nodes: 7 })], {
        env,
      }),
      2,
      /definition has 3 problems\n {2}- Field "name".*\n {2}- Field "nodes"/,
    );

    const usage = await weft(['executions', 'list', '--limit', 'lots'], { env });
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/--limit/);
    expect((await weft(['workflow', 'frobnicate'], { env })).code).toBe(2);
  });
});
