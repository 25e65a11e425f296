import { describe, expect, it } from 'vitest';
import { liveAwareness, mergeLive, parseLiveState, type LiveState } from './live-state.ts';

const execution = (
  createdAt: number,
  id: string,
  version: number,
  status: 'queued' | 'running' | 'succeeded' = 'running',
): LiveState => ({
  v: 1,
  execution: {
    createdAt,
    version,
    value: { id, status, nodes: version > 0 ? { n1: { status: 'succeeded', runs: version } } : {} },
  },
});

/** Instances merge live status in whatever order news arrives (docs/plans/scale-out.md §5.7). */
describe('live state merge', () => {
  it('a later execution replaces an older one; within one, an ended one and then more events win', () => {
    expect(mergeLive(execution(5, 'b', 0), execution(4, 'z', 9)).execution?.value.id).toBe('b');
    expect(mergeLive(execution(4, 'a', 9), execution(4, 'b', 0)).execution?.value.id).toBe('b');
    expect(mergeLive(execution(4, 'a', 3), execution(4, 'a', 2)).execution?.version).toBe(3);
    const ended = execution(4, 'a', 2, 'succeeded');
    expect(mergeLive(execution(4, 'a', 7), ended).execution?.value.status).toBe('succeeded');
  });

  it('trigger and test listening are registers of their own, by time; a stop (null) travels too', () => {
    const a: LiveState = { v: 1, trigger: { at: 10, value: { active: true, publishedHash: 'h1' } } };
    const b: LiveState = { v: 1, trigger: { at: 11, value: { active: false, publishedHash: 'h1' } } };
    const listen: LiveState = { v: 1, testWebhook: { at: 5, value: { expiresAt: 99, paths: ['p'] } } };
    const stop: LiveState = { v: 1, testWebhook: { at: 6, value: null } };
    const merged = [a, execution(1, 'x', 1), b, listen, stop].reduce<LiveState | undefined>(mergeLive, undefined);
    expect(merged?.trigger?.value.active).toBe(false);
    expect(merged?.execution?.value.id).toBe('x');
    expect(liveAwareness(mergeLive(merged, undefined))).toEqual({
      server: true,
      execution: { id: 'x', status: 'running', nodes: { n1: { status: 'succeeded', runs: 1 } } },
      trigger: { active: false, publishedHash: 'h1' },
    });
    expect(liveAwareness(mergeLive(listen, a)).testWebhook).toEqual({ expiresAt: 99, paths: ['p'] });
  });

  it('any order, with duplicates, gives the same state (seeded)', () => {
    const seed = 20261204;
    console.log(`live state merge seed ${seed}`);
    let s = seed;
    const random = () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
    for (let round = 0; round < 200; round++) {
      const news: LiveState[] = Array.from({ length: 2 + Math.floor(random() * 8) }, () => {
        const kind = pick(['execution', 'trigger', 'testWebhook'] as const);
        if (kind === 'execution')
          return execution(pick([1, 2]), pick(['a', 'b']), pick([0, 1, 2]), pick(['running', 'succeeded'] as const));
        if (kind === 'trigger')
          return { v: 1, trigger: { at: pick([1, 2, 3]), value: { active: random() < 0.5, publishedHash: null } } };
        return { v: 1, testWebhook: { at: pick([1, 2]), value: random() < 0.5 ? null : { expiresAt: 1, paths: [] } } };
      });
      const inOrder = news.reduce<LiveState | undefined>(mergeLive, undefined);
      const shuffled = [...news, ...news.filter(() => random() < 0.3)].sort(() => random() - 0.5);
      const scrambled = shuffled.reduce<LiveState | undefined>(mergeLive, undefined);
      expect(JSON.stringify(liveAwareness(scrambled as LiveState)), `seed ${seed}, round ${round}`).toBe(
        JSON.stringify(liveAwareness(inOrder as LiveState)),
      );
    }
  });

  it('drops a message of another version, or not of the contract', () => {
    const good = JSON.stringify(execution(1, 'a', 1));
    expect(parseLiveState(good)?.execution?.value.id).toBe('a');
    expect(parseLiveState(JSON.stringify({ ...execution(1, 'a', 1), v: 2 }))).toBeUndefined();
    expect(parseLiveState('{"v":1,"execution":{"id":"a"}}')).toBeUndefined();
    expect(parseLiveState('not json')).toBeUndefined();
  });
});
