import { describe, expect, it } from 'vitest';
import type { WorkflowDefinition } from '#shared/schema/definition.ts';
import { TestWebhooks } from './test-webhooks.ts';

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
  it('serve a listening workflow its paths until the deadline, then nothing', () => {
    let now = 1_000;
    const changes: unknown[] = [];
    const hooks = new TestWebhooks({ now: () => now, listenMs: 120_000, onChange: (id, s) => changes.push([id, s]) });
    expect(hooks.find('POST', 'orders')).toBeUndefined();
    const state = hooks.listen('wf1', 'ann', definition({ path: '/orders/', method: 'POST' }, { path: 'ping' }));
    expect(state).toEqual({ expiresAt: 121_000, paths: ['orders', 'ping'] });
    expect(hooks.find('POST', 'orders')).toMatchObject({ workflowId: 'wf1', userId: 'ann' });
    expect(hooks.find('GET', 'orders')).toBeUndefined();
    expect(hooks.find('HEAD', 'ping')?.workflowId).toBe('wf1');
    now = 121_001;
    expect(hooks.find('POST', 'orders')).toBeUndefined();
    hooks.close();
    expect(changes).toEqual([
      ['wf1', state],
      ['wf1', null],
    ]);
  });

  it('refuse a path another workflow listens on, and a workflow without webhook paths', () => {
    const hooks = new TestWebhooks({ listenMs: 60_000 });
    hooks.listen('wf1', 'ann', definition({ path: 'orders' }));
    expect(() => hooks.listen('wf2', 'ben', definition({ path: 'orders' }))).toThrow(/Another workflow is listening/);
    expect(() => hooks.listen('wf2', 'ben', definition({ path: '' }, { path: 'x', disabled: true }))).toThrow(
      /no enabled Webhook node/,
    );
    // Renewing one's own listening is fine; stopping frees the path for others.
    hooks.listen('wf1', 'ann', definition({ path: 'orders' }));
    hooks.stop('wf1');
    expect(hooks.listen('wf2', 'ben', definition({ path: 'orders' })).paths).toEqual(['orders']);
    hooks.close();
  });
});
