import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '#shared/log.ts';
import type { WorkflowDefinition } from '#shared/schema/definition.ts';
import { sqliteFixture } from '../../test/contracts/sqlite-fixture.ts';
import { SqliteVersionStore } from '../executions/sqlite-version-store.ts';
import { RouteCache } from './route-cache.ts';
import { SqliteTriggerStore } from './sqlite-trigger-store.ts';

const teardowns: (() => Promise<void>)[] = [];
const caches: RouteCache[] = [];
afterEach(async () => {
  for (const c of caches.splice(0)) c.close();
  for (const t of teardowns.splice(0)) await t();
});

const hookVersion: WorkflowDefinition = {
  weft: 1,
  name: 'Hook',
  settings: {},
  nodes: [
    {
      id: 'hook',
      name: 'Hook',
      type: 'webhook',
      typeVersion: 1,
      position: { x: 0, y: 0 },
      parameters: { path: 'a', httpMethod: 'POST' },
    },
  ],
  edges: [],
};

describe('the route cache', () => {
  it('finds a route written elsewhere on the first request, and drops one removed elsewhere within its refresh, even when no news comes', async () => {
    const f = sqliteFixture();
    teardowns.push(f.teardown);
    await f.seedWorkflow('wf1');
    const versions = new SqliteVersionStore(f.database.db);
    const hash = await versions.save('wf1', new Uint8Array(), hookVersion, null, 1);
    // Two stores on one database: the cache's store never hears of the other's writes (news lost).
    const here = new SqliteTriggerStore(f.database.db);
    const elsewhere = new SqliteTriggerStore(f.database.db);
    const cache = new RouteCache(here, versions, silentLogger, { refreshMs: 300, missRereadMs: 50 });
    caches.push(cache);
    await cache.refresh();
    expect(await cache.find('POST', 'a', ['a'])).toBeUndefined();

    await elsewhere.publish('wf1', hash, undefined);
    expect(await elsewhere.activate('wf1', hash, [{ method: 'POST', path: 'a', nodeId: 'hook' }])).toEqual({
      status: 'active',
    });
    await new Promise((r) => setTimeout(r, 60));
    // A miss reads again: the new route answers its first request.
    const found = await cache.find('POST', 'a', ['a']);
    expect(found?.target).toMatchObject({ workflowId: 'wf1', versionHash: hash, node: { id: 'hook' } });

    await elsewhere.deactivate('wf1');
    const removedAt = Date.now();
    // A hit is served from the copy until the periodic read, never longer.
    while ((await cache.find('POST', 'a', ['a'])) !== undefined) {
      expect(Date.now() - removedAt).toBeLessThan(1_000);
      await new Promise((r) => setTimeout(r, 20));
    }
  });

  it('a refresh asked for during another one reads again after it, so a write just made is seen', async () => {
    const f = sqliteFixture();
    teardowns.push(f.teardown);
    await f.seedWorkflow('wf1');
    const versions = new SqliteVersionStore(f.database.db);
    const hash = await versions.save('wf1', new Uint8Array(), hookVersion, null, 1);
    const store = new SqliteTriggerStore(f.database.db);
    const cache = new RouteCache(store, versions, silentLogger, { refreshMs: 60_000, missRereadMs: 60_000 });
    caches.push(cache);
    await cache.refresh();
    const inFlight = cache.refresh();
    await store.publish('wf1', hash, undefined);
    await store.activate('wf1', hash, [{ method: 'POST', path: 'a', nodeId: 'hook' }]);
    await Promise.all([inFlight, cache.refresh()]);
    expect((await cache.find('POST', 'a', ['a']))?.target.workflowId).toBe('wf1');
  });
});
