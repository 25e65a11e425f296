import { afterEach, beforeEach, expect, it } from 'vitest';
import type { WorkflowDefinition } from '#shared/schema/definition.ts';
import { toDefinition } from '#shared/schema/to-definition.ts';
import { setParameter } from '#shared/schema/write.ts';
import { restClient, type Caller } from '../helpers/rest.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';
import { importTwoNodes, urlOf } from '../helpers/versions.ts';
import { connectClient, waitFor, type YwsClient } from '../helpers/yws-client.ts';

/**
 * SPEC VER2 and VER3 on real sockets with stock y-websocket clients
 * (docs/plans/collaboration.md §7.3, §12): a restore is one server
 * transaction on the live document, so an edit that was not at the server
 * when it committed (here: made offline, concurrent by construction) merges
 * on top and is kept; undo is three-way and leaves that edit alone too.
 */

let t: TestServer;
let rest: ReturnType<typeof restClient>;
const clients: YwsClient[] = [];

beforeEach(async () => {
  t = await startTestServer();
  await t.listen();
  rest = restClient(t.baseUrl);
});
afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  await t.close();
});

const exported = async (id: string, as: Caller) =>
  (await rest.call<WorkflowDefinition>('GET', `/api/workflows/${id}/export`, { as })).body;

it('a restore while Ben edits node B offline keeps both; undo brings Ann’s change back and leaves Ben’s', async () => {
  const ann = await rest.signup('ann@example.com', 'Ann');
  const ben = await rest.signup('ben@example.com', 'Ben');
  const id = await importTwoNodes(rest, ann.as);
  await rest.addMember(ann.as, id, ben, 'editor');
  const annSide = connectClient(t.wsUrl, id, { token: ann.token });
  const benSide = connectClient(t.wsUrl, id, { token: ben.token });
  clients.push(annSide, benSide);
  await Promise.all([annSide.synced(), benSide.synced()]);

  const named = await rest.call<{ id: string }>('POST', `/api/workflows/${id}/versions`, {
    body: { name: 'Good' },
    as: ann.as,
  });
  expect(named.status).toBe(201);

  setParameter(annSide.doc, 'a', 'url', 'https://a.example/ann-later');
  await waitFor(
    'Ben to see Ann’s change',
    () => urlOf(toDefinition(benSide.doc), 'a') === 'https://a.example/ann-later',
  );

  benSide.provider.disconnect();
  setParameter(benSide.doc, 'b', 'url', 'https://b.example/ben-offline');

  const restored = await rest.call<{ entry: { id: string }; changes: number }>(
    'POST',
    `/api/workflows/${id}/versions/${named.body.id}/restore`,
    { as: ann.as },
  );
  expect(restored.status).toBe(200);
  expect(restored.body.changes).toBe(1);
  const afterRestore = await exported(id, ann.as);
  expect(urlOf(afterRestore, 'a')).toBe('https://a.example/v1');
  expect(urlOf(afterRestore, 'b')).toBe('https://b.example/v1');
  await waitFor('Ann to see the restore', () => urlOf(toDefinition(annSide.doc), 'a') === 'https://a.example/v1');

  benSide.provider.connect();
  await waitFor(
    'Ann to see Ben’s offline edit',
    () => urlOf(toDefinition(annSide.doc), 'b') === 'https://b.example/ben-offline',
  );
  const merged = await exported(id, ann.as);
  expect(urlOf(merged, 'a')).toBe('https://a.example/v1');
  expect(urlOf(merged, 'b')).toBe('https://b.example/ben-offline');
  await waitFor('Ben to get the restore', () => urlOf(toDefinition(benSide.doc), 'a') === 'https://a.example/v1');

  const undone = await rest.call<{ changes: number }>(
    'POST',
    `/api/workflows/${id}/versions/${restored.body.entry.id}/undo`,
    { as: ann.as },
  );
  expect(undone.status).toBe(200);
  const afterUndo = await exported(id, ann.as);
  expect(urlOf(afterUndo, 'a')).toBe('https://a.example/ann-later');
  expect(urlOf(afterUndo, 'b')).toBe('https://b.example/ben-offline');
  await waitFor('both clients to get the undo', () =>
    [annSide, benSide].every((c) => urlOf(toDefinition(c.doc), 'a') === 'https://a.example/ann-later'),
  );
  expect(urlOf(toDefinition(benSide.doc), 'b')).toBe('https://b.example/ben-offline');
});
