import { describe, expect, it } from 'vitest';
import { PresenceIndex } from './presence-index.ts';

describe('PresenceIndex', () => {
  it('counts sockets per person, merges other instances, and forgets an instance that went quiet', () => {
    const changed: string[] = [];
    const index = new PresenceIndex((id) => changed.push(id));
    index.join('w1', 'ann');
    index.join('w1', 'ann'); // a second tab: no change
    expect(changed).toEqual(['w1']);
    index.leave('w1', 'ann');
    expect(index.users('w1')).toEqual(['ann']);
    index.hear('other', { w1: ['ben', 'ann'], w2: ['cara'] }, true, 1_000);
    expect(index.users('w1').sort()).toEqual(['ann', 'ben']);
    expect(index.occupied().sort()).toEqual(['w1', 'w2']);
    // A partial update replaces only the workflows it names.
    index.hear('other', { w2: [] }, false, 2_000);
    expect(index.users('w2')).toEqual([]);
    expect(index.users('w1').sort()).toEqual(['ann', 'ben']);
    // Not heard from since 2,000: gone, and its workflows are announced as changed.
    changed.length = 0;
    index.expire(2_001);
    expect(index.users('w1')).toEqual(['ann']);
    expect(changed).toEqual(['w1']);
    index.leave('w1', 'ann');
    index.leave('w1', 'ann'); // more leaves than joins do nothing
    expect(index.occupied()).toEqual([]);
  });
});
