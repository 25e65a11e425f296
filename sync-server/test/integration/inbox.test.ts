import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { mentionToken, openThread, reply } from '#shared/discussion/index.ts';
import { discussionRoom } from '#shared/protocol/rooms.ts';
import { rawSql } from '../helpers/raw-sql.ts';
import { restClient } from '../helpers/rest.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';
import { connectClient, type YwsClient } from '../helpers/yws-client.ts';

/**
 * The inbox, fed by comments written over stock y-websocket clients: a
 * mention notifies the person mentioned, a reply the thread's earlier
 * writers, never the writer; only members are notified and only members see.
 */

let t: TestServer;
let rest: ReturnType<typeof restClient>;
type Person = Awaited<ReturnType<ReturnType<typeof restClient>['signup']>>;
let ann: Person;
let ben: Person;
let cy: Person;
let outsider: Person;
let workflowId: string;
const clients: YwsClient[] = [];

interface Page {
  items: { kind: string; excerpt: string; actor: { name: string } | null; workflowName: string; id: string }[];
  unread: number;
  nextCursor: string | null;
}

beforeAll(async () => {
  t = await startTestServer();
  await t.listen();
  rest = restClient(t.baseUrl);
  await rest.signup('admin@example.com');
  ann = await rest.signup('ann@example.com', 'Ann');
  ben = await rest.signup('ben@example.com', 'Ben');
  cy = await rest.signup('cy@example.com', 'Cy');
  outsider = await rest.signup('out@example.com', 'Out');
  workflowId = await rest.createWorkflow(ann.as, 'Orders');
  await rest.addMember(ann.as, workflowId, ben, 'commenter');
  await rest.addMember(ann.as, workflowId, cy, 'editor');
});

afterAll(async () => {
  for (const c of clients) c.destroy();
  await t.close();
});

const client = async (who: Person) => {
  const c = connectClient(t.wsUrl, discussionRoom(workflowId), { token: who.token });
  clients.push(c);
  await c.synced();
  return c;
};

const inboxOf = async (who: Person, query = '') =>
  (await rest.call<Page>('GET', `/api/me/inbox${query}`, { as: who.as })).body;

describe('the inbox', () => {
  it('a mention notifies the person mentioned; a reply the earlier writers; never the writer; only members', async () => {
    const bens = await client(ben);
    const { threadId } = openThread(bens.doc, {
      anchor: { kind: 'workflow' },
      author: ben.user.id,
      body: `Is this right, ${mentionToken(ann.user.id)}? Also ${mentionToken(outsider.user.id)}`,
      now: Date.now(),
    });
    await expect.poll(async () => (await inboxOf(ann)).unread).toBe(1);
    const [mention] = (await inboxOf(ann)).items;
    expect(mention).toMatchObject({
      kind: 'mention',
      excerpt: 'Is this right, @Ann? Also @unknown user',
      actor: { name: 'Ben' },
      workflowName: 'Orders',
    });
    expect((await inboxOf(outsider)).items).toEqual([]);
    expect((await inboxOf(ben)).items).toEqual([]);

    const cys = await client(cy);
    reply(cys.doc, { threadId, author: cy.user.id, body: `Agreed, ${mentionToken(ann.user.id)}`, now: Date.now() });
    // Ann is mentioned in the reply: she gets the mention, not a second "reply" item; Ben wrote before, he gets the reply.
    await expect.poll(async () => (await inboxOf(ben)).items.map((i) => i.kind)).toEqual(['reply']);
    await expect.poll(async () => (await inboxOf(ann)).items.map((i) => i.kind)).toEqual(['mention', 'mention']);
    expect((await inboxOf(cy)).items).toEqual([]);
  });

  it('marks items read, pages, and refuses bad input with 400', async () => {
    const page = await inboxOf(ann, '?limit=1');
    expect(page.items).toHaveLength(1);
    expect(page.nextCursor).not.toBeNull();
    const rest2 = await inboxOf(ann, `?limit=1&cursor=${page.nextCursor ?? ''}`);
    expect(rest2.items[0]?.id).not.toBe(page.items[0]?.id);
    const first = page.items[0]?.id ?? '';
    expect((await rest.call('POST', '/api/me/inbox/read', { as: ann.as, body: { ids: [first] } })).status).toBe(204);
    expect((await rest.call<{ unread: number }>('GET', '/api/me/inbox/unread', { as: ann.as })).body.unread).toBe(1);
    // Someone else's item id changes nothing.
    await rest.call('POST', '/api/me/inbox/read', { as: ben.as, body: { ids: [rest2.items[0]?.id ?? ''] } });
    expect((await inboxOf(ann, '?unread=true')).items).toHaveLength(1);
    for (const [body, query] of [
      [{ ids: [] }, ''],
      [{ ids: ['a'], all: true }, ''],
      [{ all: false }, ''],
    ] as const) {
      const res = await rest.call('POST', `/api/me/inbox/read${query}`, { as: ann.as, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
    expect((await rest.call('GET', '/api/me/inbox?cursor=nope', { as: ann.as })).status).toBe(400);
    expect((await rest.call('GET', '/api/me/inbox?limit=0', { as: ann.as })).status).toBe(400);
    expect((await rest.call('GET', '/api/me/inbox')).status).toBe(401);
    expect((await rest.call('POST', '/api/me/inbox/read', { as: ann.as, body: { all: true } })).status).toBe(204);
    expect((await inboxOf(ann)).unread).toBe(0);
  });

  it('a person removed from the workflow no longer sees its items', async () => {
    expect((await inboxOf(ben)).items).toHaveLength(1);
    expect(
      (await rest.call('DELETE', `/api/workflows/${workflowId}/members/${ben.user.id}`, { as: ann.as })).status,
    ).toBe(204);
    expect(await inboxOf(ben)).toMatchObject({ items: [], unread: 0 });
  });
});

describe('the inbox after a crash', () => {
  it('a notice lost between a commit and its inbox write is written when the discussion next loads, once per process', async () => {
    const server = await startTestServer();
    try {
      await server.listen();
      const api = restClient(server.baseUrl);
      await api.signup('admin@example.com');
      const owner = await api.signup('owner@example.com', 'Owner');
      const writer = await api.signup('writer@example.com', 'Writer');
      const id = await api.createWorkflow(owner.as, 'Crashy');
      await api.addMember(owner.as, id, writer, 'commenter');
      const room = discussionRoom(id);
      const items = async () => (await api.call<Page>('GET', '/api/me/inbox', { as: owner.as })).body.items;
      // A comment committed to the log by a process that stopped before its inbox write.
      const writersDoc = new Y.Doc();
      const committedWithoutInbox = async (body: string) => {
        const before = Y.encodeStateVector(writersDoc);
        openThread(writersDoc, { anchor: { kind: 'workflow' }, author: writer.user.id, body, now: Date.now() });
        await server.server.storage.docs.append(room, [
          { authorId: writer.user.id, createdAt: Date.now(), data: Y.encodeStateAsUpdate(writersDoc, before) },
        ]);
      };
      const readFor = async (ms: number) => {
        const reader = connectClient(server.wsUrl, room, { token: owner.token });
        await reader.synced();
        await new Promise((r) => setTimeout(r, ms));
        reader.destroy();
      };

      await committedWithoutInbox(`Look, ${mentionToken(owner.user.id)}`);
      await readFor(0);
      await expect.poll(items).toMatchObject([{ kind: 'mention', excerpt: 'Look, @Owner', actor: { name: 'Writer' } }]);

      // The room unloads; the next load in this process does not go through the discussion again.
      await new Promise((r) => setTimeout(r, 300));
      await rawSql(server.server, 'delete from inbox_items');
      await committedWithoutInbox(`And this, ${mentionToken(owner.user.id)}`);
      await readFor(300);
      expect(await items()).toEqual([]);
    } finally {
      await server.close();
    }
  });
});
