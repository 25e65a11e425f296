import { describe, expect, it } from 'vitest';
import { createId, createTimeOrderedId, ID_PATTERN } from './ids.ts';

describe('createTimeOrderedId', () => {
  it('has createId’s shape and sorts as bytes by the millisecond it was made', () => {
    const seed = Date.now();
    let at = 0;
    const times = [0, 1, 61, 62, 3843, 3844, 1_700_000_000_000, seed, seed + 1, 218_340_105_584_895];
    try {
      const ids = times.map((t) => createTimeOrderedId(t));
      for (const id of ids) expect(id).toMatch(ID_PATTERN);
      for (const id of ids) expect(id).toHaveLength(16);
      for (at = 1; at < ids.length; at++) {
        // Compared as SQLite's BINARY collation does: byte by byte.
        expect(Buffer.compare(Buffer.from(ids[at - 1] ?? ''), Buffer.from(ids[at] ?? ''))).toBe(-1);
      }
      // Random times, in any order: the ids sort as the times do.
      const random = Array.from({ length: 500 }, (_, i) => (seed * (i + 7)) % 200_000_000_000_000);
      const sorted = random.map((t) => ({ t, id: createTimeOrderedId(t) })).sort((a, b) => (a.id < b.id ? -1 : 1));
      expect(sorted.map((x) => x.t)).toEqual([...random].sort((a, b) => a - b));
    } catch (error) {
      throw new Error(`seed ${seed}, step ${at}: ${String(error)}`);
    }
  });

  it('differs between ids made in the same millisecond', () => {
    const ids = new Set(Array.from({ length: 10_000 }, () => createTimeOrderedId(1_800_000_000_000)));
    expect(ids.size).toBe(10_000);
  });
});

describe('createId', () => {
  it('draws every letter about equally often, across many refills of its random pool', () => {
    const counts = new Map<string, number>();
    const ids = new Set<string>();
    for (let i = 0; i < 20_000; i++) {
      const id = createId();
      expect(id).toMatch(/^[A-Za-z0-9]{16}$/);
      ids.add(id);
      for (const c of id) counts.set(c, (counts.get(c) ?? 0) + 1);
    }
    expect(ids.size).toBe(20_000);
    expect(counts.size).toBe(62);
    // 320,000 letters: 5,161 ± 71 each expected; a biased draw (byte % 62 without rejection) gives the first
    // eight letters ~6,250.
    for (const n of counts.values()) expect(Math.abs(n - 320_000 / 62)).toBeLessThan(400);
    expect(createId(40)).toHaveLength(40);
  });
});
