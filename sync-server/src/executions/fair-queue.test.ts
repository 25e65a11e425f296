import { describe, expect, it } from 'vitest';
import { FairQueue } from './fair-queue.ts';

describe('fair queue', () => {
  it("serves workflows in turn, each in its own order, so one workflow's flood waits behind nobody else's run", () => {
    const queue = new FairQueue();
    for (let i = 0; i < 5; i++) queue.push(`flood${i}`, 'flood');
    queue.push('calm0', 'calm');
    queue.push('calm1', 'calm');
    const order: string[] = [];
    for (let next = queue.next(() => true); next; next = queue.next(() => true)) order.push(next.id);
    expect(order).toEqual(['flood0', 'calm0', 'flood1', 'calm1', 'flood2', 'flood3', 'flood4']);
    expect(queue.size).toBe(0);
  });

  it('skips a workflow that may not start now, and removes by id or workflow', () => {
    const queue = new FairQueue();
    queue.push('a0', 'a');
    queue.push('a1', 'a');
    queue.push('b0', 'b');
    queue.push('c0', 'c');
    expect(queue.next((w) => w !== 'a')).toEqual({ id: 'b0', workflowId: 'b' });
    expect(queue.remove('c0')).toBe('c');
    expect(queue.count('a')).toBe(2);
    expect(queue.next((w) => w !== 'a')).toBeUndefined();
    expect(queue.removeWorkflow('a')).toEqual(['a0', 'a1']);
    expect(queue.size).toBe(0);
  });
});
