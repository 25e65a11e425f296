import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { restClient } from '../../sync-server/test/helpers/rest.ts';
import { spawnServer, type SpawnedServer } from '../../sync-server/test/helpers/spawn-server.ts';
import { tempDir } from '../../sync-server/test/helpers/temp-dir.ts';
import { waitUntil } from '../../sync-server/test/helpers/engine-process.ts';
import { chain, expectFailure, node, trigger, weft, weftJson } from './helpers.ts';

/**
 * `weft run --to / --step / --reuse` against a real server process with its
 * engine child (docs/plans/n8n-daily.md §3.4): partial runs from the command
 * line, nodes named by name or id, and `--reuse` without an id building on
 * the latest finished manual run.
 */

let dir: ReturnType<typeof tempDir>;
let server: SpawnedServer;
let env: Record<string, string>;
let rest: ReturnType<typeof restClient>;
let as: { cookie: string };

beforeAll(async () => {
  dir = tempDir('weft-cli-partial-');
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

interface Detail {
  id: string;
  status: string;
  baseExecutionId: string | null;
  scope: string | null;
  destination: string | null;
  nodeRuns: { name: string; origin?: string; output: { main?: { json: Record<string, unknown> }[] } }[];
}

const finished = (id: string) =>
  waitUntil(async () => {
    const r = await rest.call<Detail>('GET', `/api/executions/${id}`, { as });
    return r.body.status === 'succeeded' || r.body.status === 'failed' ? r.body : undefined;
  }, `execution ${id} to finish`);

describe('weft run, partially', () => {
  it('--reuse builds on the latest manual run, --to stops at a node named by name, --step needs input', async () => {
    const imported = await rest.call<{ id: string }>('POST', '/api/workflows/import', {
      as,
      body: chain('Partly', [
        trigger(),
        node('rand', 'Rand', 'code', { jsCode: 'return [{ json: { r: Math.random() } }];' }, 200),
        node('tag', 'Tag', 'set', { assignments: [{ name: 't', value: '={{ $json.r }}', type: 'string' }] }, 400),
        node('last', 'Last', 'noOp', {}, 600),
      ]),
    });
    expect(imported.status).toBe(201);
    const id = imported.body.id;

    // Without a run to reuse, --step has nothing to run on: the server's 400, exit 2.
    expectFailure(await weft(['run', id, '--step', 'Tag'], { env }), 2, /has no output to run this step on/);

    const first = await finished((await weftJson<{ id: string }>(['run', id], { env })).id);
    expect(first.status).toBe('succeeded');

    const reused = await weft(['run', id, '--reuse', '--wait', '--json'], { env });
    expect(reused.code, reused.stderr).toBe(0);
    const last = JSON.parse(reused.stdout.trim().split('\n').at(-1) ?? '{}') as { execution?: Detail };
    expect(last.execution).toMatchObject({ status: 'succeeded', baseExecutionId: first.id, scope: 'all' });
    expect(new Set(last.execution?.nodeRuns.map((r) => r.origin))).toEqual(new Set(['reused']));

    const toTag = await weftJson<Detail>(['run', id, '--to', 'Tag', '--reuse', first.id], { env });
    expect(toTag).toMatchObject({ scope: 'toHere', destination: 'tag', baseExecutionId: first.id });
    const done = await finished(toTag.id);
    expect(done.nodeRuns.map((r) => r.name)).toEqual(['Start', 'Rand', 'Tag']);
    expect(done.nodeRuns.find((r) => r.name === 'Rand')?.output).toEqual(
      first.nodeRuns.find((r) => r.name === 'Rand')?.output,
    );

    const step = await weftJson<Detail>(['run', id, '--step', 'last', '--reuse', toTag.id], { env });
    const stepped = await finished(step.id);
    expect(stepped.nodeRuns.filter((r) => r.origin === 'ran').map((r) => r.name)).toEqual(['Last']);

    expectFailure(await weft(['run', id, '--to', 'Tag', '--step', 'Last'], { env }), 2, /not both/);
    expectFailure(await weft(['run', id, '--to', 'Nowhere'], { env }), 2, /No node "Nowhere"/);
  });
});
