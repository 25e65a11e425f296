import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { commentsMap, openThread, parseComment, readThreads } from '#shared/discussion/index.ts';
import { CloseCodes } from '#shared/protocol/close-codes.ts';
import { discussionRoom } from '#shared/protocol/rooms.ts';
import { usePgDatabases } from '../helpers/pg-databases.ts';
import { startRedis, type ThrowawayRedis } from '../helpers/redis.ts';
import { restClient, type Caller } from '../helpers/rest.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';
import { connectClient, waitFor, type YwsClient } from '../helpers/yws-client.ts';

/**
 * Working together on a cluster (docs/plans/collaboration.md §10): two
 * instances share PostgreSQL and Redis. The discussion's rules hold on
 * whichever instance a socket lands on (a refused change closes that socket
 * with 4422 and never reaches the other instance's clients or the store),
 * and a share link's limit, revocation and role hold across instances.
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
  const t = await startTestServer({ databaseUrl, redisUrl: redis.url });
  servers.push(t);
  await t.listen();
  return t;
};

const open = async (t: TestServer, room: string, token: string) => {
  const client = connectClient(t.wsUrl, room, { token });
  clients.push(client);
  await client.synced();
  return client;
};

const twoInstances = async () => {
  const db = await databases.fresh();
  const a = await instance(db.url);
  const b = await instance(db.url);
  return { a, b, onA: restClient(a.baseUrl), onB: restClient(b.baseUrl) };
};

describe('the discussion across instances', () => {
  it("a commenter's comment on B reaches the owner on A; a forged edit on B closes that socket with 4422 and reaches neither A nor the store", async () => {
    const { a, b, onA } = await twoInstances();
    await onA.signup('admin@example.com');
    const owner = await onA.signup('owner@example.com');
    const ann = await onA.signup('ann@example.com');
    const ben = await onA.signup('ben@example.com');
    const workflowId = await onA.createWorkflow(owner.as, 'Discussed');
    await onA.addMember(owner.as, workflowId, ann, 'commenter');
    await onA.addMember(owner.as, workflowId, ben, 'commenter');
    const room = discussionRoom(workflowId);

    const ownerOnA = await open(a, room, owner.token);
    const annOnB = await open(b, room, ann.token);
    const benOnB = await open(b, room, ben.token);
    const { commentId } = openThread(annOnB.doc, {
      anchor: { kind: 'node', nodeId: 'n1', label: 'HTTP Request' },
      author: ann.user.id,
      body: 'Is this URL right?',
      now: Date.now(),
    });
    await waitFor("Ann's comment to reach the owner on A", () => commentsMap(ownerOnA.doc).has(commentId), 3000);
    await waitFor("Ben to see Ann's comment", () => commentsMap(benOnB.doc).has(commentId), 3000);

    const record = parseComment(commentsMap(benOnB.doc).get(commentId));
    expect(record).toBeDefined();
    commentsMap(benOnB.doc).set(commentId, { ...record, body: 'Ann says: delete everything' });
    await waitFor('Ben to be closed on B', () => benOnB.closes.length > 0, 3000);
    expect(benOnB.closes[0]?.code).toBe(CloseCodes.refusedChange);

    // A later, allowed change crosses over; the forged body never did.
    const second = openThread(annOnB.doc, {
      anchor: { kind: 'workflow' },
      author: ann.user.id,
      body: 'And the schedule?',
      now: Date.now(),
    });
    await waitFor('the second thread on A', () => commentsMap(ownerOnA.doc).has(second.commentId), 3000);
    expect(parseComment(commentsMap(ownerOnA.doc).get(commentId))?.body).toBe('Is this URL right?');

    // What a fresh client reads from the other instance is what was allowed.
    const fresh = await open(a, room, owner.token);
    const bodies = readThreads(fresh.doc).flatMap((th) => th.comments.map((c) => c.body));
    expect(bodies.sort()).toEqual(['And the schedule?', 'Is this URL right?']);
  });

  it('removing a commenter through A closes their discussion socket on B and they cannot come back', async () => {
    const { b, onA } = await twoInstances();
    await onA.signup('admin@example.com');
    const owner = await onA.signup('owner@example.com');
    const ann = await onA.signup('ann@example.com');
    const workflowId = await onA.createWorkflow(owner.as, 'Discussed');
    await onA.addMember(owner.as, workflowId, ann, 'commenter');
    const annOnB = await open(b, discussionRoom(workflowId), ann.token);

    const removed = await onA.call('DELETE', `/api/workflows/${workflowId}/members/${ann.user.id}`, { as: owner.as });
    expect(removed.status).toBe(204);
    await waitFor("Ann's socket on B to close", () => annOnB.closes.length > 0, 3000);
    expect(annOnB.closes[0]?.code).toBe(CloseCodes.forbidden);
    expect(annOnB.provider.shouldConnect).toBe(false);

    // A new socket on either instance is refused the same way.
    const again = connectClient(b.wsUrl, discussionRoom(workflowId), { token: ann.token });
    clients.push(again);
    await waitFor('the new socket to be refused', () => again.closes.length > 0, 3000);
    expect(again.closes[0]?.code).toBe(CloseCodes.forbidden);
  });
});

describe('share links across instances', () => {
  const link = async (
    rest: ReturnType<typeof restClient>,
    as: Caller,
    workflowId: string,
    body: Record<string, unknown>,
  ) => {
    const res = await rest.call<{ id: string; token: string }>('POST', `/api/workflows/${workflowId}/links`, {
      as,
      body,
    });
    expect(res.status).toBe(201);
    return res.body;
  };

  it('a link made on A with a limit of one admits one of two people joining at once on A and B, and the other gets 410', async () => {
    const { onA, onB } = await twoInstances();
    await onA.signup('admin@example.com');
    const owner = await onA.signup('owner@example.com');
    const bob = await onA.signup('bob@example.com');
    const cat = await onA.signup('cat@example.com');
    const workflowId = await onA.createWorkflow(owner.as, 'Linked');
    const { token } = await link(onA, owner.as, workflowId, { role: 'commenter', maxUses: 1 });

    const [viaA, viaB] = await Promise.all([
      onA.call<{ workflowId: string; role: string }>('POST', `/api/links/${token}/join`, { as: bob.as }),
      onB.call<{ workflowId: string; role: string }>('POST', `/api/links/${token}/join`, { as: cat.as }),
    ]);
    expect([viaA.status, viaB.status].sort()).toEqual([200, 410]);
    const winner = viaA.status === 200 ? viaA : viaB;
    expect(winner.body).toEqual({ workflowId, role: 'commenter' });

    const listed = await onB.call<{ links: { uses: number; joined: { userId: string }[] }[] }>(
      'GET',
      `/api/workflows/${workflowId}/links`,
      { as: owner.as },
    );
    expect(listed.body.links[0]?.uses).toBe(1);
    expect(listed.body.links[0]?.joined.map((j) => j.userId)).toEqual([
      viaA.status === 200 ? bob.user.id : cat.user.id,
    ]);
  });

  it('a link revoked on A is refused on B, and someone who joined through B may open the room on A with its role', async () => {
    const { a, onA, onB } = await twoInstances();
    await onA.signup('admin@example.com');
    const owner = await onA.signup('owner@example.com');
    const bob = await onA.signup('bob@example.com');
    const cat = await onA.signup('cat@example.com');
    const workflowId = await onA.createWorkflow(owner.as, 'Linked');
    const kept = await link(onA, owner.as, workflowId, { role: 'viewer' });
    const revoked = await link(onA, owner.as, workflowId, { role: 'editor' });

    expect((await onB.call('POST', `/api/links/${kept.token}/join`, { as: bob.as })).status).toBe(200);
    expect(
      (await onA.call('DELETE', `/api/workflows/${workflowId}/links/${revoked.id}`, { as: owner.as })).status,
    ).toBe(204);
    const refused = await onB.call<{ error: { code: string; message: string } }>(
      'POST',
      `/api/links/${revoked.token}/join`,
      { as: cat.as },
    );
    expect(refused.status).toBe(410);
    expect(refused.body.error.code).toBe('gone');

    // Bob joined as a viewer through B: on A he reads the workflow, and his writes are dropped.
    const ownerOnA = await open(a, workflowId, owner.token);
    ownerOnA.doc.getMap('meta').set('marker', 1);
    const bobOnA = await open(a, workflowId, bob.token);
    await waitFor('Bob to read the workflow on A', () => bobOnA.doc.getMap('meta').get('marker') === 1, 3000);
    bobOnA.doc.getMap('meta').set('viewer-write', true);
    ownerOnA.doc.getMap('meta').set('marker', 2);
    await waitFor('the second marker to reach Bob', () => bobOnA.doc.getMap('meta').get('marker') === 2, 3000);
    await new Promise((r) => setTimeout(r, 200));
    expect(ownerOnA.doc.getMap('meta').has('viewer-write')).toBe(false);
  });
});
