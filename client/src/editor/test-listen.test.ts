import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { applyAwarenessUpdate, Awareness, encodeAwarenessUpdate } from 'y-protocols/awareness';
import * as Y from 'yjs';
import type { TestWebhookListenDto } from '#shared/api/access.ts';
import { readTestListen, TestListen, testWebhookUrl, type ListenRequest } from './test-listen.ts';

/** A client's awareness and the server's entry in it, as the relay would deliver it. */
const room = () => {
  const client = new Awareness(new Y.Doc());
  const server = new Awareness(new Y.Doc());
  const announce = (state: Record<string, unknown>) => {
    server.setLocalState(state);
    applyAwarenessUpdate(client, encodeAwarenessUpdate(server, [server.clientID]), 'server');
  };
  return { client, announce, destroy: () => [client, server].forEach((a) => a.destroy()) };
};

let now = 1_000_000;
const clock = () => now;

beforeEach(() => {
  vi.useFakeTimers();
  now = 1_000_000;
});
afterEach(() => {
  vi.useRealTimers();
});

/** Moves this device's clock and its timers together. */
const advance = (ms: number) => {
  now += ms;
  vi.advanceTimersByTime(ms);
};

const listening = (expiresAt: number, paths = ['orders']): TestWebhookListenDto => ({ expiresAt, paths });

describe('TestListen', () => {
  it('follows what the server announces in the room, and ends at the deadline', () => {
    const r = room();
    const seen: (TestWebhookListenDto | null)[] = [];
    const listen = new TestListen(r.client, 'wf1', () => Promise.resolve(undefined), clock);
    listen.subscribe(() => seen.push(listen.getState()));
    expect(listen.getState()).toBeNull();
    r.announce({ server: true, testWebhook: listening(now + 120_000) });
    expect(listen.getState()).toEqual(listening(now + 120_000));
    advance(119_000);
    expect(listen.getState()).not.toBeNull();
    // The room's "stopped" can be late: the deadline on this clock ends it.
    advance(1_000);
    expect(listen.getState()).toBeNull();
    expect(seen).toEqual([listening(1_120_000), null]);
    listen.destroy();
    r.destroy();
  });

  it('shows its own answer until the room speaks, then the room: someone else stopping ends it', async () => {
    const r = room();
    const calls: string[] = [];
    const request: ListenRequest = (method, path) => {
      calls.push(`${method} ${path}`);
      return Promise.resolve(method === 'POST' ? listening(now + 120_000, ['a', 'b/c']) : undefined);
    };
    const listen = new TestListen(r.client, 'wf 1', request, clock);
    await listen.listen();
    expect(calls).toEqual(['POST /api/workflows/wf%201/test-webhook/listen']);
    expect(listen.getState()?.paths).toEqual(['a', 'b/c']);
    r.announce({ server: true, testWebhook: listening(now + 120_000, ['a', 'b/c']) });
    expect(listen.getState()?.paths).toEqual(['a', 'b/c']);
    // A run's status changes the server's entry; the listening part is the same.
    r.announce({
      server: true,
      execution: { id: 'e1', status: 'running' },
      testWebhook: listening(now + 120_000, ['a', 'b/c']),
    });
    expect(listen.getState()).not.toBeNull();
    r.announce({ server: true });
    expect(listen.getState()).toBeNull();
    listen.destroy();
    r.destroy();
  });

  it('stop asks the server to stop and ends it here; a refused stop keeps it', async () => {
    const r = room();
    let refuse = false;
    const request: ListenRequest = (method) =>
      method === 'DELETE' && refuse ? Promise.reject(new Error('no')) : Promise.resolve(listening(now + 60_000));
    const listen = new TestListen(r.client, 'wf1', request, clock);
    await listen.listen();
    refuse = true;
    await expect(listen.stop()).rejects.toThrow('no');
    expect(listen.getState()).not.toBeNull();
    refuse = false;
    await listen.stop();
    expect(listen.getState()).toBeNull();
    listen.destroy();
    r.destroy();
  });

  it('believes only the server entry, and only a well-formed one', () => {
    const r = room();
    const listen = new TestListen(r.client, 'wf1', () => Promise.resolve(undefined), clock);
    r.announce({ server: false, testWebhook: listening(now + 1000) });
    expect(listen.getState()).toBeNull();
    for (const bad of [
      'x',
      { expiresAt: 'soon', paths: ['a'] },
      { expiresAt: now + 1000, paths: 'a' },
      { expiresAt: now + 1000, paths: [''] },
      { expiresAt: Infinity, paths: ['a'] },
      { expiresAt: now + 1000, paths: Array.from({ length: 101 }, (_, i) => `p${i}`) },
    ]) {
      r.announce({ server: true, testWebhook: bad });
      expect(listen.getState(), JSON.stringify(bad)).toBeNull();
    }
    expect(readTestListen(null)).toBeNull();
    listen.destroy();
    r.destroy();
  });

  it('never asks for a timer longer than a 32-bit delay (browsers fire those at once, over and over)', () => {
    const r = room();
    const listen = new TestListen(r.client, 'wf1', () => Promise.resolve(undefined), clock);
    const timeouts = vi.spyOn(globalThis, 'setTimeout');
    r.announce({ server: true, testWebhook: listening(now + 2 ** 40) });
    expect(listen.getState()).not.toBeNull();
    const delays = timeouts.mock.calls.map((call) => call[1] ?? 0);
    expect(delays.length).toBeGreaterThan(0);
    expect(Math.max(...delays)).toBeLessThanOrEqual(2 ** 31 - 1);
    timeouts.mockRestore();
    listen.destroy();
    r.destroy();
  });
});

describe('testWebhookUrl', () => {
  it('puts the path under /webhook-test/, each segment encoded', () => {
    expect(testWebhookUrl('http://127.0.0.1:8787', 'orders')).toBe('http://127.0.0.1:8787/webhook-test/orders');
    expect(testWebhookUrl('https://weft.example', 'a b/c?d')).toBe('https://weft.example/webhook-test/a%20b/c%3Fd');
  });
});
