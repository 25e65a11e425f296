import { describe, expect, it } from 'vitest';
import { Backpressure } from './backpressure.ts';

describe('Backpressure (SPEC SYNC8)', () => {
  const MB = 1024 * 1024;

  it('keeps a socket under the bound', () => {
    const bp = new Backpressure(2 * MB);
    bp.wrote(MB);
    expect(bp.shouldDrop(MB, 0)).toBe(false);
    expect(bp.shouldDrop(MB, 60_000)).toBe(false);
  });

  it('drops a socket over the bound that drains nothing for the stall time', () => {
    const bp = new Backpressure(2 * MB, 1000);
    bp.wrote(3 * MB);
    expect(bp.shouldDrop(3 * MB, 0)).toBe(false);
    bp.wrote(100_000);
    expect(bp.shouldDrop(3 * MB + 100_000, 500)).toBe(false);
    bp.wrote(100_000);
    expect(bp.shouldDrop(3 * MB + 200_000, 1000)).toBe(true);
  });

  it('keeps a slow reader that keeps draining, until the hard limit', () => {
    const bp = new Backpressure(2 * MB, 1000, 8);
    let unsent = 0;
    let now = 0;
    // The room sends 1 MB/s; the reader drains 0.5 MB/s: behind, but moving.
    for (let second = 0; second < 20; second++) {
      bp.wrote(MB);
      unsent += MB - MB / 2;
      now += 1000;
      expect(bp.shouldDrop(unsent, now), `second ${second}`).toBe(false);
    }
    bp.wrote(8 * MB);
    unsent += 8 * MB;
    expect(bp.shouldDrop(unsent, now + 1)).toBe(true);
  });

  it('forgets an episode once the backlog is back under the bound', () => {
    const bp = new Backpressure(2 * MB, 1000);
    bp.wrote(3 * MB);
    expect(bp.shouldDrop(3 * MB, 0)).toBe(false);
    expect(bp.shouldDrop(MB, 900)).toBe(false);
    bp.wrote(2 * MB);
    expect(bp.shouldDrop(3 * MB, 1500)).toBe(false);
    expect(bp.shouldDrop(3 * MB, 2400)).toBe(false);
    expect(bp.shouldDrop(3 * MB, 2500)).toBe(true);
  });
});
