import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BulkRetryResult, ExecutionDto } from '#shared/api/executions.ts';
import { restClient, type Caller } from '../helpers/rest.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';
import { startEngine, stopEngine, waitUntil } from '../helpers/engine-process.ts';

/**
 * The executions page's API (docs/plans/home-insights.md §3): `GET /api/executions` without `workflowId`
 * across every workflow the caller may read, its filters and paging, and `POST /api/executions/retry` — with
 * a real engine running the runs, on SQLite and (the sync-server-pg project) PostgreSQL.
 *
 * The plans the list's queries get (checked with EXPLAIN QUERY PLAN / EXPLAIN on 3,000 workflows and 20,000
 * runs, a member of half of them), recorded here rather than asserted:
 * - SQLite, a member, no filter: `SCAN executions USING INDEX executions_created_idx` (backwards), then
 *   `SEARCH workflows (id=?)`, `SEARCH workflow_members EXISTS USING COVERING INDEX (workflow_id=? AND user_id=?)`:
 *   newest first, stopping after the page. One status: `SEARCH executions USING INDEX
 *   executions_status_created_idx (status=?)`, the same walk within that status. Several statuses: the status
 *   index and a sort of those rows. One workflow: `executions_workflow_idx (workflow_id=?)`. A time range:
 *   `executions_created_idx (created_at>? AND created_at<?)`.
 * - PostgreSQL: `Index Scan Backward using executions_created_idx`, a memoized `Index Only Scan using
 *   workflow_members_workflow_id_user_id_pk`, `Limit` over an incremental sort (the id breaks created-at ties);
 *   status and mode filters are a `Filter:` on that walk; one workflow a bitmap scan of executions_workflow_idx.
 */

let t: TestServer;
let engine: ChildProcess | undefined;

beforeAll(async () => {
  t = await startTestServer();
  await t.listen();
  engine = await startEngine(t.baseUrl);
});

afterAll(async () => {
  if (engine) await stopEngine(engine);
  await t.close();
});

interface ErrorBody {
  error: { code: string; message: string };
}
interface Page {
  executions: ExecutionDto[];
  nextCursor: string | null;
}

/** A manual trigger and a Code node that throws when the item says `fail`. */
const failing = (name: string) => ({
  weft: 1,
  name,
  nodes: [
    { id: 'go', name: 'Go', type: 'manualTrigger', typeVersion: 1, position: { x: 0, y: 0 } },
    {
      id: 'check',
      name: 'Check',
      type: 'code',
      typeVersion: 1,
      position: { x: 200, y: 0 },
      parameters: { jsCode: "if ($input.first().json.fail) throw new Error('told to fail');\nreturn $input.all();" },
    },
  ],
  edges: [{ source: 'go', target: 'check' }],
});

describe('executions across workflows', () => {
  it('lists what the caller may read, named, filtered and paged; retries in bulk per id', async () => {
    const rest = restClient(t.baseUrl);
    // The first account is the instance's admin: the others are plain members.
    const root = await rest.signup('root-runs@example.com', 'Root');
    expect(root.user.isAdmin).toBe(true);
    const ann = await rest.signup('ann-runs@example.com', 'Ann Runs');
    const bob = await rest.signup('bob-runs@example.com', 'Bob Runs');
    const eve = await rest.signup('eve-runs@example.com', 'Eve Runs');
    const importAs = async (caller: Caller, name: string) => {
      const res = await rest.call<{ id: string }>('POST', '/api/workflows/import', { as: caller, body: failing(name) });
      expect(res.status).toBe(201);
      return res.body.id;
    };
    const alpha = await importAs(ann.as, 'Alpha');
    const beta = await importAs(ann.as, 'Beta');
    const gamma = await importAs(bob.as, 'Gamma');
    await rest.addMember(ann.as, alpha, bob, 'viewer');

    const run = async (caller: Caller, workflowId: string, fail: boolean): Promise<ExecutionDto> => {
      const started = await rest.call<ExecutionDto>('POST', `/api/workflows/${workflowId}/run`, {
        as: caller,
        body: { items: [{ json: { fail } }] },
      });
      expect(started.status).toBe(201);
      return waitUntil(async () => {
        const r = await rest.call<ExecutionDto>('GET', `/api/executions/${started.body.id}`, { as: caller });
        return r.body.status === 'succeeded' || r.body.status === 'failed' ? r.body : undefined;
      }, 'the run to end');
    };
    const alphaOk = await run(ann.as, alpha, false);
    const alphaFailed = await run(ann.as, alpha, true);
    const betaOk = await run(ann.as, beta, false);
    const gammaFailed = await run(bob.as, gamma, true);
    expect(alphaFailed.status).toBe('failed');
    expect(gammaFailed.status).toBe('failed');

    const list = (caller: Caller, query = '') => rest.call<Page>('GET', `/api/executions?${query}`, { as: caller });
    const ids = async (caller: Caller, query = '') => {
      const res = await list(caller, query);
      expect(res.status, query).toBe(200);
      return res.body.executions.map((e) => e.id);
    };

    // Across workflows, newest first, each row with its workflow's name and who started it.
    const annAll = await list(ann.as);
    expect(annAll.body.executions.map((e) => e.id)).toEqual([betaOk.id, alphaFailed.id, alphaOk.id]);
    expect(annAll.body.executions.map((e) => [e.workflowName, e.startedBy?.name])).toEqual([
      ['Beta', 'Ann Runs'],
      ['Alpha', 'Ann Runs'],
      ['Alpha', 'Ann Runs'],
    ]);
    expect(await ids(bob.as)).toEqual([gammaFailed.id, alphaFailed.id, alphaOk.id]);
    // An admin reads every workflow.
    expect(await ids(root.as)).toEqual([gammaFailed.id, betaOk.id, alphaFailed.id, alphaOk.id]);
    // Eve is a member of nothing: she sees nothing, and naming a workflow she cannot read is refused.
    expect(await ids(eve.as)).toEqual([]);
    expect((await list(eve.as, `workflowId=${alpha}`)).status).toBe(403);
    expect((await list(ann.as, `workflowId=${alpha}&workflowId=${gamma}`)).status).toBe(403);
    expect((await list(ann.as, 'workflowId=no-such-workflow')).status).toBe(404);

    // Filters: status and mode repeatable, workflows repeatable, a created-time range.
    expect(await ids(ann.as, 'status=failed')).toEqual([alphaFailed.id]);
    expect(await ids(ann.as, 'status=failed&status=succeeded')).toEqual([betaOk.id, alphaFailed.id, alphaOk.id]);
    expect(await ids(ann.as, 'mode=manual')).toEqual([betaOk.id, alphaFailed.id, alphaOk.id]);
    expect(await ids(ann.as, 'mode=webhook&mode=schedule')).toEqual([]);
    expect(await ids(ann.as, `workflowId=${alpha}&workflowId=${beta}&status=succeeded`)).toEqual([
      betaOk.id,
      alphaOk.id,
    ]);
    expect(await ids(ann.as, `from=${alphaFailed.createdAt}`)).toEqual([betaOk.id, alphaFailed.id]);
    expect(await ids(ann.as, `to=${alphaFailed.createdAt}`)).toEqual([alphaFailed.id, alphaOk.id]);
    expect(await ids(ann.as, `from=${alphaFailed.createdAt}&to=${alphaFailed.createdAt}`)).toEqual([alphaFailed.id]);

    // Paging across workflows: one row a page, the cursor walks all of them once.
    const walked: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = `limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const page = await list(ann.as, query);
      walked.push(...page.body.executions.map((e) => e.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(walked).toEqual([betaOk.id, alphaFailed.id, alphaOk.id]);

    // Bad filter values: 400 with the error shape, never a crash.
    for (const bad of [
      'status=bogus',
      'status=failed&status=nope',
      'mode=cron',
      'from=yesterday',
      'from=-5',
      'to=',
      'to=1e12',
      'limit=0',
      'cursor=not-a-cursor',
      Array.from({ length: 51 }, (_, i) => `workflowId=w${i}`).join('&'),
    ]) {
      const res = await rest.call<ErrorBody>('GET', `/api/executions?${bad}`, { as: ann.as });
      expect(res.status, bad).toBe(400);
      expect(res.body.error.code, bad).toBe('bad_request');
      expect(typeof res.body.error.message, bad).toBe('string');
    }

    // Bulk retry: each id answered on its own, the caller's rights checked per id, a repeated id once.
    const retried = await rest.call<{ results: BulkRetryResult[] }>('POST', '/api/executions/retry', {
      as: ann.as,
      body: { ids: [alphaFailed.id, gammaFailed.id, 'no-such-run', alphaFailed.id] },
    });
    expect(retried.status).toBe(200);
    const [mine, theirs, missing, ...rest2] = retried.body.results;
    expect(rest2).toEqual([]);
    expect(mine).toMatchObject({ id: alphaFailed.id, ok: true, execution: { mode: 'retry', retryOf: alphaFailed.id } });
    expect(theirs).toMatchObject({ id: gammaFailed.id, ok: false, error: { code: 'forbidden' } });
    expect(missing).toMatchObject({ id: 'no-such-run', ok: false, error: { code: 'not_found' } });
    // A viewer may read the runs but not retry them.
    const asViewer = await rest.call<{ results: BulkRetryResult[] }>('POST', '/api/executions/retry', {
      as: bob.as,
      body: { ids: [alphaFailed.id] },
    });
    expect(asViewer.body.results).toMatchObject([{ ok: false, error: { code: 'forbidden' } }]);
    for (const body of [{ ids: [] }, { ids: Array.from({ length: 101 }, (_, i) => `e${i}`) }, { ids: 'x' }, {}]) {
      const res = await rest.call<ErrorBody>('POST', '/api/executions/retry', { as: ann.as, body });
      expect(res.status, JSON.stringify(body).slice(0, 40)).toBe(400);
      expect(res.body.error.code).toMatch(/bad_request|validation_failed/);
    }
    expect((await rest.call('POST', '/api/executions/retry', { body: { ids: [alphaFailed.id] } })).status).toBe(401);
    const retry = mine?.ok ? mine.execution : undefined;
    if (!retry) throw new Error('the retry did not start');
    expect((await ids(ann.as, 'mode=retry'))[0]).toBe(retry.id);

    // A viewer cannot delete a run; its owner can, once it has ended.
    expect((await rest.call('DELETE', `/api/executions/${alphaOk.id}`, { as: bob.as })).status).toBe(403);
    expect((await rest.call('DELETE', `/api/executions/${alphaOk.id}`, { as: ann.as })).status).toBe(204);
    expect(await ids(bob.as, `workflowId=${alpha}`)).not.toContain(alphaOk.id);

    // A removed member stops seeing the workflow's runs, in the list across workflows too.
    expect((await rest.call('DELETE', `/api/workflows/${alpha}/members/${bob.user.id}`, { as: ann.as })).status).toBe(
      204,
    );
    expect(await ids(bob.as)).toEqual([gammaFailed.id]);
    expect((await list(bob.as, `workflowId=${alpha}`)).status).toBe(403);
  });
});
