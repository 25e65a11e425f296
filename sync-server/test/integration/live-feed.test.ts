import { describe, expect, it } from 'vitest';
import type { LiveExecutions, LivePresence } from '#shared/protocol/live-feed.ts';
import { restClient } from '../helpers/rest.ts';
import { startTestServer } from '../helpers/test-server.ts';
import { openSse, type SseClient, type SseEvent } from '../helpers/sse-client.ts';
import { connectClient } from '../helpers/yws-client.ts';
import { executionEnd, importWorkflow, node, edge, serverWithEngine } from '../helpers/workflow-runs.ts';

/**
 * The live feed (`GET /api/live`, docs/plans/home-insights.md §1) end to end:
 * a real server with a real engine, people in workflows through the stock
 * y-websocket client, runs through the real queue — on SQLite and, in the
 * sync-server-pg project, PostgreSQL. Each feed sees only what its person may
 * read, and stops seeing it when access is taken away.
 */

const s = serverWithEngine({}, { per: 'all' });

const presenceOf = (workflowId: string, names: string[]) => (e: SseEvent) =>
  e.event === 'presence' &&
  (e.data as LivePresence).workflowId === workflowId &&
  JSON.stringify((e.data as LivePresence).users.map((u) => u.name)) === JSON.stringify(names);

const runIn = (status: string, executionId?: string) => (e: SseEvent) =>
  e.event === 'executions' &&
  (e.data as LiveExecutions).executions.some((x) => x.status === status && (!executionId || x.id === executionId));

const feed = (token: string): Promise<SseClient> =>
  openSse(`${s.t.baseUrl}/api/live`, { authorization: `Bearer ${token}` });

const workflowBody = (name: string) => ({
  name,
  nodes: [node('go', 'Go', 'manualTrigger'), node('done', 'Done', 'noOp', {}, 200)],
  edges: [edge('go', 'done')],
});

describe('the live feed', () => {
  it('shows who is in a workflow and its runs to its members only, and stops when access ends', async () => {
    const { rest } = s;
    const ann = await rest.signup('ann-feed@example.com', 'Ann'); // the first account: the instance admin
    const ben = await rest.signup('ben-feed@example.com', 'Ben');
    const cara = await rest.signup('cara-feed@example.com', 'Cara');
    const shared = await importWorkflow(rest, ann.as, workflowBody('Shared'));
    const carasOwn = await importWorkflow(rest, cara.as, workflowBody('Cara only'));
    await rest.addMember(ann.as, shared, ben, 'editor');

    const benFeed = await feed(ben.token);
    const caraFeed = await feed(cara.token);
    expect(benFeed.status).toBe(200);
    await benFeed.next((e) => e.event === 'ready', 'ready');
    await caraFeed.next((e) => e.event === 'ready', 'ready');

    // Ann opens the shared workflow: Ben sees her there, Cara hears nothing of it.
    const annInShared = connectClient(s.t.wsUrl, shared, { token: ann.token });
    await annInShared.synced();
    await benFeed.next(presenceOf(shared, ['Ann']), 'Ann in the shared workflow');
    // Cara opens her own: her feed shows her, Ben's does not.
    const caraInOwn = connectClient(s.t.wsUrl, carasOwn, { token: cara.token });
    await caraInOwn.synced();
    await caraFeed.next(presenceOf(carasOwn, ['Cara']), 'Cara in her workflow');

    // A feed opened now starts with the snapshot: both workflows for the admin.
    const annFeed = await feed(ann.token);
    const ready = await annFeed.next((e) => e.event === 'ready', 'ready');
    const snapshot = annFeed.events.slice(0, annFeed.events.indexOf(ready));
    expect(snapshot.some(presenceOf(shared, ['Ann']))).toBe(true);
    expect(snapshot.some(presenceOf(carasOwn, ['Cara']))).toBe(true);

    // A run of the shared workflow reaches Ben, with the workflow's name, through to its end.
    const started = await rest.call<{ id: string }>('POST', `/api/workflows/${shared}/run`, { as: ann.as });
    expect(started.status).toBe(201);
    const done = await benFeed.next(runIn('succeeded', started.body.id), 'the run to succeed');
    const run = (done.data as LiveExecutions).executions.find((x) => x.id === started.body.id);
    expect(run).toMatchObject({
      workflowId: shared,
      workflowName: 'Shared',
      mode: 'manual',
      status: 'succeeded',
      startedBy: { id: ann.user.id, name: 'Ann' },
    });
    await annFeed.next(runIn('succeeded', started.body.id), 'the admin to see the run');

    // Leaving empties the list.
    annInShared.destroy();
    await benFeed.next(presenceOf(shared, []), 'Ann to leave');

    // Ben is removed: the shared workflow's news stops reaching him.
    const removed = await rest.call('DELETE', `/api/workflows/${shared}/members/${ben.user.id}`, { as: ann.as });
    expect(removed.status).toBe(204);
    const seenByBen = benFeed.events.length;
    const later = await rest.call<{ id: string }>('POST', `/api/workflows/${shared}/run`, { as: ann.as });
    await executionEnd(rest, ann.as, later.body.id);
    const annBack = connectClient(s.t.wsUrl, shared, { token: ann.token });
    await annBack.synced();
    await annFeed.next(runIn('succeeded', later.body.id), 'the admin to see the later run');
    await annFeed.next(
      presenceOf(shared, ['Ann']),
      'Ann back in the shared workflow',
      annFeed.events.indexOf(ready) + 1,
    );
    const leaked = benFeed.events
      .slice(seenByBen)
      .filter(
        (e) =>
          (e.event === 'presence' && (e.data as LivePresence).workflowId === shared) ||
          (e.event === 'executions' && (e.data as LiveExecutions).executions.some((x) => x.workflowId === shared)),
      );
    expect(leaked).toEqual([]);
    // Cara never heard of the shared workflow at all.
    expect(JSON.stringify(caraFeed.events)).not.toContain(shared);

    annBack.destroy();
    caraInOwn.destroy();
    for (const f of [benFeed, caraFeed, annFeed]) f.close();
  }, 60_000);

  it('ends a feed whose token is revoked, and refuses no credentials, other origins and too many feeds', async () => {
    const { rest } = s;
    const dan = await rest.signup('dan-feed@example.com', 'Dan');
    const danFeed = await feed(dan.token);
    await danFeed.next((e) => e.event === 'ready', 'ready');
    const tokens = await rest.call<{ tokens: { id: string; name: string }[] }>('GET', '/api/tokens', { as: dan.as });
    const tokenId = tokens.body.tokens[0]?.id ?? '';
    expect((await rest.call('DELETE', `/api/tokens/${tokenId}`, { as: dan.as })).status).toBe(204);
    await danFeed.ended;
    expect((await feed(dan.token)).status).toBe(401);

    const anonymous = await openSse(`${s.t.baseUrl}/api/live`);
    expect(anonymous.status).toBe(401);
    // A session cookie carried by another site's page.
    const crossSite = await openSse(`${s.t.baseUrl}/api/live`, {
      cookie: dan.cookie,
      origin: 'https://evil.example',
    });
    expect(crossSite.status).toBe(403);
    const sameSite = await openSse(`${s.t.baseUrl}/api/live`, { cookie: dan.cookie, origin: s.t.baseUrl });
    expect(sameSite.status).toBe(200);
    sameSite.close();

    // Feeds per account are bounded: the 33rd is refused while 32 are open.
    const eve = await rest.signup('eve-feed@example.com', 'Eve');
    const open: SseClient[] = [];
    for (let i = 0; i < 32; i++) open.push(await feed(eve.token));
    expect(open.every((f) => f.status === 200)).toBe(true);
    const extra = await feed(eve.token);
    expect(extra.status).toBe(429);
    for (const f of open) f.close();
  }, 60_000);

  it('starts with the runs in flight that its person may read, and only those', async () => {
    // A server without an engine: runs stay queued.
    const t = await startTestServer();
    await t.listen();
    try {
      const rest = restClient(t.baseUrl);
      const ann = await rest.signup('ann-queue@example.com', 'Ann');
      const ben = await rest.signup('ben-queue@example.com', 'Ben');
      const annsFlow = await importWorkflow(rest, ann.as, workflowBody('Ann queued'));
      const bensFlow = await importWorkflow(rest, ben.as, workflowBody('Ben queued'));
      const runOf = async (as: { cookie?: string; token?: string }, workflowId: string) =>
        (await rest.call<{ id: string }>('POST', `/api/workflows/${workflowId}/run`, { as })).body.id;
      const annsRun = await runOf(ann.as, annsFlow);
      const bensRun = await runOf(ben.as, bensFlow);
      const snapshotOf = async (token: string) => {
        const f = await openSse(`${t.baseUrl}/api/live`, { authorization: `Bearer ${token}` });
        await f.next((e) => e.event === 'ready', 'ready');
        f.close();
        return f.events
          .filter((e) => e.event === 'executions')
          .flatMap((e) => (e.data as LiveExecutions).executions.map((x) => `${x.id}:${x.status}`));
      };
      expect(await snapshotOf(ben.token)).toEqual([`${bensRun}:queued`]);
      // The admin reads every workflow: newest first.
      expect(await snapshotOf(ann.token)).toEqual([`${bensRun}:queued`, `${annsRun}:queued`]);
    } finally {
      await t.close();
    }
  });
});
