import { afterEach, beforeEach, expect, it } from 'vitest';
import { setParameter } from '#shared/schema/write.ts';
import { restClient } from '../helpers/rest.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';
import { importTwoNodes } from '../helpers/versions.ts';
import { connectClient, type YwsClient } from '../helpers/yws-client.ts';

/**
 * SPEC VER1 (docs/plans/collaboration.md §7.1): the edits of everyone in a
 * session, whichever socket they came by, become one auto version once
 * nobody edited for the idle time. The second editor's commit lands inside
 * the first one's touch interval, so only the trailing touch records them.
 */

let t: TestServer;
const clients: YwsClient[] = [];

beforeEach(async () => {
  // Idle after 60 ms; the sweep runs when the test says so.
  t = await startTestServer({ versionIdleMinutes: 0.001, versionSweepMs: 3_600_000 });
  await t.listen();
});
afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  await t.close();
});

it('edits by two people become one auto version naming both, cut once', async () => {
  const rest = restClient(t.baseUrl);
  const ann = await rest.signup('ann@example.com', 'Ann');
  const ben = await rest.signup('ben@example.com', 'Ben');
  const id = await importTwoNodes(rest, ann.as);
  await rest.addMember(ann.as, id, ben, 'editor');
  const annSide = connectClient(t.wsUrl, id, { token: ann.token });
  const benSide = connectClient(t.wsUrl, id, { token: ben.token });
  clients.push(annSide, benSide);
  await Promise.all([annSide.synced(), benSide.synced()]);
  const { history } = t.server.storage;

  setParameter(annSide.doc, 'a', 'url', 'https://a.example/ann');
  await expect.poll(() => history.session(id), { timeout: 5_000 }).toBeDefined();
  const benAt = Date.now();
  setParameter(benSide.doc, 'b', 'url', 'https://b.example/ben');
  // The trailing touch, up to 5 s after the first.
  await expect
    .poll(async () => (await history.session(id))?.lastEditAt ?? 0, { timeout: 8_000, interval: 100 })
    .toBeGreaterThanOrEqual(benAt);
  await new Promise((r) => setTimeout(r, 100));

  await Promise.all([t.server.versionSessions.sweep(), t.server.versionSessions.sweep()]);
  await t.server.versionSessions.sweep();
  const listed = await rest.call<{ versions: { kind: string; authors: { name: string | null }[]; hash: string }[] }>(
    'GET',
    `/api/workflows/${id}/versions`,
    { as: ann.as },
  );
  expect(listed.body.versions).toHaveLength(1);
  expect(listed.body.versions[0]).toMatchObject({ kind: 'auto', authors: [{ name: 'Ann' }, { name: 'Ben' }] });
  const version = await rest.call<{ definition: { nodes: { id: string; parameters: { url?: string } }[] } }>(
    'GET',
    `/api/workflows/${id}/versions/${listed.body.versions[0]?.hash ?? ''}`,
    { as: ann.as },
  );
  expect(version.body.definition.nodes.map((n) => n.parameters.url).filter(Boolean)).toEqual([
    'https://a.example/ann',
    'https://b.example/ben',
  ]);
  expect(await history.session(id)).toBeUndefined();
}, 20_000);
