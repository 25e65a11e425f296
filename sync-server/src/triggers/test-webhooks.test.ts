import { afterEach, describe, expect, it } from 'vitest';
import type { WorkflowDefinition } from '#shared/schema/definition.ts';
import { sqliteFixture } from '../../test/contracts/sqlite-fixture.ts';
import { SqliteTestListenerStore } from './sqlite-test-listener-store.ts';
import { TestWebhooks } from './test-webhooks.ts';

const teardowns: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const t of teardowns.splice(0)) await t();
});

/** Listeners live in the database (shared by instances): a real SQLite file with two workflows. */
const storeWithWorkflows = async () => {
  const f = sqliteFixture();
  teardowns.push(f.teardown);
  await f.seedWorkflow('wf1');
  await f.seedWorkflow('wf2');
  return new SqliteTestListenerStore(f.database.db);
};

const definition = (...hooks: { path: string; method?: string; disabled?: boolean }[]): WorkflowDefinition => ({
  weft: 1,
  name: 'Hooks',
  settings: {},
  nodes: hooks.map((h, i) => ({
    id: `h${i}`,
    name: `Hook ${i}`,
    type: 'webhook',
    typeVersion: 1,
    position: { x: i * 200, y: 0 },
    parameters: { path: h.path, ...(h.method ? { httpMethod: h.method } : {}) },
    ...(h.disabled ? { disabled: true } : {}),
  })),
  edges: [],
});

describe('test webhooks', () => {
  it('serve a listening workflow its paths until the deadline, then nothing', async () => {
    let now = 1_000;
    const changes: unknown[] = [];
    const hooks = new TestWebhooks(await storeWithWorkflows(), {
      now: () => now,
      listenMs: 120_000,
      onChange: (id, s) => changes.push([id, s]),
    });
    expect(await hooks.find('POST', 'orders')).toBeUndefined();
    const state = await hooks.listen('wf1', 'ann', definition({ path: '/orders/', method: 'POST' }, { path: 'ping' }));
    expect(state).toEqual({ expiresAt: 121_000, paths: ['orders', 'ping'] });
    expect(await hooks.find('POST', 'orders')).toMatchObject({ workflowId: 'wf1', userId: 'ann' });
    expect(await hooks.find('GET', 'orders')).toBeUndefined();
    expect((await hooks.find('HEAD', 'ping'))?.workflowId).toBe('wf1');
    now = 121_001;
    expect(await hooks.find('POST', 'orders')).toBeUndefined();
    await hooks.stop('wf1');
    hooks.close();
    expect(changes).toEqual([
      ['wf1', state],
      ['wf1', null],
    ]);
  });

  it('end a listening on time and say so; a renewal keeps it going', async () => {
    const changes: unknown[] = [];
    // Margins of 400 ms either side of each deadline: a loaded machine (the whole suite on two cores) delays timers.
    const hooks = new TestWebhooks(await storeWithWorkflows(), {
      listenMs: 1000,
      onChange: (id, s) => changes.push([id, s === null ? null : 'on']),
    });
    await hooks.listen('wf1', 'ann', definition({ path: 'orders' }));
    await new Promise((r) => setTimeout(r, 600));
    await hooks.listen('wf1', 'ann', definition({ path: 'orders' }));
    // Past the first deadline, before the renewed one.
    await new Promise((r) => setTimeout(r, 600));
    expect(await hooks.find('GET', 'orders')).toBeDefined();
    await new Promise((r) => setTimeout(r, 1000));
    expect(await hooks.find('GET', 'orders')).toBeUndefined();
    expect(changes).toEqual([
      ['wf1', 'on'],
      ['wf1', 'on'],
      ['wf1', null],
    ]);
    hooks.close();
  });

  it('refuse a path another workflow listens on, and a workflow without webhook paths', async () => {
    const hooks = new TestWebhooks(await storeWithWorkflows(), { listenMs: 60_000 });
    await hooks.listen('wf1', 'ann', definition({ path: 'orders' }));
    await expect(hooks.listen('wf2', 'ben', definition({ path: 'orders' }))).rejects.toThrow(
      /Another workflow is listening for test events on GET \/webhook-test\/orders/,
    );
    await expect(hooks.listen('wf2', 'ben', definition({ path: '' }, { path: 'x', disabled: true }))).rejects.toThrow(
      /no enabled Webhook node/,
    );
    // Renewing one's own listening is fine; stopping frees the path for others.
    await hooks.listen('wf1', 'ann', definition({ path: 'orders' }));
    await hooks.stop('wf1');
    expect((await hooks.listen('wf2', 'ben', definition({ path: 'orders' }))).paths).toEqual(['orders']);
    hooks.close();
  });
});
