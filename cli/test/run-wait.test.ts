import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { restClient } from '../../sync-server/test/helpers/rest.ts';
import { spawnServer, type SpawnedServer } from '../../sync-server/test/helpers/spawn-server.ts';
import { tempDir } from '../../sync-server/test/helpers/temp-dir.ts';
import { chain, node, startWeft, trigger, weft, writeJson } from './helpers.ts';

/**
 * `weft run <id> --wait` against a real server process with its engine child:
 * it prints each node's status as the run streams it (through the workflow
 * room's awareness, joined with the stock y-websocket client) and exits 0 when
 * the run succeeded, 1 when it failed.
 */

let dir: ReturnType<typeof tempDir>;
let server: SpawnedServer;
let env: Record<string, string>;
let rest: ReturnType<typeof restClient>;
let as: { cookie: string };

beforeAll(async () => {
  dir = tempDir('weft-cli-run-');
  server = await spawnServer(dir.path);
  rest = restClient(server.baseUrl);
  const ann = await rest.signup('ann@example.com', 'Ann');
  as = { cookie: ann.cookie };
  env = { WEFT_URL: server.baseUrl, WEFT_TOKEN: ann.token };
});

afterAll(async () => {
  server.child.kill('SIGTERM');
  await server.exited;
  dir.remove();
});

const importFlow = async (definition: unknown): Promise<string> => {
  const res = await rest.call<{ id: string }>('POST', '/api/workflows/import', { body: definition, as });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id;
};

interface Detail {
  status: string;
  nodeRuns: { name: string; output: { main?: { json: Record<string, unknown> }[] } }[];
}

describe('weft run --wait', () => {
  it('streams each node as it runs, feeds --input to the trigger, and exits 0 when the run succeeds', async () => {
    const id = await importFlow(
      chain('Doubler', [
        trigger(),
        node(
          'double',
          'Double',
          'code',
          { jsCode: 'return $input.all().map((i) => ({ json: { n: i.json.n * 2 } }));' },
          200,
        ),
        node('pause', 'Pause', 'wait', { amount: 2, unit: 'seconds' }, 400),
        node('done', 'Done', 'noOp', {}, 600),
      ]),
    );
    const input = writeJson(dir.path, 'input.json', [{ n: 21 }, { n: 1 }]);
    const run = startWeft(['run', id, '--input', input, '--wait'], { env });

    // Streamed, not printed at the end: the Wait node shows as running while the run is still going.
    await run.printed('Pause: running');
    const executionId = /execution (\S+) /.exec(run.stdout())?.[1] ?? '';
    const meanwhile = await rest.call<{ status: string }>('GET', `/api/executions/${executionId}`, { as });
    expect(meanwhile.body.status).toBe('running');
    expect(run.child.exitCode).toBeNull();
    expect(run.stdout()).not.toContain('Done:');

    const result = await run.done;
    expect(result.code, result.stderr).toBe(0);
    const lines = result.stdout.trim().split('\n');
    const order = (text: string) => lines.findIndex((l) => l.includes(text));
    expect(lines[0]).toMatch(/^execution \S+ (queued|running)$/);
    // A status is reported once, and never goes back (queued after running).
    expect(lines.filter((l) => l.startsWith('execution ')).map((l) => l.split(' ')[2])).toEqual(
      lines[0]?.endsWith('queued') ? ['queued', 'running', 'succeeded'] : ['running', 'succeeded'],
    );
    expect(order('Double: succeeded (2 items')).toBeGreaterThan(0);
    expect(order('Pause: running')).toBeGreaterThan(order('Double: succeeded'));
    expect(order('Pause: succeeded')).toBeGreaterThan(order('Pause: running'));
    expect(order('Done: succeeded')).toBeGreaterThan(order('Pause: succeeded'));
    expect(lines.at(-1)).toBe(`execution ${executionId} succeeded`);

    const detail = await rest.call<Detail>('GET', `/api/executions/${executionId}`, { as });
    const doubled = detail.body.nodeRuns.find((r) => r.name === 'Double')?.output.main?.map((i) => i.json.n);
    expect(doubled).toEqual([42, 2]);
  });

  it('exits 1 when the run fails, naming the node and its error', async () => {
    const id = await importFlow(
      chain('Breaks', [trigger(), node('boom', 'Boom', 'code', { jsCode: "throw new Error('no luck today');" }, 200)]),
    );
    const result = await weft(['run', id, '--wait'], { env });
    expect(result.code, result.stderr).toBe(1);
    expect(result.stdout).toMatch(/^ {2}Start: succeeded/m);
    expect(result.stdout).toMatch(/^ {2}Boom: failed \(.*no luck today/m);
    expect(result.stdout).toMatch(/^execution \S+ failed: .*no luck today/m);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('with --json prints one JSON event per line, the last one the finished execution', async () => {
    const id = await importFlow(chain('Quick', [trigger(), node('noop', 'Pass', 'noOp', {}, 200)]));
    const result = await weft(['run', id, '--wait', '--json'], { env });
    expect(result.code, result.stderr).toBe(0);
    const events = result.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { event: string; name?: string; status?: string; execution?: Detail });
    expect(events[0]).toMatchObject({ event: 'execution' });
    expect(events.filter((e) => e.event === 'node' && e.name === 'Pass').map((e) => e.status)).toContain('succeeded');
    expect(events.at(-1)).toMatchObject({ event: 'finished', execution: { status: 'succeeded' } });
  });

  it('exits 1 with --json too when the run fails, and the failure is in the last event', async () => {
    const id = await importFlow(
      chain('Breaks too', [trigger(), node('boom', 'Boom', 'code', { jsCode: 'return 5;' }, 200)]),
    );
    const result = await weft(['run', id, '--wait', '--json'], { env });
    expect(result.code, result.stderr).toBe(1);
    const last = JSON.parse(result.stdout.trim().split('\n').at(-1) ?? '{}') as { execution?: Detail };
    expect(last.execution?.status).toBe('failed');
  });
});
