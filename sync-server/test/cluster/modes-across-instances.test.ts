import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ModeDto } from '#shared/api/modes.ts';
import { serverAwarenessStateSchema } from '#shared/protocol/live.ts';
import { usePgDatabases } from '../helpers/pg-databases.ts';
import { startRedis, type ThrowawayRedis } from '../helpers/redis.ts';
import { restClient } from '../helpers/rest.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';
import { connectClient, waitFor, type YwsClient } from '../helpers/yws-client.ts';

/**
 * Edit modes on a cluster (docs/plans/collaboration.md §5.3, §10): a lock
 * made through one instance is enforced by another within NOTIFY latency —
 * the re-read is set far off here, so only `weft_modes` can carry it — and
 * that instance shows it to its own clients and merges held edits on unlock.
 */

const databases = usePgDatabases();
let redis: ThrowawayRedis;
const servers: TestServer[] = [];
const clients: YwsClient[] = [];

beforeAll(async () => {
  redis = await startRedis();
});
afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  for (const s of servers.splice(0).reverse()) await s.close();
});
afterAll(async () => {
  await redis.stop();
});

const instance = async (databaseUrl: string): Promise<TestServer> => {
  const t = await startTestServer({ databaseUrl, redisUrl: redis.url, modeRefreshMs: 60_000 });
  servers.push(t);
  await t.listen();
  return t;
};

const open = async (t: TestServer, workflowId: string, token: string) => {
  const client = connectClient(t.wsUrl, workflowId, { token });
  clients.push(client);
  await client.synced();
  return client;
};

const serverMode = (c: YwsClient): ModeDto | undefined => {
  for (const state of c.provider.awareness.getStates().values()) {
    const parsed = serverAwarenessStateSchema.safeParse(state);
    if (parsed.success) return parsed.data.mode;
  }
  return undefined;
};

describe('edit modes across instances', () => {
  it("a lock through A drops an editor's edits on B at once, B shows it, and unlocking through A merges them", async () => {
    const db = await databases.fresh();
    const a = await instance(db.url);
    const b = await instance(db.url);
    const onA = restClient(a.baseUrl);
    const owner = await onA.signup('owner@example.com');
    const editor = await onA.signup('editor@example.com');
    const workflowId = await onA.createWorkflow(owner.as, 'Shared');
    await onA.addMember(owner.as, workflowId, editor, 'editor');
    const ownerOnA = await open(a, workflowId, owner.token);
    const editorOnB = await open(b, workflowId, editor.token);

    const locked = await onA.call('PUT', `/api/workflows/${workflowId}/mode`, {
      as: owner.as,
      body: { mode: 'locked', reason: 'incident #42' },
    });
    expect(locked.status).toBe(200);
    await waitFor('B to show the lock', () => serverMode(editorOnB)?.mode === 'locked', 1000);
    editorOnB.doc.getMap('meta').set('held', 'from b');
    ownerOnA.doc.getMap('meta').set('marker', 1);
    await waitFor('the owner’s edit to reach B', () => editorOnB.doc.getMap('meta').get('marker') === 1);
    await new Promise((r) => setTimeout(r, 200));
    expect(ownerOnA.doc.getMap('meta').has('held')).toBe(false);

    await onA.call('PUT', `/api/workflows/${workflowId}/mode`, { as: owner.as, body: { mode: 'parallel' } });
    await waitFor('the held edit to reach A', () => ownerOnA.doc.getMap('meta').get('held') === 'from b', 2000);
  });
});
