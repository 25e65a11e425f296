import { describe, expect, it } from 'vitest';
import {
  executionLiveStatusSchema,
  nodeLiveStatusSchema,
  serverAwarenessStateSchema,
  triggerLiveStateSchema,
  type ServerAwarenessState,
} from './live.ts';

const full: ServerAwarenessState = {
  server: true,
  execution: {
    id: 'e1',
    status: 'failed',
    error: 'Boom',
    nodes: {
      start: { status: 'succeeded', runs: 1, itemsOut: { main: 1 }, durationMs: 2, at: 1_000 },
      boom: { status: 'failed', runs: 1, error: 'Boom', durationMs: 5, at: 1_005 },
      after: { status: 'skipped', runs: 0 },
    },
  },
  trigger: { active: true, publishedHash: 'abc' },
  testWebhook: { expiresAt: 2_000, paths: ['orders/new'] },
  mode: {
    mode: 'pen',
    reason: 'release day',
    setBy: 'ann',
    setAt: 1_000,
    pen: { holder: 'ben', since: 1_100, idleReleaseAt: 601_100, requests: [{ userId: 'cat', at: 1_200 }] },
  },
};

describe('live status in the room (the server awareness entry)', () => {
  it('takes every field the server publishes, unchanged', () => {
    expect(serverAwarenessStateSchema.parse(full)).toEqual(full);
    expect(serverAwarenessStateSchema.parse({ server: true })).toEqual({ server: true });
    expect(triggerLiveStateSchema.parse({ active: false, publishedHash: null })).toEqual({
      active: false,
      publishedHash: null,
    });
  });

  it('only the server entry: a peer without `server: true` is not it', () => {
    for (const server of [false, 'true', 1, undefined])
      expect(serverAwarenessStateSchema.safeParse({ ...full, server }).success, String(server)).toBe(false);
  });

  it('tolerates fields a newer server adds, and leaves them out', () => {
    const parsed = serverAwarenessStateSchema.parse({
      ...full,
      presence: 'new',
      execution: { ...full.execution, mode: 'manual' },
    });
    expect(parsed).toEqual(full);
  });

  it('refuses statuses neither the engine nor the executions know', () => {
    expect(nodeLiveStatusSchema.safeParse({ status: 'paused', runs: 1 }).success).toBe(false);
    expect(nodeLiveStatusSchema.safeParse({ status: 'canceled', runs: 1 }).success).toBe(false);
    expect(executionLiveStatusSchema.safeParse({ id: 'e', status: 'skipped', nodes: {} }).success).toBe(false);
    expect(executionLiveStatusSchema.safeParse({ id: 'e', status: 'canceled', nodes: {} }).success).toBe(true);
  });

  it('refuses malformed parts', () => {
    const bad: unknown[] = [
      { ...full, mode: { ...full.mode, mode: 'frozen' } },
      { ...full, mode: { ...full.mode, pen: { holder: 'ben' } } },
      { ...full, execution: { id: 'e1', status: 'running' } },
      { ...full, execution: { id: 1, status: 'running', nodes: {} } },
      { ...full, execution: { ...full.execution, nodes: { n: { status: 'running', runs: -1 } } } },
      {
        ...full,
        execution: { ...full.execution, nodes: { n: { status: 'running', runs: 1, itemsOut: { main: 'x' } } } },
      },
      { ...full, trigger: { active: 'yes', publishedHash: null } },
      { ...full, trigger: { active: true } },
      { ...full, testWebhook: { expiresAt: 'soon', paths: [] } },
      { ...full, testWebhook: { expiresAt: 2_000, paths: 'orders' } },
    ];
    for (const value of bad)
      expect(serverAwarenessStateSchema.safeParse(value).success, JSON.stringify(value)).toBe(false);
  });
});
